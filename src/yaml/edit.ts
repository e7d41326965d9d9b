/**
 * The one YAML editor: minimal-diff edits of YAML text, for the fixes and for sealing. The `yaml` package parses (with Helm actions masked to
 * same-length placeholders, so offsets stay true) and tells where every node is; the edits
 * themselves are splices of the original text:
 *
 * - adding keys to a block mapping inserts whole new lines after its last entry, at its
 *   indentation: every existing line, comment and blank line stays byte for byte;
 * - changing a scalar replaces only that scalar's characters (a trailing comment stays);
 * - deleting a key removes the lines of that entry and nothing else.
 *
 * Only where the source uses a flow collection (`{}`, `[a, b]`) is a line rewritten.
 *
 * Sealing replaces whole documents: only the edited document's *contents* (its top-level node) is
 * re-rendered (`renderContents`, `patchNode`) and spliced back; everything around it (other
 * documents byte for byte, `---` markers, comments before and after the node, `...` ends) stays.
 */
import { Document, isCollection, isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, stringify, type Node, type Pair } from 'yaml';
import { maskTemplateActions } from './template-mask.ts';
import type { PathSegment } from '../types.ts';

type Json = Record<string, unknown>;

export class YamlEditError extends Error {}

interface ParsedText {
  text: string;
  docs: Document.Parsed[];
}

function parse(text: string): ParsedText {
  const source = text.includes('{{') ? maskTemplateActions(text).text : text;
  const docs = parseAllDocuments(source, { uniqueKeys: false }) as unknown as Document.Parsed[] | { errors: unknown[] };
  if (!Array.isArray(docs)) return { text, docs: [] };
  return { text, docs };
}

/** The documents that have content, as the repository model counts them (`docIndex`). */
function contentDocs(parsed: ParsedText): Document.Parsed[] {
  return parsed.docs.filter((d) => d.contents !== null && !(isScalar(d.contents) && d.contents.value === null && !d.contents.source));
}

function docAt(parsed: ParsedText, docIndex: number): Document.Parsed {
  const doc = contentDocs(parsed)[docIndex];
  if (!doc) throw new YamlEditError(`document ${docIndex + 1} not found`);
  if (doc.errors.length > 0) throw new YamlEditError(`document ${docIndex + 1} is not valid YAML (${doc.errors[0]!.code})`);
  return doc;
}

/** Index (among documents with content) of the document that holds `line` (1-based). */
export function documentIndexAtLine(text: string, line: number): number | undefined {
  const parsed = parse(text);
  const offset = offsetOfLine(text, line);
  const docs = contentDocs(parsed);
  const index = docs.findIndex((d) => d.range[0] <= offset && offset < Math.max(d.range[2], d.range[0] + 1));
  if (index >= 0) return index;
  // The line of a `---` or a comment before a document belongs to the next document.
  const next = docs.findIndex((d) => d.range[0] >= offset);
  return next >= 0 ? next : undefined;
}

export function hasPath(text: string, docIndex: number, path: readonly PathSegment[]): boolean {
  const doc = docAt(parse(text), docIndex);
  return doc.hasIn(path as PathSegment[]);
}

export interface EditResult {
  text: string;
  /** 1-based line of the first changed or added line. */
  line: number;
}

/**
 * Adds what `value` has and the document lacks under `path` (creating the parents), never
 * changing a key that exists. Returns undefined when there is nothing to add.
 */
export function addMissing(text: string, docIndex: number, path: readonly PathSegment[], value: Json): EditResult | undefined {
  const parsed = parse(text);
  const doc = docAt(parsed, docIndex);
  let node: unknown = doc.contents;
  let parentKeyEnd: number | undefined;
  let parentIndent = -1;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p) === String(segment));
      if (!pair) return insertInto(text, node, nest(path.slice(i), value));
      parentKeyEnd = (pair.key as Node).range?.[1];
      parentIndent = columnOf(text, (pair.key as Node).range?.[0] ?? 0);
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment];
      if (item === undefined) throw new YamlEditError(`no item ${segment} in the list at ${path.slice(0, i).join('.')}`);
      node = item;
      parentKeyEnd = undefined;
    } else {
      return fillEmpty(text, node, parentKeyEnd, parentIndent, nest(path.slice(i), value));
    }
  }
  if (isMap(node) && !(node.flow && node.items.length === 0)) return mergeInto(text, node, value);
  return fillEmpty(text, node, parentKeyEnd, parentIndent, value);
}

function nest(path: readonly PathSegment[], value: Json): Json {
  return path.reduceRight<Json>((acc, seg) => ({ [String(seg)]: acc }), value);
}

