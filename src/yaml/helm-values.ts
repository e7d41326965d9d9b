/**
 * Helm values files read exactly as Helm reads them, with the file position of every value.
 *
 * Helm loads values with sigs.k8s.io/yaml, which decodes with go-yaml v2 (YAML 1.1) and then
 * converts to JSON. The facts below were checked against the Helm 4 binary the tests run
 * (test/yaml/helm-values.test.ts renders a chart that prints the kind of every value):
 *
 * - YAML 1.1 booleans: `y Y yes Yes YES on On ON true True TRUE` and the `n … off … false` family;
 *   as keys they become the strings "true" / "false" (so `on:` and `y:` are the same key);
 * - integers through Go's `strconv.ParseInt(s, 0, 64)` after dropping `_`: `0777` is octal 511,
 *   `0x1F`, `0o17`, `0b101`, `1_000`; then YAML 1.1 floats (`1e3`, `.5`); every number ends up a
 *   float64 (so `1000000` prints as `1e+06` in a template; JavaScript numbers are the same type);
 * - `.inf` and `.nan` make Helm refuse the file (JSON has no such numbers);
 * - timestamps (`2001-12-14`) and sexagesimals (`1:20`) stay strings;
 * - `~`, `null`, `Null`, `NULL` and an empty value are null;
 * - merge keys as go-yaml v2 applies them: in document order, so a `<<` written AFTER a key
 *   overrides that key, a key written after `<<` overrides the merged one; in a list of merge
 *   sources the earlier source wins;
 * - a duplicate key is not an error: the last one wins;
 * - only the first document of a file counts.
 *
 * Every value remembers where it is written: the key and value offsets in this file, and, when it
 * arrived through an alias or a merge key, the offsets of those (`via`). The value itself
 * locates on the line inside the anchor that holds it: that is the text that makes it what it is.
 */
import jsyaml from 'js-yaml';
import { Alias, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, type Node, type Scalar } from 'yaml';
import type { Span, ValuePath } from '../types.ts';
import { hasComplexKey } from './key-line.ts';
import { LineIndex } from './line-index.ts';
import { parseYaml, type YamlDocument, type YamlProblem } from './parse.ts';

/** Where a value (or collection) is written in the file. Offsets are 0-based string offsets. */
export interface ValueNodeOrigin {
  /** The key that holds it (absent for the root and list items). */
  key?: { start: number; end: number };
  value: { start: number; end: number };
  /** Alias (`*x`) and merge key (`<<`) offsets it came through, outermost first. */
  via: Array<{ kind: 'alias' | 'merge'; start: number; end: number; anchor?: string }>;
  entries?: Map<string, ValueNodeOrigin>;
  items?: ValueNodeOrigin[];
}

/** A resolved origin with lines, for messages and locations. */
export interface ValueOrigin {
  /** The span a person edits: the key and its scalar value, or the key line of a collection. */
  span: Span;
  /** Spans of the aliases / merge keys it came through (empty when written in place). */
  via: Array<{ kind: 'alias' | 'merge'; span: Span; anchor?: string }>;
}

export interface HelmValuesDocument extends YamlDocument {
  /** The origin of the node at `path`, or undefined when the path does not exist here. */
  origin(path: ValuePath): ValueOrigin | undefined;
}

export interface ParsedHelmValues {
  doc: HelmValuesDocument | undefined;
  problems: YamlProblem[];
  lines: LineIndex;
}

const DEFAULT_MAX_NODES = 200_000;
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NON_FINITE = /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/;
/** What Go's strconv.ParseInt(s, 0, 64) accepts (after go-yaml dropped the underscores). */
const GO_INT = /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** go-yaml v2's yamlStyleFloat. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

class ValuesError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Resolves a plain (unquoted, untagged) scalar as go-yaml v2 does, then as JSON keeps it. */
export function resolvePlainScalar(text: string, offset = 0): unknown {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (NON_FINITE.test(text)) {
    throw new ValuesError(`"${text}" is not a number JSON can hold; Helm refuses the file ("json: unsupported value")`, offset);
  }
  const first = text.charCodeAt(0);
  const numeric = (first >= 48 && first <= 57) || text[0] === '-' || text[0] === '+' || text[0] === '.';
  if (!numeric) return text;
  const plain = text.replace(/_/g, '');
  if (GO_INT.test(plain)) return parseGoInt(plain);
  if (YAML_FLOAT.test(plain)) return Number.parseFloat(plain);
  return text;
}

