/**
 * Which values line produced a rendered field, learned from Helm's own behaviour rather than from
 * a table per library chart: it works for a library never seen before and for third-party charts.
 *
 * 1. `buildMarkerValues` turns every non-empty string and every positive number of the merged
 *    values into a unique marker, keeping what steers Helm's control flow (booleans, zero, empty
 *    strings, empty maps and lists, null) as it is. The caller renders the chart a second time with
 *    the marker file as the last `-f` (and `--skip-schema-validation`: markers are not quantities).
 * 2. `traceMarkers` pairs every marked object with the real one (same `# Source:` template, same
 *    position, same kind) and maps each rendered scalar that holds a marker to the values path
 *    behind it — only when substituting the original values into the marked scalar gives exactly
 *    the real scalar (so a render whose control flow the markers changed, a marker cut by `trunc`
 *    or a number that met arithmetic, is never trusted). Collections follow from their leaves:
 *    `…containers[1].resources.limits.cpu` ↔ `sidecars[0].resources.limits.cpu` makes
 *    `…containers[1]` ↔ `sidecars[0]`, which is how a missing key finds the values key it belongs
 *    under.
 * 3. `locateRenderedField` answers for a rendered object path, in this order: the values line
 *    that set it (the overlay's when the overlay sets it); the nearest values key under which a
 *    missing key belongs; for a field no marker reached, the `.Values` the template lines behind
 *    it read (`if`/`with` guards first when the field is missing, the values its block renders
 *    when it is present); finally the template line itself. Never the rendered output.
 *
 * Pure: no I/O, no Helm. Callers pass the rendered texts and the chart's template files.
 */
import type { Location, ValuePath } from '../types.ts';
import { getPath, isRecord, type LayeredValues } from '../model/values.ts';
import { parseYaml } from '../yaml/parse.ts';
import { formatValue } from '../yaml/format-value.ts';
import { analyzeTemplate, type TemplateLine, type TemplateStructure } from '../yaml/template-structure.ts';

/** First marker number: below 1e6, which Helm would print as `1e+06` (values are float64). */
const NUMBER_BASE = 610_000;
const NUMBER_LIMIT = 999_999;
const STRING_MARKER = /zq(\d+)qz/gi;

export interface MarkerValues {
  /** YAML (JSON, which YAML reads) for an extra, last `-f` of a second render. */
  text: string;
  /** Marker (a string `zq12qz`, or a number's decimal form) → the values path it replaces. */
  markers: Map<string, ValuePath>;
  /** Marker → the original value. */
  originals: Map<string, unknown>;
}

/**
 * Markers for every string and positive number of the merged values. Maps are written sparsely
 * (only what is marked), lists whole (an `-f` replaces a list whole).
 */
export function buildMarkerValues(values: LayeredValues | Record<string, unknown>, options: { keep?: readonly ValuePath[] } = {}): MarkerValues {
  const merged = isLayered(values) ? values.merged : values;
  const keep = new Set((options.keep ?? []).map((p) => JSON.stringify(p.map(String))));
  const kept = (path: ValuePath): boolean => keep.has(JSON.stringify(path.filter((s) => typeof s === 'string')));
  const markers = new Map<string, ValuePath>();
  const originals = new Map<string, unknown>();
  let strings = 0;
  let numbers = 0;
  const mark = (value: unknown, path: ValuePath): { value: unknown; marked: boolean } => {
    // A value the templates compare or compute with keeps its real value (and its subtree too).
    if (kept(path)) return { value, marked: false };
    if (typeof value === 'string' && value !== '') {
      const marker = `zq${strings++}qz`;
      markers.set(marker, path);
      originals.set(marker, value);
      return { value: marker, marked: true };
    }
    if (typeof value === 'number' && value > 0 && Number.isFinite(value) && NUMBER_BASE + numbers <= NUMBER_LIMIT) {
      // Same kind of number: integers stay integers (`int`, `%d`), fractions stay fractions.
      const marker = NUMBER_BASE + numbers++ + (Number.isInteger(value) ? 0 : 0.5);
      markers.set(String(marker), path);
      originals.set(String(marker), value);
      return { value: marker, marked: true };
    }
    if (Array.isArray(value)) {
      const items = value.map((item, i) => mark(item, [...path, i]));
      return { value: items.map((i) => i.value), marked: items.some((i) => i.marked) };
    }
    if (isRecord(value)) {
      const out: Record<string, unknown> = {};
      let any = false;
      for (const [key, child] of Object.entries(value)) {
        const m = mark(child, [...path, key]);
        if (m.marked) {
          out[key] = m.value;
          any = true;
        }
      }
      return { value: out, marked: any };
    }
    return { value, marked: false };
  };
  const { value } = mark(merged, []);
  return { text: JSON.stringify(value ?? {}, null, 1) + '\n', markers, originals };
}

