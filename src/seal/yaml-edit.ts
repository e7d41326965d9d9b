/**
 * Minimal, comment-preserving edits of multi-document YAML text with the `yaml` package.
 *
 * Only the edited document's *contents* (its top-level node) is re-rendered and spliced back
 * into the original text: everything around it (other documents byte for byte, `---` markers,
 * comments before and after the node, `...` ends) is left exactly as written.
 */
import { Document, isCollection, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Node, type ParsedNode } from 'yaml';
import { SealingError } from './errors.ts';
import { isPlainObject } from './secret-input.ts';

export interface SourceDocument {
  index: number;
  /** 1-based line of the document's first character. */
  line: number;
  doc: Document.Parsed;
  value: unknown;
}

export interface Splice {
  start: number;
  end: number;
  text: string;
}

export function parseDocuments(text: string): SourceDocument[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const out: SourceDocument[] = [];
  for (const [index, doc] of docs.entries()) {
    // The line of the first key, not of the `---` before it: that is where an editor should jump.
    const contents = doc.contents as ParsedNode | null;
    const line = lineAt(text, contents?.range?.[0] ?? doc.range[0]);
    const error = doc.errors[0];
    if (error) {
      // The parser's message quotes the offending source line, which may hold a value: report
      // the position and error code only.
      const at = error.linePos?.[0];
      throw new SealingError(
        'YAML_PARSE',
        `YAML error (${error.code}) in document ${index + 1} at line ${at?.line ?? line}${at ? `, column ${at.col}` : ''}`,
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      throw new SealingError('YAML_PARSE', `document ${index + 1} (line ${line}) cannot be read (alias expansion)`);
    }
    out.push({ index, line, doc, value });
  }
  return out;
}

/** Where a document's top-level node sits in the source; undefined for an empty document. */
export function contentsRange(source: SourceDocument): { start: number; end: number } | undefined {
  const contents = source.doc.contents as ParsedNode | null;
  if (!contents?.range) return undefined;
  return { start: contents.range[0], end: contents.range[2] };
}

/** Renders a plain value as a block-style YAML node (no line folding: base64 must stay on one line). */
export function renderValue(value: unknown): string {
  return new Document(value).toString({ lineWidth: 0 });
}

/** Renders an edited top-level node; its own leading/trailing comments stay in the source around it. */
export function renderContents(node: Node): string {
  const copy = node.clone() as Node;
  copy.commentBefore = undefined;
  copy.comment = undefined;
  copy.spaceBefore = false;
  // A comment above the first key of a document is attached to that key, yet it sits before the
  // node's range in the source: it stays in the text around the splice, so do not render it twice.
  if (isCollection(copy)) {
    const first: unknown = copy.items[0];
    const lead = isPair(first) ? first.key : first;
    if (isNode(lead)) {
      lead.commentBefore = undefined;
      lead.spaceBefore = false;
    }
  }
  const doc = new Document();
  doc.contents = copy;
  return doc.toString({ lineWidth: 0 });
}

/** Fits a rendered node into the slice it replaces (newline at end or not, CRLF or LF). */
export function fitReplacement(original: string, slice: string, rendered: string): string {
  let text = slice.endsWith('\n') ? rendered : rendered.replace(/\n$/, '');
  if (original.includes('\r\n')) text = text.replace(/\r?\n/g, '\r\n');
  return text;
}

export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, s.start) + s.text + out.slice(s.end);
  }
  return out;
}

/**
 * Makes the node equal `value`, touching only what differs so that unchanged keys keep their
 * formatting and comments. Returns the node to use (the same one when it could be patched).
 */
export function patchNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isPlainObject(value) && isMap(node)) {
    node.items = node.items.filter((pair) => Object.hasOwn(value, keyOf(pair.key)));
    for (const [key, child] of Object.entries(value)) {
      const pair = node.items.find((p) => keyOf(p.key) === key);
      if (pair) pair.value = patchNode(doc, pair.value, child);
      else node.items.push(doc.createPair(key, child));
    }
    return node;
  }
  if (Array.isArray(value) && isSeq(node) && node.items.length === value.length) {
    node.items = node.items.map((item, i) => patchNode(doc, item, value[i]));
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object') && node.value === value) return node;
  return doc.createNode(value);
}

/** Sorts the pairs of the map at `path` by key (kubeseal's output is sorted; so is ours). */
export function sortMapAt(doc: Document, path: readonly string[]): void {
  const node = doc.getIn(path, true);
  if (isMap(node)) node.items.sort((a, b) => compare(keyOf(a.key), keyOf(b.key)));
}

function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