function parseGoInt(plain: string): number {
  const negative = plain.startsWith('-');
  const body = plain.replace(/^[-+]/, '');
  let magnitude: number;
  if (/^0[xX]/.test(body)) magnitude = Number.parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) magnitude = Number.parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) magnitude = Number.parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) magnitude = Number.parseInt(body.slice(1), 8);
  else magnitude = Number.parseInt(body, 10);
  return negative ? -magnitude : magnitude;
}

/** sigs.k8s.io/yaml turns non-string keys into strings. */
function jsonKey(key: unknown, offset: number): string {
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'boolean') return String(key);
  if (key === null) return 'null';
  throw new ValuesError('a map key must be a scalar; Helm cannot read a collection as a key', offset);
}

interface Built {
  value: unknown;
  origin: ValueNodeOrigin;
}

/**
 * Plain scalars resolved as go-yaml v2 resolves them, for the fast path (js-yaml): only the
 * implicit types differ from the failsafe schema (everything quoted stays a string).
 */
const HELM_VALUES_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    new jsyaml.Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (data: string | null) => data === null || NULLS.has(data), construct: () => null }),
    new jsyaml.Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      resolve: (data: string) => TRUES.has(data) || FALSES.has(data),
      construct: (data: string) => TRUES.has(data),
    }),
    new jsyaml.Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (data: string) => NON_FINITE.test(data) || typeof resolvePlainScalar(data) === 'number',
      construct: (data: string) => resolvePlainScalar(data),
    }),
  ],
});

/**
 * Reads a values file as Helm reads it. Most files hold no merge key and no duplicate: js-yaml
 * reads those about five times faster than the position-keeping parser, which then runs only
 * when a location is asked for (most values files of a review never are). Anything else (merge
 * keys, which go-yaml applies in document order; duplicates; explicit (`? `) or collection keys,
 * which js-yaml would turn into strings and Helm refuses; errors) takes the full path.
 */
export function parseHelmValues(text: string, options: { maxExpandedNodes?: number } = {}): ParsedHelmValues {
  if (!text.includes('<<') && !text.includes('*') && !hasComplexKey(text)) {
    let value: unknown;
    try {
      value = jsyaml.load(text, { schema: HELM_VALUES_SCHEMA });
    } catch {
      value = undefined;
    }
    if (isRecordValue(value) && !NON_FINITE_ANYWHERE.test(text)) {
      const lines = new LineIndex(text);
      let full: HelmValuesDocument | undefined;
      const positions = (): HelmValuesDocument => (full ??= parseHelmValuesFully(text, options).doc ?? emptyDocument(value, lines));
      return {
        doc: {
          index: 0,
          value,
          get span() {
            return positions().span;
          },
          has: (path) => hasPath(value, path),
          locate: (path) => positions().locate(path),
          origin: (path) => positions().origin(path),
        },
        problems: [],
        lines,
      };
    }
  }
  return parseHelmValuesFully(text, options);
}

