/**
 * `npx tsx scripts/gen-known-fields.ts`: writes src/engine/known-fields.json, the fields each kind
 * bplus validates may have, read with the TypeScript compiler from the interfaces the
 * kubernetes-models family declares (the same OpenAPI its validators are generated from). Those
 * validators do not forbid unknown fields; this map lets the `schema` rule do it, as kubeconform's
 * strict mode and the API server's strict field validation do. `--check` fails when it is stale.
 *
 * Format: `roots` maps `<apiVersion> <kind>` to a type name; `types` maps a type name to its fields,
 * each field's value being a type name (an object), `[]<type>` (a list), `{}<type>` (a map with
 * any keys), or null (a scalar, or free-form data whose keys are not checked).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const OUTPUT = `${root}src/engine/known-fields.json`;

/** The kinds bplus validates for unknown fields: those its rules read, and the CRDs of the platform. */
const ROOTS: Array<[apiVersion: string, kind: string, module: string]> = [
  ...[
    'Namespace',
    'Pod',
    'ReplicationController',
    'Service',
    'ConfigMap',
    'Secret',
    'ServiceAccount',
    'PersistentVolumeClaim',
    'PersistentVolume',
    'LimitRange',
    'ResourceQuota',
  ].map((k): [string, string, string] => ['v1', k, `kubernetes-models/v1/${k}`]),
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((k): [string, string, string] => ['apps/v1', k, `kubernetes-models/apps/v1/${k}`]),
  ...['Job', 'CronJob'].map((k): [string, string, string] => ['batch/v1', k, `kubernetes-models/batch/v1/${k}`]),
  ...['Ingress', 'IngressClass', 'NetworkPolicy'].map((k): [string, string, string] => [
    'networking.k8s.io/v1',
    k,
    `kubernetes-models/networking.k8s.io/v1/${k}`,
  ]),
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler'],
  ['policy/v1', 'PodDisruptionBudget', 'kubernetes-models/policy/v1/PodDisruptionBudget'],
  ...['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].map((k): [string, string, string] => [
    'rbac.authorization.k8s.io/v1',
    k,
    `kubernetes-models/rbac.authorization.k8s.io/v1/${k}`,
  ]),
  ['storage.k8s.io/v1', 'StorageClass', 'kubernetes-models/storage.k8s.io/v1/StorageClass'],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'kubernetes-models/scheduling.k8s.io/v1/PriorityClass'],
  ...['ScaledObject', 'ScaledJob', 'TriggerAuthentication', 'ClusterTriggerAuthentication'].map((k): [string, string, string] => [
    'keda.sh/v1alpha1',
    k,
    `@kubernetes-models/keda/keda.sh/v1alpha1/${k}`,
  ]),
  ['bitnami.com/v1alpha1', 'SealedSecret', '@kubernetes-models/sealed-secrets/bitnami.com/v1alpha1/SealedSecret'],
];

export interface KnownFields {
  roots: Record<string, string>;
  types: Record<string, Record<string, string | null>>;
}

export function generateKnownFields(): KnownFields {
  const entry = `${root}scripts/.known-fields-entry.ts`;
  const source = ROOTS.map(([, kind, module], i) => `import type { I${kind} as T${i} } from '${module}';\nexport type R${i} = T${i};`).join('\n');
  const host = ts.createCompilerHost({ module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true });
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (file === entry ? source : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === entry || fileExists(file);
  const program = ts.createProgram(
    [entry],
    { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, strict: true, skipLibCheck: true, noEmit: true },
    host,
  );
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(entry);
  if (!file) throw new Error('entry not compiled');
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error('entry has no module symbol');
  const exports = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));

  const types: KnownFields['types'] = {};
  const roots: KnownFields['roots'] = {};

  // Short names (`IObjectMeta`) read well; two distinct types with one name get a numbered suffix.
  const names = new Map<ts.Type, string>();
  const taken = new Set<string>();
  const nameOf = (type: ts.Type): string => {
    const known = names.get(type);
    if (known) return known;
    const base = checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    names.set(type, name);
    taken.add(name);
    return name;
  };

  /** The field value notation for a property type; registers object types as it goes. */
  const describe = (type: ts.Type): string | null => {
    const t = checker.getNonNullableType(type);
    if (checker.isArrayType(t)) {
      // Sound: isArrayType is true only for Array<T> and T[], which are type references.
      const element = checker.getTypeArguments(t as ts.TypeReference)[0];
      const inner = element ? describe(element) : null;
      return inner === null ? null : `[]${inner}`;
    }
    if (t.isUnion()) {
      // A union of objects (rare) or of scalars (IntOrString, Quantity, enums): not descended.
      const objects = t.types.filter((u) => isObjectWithFields(u));
      return objects.length === 1 && objects[0] ? describe(objects[0]) : null;
    }
    const index = checker.getIndexInfoOfType(t, ts.IndexKind.String);
    if (index && checker.getPropertiesOfType(t).length === 0) {
      const inner = describe(index.type);
      return inner === null ? null : `{}${inner}`;
    }
    if (!isObjectWithFields(t)) return null;
    const seen = names.has(t);
    const name = nameOf(t);
    if (!seen) {
      const fields: Record<string, string | null> = {};
      types[name] = fields;
      for (const property of checker.getPropertiesOfType(t)) {
        const declaration = property.valueDeclaration ?? property.declarations?.[0];
        if (!declaration) continue;
        fields[property.name] = describe(checker.getTypeOfSymbolAtLocation(property, declaration));
      }
    }
    return name;
  };

  function isObjectWithFields(type: ts.Type): boolean {
    return (type.flags & ts.TypeFlags.Object) !== 0 && checker.getPropertiesOfType(type).length > 0 && !checker.getIndexInfoOfType(type, ts.IndexKind.String);
  }

  ROOTS.forEach(([apiVersion, kind], i) => {
    const symbol = exports.get(`R${i}`);
    if (!symbol) throw new Error(`${apiVersion} ${kind}: not exported`);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    if (checker.getPropertiesOfType(type).length === 0) throw new Error(`${apiVersion} ${kind}: the model's interface could not be read`);
    const name = describe(type);
    if (!name) throw new Error(`${apiVersion} ${kind}: not an object type`);
    roots[`${apiVersion} ${kind}`] = name;
  });
  return { roots, types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}

export function knownFieldsText(): string {
  return `${JSON.stringify(generateKnownFields())}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = knownFieldsText();
  if (process.argv.includes('--check')) {
    if (readFileSync(OUTPUT, 'utf8') !== text) {
      console.error('src/engine/known-fields.json is out of date (run npx tsx scripts/gen-known-fields.ts)');
      process.exit(1);
    }
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT} (${text.length} bytes)`);
  }
}
