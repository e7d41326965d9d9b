/**
 * Source positions for js-yaml. js-yaml 4 reports an `open` and a `close` event for every node it
 * composes (keys included); we turn that stream into a tree of offsets that mirrors the parsed
 * value, so that any value path can be mapped back to the key a person must edit. This costs a
 * small constant per node, against the ~10× slower composition of a comment-keeping YAML library.
 */

export interface PosNode {
  /** Offset of the node's first character (after leading white space and comments). */
  start: number;
  /** Offset just past the node's last significant character. */
  end: number;
  /** For a mapping: key → { key node, value node }. */
  entries?: Map<string, { key: PosNode; value: PosNode }>;
  /** For a sequence: item nodes in order. */
  items?: PosNode[];
}

interface RawNode {
  open: number;
  close: number;
  kind: string | null;
  result: unknown;
  children: RawNode[];
}

/** Builds the `listener` for js-yaml and collects one raw tree per document. */
export function createPositionRecorder(): {
  listener: (event: 'open' | 'close', state: { position: number; kind: string | null; result: unknown }) => void;
  roots: RawNode[];
} {
  const roots: RawNode[] = [];
  const stack: RawNode[] = [];
  return {
    roots,
    listener(event, state) {
      if (event === 'open') {
        stack.push({ open: state.position, close: state.position, kind: null, result: undefined, children: [] });
        return;
      }
      const node = stack.pop();
      if (!node) return;
      node.close = state.position;
      node.kind = state.kind;
      node.result = state.result;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else roots.push(node);
    },
  };
}

const MERGE_KEY = '<<';

/**
 * Aligns a raw event tree with the value js-yaml produced. js-yaml may emit a trailing empty node
 * when it probes for one more entry at the end of a block collection; alignment by the result's
 * shape drops those.
 */
export function toPosTree(raw: RawNode, text: string, base = 0): PosNode {
  // A document that is one flow collection (JSON, `{a: 1}`) is reported twice, the document's node
  // wrapping the collection's: descend to the one whose children are the entries.
  while (
    raw.children.length === 1 &&
    raw.children[0]!.result === raw.result &&
    raw.children[0]!.kind === raw.kind &&
    raw.result !== null &&
    typeof raw.result === 'object'
  ) {
    raw = raw.children[0]!;
  }
  const start = skipInsignificant(text, raw.open);
  const end = Math.max(start, trimTrailing(text, raw.close));
  const node: PosNode = { start: start + base, end: end + base };
  const value = raw.result;
  if (raw.kind === 'mapping' && value && typeof value === 'object' && !Array.isArray(value)) {
    node.entries = new Map();
    const children = raw.children;
    for (let i = 0; i + 1 < children.length; i += 2) {
      const keyRaw = children[i]!;
      const valueRaw = children[i + 1]!;
      const key = String(keyRaw.result);
      const keyNode = toPosTree(keyRaw, text, base);
      const valueNode = toPosTree(valueRaw, text, base);
      if (key === MERGE_KEY) {
        // Keys merged in from an alias point at the `<<` line: that is where they come from here.
        for (const merged of mergedKeys(valueRaw.result)) {
          if (!node.entries.has(merged)) node.entries.set(merged, { key: keyNode, value: valueNode });
        }
        continue;
      }
      node.entries.set(key, { key: keyNode, value: valueNode });
    }
  } else if (raw.kind === 'sequence' && Array.isArray(value)) {
    node.items = raw.children.slice(0, value.length).map((child) => toPosTree(child, text, base));
  }
  return node;
}

function mergedKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(mergedKeys);
  if (value && typeof value === 'object') return Object.keys(value);
  return [];
}

/** Skips spaces, line breaks, comments and a `- ` / `? ` indicator js-yaml has not consumed yet. */
function skipInsignificant(text: string, offset: number): number {
  let i = offset;
  while (i < text.length) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9 || ch === 10 || ch === 13 || ch === 0xfeff) {
      i++;
    } else if (ch === 35 /* # */ && (i === 0 || isSpace(text.charCodeAt(i - 1)))) {
      while (i < text.length && text.charCodeAt(i) !== 10) i++;
    } else {
      break;
    }
  }
  return i;
}

function trimTrailing(text: string, offset: number): number {
  let i = Math.min(offset, text.length);
  while (i > 0 && isSpace(text.charCodeAt(i - 1))) i--;
  return i;
}

function isSpace(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 10 || ch === 13;
}
