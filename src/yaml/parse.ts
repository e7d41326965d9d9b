/**
 * Fast YAML parsing that keeps a position for every key and value (js-yaml plus its event
 * listener), handles multi-document files document by document (a broken document does not hide
 * the others), treats Helm template actions as opaque strings, and turns every way a file can be
 * bad into a problem with a line instead of an exception.
 */
import yaml from 'js-yaml';
import type { Span, ValuePath } from '../types.ts';
import { createPositionRecorder, toPosTree, type PosNode } from './positions.ts';
import { keyOfLine } from './key-line.ts';
import { LineIndex } from './line-index.ts';
import { errorMessage } from './format-value.ts';
import { maskTemplateActions, restoreTemplateActions, type MaskedText } from './template-mask.ts';

export interface YamlDocument {
  index: number;
  value: unknown;
  /** Span of the whole document's content. */
  span: Span;
  /** Nearest existing location of `path`: the key itself, or its closest existing parent. */
  locate(path: ValuePath): Span;
  /** Whether `path` exists in this document (keys, not merged values). */
  has(path: ValuePath): boolean;
}

export interface YamlProblem extends Span {
  code: 'yaml-syntax' | 'yaml-duplicate-key' | 'yaml-alias-bomb' | 'limit-exceeded';
  message: string;
}

export interface ParsedYaml {
  docs: YamlDocument[];
  problems: YamlProblem[];
  lines: LineIndex;
}

export interface ParseOptions {
  /** Mask Helm template actions (`{{ ... }}`) so that templates and templated values parse. */
  templates?: boolean;
  /** Upper bound on the nodes a document may expand to through aliases. */
  maxExpandedNodes?: number;
  /** Upper bound on the bytes (keys and scalars) a document may expand to through aliases and merge keys. */
  maxExpandedBytes?: number;
  /** Documents read from one file; the rest is a problem on the first one left out. */
  maxDocuments?: number;
}

const DEFAULT_MAX_EXPANDED_NODES = 200_000;
const DEFAULT_MAX_EXPANDED_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_DOCUMENTS = 5_000;

/**
 * YAML 1.2 core types plus merge keys, as Kubernetes and Helm read YAML: no timestamps (a date in
 * an annotation stays a string) and no `!!binary`.
 */
// Sound: js-yaml exports its built-in types (`types.merge` among them) at run time; its type
// declarations leave them out.
const KUBERNETES_SCHEMA = yaml.CORE_SCHEMA.extend({ implicit: [(yaml as unknown as { types: { merge: yaml.Type } }).types.merge] });
const DOCUMENT_SEPARATOR = /^(---|\.\.\.)(?=[ \t]|$)/gm;

export function parseYaml(text: string, options: ParseOptions = {}): ParsedYaml {
  const lines = new LineIndex(text);
  // A file that is not a template (a values file, a manifest) may still hold templated strings
  // (values for `tpl`); masking them is harmless, but a `{{` in its comments is only text.
  const masked: MaskedText | undefined = options.templates
    ? maskTemplateActions(text)
    : text.includes('{{')
      ? maskTemplateActions(text, { skipComments: true })
      : undefined;
  const source = masked ? masked.text : text;
  const docs: YamlDocument[] = [];
  const problems: YamlProblem[] = [];
  const chunks = splitDocuments(source);
  const maxDocuments = options.maxDocuments ?? DEFAULT_MAX_DOCUMENTS;
  for (const chunk of chunks.slice(0, maxDocuments)) {
    parseChunk(source, chunk, lines, masked, options, docs, problems);
  }
  if (chunks.length > maxDocuments) {
    const first = chunks[maxDocuments]!;
    // On the `---` line that starts the first document left out.
    const at = lines.span(first.start, first.start);
    problems.push({
      ...at,
      column: 1,
      endColumn: lines.lineEndColumn(at.line),
      code: 'limit-exceeded',
      message: `this file has ${chunks.length} YAML documents, over the limit of ${maxDocuments} (limits.maxDocumentsPerFile); the documents from this one on were not reviewed`,
    });
  }
  return { docs, problems, lines };
}

interface Chunk {
  start: number;
  end: number;
}

/** Splits at `---`/`...` lines so that each document is parsed (and can fail) on its own. */
function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  DOCUMENT_SEPARATOR.lastIndex = 0;
  for (let m = DOCUMENT_SEPARATOR.exec(text); m; m = DOCUMENT_SEPARATOR.exec(text)) {
    if (m.index > start || chunks.length > 0) chunks.push({ start, end: m.index });
    // Content may follow `--- ` on the same line (`--- !tag` or `--- {a: 1}`): keep it.
    start = m.index + 3;
  }
  chunks.push({ start, end: text.length });
  return chunks.filter((c) => hasContent(text, c.start, c.end));
}

