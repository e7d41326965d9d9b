/**
 * Turns the bytes of a repository file into parsed YAML, or into a problem that says exactly why
 * it could not be read. Nothing here throws for bad input.
 */
import type { FileProblem } from '../types.ts';
import { parseYaml, type ParsedYaml, type ParseOptions } from '../yaml/parse.ts';

export interface YamlFile {
  path: string;
  text: string;
  parsed: ParsedYaml;
}

/** `problem` is absent for a `.json` file that is no manifest (package.json, a JSONC tsconfig): it is skipped silently. */
export type ReadOutcome = { ok: true; file: YamlFile } | { ok: false; problem?: FileProblem };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const wholeFile = { line: 1, column: 1, endLine: 1, endColumn: 1 };

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

/**
 * Files that may hold manifests: YAML, and JSON, which kubectl, Argo CD, Flux and Helm (in
 * `templates/`) apply as well. JSON is read by the YAML parser (JSON is YAML's flow style), so a
 * JSON manifest gets the same positions, problems and rules as a YAML one.
 */
export function isManifestPath(path: string): boolean {
  return isYamlPath(path) || isJsonPath(path);
}

export function isJsonPath(path: string): boolean {
  return /\.json$/i.test(path);
}

/** A JSON text that declares a Kubernetes object somewhere: `"apiVersion"` and `"kind"` keys. */
const JSON_MANIFEST_SIGNATURE = [/"apiVersion"\s*:/, /"kind"\s*:/];

/** Only the head is searched: a manifest names its apiVersion and kind near the top; a lock file never does. */
const SIGNATURE_WINDOW = 64 * 1024;

export function looksLikeJsonManifest(bytes: Buffer): boolean {
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, SIGNATURE_WINDOW));
  return JSON_MANIFEST_SIGNATURE.every((pattern) => pattern.test(head));
}

export function decodeYamlFile(path: string, bytes: Buffer, options: ParseOptions = {}): ReadOutcome {
  if (isJsonPath(path)) {
    // Most JSON files in a repository are not manifests (package.json, dashboards, JSONC
    // settings): only one that declares an object is reviewed, and only then are its flaws problems.
    if (!looksLikeJsonManifest(bytes)) return { ok: false };
  }
  if (bytes.includes(0)) {
    return { ok: false, problem: { ...wholeFile, path, code: 'binary-file', message: `${path} is a binary file, not YAML; it was not reviewed` } };
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, offset).toString('latin1').split('\n').length;
    return {
      ok: false,
      problem: {
        line,
        column: 1,
        endLine: line,
        endColumn: 1,
        path,
        code: 'not-utf8',
        message: `${path} is not valid UTF-8 (byte ${offset}); YAML files must be UTF-8; it was not reviewed`,
      },
    };
  }
  return { ok: true, file: { path, text, parsed: parseYaml(text, options) } };
}

export function tooLarge(path: string, size: number, limit: number): FileProblem {
  return {
    ...wholeFile,
    path,
    code: 'file-too-large',
    message: `${path} is ${size} bytes, over the ${limit}-byte limit (limits.maxFileBytes); it was not reviewed`,
  };
}

/** Byte offset of the first invalid sequence: where a lenient decoder first substitutes U+FFFD. */
function firstInvalidUtf8(bytes: Buffer): number {
  const lenient = new TextDecoder('utf-8').decode(bytes);
  const index = lenient.indexOf('\uFFFD');
  return index < 0 ? 0 : Buffer.byteLength(lenient.slice(0, index));
}