function isLayered(v: unknown): v is LayeredValues {
  return typeof v === 'object' && v !== null && 'merged' in v && 'layers' in v;
}

/** One document of `helm template` output. */
export interface RenderedDocument {
  /** Helm's `# Source:` path, e.g. `orchestrator/templates/all.yaml`. */
  source: string;
  value: Record<string, unknown>;
}

/** Splits `helm template` output into documents, keeping each one's `# Source:`. */
export function splitRendered(text: string): RenderedDocument[] {
  const out: RenderedDocument[] = [];
  for (const part of text.split(/^---[ \t]*$/m)) {
    const source = /^# Source: (.+)$/m.exec(part)?.[1]?.trim() ?? '';
    for (const doc of parseYaml(part).docs) {
      if (isRecord(doc.value)) out.push({ source, value: doc.value });
    }
  }
  return out;
}

export interface FieldSource {
  objectPath: ValuePath;
  valuesPaths: ValuePath[];
  /** Derived from leaves below it (a collection), not read from a marker directly. */
  derived: boolean;
}

export interface ObjectProvenance {
  kind: string;
  namespace?: string;
  name: string;
  source: string;
  /** Position among the documents of the same source. */
  index: number;
  fields: FieldSource[];
  /** The real rendered object (to tell a missing field from a present one). */
  value?: Record<string, unknown>;
}

/**
 * Maps the fields of every real object to values paths, through the marked render. Objects
 * are paired by source template and position; a pair whose kinds differ (the markers changed
 * which objects render) gives no mapping for that object.
 */
export function traceMarkers(marked: RenderedDocument[], real: RenderedDocument[], markerValues: MarkerValues): ObjectProvenance[] {
  const bySource = (docs: RenderedDocument[]): Map<string, RenderedDocument[]> => {
    const map = new Map<string, RenderedDocument[]>();
    for (const d of docs) map.set(d.source, [...(map.get(d.source) ?? []), d]);
    return map;
  };
  const markedBySource = bySource(marked);
  const out: ObjectProvenance[] = [];
  for (const [source, docs] of bySource(real)) {
    const twins = markedBySource.get(source) ?? [];
    docs.forEach((doc, index) => {
      const meta = isRecord(doc.value.metadata) ? doc.value.metadata : {};
      const provenance: ObjectProvenance = {
        kind: formatValue(doc.value.kind ?? ''),
        namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined,
        name: typeof meta.name === 'string' ? meta.name : '',
        source,
        index,
        fields: [],
        value: doc.value,
      };
      const twin = twins[index];
      if (twin && twin.value.kind === doc.value.kind) provenance.fields = traceObject(twin.value, doc.value, markerValues);
      out.push(provenance);
    });
  }
  return out;
}

function traceObject(marked: unknown, real: unknown, mv: MarkerValues): FieldSource[] {
  const leaves: FieldSource[] = [];
  const walk = (m: unknown, r: unknown, path: ValuePath): void => {
    if (Array.isArray(m) && Array.isArray(r)) {
      m.forEach((item, i) => walk(item, r[i], [...path, i]));
    } else if (isRecord(m) && isRecord(r)) {
      for (const [key, child] of Object.entries(m)) if (key in r) walk(child, r[key], [...path, key]);
    } else {
      const found = markersIn(m, mv);
      if (found.length > 0 && substitute(m, found, mv) === canonical(r)) {
        leaves.push({ objectPath: path, valuesPaths: found.map((f) => mv.markers.get(f)!), derived: false });
      }
    }
  };
  walk(marked, real, []);
  return [...leaves, ...deriveCollections(leaves)];
}

/** The markers a rendered scalar holds (strings, numbers, and either inside base64: `b64enc`). */
function markersIn(value: unknown, mv: MarkerValues): string[] {
  if (typeof value === 'number') return mv.markers.has(String(value)) ? [String(value)] : [];
  if (typeof value !== 'string') return [];
  const found = markersInText(value, mv);
  if (found.length === 0) {
    const decoded = decodeBase64(value);
    if (decoded !== undefined) return markersInText(decoded, mv);
  }
  return found;
}

function markersInText(text: string, mv: MarkerValues): string[] {
  const found = [...text.matchAll(STRING_MARKER)].map((m) => m[0].toLowerCase()).filter((m) => mv.markers.has(m));
  for (const m of text.matchAll(/(?<![\d.])\d{6}(?:\.5)?(?![\d.])/g)) if (mv.markers.has(m[0])) found.push(m[0]);
  return found;
}