const NON_FINITE_ANYWHERE = /(^|[\s:[,{-])[-+]?\.(inf|Inf|INF|nan|NaN|NAN)\s*($|[,\]}#])/m;

function hasPath(value: unknown, path: ValuePath): boolean {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number' && segment < current.length) current = current[segment];
    else if (isRecordValue(current) && Object.hasOwn(current, String(segment))) current = current[String(segment)];
    else return false;
  }
  return true;
}

function emptyDocument(value: Record<string, unknown>, lines: LineIndex): HelmValuesDocument {
  const at = lines.span(0, 0);
  return { index: 0, value, span: at, has: (path) => hasPath(value, path), locate: () => at, origin: () => undefined };
}

/** The full reading, positions included (what parseHelmValues falls back to). */
export function parseHelmValuesFully(text: string, options: { maxExpandedNodes?: number } = {}): ParsedHelmValues {
  const lines = new LineIndex(text);
  const problems: YamlProblem[] = [];
  const document = parseDocument(text, { schema: 'failsafe', merge: false, uniqueKeys: false, strict: false, prettyErrors: false });
  if (document.errors.length > 0) {
    // The same words and line as every other YAML file of the review (js-yaml's, which also
    // name the line go-yaml names), else this parser's first error.
    const reported = parseYaml(text).problems.filter((p) => p.code === 'yaml-syntax');
    if (reported.length > 0) return { doc: undefined, problems: reported.slice(0, 1), lines };
    const error = document.errors[0]!;
    const at = lines.span(error.pos[0], error.pos[0]);
    problems.push({
      ...at,
      endColumn: Math.max(at.column, lines.lineEndColumn(at.line)),
      code: 'yaml-syntax',
      message: `YAML syntax error: ${firstLine(error.message)}`,
    });
    return { doc: undefined, problems, lines };
  }
  const limit = options.maxExpandedNodes ?? DEFAULT_MAX_NODES;
  let count = 0;
  const active = new Set<Node>();
  // Alias.resolve walks the whole document; an alias bomb would make that quadratic.
  const targets = new Map<Alias, Node | undefined>();
  const targetOf = (alias: Alias): Node | undefined => {
    if (!targets.has(alias)) targets.set(alias, alias.resolve(document));
    return targets.get(alias);
  };

  const build = (node: Node | null, via: ValueNodeOrigin['via']): Built => {
    if (++count > limit)
      throw new ValuesError(`this file expands to more than ${limit} nodes through aliases (an "alias bomb"); it was not reviewed`, node?.range?.[0] ?? 0);
    if (node === null) return { value: null, origin: { value: { start: 0, end: 0 }, via } };
    if (isAlias(node)) {
      const target = targetOf(node);
      if (!target) throw new ValuesError(`unknown anchor "${node.source}"`, node.range?.[0] ?? 0);
      if (active.has(target)) throw new ValuesError(`anchor "${node.source}" refers to itself`, node.range?.[0] ?? 0);
      const [start, end] = node.range ?? [0, 0];
      return build(target, [...via, { kind: 'alias', start, end, anchor: node.source }]);
    }
    const [start, end] = node.range ?? [0, 0];
    const here = { start, end: trimEnd(text, end) };
    active.add(node);
    try {
      if (isMap(node)) {
        const value: Record<string, unknown> = {};
        const entries = new Map<string, ValueNodeOrigin>();
        const written = new Set<string>();
        const put = (key: string, built: Built): void => {
          delete value[key];
          value[key] = built.value;
          entries.set(key, built.origin);
        };
        for (const pair of node.items) {
          const keyNode = asNode(pair.key);
          if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.value === '<<' && !keyNode.tag) {
            const [ks, ke] = keyNode.range ?? [0, 0];
            const mergeVia = [...via, { kind: 'merge' as const, start: ks, end: ke }];
            const sources = isSeq(pair.value) ? pair.value.items.map(asNode).reverse() : [asNode(pair.value)];
            for (const source of sources) {
              const merged = build(source, mergeVia);
              if (!isRecordValue(merged.value)) throw new ValuesError('a merge key (<<) must point at a map or a list of maps', source?.range?.[0] ?? ks);
              for (const [k, v] of Object.entries(merged.value)) {
                put(k, { value: v, origin: merged.origin.entries!.get(k)! });
              }
            }
            continue;
          }
          const keyBuilt = build(keyNode, []);
          const key = jsonKey(keyBuilt.value, keyNode?.range?.[0] ?? start);
          if (written.has(key) && keyNode?.range) {
            // Helm keeps the last one silently; a reviewer should not.
            const at = lines.span(keyNode.range[0], keyNode.range[1]);
            const written = isScalar(keyNode) ? String(keyNode.source ?? keyNode.value) : key;
            const readAs = written === key ? '' : ` (Helm reads it as "${key}", like an earlier key)`;
            problems.push({ ...at, code: 'yaml-duplicate-key', message: `duplicate key "${written}"${readAs}: Helm silently keeps the last one; keep one` });
          }
          written.add(key);
          const child = build(asNode(pair.value), via);
          if (keyNode?.range) child.origin.key = { start: keyNode.range[0], end: trimEnd(text, keyNode.range[1]) };
          if (pair.value === null && keyNode?.range) child.origin.value = { start: child.origin.key!.end, end: child.origin.key!.end };
          put(key, child);
        }
        return { value, origin: { value: here, via, entries } };
      }
      if (isSeq(node)) {
        const value: unknown[] = [];
        const items: ValueNodeOrigin[] = [];
        for (const item of node.items.map(asNode)) {
          const built = build(item, via);
          value.push(built.value);
          items.push(built.origin);
        }
        return { value, origin: { value: here, via, items } };
      }
      if (isScalar(node)) return { value: scalarValue(node, start), origin: { value: here, via } };
      throw new ValuesError('unsupported YAML node', start);
    } finally {
      active.delete(node);
    }
  };

  let built: Built;
  try {
    // Count first, memoised per node, so that a bomb costs the size of its text, not its expansion.
    if (expandedSize(document.contents, targetOf, limit) > limit) {
      throw new ValuesError(`this file expands to more than ${limit} nodes through aliases (an "alias bomb"); it was not reviewed`, 0);
    }
    built = build(document.contents, []);
  } catch (error) {
    if (!(error instanceof ValuesError)) throw error;
    const at = lines.span(error.offset, error.offset);
    const bomb = error.message.includes('alias bomb');
    problems.push({
      ...at,
      endColumn: Math.max(at.column, lines.lineEndColumn(at.line)),
      code: bomb ? 'yaml-alias-bomb' : 'yaml-syntax',
      message: bomb ? error.message : `Helm cannot read this values file: ${error.message}`,
    });
    return { doc: undefined, problems, lines };
  }
  if (built.value === null || document.contents === null) return { doc: undefined, problems, lines };
  if (!isRecordValue(built.value)) {
    const at = lines.span(built.origin.value.start, built.origin.value.start);
    problems.push({
      ...at,
      endColumn: Math.max(at.column, lines.lineEndColumn(at.line)),
      code: 'yaml-syntax',
      message: 'a values file must be a map of keys; Helm refuses a list or a single value',
    });
    return { doc: undefined, problems, lines };
  }
  // Duplicate keys are reported, yet the file is read as Helm reads it.
  return { doc: makeDocument(built, lines), problems, lines };
}

