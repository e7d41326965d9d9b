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

export type ReadOutcome = { ok: true; file: YamlFile } | { ok: false; problem: FileProblem };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const wholeFile = { line: 1, column: 1, endLine: 1, endColumn: 1 };

export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

export function decodeYamlFile(path: string, bytes: Buffer, options: ParseOptions = {}): ReadOutcome {
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
      problem: { line, column: 1, endLine: line, endColumn: 1, path, code: 'not-utf8', message: `${path} is not valid UTF-8 (byte ${offset}); YAML files must be UTF-8; it was not reviewed` },
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
