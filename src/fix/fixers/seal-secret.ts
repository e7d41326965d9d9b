/**
 * TR-K8S-9 (`seal-secret`): every plain `kind: Secret` of the file is replaced by its
 * SealedSecret (src/seal: kubeseal's format, strict scope unless the Secret asks for another),
 * sealed with the certificate of the Secret's namespace or environment. The other documents and
 * the comments around the Secret stay; comments inside it go (they sit next to the values).
 * Refused: a Secret in a Helm template with template actions (what it holds comes from values or
 * is generated: nothing to seal here), a missing, expired or non-RSA certificate. Whatever
 * happens, the outcome says that the values were pushed in clear text and must be rotated.
 */
import { isSealingError, sealSecretsInYaml, type SealedSummary } from '../../seal/index.ts';
import { documentContentRanges } from '../../yaml/edit.ts';
import type { Fixer } from '../types.ts';
import { dataOf, manifestObjectAt, str } from './common.ts';

const RELEASE_NAMESPACE = /^([ \t]*namespace:[ \t]*)\{\{-?\s*\.Release\.Namespace\s*-?\}\}[ \t]*$/gm;

export function rotationNote(what: string): string {
  return `${what} reached Git in clear text (it stays in the history and in every clone and fork): rotate it, change the credential where it is used and seal the new value`;
}

export const sealSecretFixer: Fixer = {
  kind: 'seal-secret',
  async fix(finding, context) {
    const data = dataOf(finding);
    const file = str(data.file) ?? finding.path;
    const object = manifestObjectAt(context.model, { path: file, line: finding.line }, ['Secret']);
    const name = str(data.name) ?? object?.metadata.name ?? '(unnamed)';
    const declared = str(data.namespace) ?? object?.metadata.namespace;
    const memoKey = `seal:${file}`;
    const done = context.memo.get(memoKey) as { names: Set<string> } | undefined;
    if (done) return done.names.has(name) ? { status: 'covered' } : { status: 'skipped', reason: `Secret ${name} in ${file} could not be sealed with the others` };

        const text = await context.tree.read(file);
    if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
    const production = context.config.production.namespace;
    const namespace = declared && !declared.includes('{{') ? declared : production;
    const choice = await context.certificateFor({ namespace, environment: context.config.production.environments[0] });
    context.note(rotationNote(`Secret ${namespace}/${name}`));
    if (!choice.ok) return { status: 'skipped', reason: `Secret ${name} was not sealed: ${choice.reason}` };
    const result: { text: string; sealed: SealedSummary[] } = { text, sealed: [] };
    const splices: Array<{ start: number; end: number; text: string }> = [];
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
        let sealed;
        try {
          sealed = sealSecretsInYaml(concrete, { certificate: choice.certificate, namespace });
        } catch (error) {
          // This Secret names its own namespace: seal it in that one.
          if (isSealingError(error) && error.code === 'NAMESPACE_MISMATCH') sealed = sealSecretsInYaml(concrete, { certificate: choice.certificate });
          else throw error;
        }
        if (sealed.sealed.length === 0) continue;
        splices.push({ ...range, text: sealed.text });
        result.sealed.push(...sealed.sealed);
      } catch (error) {
        // The sealing module's messages name keys and documents, never values.
        const reason = isSealingError(error) ? error.message : 'sealing failed';
        return { status: 'skipped', reason: `Secret ${name} was not sealed: ${reason}` };
      }
    }
    for (const s of [...splices].sort((a, b) => b.start - a.start)) result.text = result.text.slice(0, s.start) + s.text + result.text.slice(s.end);
    context.memo.set(memoKey, { names: new Set(result.sealed.map((s) => s.name)) });
    if (result.sealed.length === 0) return { status: 'skipped', reason: `no plain Secret with data was found in ${file}` };
    context.tree.write(file, result.text, { sensitive: true });
    for (const s of result.sealed) if (s.name !== name) context.note(rotationNote(`Secret ${s.namespace ? `${s.namespace}/` : ''}${s.name}`));
    return {
      status: 'applied',
      changes: result.sealed.map((s) => ({
        path: file,
        line: lineOfSealed(result.text, s.name),
        description: `Secret ${s.namespace ? `${s.namespace}/` : ''}${s.name} replaced by a SealedSecret (${s.keys.length} key${s.keys.length === 1 ? '' : 's'}: ${s.keys.join(', ')}; sealed with ${choice.source})`,
      })),
    };
  },
};

function lineOfSealed(text: string, name: string): number {
  const lines = text.split('\n');
  const kindLines = lines.map((l, i) => (/^kind:\s*SealedSecret\s*$/.test(l) ? i + 1 : 0)).filter(Boolean);
  const nameLine = lines.findIndex((l) => new RegExp(`^\\s+name:\\s*["']?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']?\\s*$`).test(l)) + 1;
  return kindLines.filter((k) => k <= (nameLine || Infinity)).pop() ?? kindLines[0] ?? 1;
}