/** The text behind a base64 string (Secret data), when it is one and decodes to UTF-8 text. */
function decodeBase64(value: string): string | undefined {
  if (value.length < 8 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return text.includes('\uFFFD') ? undefined : text;
}

function substitute(value: unknown, found: string[], mv: MarkerValues): string {
  if (typeof value === 'number') return canonical(mv.originals.get(String(value)));
  const text = String(value);
  if (markersInText(text, mv).length === 0) {
    // The markers were inside base64: substitute in the decoded text and encode again.
    const decoded = decodeBase64(text) ?? '';
    return Buffer.from(replaceMarkers(decoded, found, mv), 'utf8').toString('base64');
  }
  return canonical(replaceMarkers(text, found, mv));
}

function replaceMarkers(text: string, found: string[], mv: MarkerValues): string {
  let out = text;
  for (const marker of found) {
    const original = goString(mv.originals.get(marker));
    out = out.replace(new RegExp(marker.replace('.', '\\.'), 'i'), () => original);
  }
  return out;
}

/** How Go's `%v` prints a value from the values (numbers are float64). */
function goString(value: unknown): string {
  return typeof value === 'number' && Math.abs(value) >= 1e21 ? value.toExponential() : String(value);
}

function canonical(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A leaf `a.b.x.y` ↔ `v.w.x.y` implies `a.b.x` ↔ `v.w.x` and `a.b` ↔ `v.w`: the common tail is the
 * same structure copied (`toYaml`, `range`). Kept only when every leaf below agrees.
 */
function deriveCollections(leaves: FieldSource[]): FieldSource[] {
  const candidates = new Map<string, { objectPath: ValuePath; valuesPath: ValuePath; conflict: boolean; support: number; depth: number }>();
  for (const leaf of leaves) {
    if (leaf.valuesPaths.length !== 1) continue;
    const o = leaf.objectPath;
    const v = leaf.valuesPaths[0]!;
    let k = 0;
    while (k < o.length && k < v.length && o[o.length - 1 - k] === v[v.length - 1 - k]) k++;
    for (let cut = 1; cut <= k; cut++) {
      // Cut only above a key (`x.name` ↔ `y.name` makes x ↔ y); equal list indexes are chance.
      if (typeof o[o.length - cut] !== 'string') continue;
      const objectPath = o.slice(0, o.length - cut);
      const valuesPath = v.slice(0, v.length - cut);
      if (objectPath.length === 0 || valuesPath.length === 0) continue;
      const key = JSON.stringify(objectPath);
      const seen = candidates.get(key);
      if (!seen) candidates.set(key, { objectPath, valuesPath, conflict: false, support: 1, depth: cut });
      else if (JSON.stringify(seen.valuesPath) !== JSON.stringify(valuesPath)) seen.conflict = true;
      else {
        seen.support++;
        seen.depth = Math.max(seen.depth, cut);
      }
    }
  }
  // One shared key name (`spec.replicas` ↔ `app.replicas`) is chance; two leaves, or a shared tail
  // of two keys or more, is structure copied.
  return [...candidates.values()]
    .filter((c) => !c.conflict && (c.support >= 2 || c.depth >= 2))
    .map((c) => ({ objectPath: c.objectPath, valuesPaths: [c.valuesPath], derived: true }));
}

/** A template file of the chart or of one of its dependencies (library charts, subcharts). */
export interface TemplateFile {
  /** The path as Helm names it in `# Source:` (`<chart>/templates/x.yaml`, `<chart>/charts/<dep>/templates/x.yaml`). */
  helmPath: string;
  /** The path a finding should carry (relative to the repository). */
  path: string;
  text: string;
  /**
   * Where this file's `.Values` live in the values bplus reads: `[name]` (or the alias) for an
   * application subchart, whose `.Values.x` is the parent's `<name>.x`; empty for the chart itself
   * and for library charts (their templates run in the including chart's scope). `.Values.global`
   * is never prefixed: Helm gives every chart the parent's `global`.
   */
  valuesPrefix?: readonly string[];
}

/** Template files analysed once; pass the same index to every `locateRenderedField` of a chart. */
/**
 * Template structures by text and values prefix, across renders: every service chart on a library
 * includes the same library templates, analysed once instead of once per chart and render.
 */
const structuresByText = new Map<string, TemplateStructure>();
const STRUCTURES_KEPT = 1024;

function analysedOnce(text: string, valuesPrefix: readonly string[]): TemplateStructure {
  const key = `${valuesPrefix.join('\u0000')}\u0001${text}`;
  let s = structuresByText.get(key);
  if (!s) {
    s = withValuesPrefix(analyzeTemplate(text), [...valuesPrefix]);
    if (structuresByText.size >= STRUCTURES_KEPT) structuresByText.delete(structuresByText.keys().next().value as string);
    structuresByText.set(key, s);
  }
  return s;
}

export class TemplateIndex {
  private readonly analysed = new Map<string, TemplateStructure>();

  constructor(readonly files: readonly TemplateFile[]) {}

  structure(file: TemplateFile): TemplateStructure {
    let s = this.analysed.get(file.helmPath);
    if (!s) {
      s = analysedOnce(file.text, file.valuesPrefix ?? []);
      this.analysed.set(file.helmPath, s);
    }
    return s;
  }

  /** Values paths the templates compare or compute with: pass them as `keep` to buildMarkerValues. */
  comparedValues(): ValuePath[] {
    const seen = new Map<string, ValuePath>();
    for (const file of this.files) for (const p of this.structure(file).compared) seen.set(JSON.stringify(p), p);
    return [...seen.values()];
  }

  bySource(source: string): TemplateFile | undefined {
    return this.files.find((f) => f.helmPath === source) ?? this.files.find((f) => source.endsWith(f.helmPath) || f.helmPath.endsWith(source));
  }

  /**
   * Template lines that may write `objectPath` of an object of `kind` rendered from `source`:
   * first the regions (file top level or `define`) that write `kind:` at their root, then every
   * region, ranked by how much of the path the line's keys cover.
   */
  linesFor(kind: string, source: string, objectPath: ValuePath): Array<{ file: TemplateFile; line: TemplateLine; matched: number }> {
    const keys = objectPath.filter((s): s is string => typeof s === 'string');
    const out: Array<{ file: TemplateFile; line: TemplateLine; matched: number; rooted: boolean; exact: boolean; conflict?: boolean }> = [];
    const sourceFile = this.bySource(source);
    const ordered = sourceFile ? [sourceFile, ...this.files.filter((f) => f !== sourceFile)] : [...this.files];
    for (const file of ordered) {
      for (const region of this.structure(file).regions) {
        const rooted = region.kinds.includes(kind);
        for (const line of region.lines) {
          const lineKeys = line.keys.filter((k) => k !== '-');
          if (rooted) {
            // Keys from the object's root: the line must be a prefix of the path (`*` matches any key).
            if (lineKeys.length <= keys.length && lineKeys.every((k, i) => k === '*' || k === keys[i])) {
              // Literal list items in the template: the item at the same position is the better line.
              const exact = line.indexed.every((k, i) => k === '*' || k === objectPath[i]);
              // A literal item at another position (the main container's line for a sidecar)
              // is the wrong item unless nothing better matches.
              const conflict = line.indexed.some((k, i) => typeof k === 'number' && typeof objectPath[i] === 'number' && k !== objectPath[i]);
              out.push({ file, line, matched: lineKeys.length, rooted, exact, conflict });
            }
          } else if (lineKeys.length > 0 && lineKeys.length <= keys.length) {
            // A named template included somewhere inside: its keys must end the path's prefix.
            for (let end = keys.length; end >= lineKeys.length; end--) {
              const window = keys.slice(end - lineKeys.length, end);
              if (window.every((k, i) => lineKeys[i] === '*' || lineKeys[i] === k)) {
                out.push({ file, line, matched: end, rooted, exact: false });
                break;
              }
            }
          }
        }
      }
    }
    // Rooted regions first; then the deepest match.
    out.sort(
      (a, b) =>
        Number(b.rooted) - Number(a.rooted) ||
        Number(a.conflict ?? false) - Number(b.conflict ?? false) ||
        b.matched - a.matched ||
        Number(b.exact) - Number(a.exact) ||
        b.line.keys.length - a.line.keys.length,
    );
    return out;
  }
}

function withValuesPrefix(structure: TemplateStructure, prefix: readonly string[]): TemplateStructure {
  if (prefix.length === 0) return structure;
  const scoped = (path: string[]): string[] => (path[0] === 'global' ? path : [...prefix, ...path]);
  for (const region of structure.regions) {
    for (const line of region.lines) {
      line.guards = line.guards.map(scoped);
      line.reads = line.reads.map(scoped);
    }
  }
  structure.compared = structure.compared.map(scoped);
  return structure;
}

export interface LocateQuery {
  object: ObjectProvenance;
  /** The rendered object's path a finding concerns (it may be missing from the object). */
  path: ValuePath;
  values: LayeredValues;
  templates: TemplateIndex;
  /**
   * `values` (default, service charts): the values line when one controls the field.
   * `template` (infrastructure and third-party charts): the template line that writes it.
   */
  prefer?: 'values' | 'template';
}

export interface RenderedFieldLocation extends Location {
  /** How it was found, for messages and tests. */
  via: 'values' | 'values-parent' | 'template-values' | 'template';
  /** The values path behind it, when one was found. */
  valuesPath?: ValuePath;
}

/** Where a person edits the rendered field `path` of `object`: a values line, else a template line. */
export function locateRenderedField(query: LocateQuery): RenderedFieldLocation {
  const { object, path, values, templates } = query;
  const useValues = query.prefer !== 'template';
  // 1. A marker reached this field, or a collection above it: the values line (or its nearest key).
  let best: FieldSource | undefined;
  for (const field of useValues ? object.fields : []) {
    if (field.valuesPaths.length === 0 || !isPrefix(field.objectPath, path)) continue;
    if (!best || field.objectPath.length > best.objectPath.length || (field.objectPath.length === best.objectPath.length && !field.derived && best.derived))
      best = field;
  }
  if (best) {
    const rest = path.slice(best.objectPath.length);
    const valuesPath = [...pickValuesPath(best.valuesPaths, values), ...rest];
    const exact = rest.length === 0;
    return { ...values.locate(valuesPath), via: exact ? 'values' : 'values-parent', valuesPath };
  }
  // 2. The template lines behind the field, and what they read from the values.
  if (path.length === 0) return objectStart(object, templates);
  const candidates = templates.linesFor(object.kind, object.source, path);
  // `if`/`else` branches writing the same key: the branch that reads the value a marker traced here.
  const traced = object.fields.filter((f) => !f.derived && samePath(f.objectPath, path)).flatMap((f) => f.valuesPaths);
  const readsTraced = (line: TemplateLine): boolean => line.reads.some((r) => traced.some((t) => samePath(r, t)));
  const first = candidates[0];
  const top =
    first && traced.length > 0 ? (candidates.find((c) => c.file === first.file && c.matched === first.matched && readsTraced(c.line)) ?? first) : first;
  if (top) {
    const keys = path.filter((s): s is string => typeof s === 'string');
    const rest = keys.slice(top.matched);
    // A missing field is missing because a guard was false; a present one shows what its block renders.
    const present = object.value === undefined || getPath(object.value, path) !== undefined;
    const reads = present ? [...top.line.reads, ...top.line.guards] : [...top.line.guards, ...top.line.reads];
    let unset: ValuePath | undefined;
    for (const read of useValues ? reads : []) {
      if (read.length === 0) continue;
      const valuesPath = refineByIdentity(read, path, object.value, values) ?? [...read, ...(top.line.reads.includes(read) ? rest : [])];
      if (values.trace(read) || anyPrefixSet(values, read)) {
        return { ...values.locate(valuesPath), via: 'template-values', valuesPath };
      }
      unset ??= valuesPath;
    }
    // The template line; `valuesPath` when that line reads values none of the files sets (the
    // field is controlled by a value nobody wrote: the caller may ask for it in the values).
    return {
      path: top.file.path,
      line: top.line.line,
      column: top.line.column,
      endLine: top.line.line,
      endColumn: top.line.endColumn,
      via: 'template',
      ...(unset ? { valuesPath: unset } : {}),
    };
  }
  // 3. Nothing matched: the object's `kind:` line in its source template, else the file's first line.
  const file = templates.bySource(object.source);
  const kindLine = file ? templates.linesFor(object.kind, object.source, ['kind'])[0] : undefined;
  if (kindLine)
    return {
      path: kindLine.file.path,
      line: kindLine.line.line,
      column: kindLine.line.column,
      endLine: kindLine.line.line,
      endColumn: kindLine.line.endColumn,
      via: 'template',
    };
  return { path: file?.path ?? object.source, line: 1, column: 1, endLine: 1, endColumn: 1, via: 'template' };
}

/** The first line of the template region that writes the object (its `apiVersion:` usually). */
function objectStart(object: ObjectProvenance, templates: TemplateIndex): RenderedFieldLocation {
  const kindLine = templates.linesFor(object.kind, object.source, ['kind']).find((c) => c.line.keys.length === 1);
  if (kindLine) {
    const region = templates.structure(kindLine.file).regions.find((r) => r.lines.includes(kindLine.line));
    const first = region?.lines.find((l) => l.keys.length === 1 && l.line <= kindLine.line.line && l.line >= kindLine.line.line - 5) ?? kindLine.line;
    return { path: kindLine.file.path, line: first.line, column: first.column, endLine: first.line, endColumn: first.endColumn, via: 'template' };
  }
  const file = templates.bySource(object.source);
  return { path: file?.path ?? object.source, line: 1, column: 1, endLine: 1, endColumn: 1, via: 'template' };
}

/**
 * Where an object that did not render is switched off: the values line behind the innermost
 * `if`/`with` that guards the template writing `kind: <kind>` (e.g. `networkPolicy.enabled: false`
 * in values-prod.yaml), else that template line.
 */
export function locateMissingObject(
  kind: string,
  values: LayeredValues,
  templates: TemplateIndex,
  options: { prefer?: 'values' | 'template' } = {},
): RenderedFieldLocation | undefined {
  for (const file of templates.files) {
    for (const region of templates.structure(file).regions) {
      if (!region.kinds.includes(kind)) continue;
      const kindLine = region.lines.find((l) => l.keys.length === 1 && l.keys[0] === 'kind')!;
      for (const guard of options.prefer === 'template' ? [] : kindLine.guards) {
        if (guard.length > 0 && (values.trace(guard) || anyPrefixSet(values, guard)))
          return { ...values.locate(guard), via: 'template-values', valuesPath: guard };
      }
      return { path: file.path, line: kindLine.line, column: kindLine.column, endLine: kindLine.line, endColumn: kindLine.endColumn, via: 'template' };
    }
  }
  return undefined;
}

/**
 * A template line that reads a whole map or list (`range $k, $v := .Values.env`, `range
 * .Values.sidecars`) renders one item per entry: find which. For a map, the rendered path's
 * key (`data.LOG_LEVEL`) or the rendered item's name (`env[3].name: LOG_LEVEL`) is the entry's
 * key; for a list, the entry whose `name` (else first equal scalar) the rendered item carries.
 */
function refineByIdentity(read: ValuePath, path: ValuePath, rendered: Record<string, unknown> | undefined, values: LayeredValues): ValuePath | undefined {
  const target = values.get(read);
  if (!rendered || (!isRecord(target) && !Array.isArray(target))) return undefined;
  if (isRecord(target)) {
    for (let i = path.length - 1; i >= 0; i--) {
      const segment = path[i];
      if (typeof segment === 'string' && Object.hasOwn(target, segment)) return [...read, segment, ...path.slice(i + 1)];
    }
  }
  for (let i = path.length - 1; i >= 0; i--) {
    if (typeof path[i] !== 'number') continue;
    const item = getPath(rendered, path.slice(0, i + 1));
    if (!isRecord(item)) continue;
    const rest = path.slice(i + 1);
    const names = [item.name, item.key].filter((n): n is string => typeof n === 'string');
    if (isRecord(target)) {
      const key = names.find((n) => Object.hasOwn(target, n));
      if (key !== undefined) return [...read, key];
    } else {
      let index = target.findIndex((entry) => isRecord(entry) && names.some((n) => entry.name === n || entry.key === n));
      // No name to match: a list rendered one item per entry (`range`) has the entries' order.
      const renderedList = getPath(rendered, path.slice(0, i));
      if (index < 0 && names.length === 0 && Array.isArray(renderedList) && renderedList.length === target.length) index = path[i] as number;
      if (index >= 0) return [...read, index, ...withinEntry(target[index], rest)];
    }
  }
  return undefined;
}

/**
 * The path inside a values entry that a rendered path below its item corresponds to: the rest
 * itself when the entry has it, else the longest tail of it found inside the entry (a library
 * may reshape an entry: `ipBlock.cidr` of a rule rendered under `to[0]`).
 */
function withinEntry(entry: unknown, rest: ValuePath): ValuePath {
  if (getPath(entry, rest) !== undefined || rest.length === 0) return rest;
  for (let k = rest.length - 1; k >= 1; k--) {
    const tail = rest.slice(rest.length - k);
    const found = findTail(entry, tail, [], 0);
    if (found) return found;
  }
  return rest;
}

function findTail(value: unknown, tail: ValuePath, at: ValuePath, depth: number): ValuePath | undefined {
  if (depth > 8 || value === null || typeof value !== 'object') return undefined;
  if (getPath(value, tail) !== undefined) return [...at, ...tail];
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  for (const [key, child] of entries) {
    const found = findTail(child, tail, [...at, key], depth + 1);
    if (found) return found;
  }
  return undefined;
}

function samePath(a: ValuePath, b: ValuePath): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function isPrefix(prefix: ValuePath, path: ValuePath): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

/** Of several values behind one scalar (`repo:tag`), the one an overlay sets wins. */
function pickValuesPath(paths: ValuePath[], values: LayeredValues): ValuePath {
  let best = paths[0]!;
  let bestLayer = -1;
  for (const p of paths) {
    const layer = values.trace(p)?.layer ?? -1;
    if (layer > bestLayer) {
      best = p;
      bestLayer = layer;
    }
  }
  return best;
}

/** Whether some file sets `path` or a parent of it (so the values, not the template, control it). */
function anyPrefixSet(values: LayeredValues, path: ValuePath): boolean {
  for (let d = path.length; d > 0; d--) if (values.layers.some((l) => l.doc?.has(path.slice(0, d)))) return true;
  return false;
}

/** One error Helm printed, on the line a person edits. */
export interface HelmErrorLocation {
  location: Location;
  /** Helm's own words for this error (one schema violation, or the whole message). */
  message: string;
}

const SCHEMA_ERROR = /^- at '([^']*)': (.+)$/;
const TEMPLATE_EXTENSIONS = ['.yaml', '.yml', '.tpl', '.txt', '.json'];
const PATH_CHAR = /[\w.@/-]/;

