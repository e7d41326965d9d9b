/**
 * Renders a chart twice with the real Helm (real values, then with the marker values as the last
 * `-f`) and builds everything `locateRenderedField` needs, from the files on disk.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { buildMarkerValues, RenderedProvenance, TemplateIndex, type ObjectProvenance, type TemplateFile } from '../../src/helm/provenance.ts';
import { LayeredValues, readValuesLayer } from '../../src/model/values.ts';
import { copyChart, helmDependencyBuild, runHelm } from '../helpers/helm.ts';

export interface TracedChart {
  values: LayeredValues;
  templates: TemplateIndex;
  objects: ObjectProvenance[];
  rendered: string;
  provenance: RenderedProvenance;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

/** Template files of a chart and (recursively) of its file:// dependencies, named as Helm names them. */
async function templateFiles(chartDir: string, repoRoot: string, helmPrefix: string, valuesPrefix: string[] = []): Promise<TemplateFile[]> {
  const chart = yaml.load(await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8')) as {
    dependencies?: Array<{ name: string; alias?: string; repository?: string }>;
  };
  const files: TemplateFile[] = [];
  for (const file of await listFiles(path.join(chartDir, 'templates'))) {
    files.push({
      helmPath: `${helmPrefix}/${path.relative(chartDir, file)}`,
      path: path.relative(repoRoot, file),
      text: await readFile(file, 'utf8'),
      valuesPrefix,
    });
  }
  for (const dep of chart.dependencies ?? []) {
    if (!dep.repository?.startsWith('file://')) continue;
    const depDir = path.resolve(chartDir, dep.repository.slice('file://'.length));
    const depChart = yaml.load(await readFile(path.join(depDir, 'Chart.yaml'), 'utf8')) as { type?: string };
    // A library runs in the including chart's scope; an application subchart reads `<name>.*`.
    const prefix = depChart.type === 'library' ? valuesPrefix : [...valuesPrefix, dep.alias ?? dep.name];
    files.push(...(await templateFiles(depDir, repoRoot, `${helmPrefix}/charts/${dep.name}`, prefix)));
  }
  return files;
}

/**
 * `chartDir` inside `repoRoot`; `environments` the overlays after values.yaml. `skipSchema` renders
 * the real objects without the chart's JSON schema too (for variants whose schema refuses them).
 */
export async function traceChart(
  repoRoot: string,
  chartDir: string,
  environments: string[],
  options: { skipSchema?: boolean; keepCompared?: boolean; withoutMarkers?: boolean } = {},
): Promise<TracedChart> {
  const valuesFiles = ['values.yaml', ...environments.map((e) => `values-${e}.yaml`)];
  const layers = [];
  for (const f of valuesFiles) {
    const full = path.join(chartDir, f);
    const text = await readFile(full, 'utf8').catch(() => undefined);
    if (text !== undefined) layers.push(readValuesLayer(path.relative(repoRoot, full), text).layer);
  }
  const values = new LayeredValues(layers);
  const chartName = (yaml.load(await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8')) as { name: string }).name;
  const templates = new TemplateIndex(await templateFiles(chartDir, repoRoot, chartName));
  const markers = buildMarkerValues(values, { keep: options.keepCompared === false ? [] : templates.comparedValues() });
  const copy = await copyChart(chartDir);
  const cleanups: Array<() => Promise<void>> = [];
  try {
    await helmDependencyBuild(copy.chartDir);
    // A directory of its own: a chart without dependencies is copied to the temp dir's root.
    const markerDir = await mkdtemp(path.join(os.tmpdir(), 'bplus-markers-'));
    cleanups.push(() => rm(markerDir, { recursive: true, force: true }));
    const markerFile = path.join(markerDir, 'markers.yaml');
    await writeFile(markerFile, markers.text);
    const base = ['template', chartName, copy.chartDir, '--namespace', 'balance-plus'];
    for (const l of layers) base.push('--values', path.join(repoRoot, l.path));
    const skip = options.skipSchema ? ['--skip-schema-validation'] : [];
    const [rendered, marked] = await Promise.all([runHelm([...base, ...skip]), runHelm([...base, '--values', markerFile, '--skip-schema-validation'])]);
    const provenance = new RenderedProvenance({ values, templates, rendered, marked: options.withoutMarkers ? undefined : { text: marked, markers } });
    return { values, templates, objects: provenance.objects, rendered, provenance };
  } finally {
    await copy.cleanup();
    for (const cleanup of cleanups) await cleanup();
  }
}

/** The path of the first scalar of `value` that satisfies `test`, depth first. */
export function findPath(
  value: unknown,
  test: (leaf: unknown, path: Array<string | number>) => boolean,
  at: Array<string | number> = [],
): Array<string | number> | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findPath(value[i], test, [...at, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = findPath(v, test, [...at, k]);
      if (found) return found;
    }
    return undefined;
  }
  return test(value, at) ? at : undefined;
}
