/**
 * TR-K8S-9 (`move-credential`): a credential in clear text outside a Secret.
 *
 * Done automatically only where it is safe: a service chart's `env.KEY` or `config.KEY` (both
 * reach the container as environment variables), set in exactly one values file, which is the
 * production overlay (or `values.yaml` of a chart with no other environment), with a sealing
 * certificate at hand. Then the value is sealed into the SealedSecret `<service>-credentials`
 * (strict scope, production namespace; merged into it when it exists, other keys' ciphertext
 * kept) in the infrastructure chart's templates (else `manifests/`), the key is removed from the
 * values file and the Secret is added to `secretEnvFrom` in the production overlay, so the
 * container sees the same variable. Everywhere else (ConfigMaps, env literals in manifests,
 * nested values, values shared with other environments) the outcome is a precise instruction.
 * Either way: the value was pushed in clear text and must be rotated.
 */
import { isSealingError, mergeSecretIntoYaml, sealSecretsInYaml } from '../../seal/index.ts';
import { splitDotted } from '../../model/values.ts';
import type { Finding } from '../../types.ts';
import type { FixContext, Fixer, FixOutcome } from '../types.ts';
import { addMissing, appendToList, deleteKey, keyPathAtLine } from '../../yaml/edit.ts';
import { dataOf, serviceName, serviceValuesAt, str } from './common.ts';
import { rotationNote } from './seal-secret.ts';
import { renderValue } from '../../yaml/edit.ts';

const SECRET_ENV_FROM = 'secretEnvFrom';

export const moveCredentialFixer: Fixer = {
  kind: 'move-credential',
  async fix(finding, context) {
    const data = dataOf(finding);
    const file = str(data.file) ?? finding.path;
    const values = serviceValuesAt(context.model, file);
    if (!values) return instruction(finding, context, 'manifest');
    const layer = values.values.layers.find((l) => l.path === file);
    const text = await context.tree.read(file);
    if (!layer?.doc || text === undefined) return instruction(finding, context, 'values');
    const path = Array.isArray(data.valuesPath) ? data.valuesPath.map(String) : keyPathAtLine(text, layer.doc.index, finding.line)?.map(String);
    if (!path) return instruction(finding, context, 'values');
    const where = `${file}: ${path.join('.')}`;
    context.note(rotationNote(`the credential at ${where}`));

    const envKey = splitDotted(context.config.values.env);
    const configKey = splitDotted(context.config.values.config);
    const parent = path.slice(0, -1).join('.');
    const key = path[path.length - 1]!;
    if (path.length < 2 || (parent !== envKey.join('.') && parent !== configKey.join('.'))) {
      return instruction(finding, context, 'values', path, `only ${envKey.join('.')}.KEY and ${configKey.join('.')}.KEY entries are moved automatically`);
    }
    const production = context.config.production.environments;
    const overlay = values.chart.environmentFiles.get(values.environment);
    const otherEnvironments = [...values.chart.environmentFiles.keys()].filter((e) => !production.includes(e));
    const setIn = values.values.layers.filter((l) => l.doc?.has(path)).map((l) => l.path);
    const safeFile = file === overlay || (file === values.chart.valuesFile && otherEnvironments.length === 0);
    if (!safeFile || setIn.length !== 1) {
      return instruction(finding, context, 'values', path, setIn.length > 1 ? `${path.join('.')} is set in ${setIn.join(' and ')}` : `${file} is shared with the environments ${otherEnvironments.join(', ')}`);
    }
    const value = layer.doc.value && getIn(layer.doc.value, path);
    if ((typeof value !== 'string' && typeof value !== 'number') || String(value).includes('{{')) {
      return instruction(finding, context, 'values', path, 'the value is not a plain literal');
    }
    if (!/^[-._a-zA-Z0-9]+$/.test(key)) return instruction(finding, context, 'values', path, 'the key is not a valid Secret key');

    const namespace = context.config.production.namespace;
    const choice = await context.certificateFor({ namespace, environment: values.environment });
    if (!choice.ok) return instruction(finding, context, 'values', path, choice.reason);

    const secretName = `${serviceName(values)}-credentials`;
    const infra = context.model.charts.find((c) => c.role === 'infrastructure');
    const sealedFile = `${infra ? `${infra.dir === '.' ? '' : `${infra.dir}/`}templates` : 'manifests'}/sealedsecret-${secretName}.yaml`;
    const secretYaml = renderValue({ apiVersion: 'v1', kind: 'Secret', metadata: { name: secretName, namespace }, type: 'Opaque', stringData: { [key]: String(value) } });
    let sealedText: string;
    try {
      const existing = await context.tree.read(sealedFile);
      sealedText = existing === undefined
        ? `# Credentials of ${serviceName(values)}, moved out of its values by bplus fix. Sealed for ${namespace} (strict scope).\n${sealSecretsInYaml(secretYaml, { certificate: choice.certificate }).text}`
        : mergeSecretIntoYaml(secretYaml, existing, { certificate: choice.certificate }).text;
    } catch (error) {
      return instruction(finding, context, 'values', path, isSealingError(error) ? error.message : 'sealing failed');
    }

    const removed = deleteKey(text, layer.doc.index, path);
    if (!removed) return instruction(finding, context, 'values', path, `${path.join('.')} could not be removed from ${file}`);
    let valuesText = removed.text;
    const referenced = values.values.get([SECRET_ENV_FROM]);
    const list = Array.isArray(referenced) ? referenced.map(String) : [];
    const winner = values.values.sourceOf([SECRET_ENV_FROM]);
    if (!list.includes(secretName)) {
      const edit = winner === file
        ? appendToList(valuesText, layer.doc.index, [SECRET_ENV_FROM], secretName)
        : addMissing(valuesText, layer.doc.index, [], { [SECRET_ENV_FROM]: [...list, secretName] });
      if (edit) valuesText = edit.text;
    }
    context.tree.write(sealedFile, sealedText);
    context.tree.write(file, valuesText, { sensitive: true });
    return {
      status: 'applied',
      changes: [
        { path: file, line: removed.line, description: `moved ${path.join('.')} into the SealedSecret ${namespace}/${secretName} (key ${key}) and added ${secretName} to ${SECRET_ENV_FROM}` },
        { path: sealedFile, line: 1, description: `SealedSecret ${namespace}/${secretName} holds ${key} (sealed with ${choice.source})` },
      ],
    };
  },
};

function getIn(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function instruction(finding: Finding, context: FixContext, where: 'values' | 'manifest', path?: readonly string[], why?: string): FixOutcome {
  const at = `${finding.path}:${finding.line}${path ? ` (${path.join('.')})` : ''}`;
  if (where === 'manifest') context.note(rotationNote(`the credential at ${at}`));
  const how =
    where === 'values'
      ? `put the value in a Secret (kubectl create secret generic NAME --from-literal=KEY=VALUE --dry-run=client -o yaml > secret.yaml), seal it (bplus seal secret.yaml --cert CERT.pem), commit the SealedSecret, add NAME to ${SECRET_ENV_FROM} in the production values, then delete ${path?.join('.') ?? 'the entry'} from ${finding.path}`
      : `put the value in a Secret, seal it (bplus seal secret.yaml --cert CERT.pem), commit the SealedSecret, reference it (env: valueFrom.secretKeyRef; ConfigMap entries: envFrom.secretRef or a secret volume) and delete the literal at line ${finding.line}`;
  return { status: 'skipped', reason: `${at}: ${why ? `not moved automatically (${why}); ` : ''}${how}; then rotate the value` };
}
