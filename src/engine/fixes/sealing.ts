/**
 * The TR-K8S-9 fixes, shared as the sealing helper of the rule kit:
 *
 * - `sealSecretFile`: every plain `kind: Secret` of the file is replaced by its SealedSecret
 *   (src/seal: kubeseal's format, strict scope unless the Secret asks for another), sealed with the
 *   certificate of the Secret's namespace or environment. The other documents and the comments
 *   around the Secret stay; comments inside it go (they sit next to the values). Refused: a Secret
 *   in a Helm template with template actions (what it holds comes from values or is generated:
 *   nothing to seal here), a missing, expired or non-RSA certificate.
 * - `moveCredential`: a credential in clear text in a service chart's `env.KEY` or `config.KEY`
 *   (both reach the container as environment variables), set in exactly one values file, which is
 *   the production overlay (or `values.yaml` of a chart with no other environment), with a sealing
 *   certificate at hand: the value is sealed into the SealedSecret `<service>-credentials` (strict
 *   scope, production namespace; merged into it when it exists, other keys' ciphertext kept) in the
 *   infrastructure chart's templates (else `manifests/`), the key is removed from the values file
 *   and the Secret is added to `secretEnvFrom` in the production overlay, so the container sees the
 *   same variable. Everywhere else (ConfigMaps, env literals in manifests, nested values, values
 *   shared with other environments) the outcome is a precise instruction (`credentialInstruction`).
 *
 * Whatever happens, a note says that the values were pushed in clear text and must be rotated.
 * No message here ever holds a value: keys, names and positions only.
 */
import type { ServiceValues } from '../../model/repository.ts';
import { isRecord, splitDotted } from '../../model/values.ts';
import { isSealingError, mergeSecretIntoYaml, sealSecretsInYaml, type SealedSummary } from '../../seal/index.ts';
import type { Location } from '../../types.ts';
import { addMissing, appendToList, applySplices, deleteKey, documentContentRanges, renderValue, type Splice } from '../../yaml/edit.ts';
import { secretsFix, type FixOutcome, type Fixer, type RuleFix } from '../rule.ts';
import { platformObjectsDirectory, serviceName } from './target.ts';

const RELEASE_NAMESPACE = /^([ \t]*namespace:[ \t]*)\{\{-?\s*\.Release\.Namespace\s*-?\}\}[ \t]*$/gm;
const SECRET_ENV_FROM = 'secretEnvFrom';

export function rotationNote(what: string): string {
  return `${what} reached Git in clear text (it stays in the history and in every clone and fork): rotate it, change the credential where it is used and seal the new value`;
}

/** The plain Secrets of `file` sealed in place; `secret` is the one the finding is about. */
export function sealSecretFile(file: string, secret: { name: string; namespace: string | undefined }): RuleFix {
  return secretsFix((fixer) => sealFile(fixer, file, secret));
}

