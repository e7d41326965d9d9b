/**
 * Sealing inside YAML files: every plain `kind: Secret` document with data/stringData becomes its
 * SealedSecret; every other document, comment and separator stays byte for byte. Used by
 * `bplus seal` and by the TR-K8S-9 autofix.
 *
 * Comments *inside* a replaced Secret are dropped on purpose: they sit next to the clear-text
 * values and often repeat them ("# old password: ..."). Comments before and after the document
 * are kept.
 */
import { SealingError, isSealingError } from './errors.ts';
import { sealSecret, type SealOptions } from './seal-secret.ts';
import { isPlainObject } from './secret-input.ts';
import { formatValue } from '../yaml/format-value.ts';
import { isSealedSecretObject, type SealedSecret } from './sealed-secret.ts';
import {
  applySplices,
  contentsRange,
  fitReplacement,
  parseDocuments as parseYamlDocuments,
  patchNode,
  renderContents,
  renderValue,
  sortMapAt,
  YamlEditError,
  type SourceDocument,
  type Splice,
} from '../yaml/edit.ts';

export interface SealedSummary {
  name: string;
  namespace: string | undefined;
  keys: string[];
}

export interface SealYamlResult {
  text: string;
  sealed: SealedSummary[];
}

export type FileSealOptions = Omit<SealOptions, 'existing'>;

/** A plain v1 Secret that carries values; a Secret without data leaks nothing and is left alone. */
export function isPlainSecretWithData(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value) || value.kind !== 'Secret') return false;
  if (value.apiVersion !== undefined && value.apiVersion !== 'v1') return false;
  return hasValues(value.data) || hasValues(value.stringData);
}

function hasValues(field: unknown): boolean {
  if (field === undefined || field === null) return false;
  // Anything that is not an empty mapping counts, so that malformed data is reported, not skipped.
  return !isPlainObject(field) || Object.keys(field).length > 0;
}

/**
 * Helm actions that only a chart render resolves. Sealing them would seal the literal
 * "{{ .Values.password }}". Plain `{{ ... }}` alone is not enough to refuse: Secrets legitimately
 * carry Go templates of their own (Alertmanager configuration, for one).
 */
const HELM_ACTION = /\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Files|\.Capabilities|\$\.Values|include\s|tpl\s|required\s)/;

function refuseHelmTemplate(text: string, source: SourceDocument): void {
  const range = contentsRange(source);
  if (range && HELM_ACTION.test(text.slice(range.start, range.end))) {
    throw new SealingError(
      'HELM_TEMPLATE',
      `${where(source)}: this Secret is a Helm template; seal the values, not the template (move the Secret out of the chart's templates as a SealedSecret)`,
    );
  }
}

export function sealSecretsInYaml(text: string, opts: FileSealOptions): SealYamlResult {
  const docs = parseDocuments(text);
  const taken = new Set(docs.filter((d) => isSealedSecretObject(d.value)).map((d) => identity(d.value)));
  const splices: Splice[] = [];
  const sealed: SealedSummary[] = [];
  for (const source of docs) {
    if (!isPlainSecretWithData(source.value)) continue;
    refuseHelmTemplate(text, source);
    const result = withDocumentContext(source, () => sealSecret(source.value, opts));
    const id = identity(result);
    if (taken.has(id)) {
      throw new SealingError(
        'DUPLICATE_SEALED_SECRET',
        `${where(source)}: this file already has a SealedSecret ${describe(result)}; merge into it instead (bplus seal --merge-into)`,
      );
    }
    taken.add(id);
    splices.push(replaceContents(text, source, renderValue(result)));
    sealed.push(summary(result, Object.keys(result.spec.encryptedData)));
  }
  return { text: applySplices(text, splices), sealed };
}

/**
 * kubeseal --merge-into: seals the one Secret of `secretText` into the matching SealedSecret of
 * `sealedText`, keeping the other ciphertexts, the other documents and the comments of the
 * SealedSecret itself. `sealed[0].keys` lists the keys that were (re-)sealed.
 */