/** Several insertions into one (block) map tree, applied from the end so offsets stay valid. */
function mergeInto(text: string, map: Node, value: Json): EditResult | undefined {
  const splices: Splice[] = [];
  const collect = (node: Node, wanted: Json): void => {
    if (!isMap(node)) return;
    const missing: Json = {};
    for (const [key, child] of Object.entries(wanted)) {
      const pair = node.items.find((p) => keyOf(p) === key);
      if (!pair) missing[key] = child;
      else if (isRecord(child)) {
        if (isMap(pair.value) && !(pair.value.flow && pair.value.items.length === 0)) collect(pair.value, child);
        else {
          const s = fillSplice(text, pair.value, (pair.key as Node).range?.[1], columnOf(text, (pair.key as Node).range?.[0] ?? 0), child);
          if (s) splices.push(s);
        }
      }
    }
    if (Object.keys(missing).length > 0) splices.push(insertSplice(text, node, missing));
  };
  collect(map, value);
  if (splices.length === 0) return undefined;
  return spliceEdit(text, splices);
}

function insertInto(text: string, map: Node, value: Json): EditResult {
  return spliceEdit(text, [insertSplice(text, map, value)]);
}

function insertSplice(text: string, map: Node, value: Json): Splice {
  if (!isMap(map)) throw new YamlEditError('not a mapping');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (map.flow) return flowRewrite(text, map, value);
  const first = map.items[0];
  const indent = first?.key && (first.key as Node).range ? columnOf(text, (first.key as Node).range![0]) : 0;
  const end = map.range?.[1] ?? text.length;
  let at = lineEndAfter(text, Math.max(0, end - 1));
  // Comment lines indented deeper than this map belong to its last entry: keep them above.
  for (;;) {
    const lineEnd = text.indexOf('\n', at);
    const line = text.slice(at, lineEnd === -1 ? text.length : lineEnd);
    if (at < text.length && /^\s*#/.test(line) && columnOf(text, at + line.search(/#/)) > indent) at = lineEnd === -1 ? text.length : lineEnd + 1;
    else break;
  }
  let block = renderBlock(value, indent, indentStep(text));
  if (at === text.length && text.length > 0 && !text.endsWith('\n')) block = eol + block;
  return { start: at, end: at, text: block.replace(/\n/g, eol) };
}

/** `key:` with nothing, `key: {}` / `key: null`: the value becomes a block under the key. */
function fillEmpty(text: string, node: unknown, keyEnd: number | undefined, keyIndent: number, value: Json): EditResult {
  const splice = fillSplice(text, node, keyEnd, keyIndent, value);
  if (!splice) throw new YamlEditError('cannot add keys under a value that is not a mapping');
  return spliceEdit(text, [splice]);
}

function fillSplice(text: string, node: unknown, keyEnd: number | undefined, keyIndent: number, value: Json): Splice | undefined {
  if (keyEnd === undefined) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const step = indentStep(text);
  const block = renderBlock(value, keyIndent + step, step).replace(/\n/g, eol);
  if (isScalar(node) && (node.value === null || node.value === undefined)) {
    const range = (node as Node).range;
    if (range && range[0] === range[1]) {
      // `key:` alone: add the block on new lines; the key's own line is untouched.
      const at = lineEndAfter(text, keyEnd);
      return { start: at, end: at, text: at === text.length && !text.endsWith('\n') ? eol + block : block };
    }
    if (range) return { start: afterColon(text, keyEnd), end: range[1], text: eol + block.replace(/\r?\n$/, '') };
  }
  if (isMap(node) && (node as { flow?: boolean }).flow) {
    const range = (node as Node).range!;
    const merged = deepMerge(node.toJSON() as Json, value);
    return {
      start: afterColon(text, keyEnd),
      end: range[1],
      text:
        eol +
        renderBlock(merged, keyIndent + step, step)
          .replace(/\n/g, eol)
          .replace(/\r?\n$/, ''),
    };
  }
  return undefined;
}

function flowRewrite(text: string, map: Node, value: Json): Splice {
  const range = map.range!;
  const merged = deepMerge((map as unknown as { toJSON(): Json }).toJSON(), value);
  return { start: range[0], end: range[1], text: stringify(merged, { flow: true, lineWidth: 0 } as never).trim() };
}

function deepMerge(base: Json, extra: Json): Json {
  const out: Json = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    if (isRecord(v) && isRecord(out[k])) out[k] = deepMerge(out[k], v);
    else if (!(k in out)) out[k] = v;
  }
  return out;
}