/**
 * The first `chart/templates/x.yaml:12` Helm names in its output. Found by a scan, not a regular
 * expression: a path pattern with `.` both inside and before the extension backtracks
 * polynomially on a long run of path characters, and Helm's output repeats repository text.
 * Each `:<digit>` is looked at once, and the run of path characters before it is walked once
 * (runs between two colons do not overlap), so the scan is linear in the output.
 */
export function findTemplatePosition(text: string): { file: string; line: number; column?: number } | undefined {
  for (let colon = text.indexOf(':'); colon !== -1; colon = text.indexOf(':', colon + 1)) {
    let digitsEnd = colon + 1;
    while (digitsEnd < text.length && text.charCodeAt(digitsEnd) >= 48 && text.charCodeAt(digitsEnd) <= 57) digitsEnd++;
    if (digitsEnd === colon + 1) continue;
    let start = colon;
    while (start > 0 && PATH_CHAR.test(text[start - 1]!)) start--;
    // Segments are never empty: a path starts after the last `//` and after leading slashes.
    let file = text.slice(start, colon);
    const doubled = file.lastIndexOf('//');
    if (doubled !== -1) file = file.slice(doubled + 2);
    file = file.replace(/^\/+/, '');
    if (file === '' || file.endsWith('/') || !TEMPLATE_EXTENSIONS.some((ext) => file.endsWith(ext) && file.length > ext.length)) continue;
    let columnEnd = digitsEnd + 1;
    while (text[digitsEnd] === ':' && columnEnd < text.length && text.charCodeAt(columnEnd) >= 48 && text.charCodeAt(columnEnd) <= 57) columnEnd++;
    const column = columnEnd > digitsEnd + 1 ? Number(text.slice(digitsEnd + 1, columnEnd)) : undefined;
    return { file, line: Number(text.slice(colon + 1, digitsEnd)), ...(column === undefined ? {} : { column }) };
  }
  return undefined;
}