async function sealFile(fixer: Fixer, file: string, secret: { name: string; namespace: string | undefined }): Promise<FixOutcome> {
  const name = secret.name || '(unnamed)';
  const memoKey = `seal:${file}`;
  const done = fixer.memo.get(memoKey);
  if (done instanceof Set)
    return done.has(name) ? { status: 'covered' } : { status: 'skipped', reason: `Secret ${name} in ${file} could not be sealed with the others` };

  const text = await fixer.tree.read(file);
  if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
  const production = fixer.config.production.namespace;
  const namespace = secret.namespace && !secret.namespace.includes('{{') ? secret.namespace : production;
  const choice = await fixer.certificateFor({ namespace, environment: fixer.config.production.environments[0] });
  fixer.note(rotationNote(`Secret ${namespace}/${name}`));
  if (!choice.ok) return { status: 'skipped', reason: `Secret ${name} was not sealed: ${choice.reason}` };
  const sealed: SealedSummary[] = [];
  const splices: Splice[] = [];
  for (const range of documentContentRanges(text)) {
    const slice = text.slice(range.start, range.end);
    if (!/^kind:[ \t]*["']?Secret["']?[ \t]*$/m.test(slice)) continue;
    // A chart template's `namespace: {{ .Release.Namespace }}` is the production namespace
    // the chart is installed in; the SealedSecret names it (strict scope binds to it).
    const concrete = slice.replace(RELEASE_NAMESPACE, `$1${production}`);
    if (concrete.includes('{{')) {
      return {
        status: 'skipped',
        reason: `the Secret at ${file} is built by Helm template actions: seal it offline (bplus seal SECRET.yaml --cert CERT.pem) and replace the template by the SealedSecret; values that come from .Values must leave the values files too`,
      };
    }
    try {
      let result;
      try {
        result = sealSecretsInYaml(concrete, { certificate: choice.certificate, namespace });
      } catch (error) {
        // This Secret names its own namespace: seal it in that one.
        if (isSealingError(error) && error.code === 'NAMESPACE_MISMATCH') result = sealSecretsInYaml(concrete, { certificate: choice.certificate });
        else throw error;
      }
      if (result.sealed.length === 0) continue;
      splices.push({ ...range, text: result.text });
      sealed.push(...result.sealed);
    } catch (error) {
      // The sealing module's messages name keys and documents, never values.
      const reason = isSealingError(error) ? error.message : 'sealing failed';
      return { status: 'skipped', reason: `Secret ${name} was not sealed: ${reason}` };
    }
  }
  fixer.memo.set(memoKey, new Set(sealed.map((s) => s.name)));
  if (sealed.length === 0) return { status: 'skipped', reason: `no plain Secret with data was found in ${file}` };
  const out = applySplices(text, splices);
  fixer.tree.write(file, out, { sensitive: true });
  for (const s of sealed) if (s.name !== name) fixer.note(rotationNote(`Secret ${s.namespace ? `${s.namespace}/` : ''}${s.name}`));
  return {
    status: 'applied',
    changes: sealed.map((s) => ({
      path: file,
      line: lineOfSealed(out, s.name),
      description: `Secret ${s.namespace ? `${s.namespace}/` : ''}${s.name} replaced by a SealedSecret (${s.keys.length} key${s.keys.length === 1 ? '' : 's'}: ${s.keys.join(', ')}; sealed with ${choice.source})`,
    })),
  };
}

/** The line of the SealedSecret named `name`: its `kind:` line (the last one before its `name:` line). */
function lineOfSealed(text: string, name: string): number {
  const lines = text.split('\n').map((l) => l.trim());
  const kindLines = lines.map((l, i) => (l === 'kind: SealedSecret' ? i + 1 : 0)).filter(Boolean);
  const names = new Set([`name: ${name}`, `name: "${name}"`, `name: '${name}'`]);
  const nameLine = lines.findIndex((l) => names.has(l)) + 1;
  return kindLines.filter((k) => k <= (nameLine || Infinity)).pop() ?? kindLines[0] ?? 1;
}

/** Where a credential was found in a values file: the fix knows its chart, file and key path. */
export interface ValuesCredential {
  values: ServiceValues;
  file: string;
  path: readonly string[];
  at: Location;
}

export function moveCredential(credential: ValuesCredential): RuleFix {
  return secretsFix((fixer) => moveFromValues(fixer, credential));
}

/** A credential that is moved by a person: the fix only says how (and that it must be rotated). */
export function credentialInstruction(at: Location, where: 'values' | 'manifest'): RuleFix {
  return secretsFix((fixer) => Promise.resolve(instruction(fixer, at, where)));
}

async function moveFromValues(fixer: Fixer, { values, file, path, at }: ValuesCredential): Promise<FixOutcome> {
  const layer = values.values.layers.find((l) => l.path === file);
  const text = await fixer.tree.read(file);
  if (!layer?.doc || text === undefined) return instruction(fixer, at, 'values', path);
  fixer.note(rotationNote(`the credential at ${file}: ${path.join('.')}`));

  const envKey = splitDotted(fixer.config.values.env).join('.');
  const configKey = splitDotted(fixer.config.values.config).join('.');
  const parent = path.slice(0, -1).join('.');
  const key = path[path.length - 1]!;
  if (path.length < 2 || (parent !== envKey && parent !== configKey)) {
    return instruction(fixer, at, 'values', path, `only ${envKey}.KEY and ${configKey}.KEY entries are moved automatically`);
  }
  const production = fixer.config.production.environments;
  const overlay = values.chart.environmentFiles.get(values.environment);
  const otherEnvironments = [...values.chart.environmentFiles.keys()].filter((e) => !production.includes(e));
  const setIn = values.values.layers.filter((l) => l.doc?.has(path)).map((l) => l.path);
  const safeFile = file === overlay || (file === values.chart.valuesFile && otherEnvironments.length === 0);
  if (!safeFile || setIn.length !== 1) {
    return instruction(
      fixer,
      at,
      'values',
      path,
      setIn.length > 1 ? `${path.join('.')} is set in ${setIn.join(' and ')}` : `${file} is shared with the environments ${otherEnvironments.join(', ')}`,
    );
  }
  const value = getIn(layer.doc.value, path);
  if ((typeof value !== 'string' && typeof value !== 'number') || String(value).includes('{{')) {
    return instruction(fixer, at, 'values', path, 'the value is not a plain literal');
  }
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) return instruction(fixer, at, 'values', path, 'the key is not a valid Secret key');

  const namespace = fixer.config.production.namespace;
  const choice = await fixer.certificateFor({ namespace, environment: values.environment });
  if (!choice.ok) return instruction(fixer, at, 'values', path, choice.reason);

  const secretName = `${serviceName(values)}-credentials`;
  const sealedFile = `${platformObjectsDirectory(fixer.model).dir}/sealedsecret-${secretName}.yaml`;
  const secretYaml = renderValue({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: secretName, namespace },
    type: 'Opaque',
    stringData: { [key]: String(value) },
  });
  let sealedText: string;
  try {
    const existing = await fixer.tree.read(sealedFile);
    sealedText =
      existing === undefined
        ? `# Credentials of ${serviceName(values)}, moved out of its values by bplus fix. Sealed for ${namespace} (strict scope).\n${sealSecretsInYaml(secretYaml, { certificate: choice.certificate }).text}`
        : mergeSecretIntoYaml(secretYaml, existing, { certificate: choice.certificate }).text;
  } catch (error) {
    return instruction(fixer, at, 'values', path, isSealingError(error) ? error.message : 'sealing failed');
  }

  const removed = deleteKey(text, layer.doc.index, path);
  if (!removed) return instruction(fixer, at, 'values', path, `${path.join('.')} could not be removed from ${file}`);
  let valuesText = removed.text;
  const referenced = values.values.get([SECRET_ENV_FROM]);
  const list = Array.isArray(referenced) ? referenced.map(String) : [];
  const winner = values.values.sourceOf([SECRET_ENV_FROM]);
  if (!list.includes(secretName)) {
    const edit =
      winner === file
        ? appendToList(valuesText, layer.doc.index, [SECRET_ENV_FROM], secretName)
        : addMissing(valuesText, layer.doc.index, [], { [SECRET_ENV_FROM]: [...list, secretName] });
    if (edit) valuesText = edit.text;
  }
  fixer.tree.write(sealedFile, sealedText);
  fixer.tree.write(file, valuesText, { sensitive: true });
  return {
    status: 'applied',
    changes: [
      {
        path: file,
        line: removed.line,
        description: `moved ${path.join('.')} into the SealedSecret ${namespace}/${secretName} (key ${key}) and added ${secretName} to ${SECRET_ENV_FROM}`,
      },
      { path: sealedFile, line: 1, description: `SealedSecret ${namespace}/${secretName} holds ${key} (sealed with ${choice.source})` },
    ],
  };
}

function getIn(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (!isRecord(current)) return undefined;
    current = current[segment];
  }
  return current;
}

function instruction(fixer: Fixer, at: Location, where: 'values' | 'manifest', path?: readonly string[], why?: string): FixOutcome {
  const place = `${at.path}:${at.line}${path ? ` (${path.join('.')})` : ''}`;
  if (where === 'manifest') fixer.note(rotationNote(`the credential at ${place}`));
  const how =
    where === 'values'
      ? `put the value in a Secret (kubectl create secret generic NAME --from-literal=KEY=VALUE --dry-run=client -o yaml > secret.yaml), seal it (bplus seal secret.yaml --cert CERT.pem), commit the SealedSecret, add NAME to ${SECRET_ENV_FROM} in the production values, then delete ${path?.join('.') ?? 'the entry'} from ${at.path}`
      : `put the value in a Secret, seal it (bplus seal secret.yaml --cert CERT.pem), commit the SealedSecret, reference it (env: valueFrom.secretKeyRef; ConfigMap entries: envFrom.secretRef or a secret volume) and delete the literal at line ${at.line}`;
  return { status: 'skipped', reason: `${place}: ${why ? `not moved automatically (${why}); ` : ''}${how}; then rotate the value` };
}
