/**
 * Objects the API server would reject: each object validated against the JSON schema of its kind,
 * as kubeconform does, with the validators the kubernetes-models family generates from the
 * Kubernetes OpenAPI (the 1.34 API in kubernetes-models 5.1), KEDA's CRDs (@kubernetes-models/keda)
 * and Bitnami's SealedSecret (@kubernetes-models/sealed-secrets). A wrong type, a value outside an
 * enum or a missing required field is reported on its line.
 *
 * What is judged: plain manifests and what Helm rendered of every chart (docs/helm.md).
 *
 * Unknown fields: the generated validators accept them (the OpenAPI has no
 * `additionalProperties: false`), while the API server's strict field validation (kubectl's
 * default) and kubeconform's strict mode reject them. `known-fields.json`, read from the same
 * models' type declarations (scripts/gen-known-fields.ts), lists the fields of every kind bplus
 * reads; a field outside it is reported. Kinds without a model (other CRDs) are not validated.
 *
 * Validators are loaded asynchronously, once per kind a review meets (`loadValidators`), so that a
 * review pays only for the kinds it has; the check itself is synchronous, as rules are.
 */
import type { K8sObject, ValuePath } from '../types.ts';
import knownFields from './known-fields.json' with { type: 'json' };

const FIELDS = knownFields as { roots: Record<string, string>; types: Record<string, Record<string, string | null>> };

interface ModelClass {
  prototype: { validate(this: unknown): void };
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

export interface SchemaProblem {
  /** Where to point: the offending value, or the object holding a missing field. */
  path: ValuePath;
  /** `spec.replicas must be integer`: the field and what is wrong, never the value. */
  message: string;
}

/** API group → the package whose models cover it. */
const CRD_PACKAGES: Record<string, string> = {
  'keda.sh': '@kubernetes-models/keda',
  'eventing.keda.sh': '@kubernetes-models/keda',
  'bitnami.com': '@kubernetes-models/sealed-secrets',
};

const validators = new Map<string, ModelClass | null>();

function keyOf(apiVersion: string, kind: string): string {
  return `${apiVersion}\u0000${kind}`;
}

/** The module that exports the model of `apiVersion`/`kind`, or undefined when no package has it. */
function modulePathOf(apiVersion: string, kind: string): string | undefined {
  if (!/^[A-Za-z0-9]+$/.test(kind)) return undefined;
  const slash = apiVersion.indexOf('/');
  if (slash < 0) return /^v\d+$/.test(apiVersion) ? `kubernetes-models/${apiVersion}/${kind}` : undefined;
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  if (!/^[a-z0-9.-]+$/.test(group) || !/^v\d+(?:(?:alpha|beta)\d+)?$/.test(version)) return undefined;
  const pkg = CRD_PACKAGES[group] ?? (group.endsWith('.k8s.io') || !group.includes('.') ? 'kubernetes-models' : undefined);
  return pkg ? `${pkg}/${group}/${version}/${kind}` : undefined;
}

/** Loads the validator of every kind among `objects` that a package models; unknown kinds load nothing. */
export async function loadValidators(objects: readonly K8sObject[]): Promise<void> {
  const wanted = new Map<string, { apiVersion: string; kind: string }>();
  for (const o of objects) {
    const key = keyOf(o.apiVersion, o.kind);
    if (!validators.has(key)) wanted.set(key, { apiVersion: o.apiVersion, kind: o.kind });
  }
  await Promise.all(
    [...wanted].map(async ([key, { apiVersion, kind }]) => {
      const modulePath = modulePathOf(apiVersion, kind);
      let model: ModelClass | null = null;
      if (modulePath) {
        try {
          const module = (await import(modulePath)) as Record<string, unknown>;
          model = typeof module[kind] === 'function' ? module[kind] : null;
        } catch {
          model = null; // no such kind in that API version: not ours to judge
        }
      }
      validators.set(key, model);
    }),
  );
}

/** Whether an object is input bplus should validate (see the module comment). */
export function isValidatable(object: K8sObject): boolean {
  // Everything is what Helm rendered or a plain manifest: real input, validated as such.
  if (object.origin.type === 'manifest' && object.origin.chart !== undefined && containsTemplate(object.raw)) return false;
  return true;
}

/** Keys and values alike; one native serialisation is cheaper than a walk in script. */
function containsTemplate(value: unknown): boolean {
  return JSON.stringify(value).includes('{{');
}

/** Problems of one object, or undefined when its kind's validator is not loaded or none exists. */
export function validateObject(object: K8sObject): SchemaProblem[] | undefined {
  const model = validators.get(keyOf(object.apiVersion, object.kind));
  if (!model) return undefined;
  const unknown = unknownFields(object);
  try {
    // The model's validate() reads only `this`: called on the parsed object itself, it skips the
    // deep copy the model's constructor makes (most of the cost on large ConfigMaps).
    model.prototype.validate.call(object.raw);
    return unknown;
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!Array.isArray(errors)) return [...unknown, { path: [], message: `could not be validated (${(error as Error).message})` }];
    return dedupe([...unknown, ...errors.map(toProblem)]);
  }
}

/** Fields the kind does not have, walked along the known-fields map (lists and maps included). */
export function unknownFields(object: K8sObject): SchemaProblem[] {
  const root = FIELDS.roots[`${object.apiVersion} ${object.kind}`];
  if (!root) return [];
  const problems: SchemaProblem[] = [];
  const visit = (value: unknown, type: string, path: ValuePath): void => {
    if (type.startsWith('[]')) {
      if (Array.isArray(value)) value.forEach((item, i) => visit(item, type.slice(2), [...path, i]));
      return;
    }
    if (type.startsWith('{}')) {
      if (isPlainRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, type.slice(2), [...path, k]);
      return;
    }
    const fields = FIELDS.types[type];
    if (!fields || !isPlainRecord(value)) return; // a wrong type is the validator's to report
    for (const [key, child] of Object.entries(value)) {
      if (!(key in fields)) {
        problems.push({
          path: [...path, key],
          message: `${describePath([...path, key])} is not a field of ${object.kind}${path.length ? ` (${type.replace(/^I/, '')})` : ''}: the API server rejects it under strict field validation, or drops it`,
        });
        continue;
      }
      const childType = fields[key];
      if (childType) visit(child, childType, [...path, key]);
    }
  };
  visit(object.raw, root, []);
  return problems;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function toProblem(error: SchemaError): SchemaProblem {
  const path: ValuePath = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const field = describePath(path);
  if (error.keyword === 'required') {
    const missing = String(error.params.missingProperty);
    return { path, message: `${field ? `${field}.` : ''}${missing} is required` };
  }
  if (error.keyword === 'enum') {
    const allowed = Array.isArray(error.params.allowedValues) ? error.params.allowedValues.map(String).join(', ') : '';
    return { path, message: `${field || '(object)'} must be one of ${allowed}` };
  }
  return { path, message: `${field || '(object)'} ${error.message ?? `fails ${error.keyword}`}` };
}

/** `spec.template.spec.containers[0].ports[0].containerPort`. */
function describePath(path: ValuePath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** anyOf/oneOf branches repeat one mistake several times: keep each message once per place. */
function dedupe(problems: SchemaProblem[]): SchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('\u0000')}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