/**
 * Where the errors of a `helm template` that failed belong. A values schema violation
 * (`- at '/resources': missing property 'limits'`) lands on the values line of that path (the key
 * deleted by `null`, or the nearest key where a property is missing); an error Helm places in a
 * template (`execution error at (chart/templates/x.yaml:12:4)`, `required`, `fail`, a parse
 * error) lands on the values key the template line reads when values control it, else on that
 * template line. Undefined when Helm names no place (the caller reports on Chart.yaml).
 */
export function locateHelmError(stderr: string, values: LayeredValues, templates: TemplateIndex, chartName?: string): HelmErrorLocation[] | undefined {
  const out: HelmErrorLocation[] = [];
  let chart: string | undefined;
  for (const line of stderr.split('\n')) {
    const header = /^([\w.-]+):\s*$/.exec(line);
    if (header) {
      chart = header[1];
      continue;
    }
    const schema = SCHEMA_ERROR.exec(line.trim());
    if (!schema) continue;
    let valuesPath = pointerToPath(schema[1]!, values);
    // A subchart's schema speaks of its own values, which live under its name in the parent's.
    if (chart && chartName && chart !== chartName) valuesPath = [chart, ...valuesPath];
    const missing = /missing propert(?:y|ies) '([^']+)'/.exec(schema[2]!);
    if (missing) valuesPath = [...valuesPath, missing[1]!];
    out.push({ location: values.locate(valuesPath), message: `${chart ? `${chart}: ` : ''}at '${schema[1]}': ${schema[2]}` });
  }
  if (out.length > 0) return out;
  const position = findTemplatePosition(stderr);
  if (!position) return undefined;
  const file = templates.bySource(position.file);
  if (!file) return undefined;
  const lineNumber = position.line;
  const message = stderr.trim().replace(/^Error:\s*/, '');
  const line = templates
    .structure(file)
    .regions.flatMap((r) => r.lines)
    .find((l) => l.line === lineNumber);
  const prefix = file.valuesPrefix ?? [];
  const onLine = readsOnLine(file.text, lineNumber).map((r) => (r[0] === 'global' ? r : [...prefix, ...r]));
  const reads = [...(line?.reads ?? []), ...onLine];
  for (const read of reads) {
    if (read.length > 0 && anyPrefixSet(values, read)) return [{ location: values.locate(read), message }];
  }
  const column = position.column ?? 1;
  return [{ location: { path: file.path, line: lineNumber, column, endLine: lineNumber, endColumn: column }, message }];
}

