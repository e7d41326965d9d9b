/**
 * Kubernetes objects from what `helm template` rendered: one object per rendered document, with the
 * origin `{type: 'rendered', chart, environment, template}`. Where a finding lands is decided by a
 * locator the caller gives (values line, template line); without one, on the first line of the
 * template Helm names in `# Source:` (or the chart's Chart.yaml when the template sits in a .tgz).
 */
import {
  locateMissingObject,
  locateRenderedField,
  TemplateIndex,
  traceMarkers,
  type MarkerValues,
  type ObjectProvenance,
  type RenderedDocument as ProvenanceDocument,
} from '../helm/provenance.ts';
import type { ChartTemplate, RenderedDocument } from '../helm/render.ts';
import type { K8sObject, Location, ValuePath } from '../types.ts';
import { parseYaml, type YamlDocument } from '../yaml/parse.ts';
import type { Chart } from './charts.ts';
import { isK8sDocument, readMeta } from './objects.ts';
import { isRecord, LayeredValues } from './values.ts';

/** Where a path of a rendered object is edited; `fallback` points at the template. */
export type RenderedLocator = (
  object: { document: RenderedDocument; parsed: YamlDocument; raw: Record<string, unknown> },
  path: ValuePath,
  fallback: Location,
) => Location;

export interface RenderedObject {
  object: K8sObject;
  document: RenderedDocument;
  parsed: YamlDocument;
  /** Position among the mappings Helm rendered from the same template (how provenance pairs them). */
  sourceIndex: number;
}

export function objectsFromRendered(documents: readonly RenderedDocument[], chart: Chart, environment: string, locator?: RenderedLocator): RenderedObject[] {
  const out: RenderedObject[] = [];
  const perSource = new Map<string, number>();
  for (const document of documents) {
    const template = document.file ?? chart.chartYamlPath;
    const fallback: Location = { path: template, line: 1, column: 1, endLine: 1, endColumn: 1 };
    for (const parsed of parseYaml(document.text).docs) {
      if (!isRecord(parsed.value)) continue;
      const sourceIndex = perSource.get(document.helmPath) ?? 0;
      perSource.set(document.helmPath, sourceIndex + 1);
      if (!isK8sDocument(parsed.value)) continue;
      const raw = parsed.value;
      const object: K8sObject = {
        apiVersion: raw.apiVersion,
        kind: raw.kind,
        metadata: readMeta(raw),
        raw,
        origin: { type: 'rendered', chart: chart.dir, environment, template },
        locate: locator ? (path) => locator({ document, parsed, raw }, path, fallback) : () => fallback,
      };
      out.push({ object, document, parsed, sourceIndex });
    }
  }
  return out;
}

/** One chart rendered for one environment, with what locating its fields needs. */
export interface ChartRender {
  chart: Chart;
  environment: string;
  documents: readonly RenderedDocument[];
  templates: readonly ChartTemplate[];
  /**
   * For a service chart: its layered values, the marker values and the marker render
   * (src/helm/provenance.ts), so that findings land on the values line a person edits.
   */
  provenance?: { values: LayeredValues; markers: MarkerValues; marked: readonly RenderedDocument[] };
}

const NO_VALUES = new LayeredValues([]);

/**
 * The objects of a render, each locating its fields through src/helm/provenance.ts: the values
 * line (service charts), else the template line that writes the field.
 */
export function locatedObjectsOf(render: ChartRender): K8sObject[] {
  const templates = templateIndexOf(render.templates);
  const real = toProvenanceDocs(render.documents);
  const traced = render.provenance ? traceMarkers(toProvenanceDocs(render.provenance.marked), real, render.provenance.markers) : [];
  const bySourceIndex = new Map(traced.map((p) => [`${p.source}\u0000${p.index}`, p]));
  const values = render.provenance?.values ?? NO_VALUES;
  const own = new Set(render.chart.templates);
  const staticDocs = staticTemplateDocuments(render);
  const locator: RenderedLocator = ({ document, raw }, path) => {
    const object = objectProvenance.get(raw) ?? { kind: String(raw.kind), name: '', source: document.helmPath, index: 0, fields: [], value: raw };
    // A field the template writes literally is located on its own line (outside service charts,
    // a missing field on its nearest written parent).
    const file = document.file;
    // Helm sorts its output by kind, so the n-th rendered object of a kind is the n-th written one.
    const written = !file || (render.provenance && !own.has(file)) ? undefined : staticDocs.get(`${document.helmPath}\u0000${String(raw.kind)}`);
    const literal = written?.[kindIndex.get(raw) ?? -1];
    // (In a service chart only a literal field: a missing one belongs under a values key.)
    if (literal && (!render.provenance || literal.has(path))) {
      return { path: file!, ...literal.locate(path) };
    }
    const { via, valuesPath, ...at } = locateRenderedField({ object, path, values, templates, prefer: render.provenance ? 'values' : 'template' });
    // A service chart is edited in its values: a field the library writes from a value no values
    // file sets is asked for under the values key where it belongs (the nearest key that exists).
    // A field no value controls stays on the template line that writes it (issue 8, item 3).
    if (render.provenance && via === 'template' && valuesPath && !own.has(at.path)) return values.locate(valuesPath);
    return at;
  };
  const objectProvenance = new Map<Record<string, unknown>, ObjectProvenance>();
  const objects = objectsFromRendered(render.documents, render.chart, render.environment, locator);
  const kindIndex = new Map<Record<string, unknown>, number>();
  const kindCounts = new Map<string, number>();
  for (const { object, document } of objects) {
    const key = `${document.helmPath}\u0000${object.kind}`;
    kindIndex.set(object.raw, kindCounts.get(key) ?? 0);
    kindCounts.set(key, (kindCounts.get(key) ?? 0) + 1);
  }
  for (const { object, document, sourceIndex: n } of objects) {
    const meta = object.metadata;
    objectProvenance.set(
      object.raw,
      bySourceIndex.get(`${document.helmPath}\u0000${n}`) ?? {
        kind: object.kind,
        name: meta.name,
        namespace: meta.namespace,
        source: document.helmPath,
        index: n,
        fields: [],
        value: object.raw,
      },
    );
  }
  return objects.map((o) => o.object);
}