/** Whether a chunk has anything but white space and comments (an empty document is no document). */
function hasContent(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const ch = text.charCodeAt(i);
    if (ch === 35 /* # */) {
      const next = text.indexOf('\n', i);
      i = next === -1 || next > end ? end : next + 1;
    } else if (ch === 32 || ch === 9 || ch === 10 || ch === 13) {
      i++;
    } else {
      return true;
    }
  }
  return false;
}

function parseChunk(
  source: string,
  chunk: Chunk,
  lines: LineIndex,
  masked: MaskedText | undefined,
  options: ParseOptions,
  docs: YamlDocument[],
  problems: YamlProblem[],
): void {
  const body = source.slice(chunk.start, chunk.end);
  const limits = {
    nodes: options.maxExpandedNodes ?? DEFAULT_MAX_EXPANDED_NODES,
    bytes: options.maxExpandedBytes ?? DEFAULT_MAX_EXPANDED_BYTES,
  };
  const bomb = (over: 'nodes' | 'bytes'): void => {
    const at = lines.span(chunk.start + (body.length - body.trimStart().length), chunk.start + body.trimEnd().length);
    problems.push({
      ...at,
      endLine: at.line,
      endColumn: at.column,
      code: 'yaml-alias-bomb',
      message:
        over === 'nodes'
          ? `this document expands to more than ${limits.nodes} nodes through aliases (an "alias bomb"); it was not reviewed`
          : `this document expands to more than ${limits.bytes} bytes through aliases (an "alias bomb", limits.maxExpandedBytes); it was not reviewed`,
    });
  };
  // An alias used as a mapping key is turned into a string while js-yaml loads (`? *list : v`
  // joins the whole list), before any count after the load could stop it: with aliases about,
  // the load counts every alias reference as it closes and stops past the byte budget.
  const listener = body.includes('*') ? aliasBudgetListener(limits.bytes) : undefined;
  let value: unknown;
  try {
    value = yaml.load(body, { schema: KUBERNETES_SCHEMA, ...(listener ? { listener } : {}) });
  } catch (error) {
    if (error instanceof AliasBudgetExceeded) return bomb('bytes');
    problems.push(toProblem(error, chunk.start, body.trimEnd().length, lines));
    return;
  }
  if (value === undefined || value === null) return;
  // Aliases are the only way a small text becomes a huge value; without `*` there are none.
  if (body.includes('*')) {
    const over = expandedSize(value, limits);
    if (over) return bomb(over);
  }
  if (masked) value = restoreTemplateActions(value, masked);
  // Positions are recorded only when a document is first located: most documents of a review
  // never are, so the review costs what a plain parse costs (see BENCHMARKS.md).
  let root: PosNode | undefined | null = null;
  const positions = (): PosNode | undefined => {
    if (root === null) {
      const recorder = createPositionRecorder();
      yaml.load(body, { schema: KUBERNETES_SCHEMA, listener: recorder.listener });
      const rootRaw = recorder.roots[0];
      root = rootRaw ? toPosTree(rootRaw, body, chunk.start) : undefined;
    }
    return root;
  };
  docs.push(makeDocument(docs.length, value, positions, chunk, lines));
}

function makeDocument(index: number, value: unknown, positions: () => PosNode | undefined, chunk: Chunk, lines: LineIndex): YamlDocument {
  const resolve = (path: ValuePath): { node: PosNode; key?: PosNode; complete: boolean } | undefined => {
    const root = positions();
    if (!root) return undefined;
    let node = root;
    let key: PosNode | undefined;
    for (const segment of path) {
      if (typeof segment === 'number' && node.items) {
        const item = node.items[segment];
        if (!item) return { node, key, complete: false };
        node = item;
        key = undefined;
      } else if (node.entries) {
        const entry = node.entries.get(String(segment));
        if (!entry) return { node, key, complete: false };
        node = entry.value;
        key = entry.key;
      } else {
        return { node, key, complete: false };
      }
    }
    return { node, key, complete: true };
  };
  const span = (): Span => {
    const root = positions();
    return root ? lines.span(root.start, root.end) : lines.span(chunk.start, chunk.end);
  };
  return {
    index,
    value,
    get span() {
      return span();
    },
    has: (path) => resolve(path)?.complete ?? false,
    locate(path) {
      const found = resolve(path);
      if (!found) return span();
      const { node, key } = found;
      const isScalar = !node.entries && !node.items;
      if (key) return lines.span(key.start, isScalar ? node.end : key.end);
      if (node === positions()) return firstLineOf(node, lines);
      return isScalar ? lines.span(node.start, node.end) : firstLineOf(node, lines);
    },
  };
}