/** Sets a scalar; adds the key (and its parents) when missing. */
export function setScalar(text: string, docIndex: number, path: readonly PathSegment[], value: string | number | boolean): EditResult | undefined {
  const parsed = parse(text);
  const doc = docAt(parsed, docIndex);
  const node = doc.getIn(path as PathSegment[], true) as Node | undefined;
  if (node === undefined) {
    const parent = path.slice(0, -1);
    return addMissing(text, docIndex, parent, { [String(path[path.length - 1])]: value });
  }
  if (!isScalar(node) || !node.range) throw new YamlEditError(`${path.join('.')} is not a scalar`);
  if (node.value === value) return undefined;
  const rendered = renderScalar(value);
  return spliceEdit(text, [{ start: node.range[0], end: node.range[1], text: rendered }]);
}

/** Removes a key (its whole lines). A mapping left empty becomes `{}`. */
export function deleteKey(text: string, docIndex: number, path: readonly PathSegment[]): EditResult | undefined {
  const parsed = parse(text);
  const doc = docAt(parsed, docIndex);
  const parentPath = path.slice(0, -1);
  const parent = (parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true)) as Node | undefined;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => keyOf(p) === String(path[path.length - 1]));
  if (!pair) return undefined;
  const keyRange = (pair.key as Node).range!;
  if (parent.flow) {
    const rest = parent.toJSON() as Json;
    delete rest[String(path[path.length - 1])];
    return spliceEdit(text, [{ start: parent.range![0], end: parent.range![1], text: stringify(rest, { flow: true } as never).trim() }]);
  }
  if (parent.items.length === 1 && parentPath.length > 0) {
    // The only entry: the parent becomes an explicit empty mapping.
    const start = lineStart(text, keyRange[0]);
    const grandKeyEnd = findKeyEnd(doc, parentPath);
    if (grandKeyEnd === undefined) return undefined;
    const valueEnd = (pair.value as Node | null)?.range?.[1] ?? keyRange[1];
    const end = lineEndAfter(text, Math.max(start, valueEnd - 1));
    const keyLineEnd = text.indexOf('\n', grandKeyEnd);
    return spliceEdit(text, [
      { start: start, end, text: '' },
      { start: afterColon(text, grandKeyEnd), end: keyLineEnd === -1 ? text.length : keyLineEnd, text: ' {}' },
    ]);
  }
  const start = lineStart(text, keyRange[0]);
  const valueEnd = (pair.value as Node | null)?.range?.[1] ?? keyRange[1];
  const end = lineEndAfter(text, Math.max(keyRange[1], valueEnd - 1));
  return spliceEdit(text, [{ start: start, end, text: '' }]);
}

/** Appends an item to a list (block or flow), creating the list when missing. */
export function appendToList(text: string, docIndex: number, path: readonly PathSegment[], item: string): EditResult | undefined {
  const parsed = parse(text);
  const doc = docAt(parsed, docIndex);
  const node = doc.getIn(path as PathSegment[], true) as Node | undefined;
  if (node === undefined || (isScalar(node) && node.value === null)) {
    if (node !== undefined) {
      const keyEnd = findKeyEnd(doc, path as PathSegment[]);
      const range = node.range!;
      if (keyEnd !== undefined && range[0] !== range[1]) return spliceEdit(text, [{ start: range[0], end: range[1], text: `[${renderScalar(item)}]` }]);
      if (keyEnd !== undefined) {
        const indent = columnOf(text, lineStart(text, keyEnd) + text.slice(lineStart(text, keyEnd)).search(/\S/)) + indentStep(text);
        const at = lineEndAfter(text, keyEnd);
        return spliceEdit(text, [{ start: at, end: at, text: `${' '.repeat(indent)}- ${renderScalar(item)}\n` }]);
      }
    }
    const parent = path.slice(0, -1);
    return addMissing(text, docIndex, parent, { [String(path[path.length - 1])]: [item] });
  }
  if (!isSeq(node)) throw new YamlEditError(`${path.join('.')} is not a list`);
  const values = node.toJSON();
  if (values.includes(item)) return undefined;
  if (node.flow || node.items.length === 0) {
    return spliceEdit(text, [{ start: node.range![0], end: node.range![1], text: `[${[...values, item].map((v) => renderScalar(v as string)).join(', ')}]` }]);
  }
  const last = node.items[node.items.length - 1] as Node;
  const firstItem = node.items[0] as Node;
  const dash = text.lastIndexOf('-', firstItem.range![0]);
  const indent = columnOf(text, dash);
  const at = lineEndAfter(text, Math.max(0, (last.range?.[1] ?? node.range![1]) - 1));
  return spliceEdit(text, [{ start: at, end: at, text: `${' '.repeat(indent)}- ${renderScalar(item)}\n` }]);
}

