/**
 * The repository model: every file the review needs, read once, lazily, in parallel; charts with
 * their roles and layered values; Kubernetes objects from manifests, statically parsed templates
 * and the values of service charts. Bad files become problems; the rest is still modelled.
 */
import path from 'node:path/posix';
import type { BplusConfig } from '../config/schema.ts';
import type { RepositorySource, SourceEntry } from '../source/types.ts';
import type { FileProblem, K8sObject } from '../types.ts';
import type { YamlDocument } from '../yaml/parse.ts';
import { describeChart, findChartFiles, findChartsWithoutChartYaml, type Chart } from './charts.ts';
import { decodeYamlFile, isJsonPath, isManifestPath, looksLikeJsonManifest, tooLarge, type YamlFile } from './files.ts';
import { matchesAny } from './glob.ts';
import { KNOWN_KINDS, objectFromDocument, isK8sDocument } from './objects.ts';
import { objectsFromValues } from './values-objects.ts';
import { chartShapeProblems } from './shape.ts';
import { keepObjectBudget, yamlBudgets } from './budgets.ts';
import { LayeredValues } from './values.ts';
import { CONFIG_PATH } from '../config/load.ts';

export interface ServiceValues {
  chart: Chart;
  environment: string;
  values: LayeredValues;
}

export interface RepositoryModel {
  source: string;
  config: BplusConfig;
  files: SourceEntry[];
  yamlFiles: Map<string, YamlFile>;
  charts: Chart[];
  /** Merged values of every service chart, per reviewed (production) environment. */
  serviceValues: ServiceValues[];
  /** Every object: manifests, statically parsed chart templates, values-derived objects. */
  objects: K8sObject[];
  problems: FileProblem[];
  /** Paths the configuration's `ignore:` patterns removed from the review (to tell a pattern that matches nothing). */
  ignored?: string[];
}

/** How many files are read at once; keeps memory flat and a remote source's requests bounded. */
const READ_CONCURRENCY = 32;

