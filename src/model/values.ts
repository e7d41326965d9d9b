/**
 * Helm values layered per environment (`values.yaml`, then `values-<env>.yaml`), merged as Helm
 * merges them, with every path traceable to the file and line a person edits.
 */
import type { Location, Span, ValuePath } from '../types.ts';
import { parseHelmValues, type HelmValuesDocument } from '../yaml/helm-values.ts';
import type { YamlDocument, YamlProblem } from '../yaml/parse.ts';

export interface ValuesLayer {
  path: string;
  /** Read with `readValuesLayer` (values as Helm reads them); a plain YAML document also works. */
  doc: YamlDocument | HelmValuesDocument | undefined;
}

/** Where the value at a path of the merged values comes from. */
export interface ValueTrace extends Location {
  /** Index of the layer (0 = values.yaml). */
  layer: number;
  /** The key is set to `null` here: Helm deletes it, the value is missing because of this line. */
  deleted: boolean;
  /**
   * The value arrived through an alias or a merge key: `span` is its line inside the anchor (the
   * text that makes it what it is; changing it changes every user of the anchor), `via` the
   * lines of the `*alias` / `<<: *anchor` that brought it here, outermost first.
   */
  via: Array<{ kind: 'alias' | 'merge'; span: Span; anchor?: string }>;
}

/**
 * Words for where a value comes from, for messages: `values.yaml:4`, or for a value that came
 * through a merge key `values.yaml:4 (in the anchor &defaults, merged by "<<" on line 25)`.
 */
export function describeTrace(trace: ValueTrace): string {
  const at = `${trace.path}:${trace.line}`;
  const merge = trace.via.find((v) => v.kind === 'merge');
  const alias = trace.via.find((v) => v.kind === 'alias');
  if (merge) return `${at} (in the anchor${alias?.anchor ? ` &${alias.anchor}` : ''}, merged by "<<" on line ${merge.span.line})`;
  if (alias) return `${at} (in the anchor &${alias.anchor ?? '?'}, used by *${alias.anchor ?? '?'} on line ${alias.span.line})`;
  return trace.deleted ? `${at} (set to null here, which deletes it)` : at;
}

/** Reads a values file as Helm reads it (YAML 1.1, merge keys in go-yaml's order; src/yaml/helm-values.ts). */
export function readValuesLayer(path: string, text: string): { layer: ValuesLayer; problems: Array<YamlProblem & { path: string }> } {
  const parsed = parseHelmValues(text);
  return { layer: { path, doc: parsed.doc }, problems: parsed.problems.map((p) => ({ ...p, path })) };
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
    else if (isRecord(value) && isRecord(out[key])) out[key] = mergeValues(out[key], value);
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
   * The file and line that set the value at `path` in the merged values (the last layer that has
   * it, `null` included: that line deleted it), or undefined when no layer sets it or a later
   * layer replaces a parent with a list, a scalar or null (Helm drops what earlier files had
   * below it: the items of a list an overlay replaces live in the overlay only).
   */
  trace(path: ValuePath): ValueTrace | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const layer = this.layers[i]!;
      const doc = layer.doc;
      if (!doc) continue;
      if (doc.has(path)) {
        const origin = 'origin' in doc ? doc.origin(path) : undefined;
        const span = origin?.span ?? doc.locate(path);
        return { path: layer.path, ...span, layer: i, deleted: getPath(doc.value, path) === null, via: origin?.via ?? [] };
      }
      if (hidesBelow(doc, path) < path.length) return undefined;
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
      cap = Math.min(cap, hidesBelow(layer.doc, path));
    }
    if (best?.layer.doc) return { path: best.layer.path, ...best.layer.doc.locate(path.slice(0, best.depth)) };
    const top = [...this.layers].reverse().find((l) => l.doc) ?? this.layers[this.layers.length - 1];
    if (top?.doc) return { path: top.path, ...top.doc.locate([]) };
    return { path: top?.path ?? 'values.yaml', line: 1, column: 1, endLine: 1, endColumn: 1 };
  }
}

/**
 * The depth of the shortest prefix of `path` that `doc` sets to something other than a map (a
 * list, a scalar, null): Helm takes it whole, so earlier files cannot contribute below it.
 * `path.length` when no such prefix exists.
 */
function hidesBelow(doc: YamlDocument, path: ValuePath): number {
  for (let depth = 1; depth < path.length; depth++) {
    const prefix = path.slice(0, depth);
    if (!doc.has(prefix)) return path.length;
    if (!isRecord(getPath(doc.value, prefix))) return depth;
  }
  return path.length;
}