export function mergeSecretIntoYaml(secretText: string, sealedText: string, opts: FileSealOptions): SealYamlResult {
  const secrets = parseDocuments(secretText).filter((d) => isPlainSecretWithData(d.value));
  const secret = secrets[0];
  if (!secret) throw new SealingError('NO_SECRET_FOUND', 'no Secret with data or stringData to merge');
  if (secrets.length > 1) {
    throw new SealingError('MERGE_TARGET', `found ${secrets.length} Secrets; --merge-into takes exactly one`);
  }
  refuseHelmTemplate(secretText, secret);

  const targets = parseDocuments(sealedText).filter((d) => isSealedSecretObject(d.value));
  const target = pickTarget(targets, secret.value);

  const merged = withDocumentContext(secret, () => sealSecret(secret.value, { ...opts, existing: target.value }));
  const doc = target.doc;
  // Sound: patchNode gives back the node it was handed, patched in place, or a node it made for the value.
  doc.contents = patchNode(doc, doc.contents, merged) as typeof doc.contents;
  sortMapAt(doc, ['spec', 'encryptedData']);
  if (!doc.contents) throw new SealingError('MERGE_TARGET', 'the SealedSecret document is empty');

  const body = isPlainObject(secret.value) ? secret.value : {};
  const resealed = Object.keys(isPlainObject(body.data) ? body.data : {}).concat(Object.keys(isPlainObject(body.stringData) ? body.stringData : {}));
  const text = applySplices(sealedText, [replaceContents(sealedText, target, renderContents(doc.contents))]);
  return { text, sealed: [summary(merged, [...new Set(resealed)].sort())] };
}

function pickTarget(targets: SourceDocument[], secret: unknown): SourceDocument {
  if (targets.length === 1 && targets[0]) return targets[0];
  if (targets.length === 0) throw new SealingError('MERGE_TARGET', 'no SealedSecret found to merge into');
  const metadata = metadataOf(secret);
  const matching = targets.filter((t) => {
    const m = metadataOf(t.value);
    return m.name === metadata.name && (metadata.namespace === undefined || m.namespace === metadata.namespace);
  });
  const only = matching[0];
  if (matching.length !== 1 || !only) {
    throw new SealingError(
      'MERGE_TARGET',
      `${targets.length} SealedSecrets in the merge target and ${matching.length} match the Secret's name and namespace; keep one SealedSecret per file or name them alike`,
    );
  }
  return only;
}

function replaceContents(text: string, source: SourceDocument, rendered: string): Splice {
  const range = contentsRange(source);
  if (!range) throw new SealingError('YAML_PARSE', `${where(source)} is empty`);
  const slice = text.slice(range.start, range.end);
  return { ...range, text: fitReplacement(text, slice, rendered) };
}

function withDocumentContext<T>(source: SourceDocument, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    // Unknown errors are not echoed either: they could quote input.
    if (isSealingError(e)) throw e.withContext(where(source));
    throw new SealingError('ENCRYPT_FAILED', `${where(source)}: sealing failed (${e instanceof Error ? e.name : 'unknown error'})`);
  }
}

function where(source: SourceDocument): string {
  return `document ${source.index + 1} (line ${source.line})`;
}

/** `namespace/name` of a SealedSecret, ours or one a file holds (whose metadata may be anything). */
function identity(sealed: unknown): string {
  const metadata = metadataOf(sealed);
  return `${formatValue(metadata.namespace ?? '')}/${formatValue(metadata.name ?? '')}`;
}

function metadataOf(object: unknown): Record<string, unknown> {
  return isPlainObject(object) && isPlainObject(object.metadata) ? object.metadata : {};
}

function describe(sealed: SealedSecret): string {
  return sealed.metadata.namespace ? `"${sealed.metadata.namespace}/${sealed.metadata.name}"` : `"${sealed.metadata.name}"`;
}

function summary(sealed: SealedSecret, keys: string[]): SealedSummary {
  return { name: sealed.metadata.name ?? '', namespace: sealed.metadata.namespace, keys };
}

/** The file's documents; a YAML error is a sealing error (its message names position and code, never a value). */
function parseDocuments(text: string): SourceDocument[] {
  try {
    return parseYamlDocuments(text);
  } catch (error) {
    if (error instanceof YamlEditError) throw new SealingError('YAML_PARSE', error.message);
    throw error;
  }
}