function findKeyEnd(doc: Document.Parsed, path: PathSegment[]): number | undefined {
  const parentPath = path.slice(0, -1);
  const parent = (parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true)) as Node | undefined;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => keyOf(p) === String(path[path.length - 1]));
  return (pair?.key as Node | undefined)?.range?.[1];
}

export function renderScalar(value: unknown): string {
  return stringify(value, { lineWidth: 0 } as never).trimEnd();
}

/** A block of `key: value` lines at `indent` columns. */
export function renderBlock(value: Json, indent: number, step = 2): string {
  const body = stringify(value, { indent: step, lineWidth: 0 } as never);
  const pad = ' '.repeat(indent);
  return (
    body
      .split('\n')
      .filter((line, i, all) => !(i === all.length - 1 && line === ''))
      .map((line) => (line ? pad + line : line))
      .join('\n') + '\n'
  );
}

/** A replacement of `text.slice(start, end)`. */
export interface Splice {
  start: number;
  end: number;
  text: string;
}

/** The splices applied from the end, so that the offsets of the others stay valid. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** The splices applied, with the line of the first change. */
function spliceEdit(text: string, splices: readonly Splice[]): EditResult {
  const out = applySplices(text, splices);
  const first = Math.min(...splices.map((s) => s.start));
  return { text: out, line: lineOfOffset(out, first + (out[first] === '\n' ? 1 : 0)) };
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Just after the `:` that follows a key (which may be quoted or followed by spaces). */
function afterColon(text: string, keyEnd: number): number {
  const colon = text.indexOf(':', keyEnd);
  return colon === -1 ? keyEnd : colon + 1;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the end of the line holding `offset` (after its newline). */
function lineEndAfter(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl === -1 ? text.length : nl + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

export function offsetOfLine(text: string, line: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  return offset;
}

export function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** The file's indentation step: the smallest indentation of a nested key, else 2. */
function indentStep(text: string): number {
  let step = Infinity;
  for (const m of text.matchAll(/^( +)[^\s#-]/gm)) step = Math.min(step, m[1]!.length);
  return Number.isFinite(step) && step <= 8 ? step : 2;
}

/** Where each document's top-level node sits (documents with content, in order). */
export function documentContentRanges(text: string): Array<{ start: number; end: number }> {
  return contentDocs(parse(text)).map((d) => {
    const range = (d.contents as Node).range!;
    return { start: range[0], end: range[2] };
  });
}

// Whole documents (sealing): parse, patch, render and fit back.

export interface SourceDocument {
  index: number;
  /** 1-based line of the document's first character. */
  line: number;
  doc: Document.Parsed;
  value: unknown;
}

/** Every document of a file with its value; an invalid one is a YamlEditError naming position and code only. */
export function parseDocuments(text: string): SourceDocument[] {
  const docs = parseAllDocuments(text, { uniqueKeys: true });
  const out: SourceDocument[] = [];
  for (const [index, doc] of docs.entries()) {
    // The line of the first key, not of the `---` before it: that is where an editor should jump.
    const contents = doc.contents;
    const line = lineOfOffset(text, contents?.range?.[0] ?? doc.range[0]);
    const error = doc.errors[0];
    if (error) {
      // The parser's message quotes the offending source line, which may hold a value: report
      // the position and error code only.
      const at = error.linePos?.[0];
      throw new YamlEditError(`YAML error (${error.code}) in document ${index + 1} at line ${at?.line ?? line}${at ? `, column ${at.col}` : ''}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      throw new YamlEditError(`document ${index + 1} (line ${line}) cannot be read (alias expansion)`);
    }
    out.push({ index, line, doc, value });
  }
  return out;
}

/** Where a document's top-level node sits in the source; undefined for an empty document. */
export function contentsRange(source: SourceDocument): { start: number; end: number } | undefined {
  const contents = source.doc.contents;
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

/**
 * Makes the node equal `value`, touching only what differs so that unchanged keys keep their
 * formatting and comments. Returns the node to use (the same one when it could be patched).
 */
export function patchNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isRecord(value) && isMap(node)) {
    node.items = node.items.filter((pair) => Object.hasOwn(value, keyOf(pair)));
    for (const [key, child] of Object.entries(value)) {
      const pair = node.items.find((p) => keyOf(p) === key);
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
  if (isMap(node)) node.items.sort((a, b) => compare(keyOf(a), keyOf(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