/** `.Values.a.b` read on one line of a template (for `required`, whose line may not write a key). */
function readsOnLine(text: string, line: number): string[][] {
  const source = text.split('\n')[line - 1] ?? '';
  return [...source.matchAll(/\.Values((?:\.[A-Za-z_][\w-]*)+)/g)].map((m) => m[1]!.slice(1).split('.'));
}

/** A JSON pointer into the values, with list positions as numbers. */
function pointerToPath(pointer: string, values: LayeredValues): ValuePath {
  const path: Array<string | number> = [];
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path.push(Array.isArray(values.get(path)) && /^\d+$/.test(segment) ? Number(segment) : segment);
  }
  return path;
}

/** What one chart's renders give the locator. */
export interface ChartRender {
  values: LayeredValues;
  templates: TemplateIndex;
  /** `helm template` output with the real values. */
  rendered: string;
  /** The render with `markers.text` as the last `-f`; absent when it failed (the template fallback answers alone). */
  marked?: { text: string; markers: MarkerValues };
  /** `template` for infrastructure and third-party charts. */
  prefer?: 'values' | 'template';
}

/**
 * The provenance of every object of one chart render, ready for findings: pair a rendered
 * object with its provenance by `# Source:` and position (`object(source, index)`) or by identity
 * (`find(kind, name, namespace)`), then `locate(object, path)`.
 */
