/**
 * Kubernetes objects from what `helm template` rendered: one object per rendered document, with the
 * origin `{type: 'rendered', chart, environment, template}`. Where a finding lands is decided by a
 * locator the caller gives (values line, template line); without one, on the first line of the
 * template Helm names in `# Source:` (or the chart's Chart.yaml when the template sits in a .tgz).
 */
import type { RenderedDocument } from '../helm/render.ts';
import type { K8sObject, Location, ValuePath } from '../types.ts';
import { parseYaml, type YamlDocument } from '../yaml/parse.ts';
import type { Chart } from './charts.ts';
import { isK8sDocument, readMeta } from './objects.ts';

/** Where a path of a rendered object is edited; `fallback` points at the template. */
export type RenderedLocator = (object: { document: RenderedDocument; parsed: YamlDocument; raw: Record<string, unknown> }, path: ValuePath, fallback: Location) => Location;

export interface RenderedObject {
  object: K8sObject;
  document: RenderedDocument;
  parsed: YamlDocument;
}

export function objectsFromRendered(documents: readonly RenderedDocument[], chart: Chart, environment: string, locator?: RenderedLocator): RenderedObject[] {
  const out: RenderedObject[] = [];
  for (const document of documents) {
    const template = document.file ?? chart.chartYamlPath;
    const fallback: Location = { path: template, line: 1, column: 1, endLine: 1, endColumn: 1 };
    for (const parsed of parseYaml(document.text).docs) {
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
      out.push({ object, document, parsed });
    }
  }
  return out;
}