/** Rendered documents as provenance pairs them: every mapping, in order, with its `# Source:`. */
function toProvenanceDocs(documents: readonly RenderedDocument[]): ProvenanceDocument[] {
  const out: ProvenanceDocument[] = [];
  for (const d of documents) for (const parsed of parseYaml(d.text).docs) if (isRecord(parsed.value)) out.push({ source: d.helmPath, value: parsed.value });
  return out;
}

/**
 * Where an object a service chart did not render is switched off (src/helm/provenance.ts): the
 * values line behind the `if` that guards the template writing `kind: <kind>`, else that line.
 */
export function missingObjectLocator(render: ChartRender): (kind: string) => Location | undefined {
  const templates = templateIndexOf(render.templates);
  const values = render.provenance?.values ?? NO_VALUES;
  return (kind) => {
    const found = locateMissingObject(kind, values, templates, { prefer: 'values' });
    // No values line guards it: the rule knows which values key would switch it on.
    if (!found || found.via === 'template') return undefined;
    const { via: _via, valuesPath: _valuesPath, ...at } = found;
    return at;
  };
}

/** Templates parsed with their actions masked, by text: charts on one library share them. */
const maskedByText = new Map<string, ReturnType<typeof parseYaml>>();
const MASKED_KEPT = 1024;

function maskedTemplateOnce(text: string): ReturnType<typeof parseYaml> {
  let parsed = maskedByText.get(text);
  if (!parsed) {
    parsed = parseYaml(text, { templates: true });
    if (maskedByText.size >= MASKED_KEPT) maskedByText.delete(maskedByText.keys().next().value as string);
    maskedByText.set(text, parsed);
  }
  return parsed;
}

/**
 * Each template's documents as written (template actions masked, src/yaml/template-mask.ts), only
 * to find the line of a field the template writes literally; never judged. Kept per template and
 * kind only when Helm rendered as many objects of that kind from it as it writes.
 */
function staticTemplateDocuments(render: ChartRender): Map<string, YamlDocument[]> {
  const rendered = new Map<string, number>();
  for (const d of render.documents) {
    for (const p of parseYaml(d.text).docs)
      if (isRecord(p.value)) rendered.set(`${d.helmPath}\u0000${String(p.value.kind)}`, (rendered.get(`${d.helmPath}\u0000${String(p.value.kind)}`) ?? 0) + 1);
  }
  const out = new Map<string, YamlDocument[]>();
  for (const t of render.templates) {
    if (!/\.(ya?ml|json)$/.test(t.helmPath)) continue;
    const parsed = maskedTemplateOnce(t.text);
    if (parsed.problems.length > 0) continue;
    const byKind = new Map<string, YamlDocument[]>();
    for (const doc of parsed.docs)
      if (isRecord(doc.value))
        byKind.set(`${t.helmPath}\u0000${String(doc.value.kind)}`, [...(byKind.get(`${t.helmPath}\u0000${String(doc.value.kind)}`) ?? []), doc]);
    for (const [key, docs] of byKind) if (rendered.get(key) === docs.length) out.set(key, docs);
  }
  return out;
}

/** The chart's and its dependencies' templates, as src/helm/provenance.ts reads them. */
export function templateIndexOf(templates: readonly ChartTemplate[]): TemplateIndex {
  return new TemplateIndex(templates.map((t) => ({ helmPath: t.helmPath, path: t.path, text: t.text, valuesPrefix: t.valuesPrefix })));
}