function expandedSize(root: Node | null, targetOf: (alias: Alias) => Node | undefined, limit: number): number {
  const memo = new Map<Node, number>();
  const visit = (node: Node | null | undefined, depth: number): number => {
    if (!node) return 1;
    if (depth > 1000) return Infinity;
    const cached = memo.get(node);
    if (cached !== undefined) return cached;
    memo.set(node, Infinity); // a cycle is unbounded
    let total = 1;
    if (isAlias(node)) total = visit(targetOf(node), depth + 1);
    else if (isMap(node)) for (const pair of node.items) total += visit(asNode(pair.key), depth + 1) + visit(asNode(pair.value), depth + 1);
    else if (isSeq(node)) for (const item of node.items) total += visit(asNode(item), depth + 1);
    const size = total > limit ? Infinity : total;
    memo.set(node, size);
    return size;
  };
  return visit(root, 0);
}

function scalarValue(node: Scalar, offset: number): unknown {
  const raw = node.value;
  const text = typeof raw === 'string' ? raw : String(raw);
  const tag = node.tag;
  if (tag === 'tag:yaml.org,2002:str' || tag === '!!str') return text;
  if (tag === 'tag:yaml.org,2002:null' || tag === '!!null') return null;
  if (tag && /(int|float|bool)$/.test(tag)) return resolvePlainScalar(text, offset);
  if (node.type !== 'PLAIN') return text;
  return resolvePlainScalar(text, offset);
}

function isRecordValue(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function trimEnd(text: string, end: number): number {
  let i = Math.min(end, text.length);
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function makeDocument(built: Built, lines: LineIndex): HelmValuesDocument {
  const resolve = (path: ValuePath): { node: ValueNodeOrigin; complete: boolean; depth: number } => {
    let node = built.origin;
    let depth = 0;
    for (const segment of path) {
      const next = typeof segment === 'number' ? node.items?.[segment] : node.entries?.get(String(segment));
      if (!next) return { node, complete: false, depth };
      node = next;
      depth++;
    }
    return { node, complete: true, depth };
  };
  const spanOf = (node: ValueNodeOrigin): Span => {
    const isScalar = !node.entries && !node.items;
    if (node.key) {
      if (isScalar) return lines.span(node.key.start, Math.max(node.key.end, node.value.end));
      return lines.span(node.key.start, node.key.end);
    }
    if (isScalar) return lines.span(node.value.start, node.value.end);
    const whole = lines.span(node.value.start, node.value.end);
    return { line: whole.line, column: whole.column, endLine: whole.line, endColumn: lines.lineEndColumn(whole.line) };
  };
  const rootSpan = (): Span => {
    const first = built.origin.entries?.values().next().value ?? built.origin.items?.[0];
    return first ? spanOf(first) : spanOf(built.origin);
  };
  return {
    index: 0,
    value: built.value,
    get span() {
      return lines.span(built.origin.value.start, built.origin.value.end);
    },
    has: (path) => resolve(path).complete,
    locate(path) {
      const { node, depth } = resolve(path);
      return depth === 0 ? rootSpan() : spanOf(node);
    },
    origin(path) {
      const { node, complete } = resolve(path);
      if (!complete) return undefined;
      return {
        span: path.length === 0 ? rootSpan() : spanOf(node),
        via: node.via.map((v) => ({ kind: v.kind, span: lines.span(v.start, v.end), ...(v.anchor ? { anchor: v.anchor } : {}) })),
      };
    },
  };
}

/** A parsed document's keys, values and items are nodes (or null for an empty one). */
function asNode(value: unknown): Node | null {
  return isNode(value) ? value : null;
}