/** `listed`: the source's listing when the caller already has it (a listing walks a tree or calls an API). */
export async function loadRepository(source: RepositorySource, config: BplusConfig, listed?: SourceEntry[]): Promise<RepositoryModel> {
  listed ??= await source.list();
  const files = listed.filter((f) => !matchesAny(f.path, config.ignore));
  const problems: FileProblem[] = [];
  const yamlFiles = new Map<string, YamlFile>();

  const paths = files.map((f) => f.path);
  const chartFiles = findChartFiles(paths);
  const chartDirs = new Set(chartFiles.map((f) => path.dirname(f)));
  const vendored = (p: string): boolean => isUnderVendoredChart(p, chartDirs);

  const toRead = files.filter((f) => isManifestPath(f.path) && f.path !== CONFIG_PATH && !vendored(f.path));
  await forEachLimited(toRead, READ_CONCURRENCY, async (entry) => {
    // A large JSON file is usually a lock file: it is reported only when its head declares an object.
    if (entry.size !== undefined && entry.size > config.limits.maxFileBytes && !isJsonPath(entry.path)) {
      problems.push(tooLarge(entry.path, entry.size, config.limits.maxFileBytes));
      return;
    }
    let bytes: Buffer;
    try {
      bytes = await source.read(entry.path);
    } catch (error) {
      problems.push({ path: entry.path, line: 1, column: 1, endLine: 1, endColumn: 1, code: 'read-error', message: `${entry.path} could not be read: ${(error as Error).message}` });
      return;
    }
    if (bytes.length > config.limits.maxFileBytes) {
      if (!isJsonPath(entry.path) || looksLikeJsonManifest(bytes)) problems.push(tooLarge(entry.path, bytes.length, config.limits.maxFileBytes));
      return;
    }
    const outcome = decodeYamlFile(entry.path, bytes, { templates: isTemplatePath(entry.path, chartDirs), ...yamlBudgets(config) });
    if (!outcome.ok) {
      if (outcome.problem) problems.push(outcome.problem);
      return;
    }
    yamlFiles.set(entry.path, outcome.file);
  });

  const charts: Chart[] = [];
  for (const chartFile of chartFiles) {
    const parsed = yamlFiles.get(chartFile);
    const doc = parsed?.parsed.docs[0];
    const chart = describeChart(chartFile, doc, paths, config.libraries);
    if (parsed && !doc && parsed.parsed.problems.length === 0) {
      problems.push({ path: chartFile, line: 1, column: 1, endLine: 1, endColumn: 1, code: 'chart-invalid', message: `${chartFile} is empty: a chart needs at least apiVersion, name and version` });
    }
    charts.push(chart);
    problems.push(...chartShapeProblems(chart, yamlFiles));
  }
  for (const dir of findChartsWithoutChartYaml(paths, chartDirs)) {
    const values = files.find((f) => f.path === `${dir}/values.yaml` || f.path === `${dir}/values.yml`);
    problems.push({
      path: values?.path ?? `${dir}/templates`,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 1,
      code: 'chart-missing-chart-yaml',
      message: `${dir} has templates and values but no Chart.yaml: Helm cannot render it, so it was not reviewed as a chart`,
    });
  }

  const objects: K8sObject[] = [];
  // The innermost chart a file belongs to: walk up its directories.
  const chartByDir = new Map(charts.map((c) => [c.dir, c]));
  const chartOf = (file: string): Chart | undefined => {
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      const chart = chartByDir.get(dir);
      if (chart || dir === '.' || dir === '/') return chart;
    }
  };
  for (const [file, yaml] of yamlFiles) {
    for (const p of yaml.parsed.problems) problems.push({ ...p, path: file });
    const chart = chartOf(file);
    if (chart && !isTemplateOf(file, chart)) continue; // Chart.yaml, values files, schemas: not objects
    if (chart?.role === 'library') continue; // named templates only; they render through services
    yaml.parsed.docs.forEach((doc) => {
      const object = objectFromDocument(file, doc, { type: 'manifest', file, docIndex: doc.index, chart: chart?.dir });
      if (!object) return;
      if (!KNOWN_KINDS.has(object.kind)) problems.push(unknownKind(file, doc, object.kind, object.apiVersion));
      objects.push(object);
    });
  }

  const serviceValues: ServiceValues[] = [];
  for (const chart of charts.filter((c) => c.role === 'service')) {
    for (const environment of config.production.environments) {
      const layers = [chart.valuesFile, chart.environmentFiles.get(environment)]
        .filter((p): p is string => p !== undefined)
        .map((p) => ({ path: p, doc: firstMapping(yamlFiles.get(p)) }));
      const values = new LayeredValues(layers);
      serviceValues.push({ chart, environment, values });
      objects.push(...objectsFromValues(chart, environment, values, config));
    }
  }

  const ignored = config.ignore.length > 0 ? listed.filter((f) => matchesAny(f.path, config.ignore)).map((f) => f.path) : [];
  const kept = keepObjectBudget(objects, config);
  problems.push(...kept.problems);
  return { source: source.name, config, files, yamlFiles, charts, serviceValues, objects: kept.objects, problems, ignored };
}

function firstMapping(file: YamlFile | undefined): YamlDocument | undefined {
  return file?.parsed.docs.find((d) => isK8sDocument(d.value) || (d.value !== null && typeof d.value === 'object'));
}

function isTemplateOf(file: string, chart: Chart): boolean {
  const prefix = chart.dir === '.' ? '' : `${chart.dir}/`;
  return file.startsWith(`${prefix}templates/`);
}

function isTemplatePath(file: string, chartDirs: ReadonlySet<string>): boolean {
  const m = /^(?:(.*)\/)?templates\//.exec(file);
  return m !== null && chartDirs.has(m[1] ?? '.');
}

/** `<chart>/charts/<dependency>/...`: a vendored dependency, not part of this repository's review. */
function isUnderVendoredChart(file: string, chartDirs: ReadonlySet<string>): boolean {
  for (let at = file.indexOf('charts/'); at !== -1; at = file.indexOf('charts/', at + 1)) {
    if (at > 0 && file[at - 1] !== '/') continue;
    const owner = at === 0 ? '.' : file.slice(0, at - 1);
    if (chartDirs.has(owner) && file.slice(at + 'charts/'.length).includes('/')) return true;
  }
  return false;
}

function unknownKind(file: string, doc: YamlDocument, kind: string, apiVersion: string): FileProblem {
  return {
    path: file,
    ...doc.locate(['kind']),
    code: 'unknown-kind',
    message: `kind ${kind} (${apiVersion}) is not known to bplus: it is kept for connectivity and naming, but no rule checks its contents`,
  };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(workers);
}
