/**
 * Helm values layered per environment (`values.yaml`, then `values-<env>.yaml`), merged as Helm
 * merges them, with every path traceable to the file and line a person edits.
 */
import type { Location, ValuePath } from '../types.ts';
import type { YamlDocument } from '../yaml/parse.ts';

export interface ValuesLayer {
  path: string;
  doc: YamlDocument | undefined;
}

type Tree = Record<string, unknown>;

export function isRecord(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Helm's coalescing of user-supplied values files: maps merge key by key, anything else (lists
 * included) replaces, and `null` removes the key.
 */
export function mergeValues(base: Tree, overlay: Tree): Tree {
  const out: Tree = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value === null) delete out[key];
    else if (isRecord(value) && isRecord(out[key])) out[key] = mergeValues(out[key] as Tree, value);
    else out[key] = value;
  }
  return out;
}

export function getPath(value: unknown, path: ValuePath): unknown {
  let current = value;
  for (const segment of path) {
    if (Array.isArray(current) && typeof segment === 'number') current = current[segment];
    else if (isRecord(current)) current = current[String(segment)];
    else return undefined;
  }
  return current;
}

export function splitDotted(path: string): string[] {
  return path.split('.').filter(Boolean);
}

export class LayeredValues {
  readonly merged: Tree;

  constructor(readonly layers: readonly ValuesLayer[]) {
    this.merged = layers.reduce<Tree>((acc, layer) => (isRecord(layer.doc?.value) ? mergeValues(acc, layer.doc.value) : acc), {});
  }

  get(path: ValuePath): unknown {
    return getPath(this.merged, path);
  }

  /** The file whose value wins for `path`, if any file sets it. */
  sourceOf(path: ValuePath): string | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      if (layer.doc?.has(path)) return layer.path;
    }
    return undefined;
  }

  /**
   * Where to point for `path`: the key in the last file that sets it; for a missing key, its
   * deepest existing parent, preferring the more specific file on a tie; for a key missing
   * everywhere, the first key of the most specific file. A later file that sets a parent to
   * `null` or to a scalar hides what earlier files have below it (Helm drops those keys).
   */
  locate(path: ValuePath): Location {
    let best: { layer: ValuesLayer; depth: number } | undefined;
    let cap = path.length;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      if (!layer.doc) continue;
      let depth = cap;
      while (depth > 0 && !layer.doc.has(path.slice(0, depth))) depth--;
      if (depth > 0 && (!best || depth > best.depth)) best = { layer, depth };
      if (depth > 0 && depth < path.length && !isRecord(getPath(layer.doc.value, path.slice(0, depth)))) cap = depth;
    }
    if (best?.layer.doc) return { path: best.layer.path, ...best.layer.doc.locate(path.slice(0, best.depth)) };
    const top = [...this.layers].reverse().find((l) => l.doc) ?? this.layers[this.layers.length - 1];
    if (top?.doc) return { path: top.path, ...top.doc.locate([]) };
    return { path: top?.path ?? 'values.yaml', line: 1, column: 1, endLine: 1, endColumn: 1 };
  }
}