/** A collection spans many lines; an annotation should mark where it starts. */
function firstLineOf(node: PosNode, lines: LineIndex): Span {
  const span = lines.span(node.start, node.end);
  return { line: span.line, column: span.column, endLine: span.line, endColumn: lines.lineEndColumn(span.line) };
}

function toProblem(error: unknown, base: number, bodyLength: number, lines: LineIndex): YamlProblem {
  const yamlError = error instanceof yaml.YAMLException ? error : undefined;
  const reason = yamlError?.reason ?? errorMessage(error);
  // An error "at the end of the stream" belongs to the document's last line, not the next `---`.
  const position = base + Math.min(yamlError?.mark?.position ?? 0, Math.max(0, bodyLength - 1));
  const at = lines.span(position, position);
  const duplicate = /duplicated mapping key/.test(reason);
  // Name the key (js-yaml's reason does not), as written on the line the error points at.
  const key = duplicate ? keyOfLine(lines.lineText(at.line)) : undefined;
  return {
    ...at,
    endColumn: Math.max(at.column, lines.lineEndColumn(at.line)),
    code: duplicate ? 'yaml-duplicate-key' : 'yaml-syntax',
    message: duplicate
      ? `duplicate key${key ? ` ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}` : ''}: ${reason}. YAML parsers disagree on which value wins; keep one`
      : `YAML syntax error: ${reason}`,
  };
}

class AliasBudgetExceeded extends Error {}

/**
 * A js-yaml listener that adds up the expanded size of every collection closed a second time (an
 * alias to it) and throws past `maxBytes`. Memoised sizes keep it linear in the document.
 */
function aliasBudgetListener(maxBytes: number): (event: string, state: { result: unknown }) => void {
  const closed = new WeakSet<object>();
  const memo = new Map<object, { nodes: number; bytes: number }>();
  let total = 0;
  return (event, state) => {
    if (event !== 'close') return;
    const result = state.result;
    if (result === null || typeof result !== 'object') return;
    if (!closed.has(result)) {
      closed.add(result);
      return;
    }
    total += sizeOf(result, memo, { nodes: Infinity, bytes: maxBytes }, 0).bytes;
    if (total > maxBytes) throw new AliasBudgetExceeded();
  };
}

/**
 * Counts the nodes and bytes (keys and scalars) a value would have if every alias were copied out,
 * memoised by identity so that the count itself stays linear. Says which limit was crossed, if any.
 */
function expandedSize(value: unknown, limits: { nodes: number; bytes: number }): 'nodes' | 'bytes' | undefined {
  const total = sizeOf(value, new Map(), limits, 0);
  return total.nodes > limits.nodes ? 'nodes' : total.bytes > limits.bytes ? 'bytes' : undefined;
}

const UNBOUNDED = { nodes: Infinity, bytes: Infinity };

function sizeOf(
  v: unknown,
  memo: Map<object, { nodes: number; bytes: number }>,
  limits: { nodes: number; bytes: number },
  depth: number,
): { nodes: number; bytes: number } {
  if (v === null || typeof v !== 'object') return { nodes: 1, bytes: typeof v === 'string' ? v.length : 8 };
  if (depth > 1000) return UNBOUNDED;
  const cached = memo.get(v);
  if (cached !== undefined) return cached;
  memo.set(v, UNBOUNDED); // a cycle counts as unbounded
  let nodes = 1;
  let bytes = 0;
  const add = (key: string, child: unknown): boolean => {
    const size = sizeOf(child, memo, limits, depth + 1);
    nodes += size.nodes;
    bytes += key.length + size.bytes;
    return nodes > limits.nodes || bytes > limits.bytes;
  };
  if (Array.isArray(v)) {
    for (const child of v) if (add('', child)) break;
  } else {
    for (const key in v) if (Object.hasOwn(v, key) && add(key, Reflect.get(v, key))) break;
  }
  const size = nodes > limits.nodes ? { nodes: Infinity, bytes } : bytes > limits.bytes ? { nodes, bytes: Infinity } : { nodes, bytes };
  memo.set(v, size);
  return size;
}