export class RenderedProvenance {
  readonly objects: ObjectProvenance[];

  constructor(private readonly render: ChartRender) {
    const real = splitRendered(render.rendered);
    const marked = render.marked ? splitRendered(render.marked.text) : [];
    this.objects = traceMarkers(marked, real, render.marked?.markers ?? { text: '', markers: new Map(), originals: new Map() });
  }

  object(source: string, index: number): ObjectProvenance | undefined {
    return this.objects.find((o) => o.source === source && o.index === index);
  }

  find(kind: string, name: string, namespace?: string): ObjectProvenance | undefined {
    return this.objects.find((o) => o.kind === kind && o.name === name && (namespace === undefined || o.namespace === undefined || o.namespace === namespace));
  }

  locate(object: ObjectProvenance, path: ValuePath): RenderedFieldLocation {
    return locateRenderedField({ object, path, values: this.render.values, templates: this.render.templates, prefer: this.render.prefer });
  }

  locateMissing(kind: string): RenderedFieldLocation | undefined {
    return locateMissingObject(kind, this.render.values, this.render.templates, { prefer: this.render.prefer });
  }
}

/**
 * When the marker render fails where the real one succeeded, the markers changed what a template
 * does (`include (printf "x.%s" .Values.kind)`, a value checked by a function bplus does not
 * know). The values the failing line reads (and the guards around it) should keep their real
 * values: render again with `keep` extended by this list, a few times at most, then give up and
 * let the template fallback answer (`RenderedProvenance` without `marked`). Empty when Helm names
 * no template line, or the line reads nothing from the values.
 */
export function valuesToKeepAfterFailure(stderr: string, templates: TemplateIndex): ValuePath[] {
  const position = findTemplatePosition(stderr);
  const file = position ? templates.bySource(position.file) : undefined;
  if (!position || !file) return [];
  const lineNumber = position.line;
  const prefix = file.valuesPrefix ?? [];
  const line = templates
    .structure(file)
    .regions.flatMap((r) => r.lines)
    .find((l) => l.line === lineNumber);
  const onLine = readsOnLine(file.text, lineNumber).map((r) => (r[0] === 'global' ? r : [...prefix, ...r]));
  const seen = new Map<string, ValuePath>();
  for (const p of [...onLine, ...(line?.reads ?? []), ...(line?.guards ?? [])]) if (p.length > 0) seen.set(JSON.stringify(p), p);
  return [...seen.values()];
}
