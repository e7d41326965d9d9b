/**
 * The repository model: every file the review needs, read once, lazily, in parallel; charts with
 * their roles and layered values; Kubernetes objects from plain manifests and from what a real Helm
 * renders of every chart per production environment (docs/helm.md). Chart templates are never
 * read as YAML: only what Helm renders is judged. Bad files and charts Helm refuses become
 * problems; the rest is still modelled.
 */
import path from 'node:path/posix';
import type { BplusConfig } from '../config/schema.ts';
import type { RepositorySource, SourceEntry } from '../source/types.ts';
import type { FileProblem, K8sObject, Location } from '../types.ts';
import type { YamlDocument } from '../yaml/parse.ts';
import { errorMessage } from '../yaml/format-value.ts';
import { describeChart, findChartFiles, findChartsWithoutChartYaml, type Chart } from './charts.ts';
import { decodeYamlFile, isJsonPath, isManifestPath, looksLikeJsonManifest, tooLarge, type YamlFile } from './files.ts';
import { matchesAny } from './glob.ts';
import { KNOWN_KINDS, objectFromDocument } from './objects.ts';
import { locatedObjectsOf, missingObjectLocator, templateIndexOf, type ChartRender } from './rendered.ts';
import { LayeredValues, readValuesLayer, type ValuesLayer } from './values.ts';
import { buildMarkerValues, locateHelmError, valuesToKeepAfterFailure } from '../helm/provenance.ts';
import { chartShapeProblems } from './shape.ts';
import { keepObjectBudget, yamlBudgets } from './budgets.ts';
import { CONFIG_PATH } from '../config/load.ts';
import { renderChart, type ChartTemplate, type RenderOutcome } from '../helm/render.ts';
import os from 'node:os';

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
  /** Every object: plain manifests and what Helm rendered of every chart per production environment. */
  objects: K8sObject[];
  /** The text of service charts' own templates (never parsed: Helm renders them), for TR-K8S-2. */
  templateTexts: Map<string, string>;
  /** Charts (directories) Helm rendered for at least one production environment. */
  renderedCharts: ReadonlySet<string>;
  /**
   * For an object Helm rendered from a service chart: where another object of `kind` that the
   * chart did not render is switched off (the values line behind the template's guard).
   */
  locateMissingObject?: (renderedFrom: K8sObject, kind: string) => Location | undefined;
  /** How many chart renders ran Helm and how many came from the cache (docs/helm.md). */
  renders?: { helm: number; cached: number };
  problems: FileProblem[];
  /** Paths the configuration's `ignore:` patterns removed from the review (to tell a pattern that matches nothing). */
  ignored?: string[];
}

/** How many files are read at once; keeps memory flat and a remote source's requests bounded. */
const READ_CONCURRENCY = 32;
/** Helm renders at once: one per core (each is a CPU-bound child process). */
const RENDER_CONCURRENCY = Math.max(1, os.availableParallelism());

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

  // Inside a chart only Chart.yaml and the values files are read: templates, CRDs and the rest are
  // Helm's to read (no size cap, no template masking), and judged as rendered.
  const toRead = files.filter((f) => isManifestPath(f.path) && f.path !== CONFIG_PATH && !vendored(f.path) && !isChartInternal(f.path, chartDirs));
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
      problems.push({
        path: entry.path,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        code: 'read-error',
        message: `${entry.path} could not be read: ${errorMessage(error)}`,
      });
      return;
    }
    if (bytes.length > config.limits.maxFileBytes) {
      if (!isJsonPath(entry.path) || looksLikeJsonManifest(bytes)) problems.push(tooLarge(entry.path, bytes.length, config.limits.maxFileBytes));
      return;
    }
    const outcome = decodeYamlFile(entry.path, bytes, yamlBudgets(config));
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
      problems.push({
        path: chartFile,
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 1,
        code: 'chart-invalid',
        message: `${chartFile} is empty: a chart needs at least apiVersion, name and version`,
      });
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
    if (chartOf(file)) continue; // Chart.yaml and values files: not objects
    yaml.parsed.docs.forEach((doc) => {
      const object = objectFromDocument(file, doc, { type: 'manifest', file, docIndex: doc.index });
      if (!object) return;
      if (!KNOWN_KINDS.has(object.kind)) problems.push(unknownKind(file, doc, object.kind, object.apiVersion));
      objects.push(object);
    });
  }

  const serviceValues: ServiceValues[] = [];
  const layerOf = (p: string): ValuesLayer => {
    const text = yamlFiles.get(p)?.text;
    return text === undefined ? { path: p, doc: undefined } : readValuesLayer(p, text).layer;
  };
  for (const chart of charts.filter((c) => c.role === 'service')) {
    for (const environment of config.production.environments) {
      const layers = [chart.valuesFile, chart.environmentFiles.get(environment)].filter((p): p is string => p !== undefined).map(layerOf);
      serviceValues.push({ chart, environment, values: new LayeredValues(layers) });
    }
  }

  const templateTexts = new Map<string, string>();
  const serviceTemplates = charts.filter((c) => c.role === 'service').flatMap((c) => c.templates);
  await forEachLimited(serviceTemplates, READ_CONCURRENCY, async (file) => {
    const bytes = await source.read(file).catch(() => undefined);
    if (bytes && bytes.length <= config.limits.maxFileBytes) templateTexts.set(file, bytes.toString('utf8'));
  });

  const layersFor = (chart: Chart, environment: string): LayeredValues =>
    serviceValues.find((sv) => sv.chart === chart && sv.environment === environment)?.values ??
    new LayeredValues([chart.valuesFile, chart.environmentFiles.get(environment)].filter((p): p is string => p !== undefined).map(layerOf));

  const renders = { helm: 0, cached: 0 };
  const allPaths = listed.map((f) => f.path);
  // Content keys from the listing (git blob SHAs): a render of known content is found without reading its files.
  const contentKeys = new Map(listed.flatMap((f) => (f.contentKey === undefined ? [] : [[f.path, f.contentKey] as const])));
  const jobs = charts
    .filter((c) => c.type === 'application' && c.chartYaml !== undefined && !problems.some((p) => p.path === c.chartYamlPath))
    .flatMap((chart) => config.production.environments.map((environment) => ({ chart, environment })))
    // A values file already reported as unreadable is not reported a second time in Helm's words.
    .filter(
      ({ chart, environment }) =>
        ![chart.valuesFile, chart.environmentFiles.get(environment)].some(
          (p) => p !== undefined && problems.some((q) => q.path === p && q.code !== 'unknown-kind'),
        ),
    );
  const outcomes: Array<{ chart: Chart; environment: string; refused: FileProblem[]; refusedTemplates?: ChartTemplate[]; render?: ChartRender }> = [];
  const count = (outcome: RenderOutcome): void => {
    if (outcome.cached) renders.cached++;
    else renders.helm++;
  };
  await forEachLimited(jobs, RENDER_CONCURRENCY, async ({ chart, environment }) => {
    const valuesFiles = [chart.valuesFile, chart.environmentFiles.get(environment)].filter((p): p is string => p !== undefined);
    const options = {
      environment,
      valuesFiles,
      namespace: config.production.namespace,
      kubeVersion: config.helm.kubeVersion,
      apiVersions: config.helm.apiVersions,
    };
    let outcome = await renderChart(source, allPaths, chart, options, contentKeys);
    count(outcome);
    const refused = outcome.ok ? [] : outcome.problems;
    const refusedTemplates = outcome.ok ? undefined : outcome.templates;
    // values.schema.json refused the values: that is one finding, and the rules still judge what
    // Helm renders without the schema (their findings say what to change, and autofix can act).
    if (!outcome.ok && outcome.problems.some((p) => p.code === 'helm-render' && SCHEMA_REFUSAL.test(p.message))) {
      outcome = await renderChart(source, allPaths, chart, { ...options, skipSchemaValidation: true }, contentKeys);
      count(outcome);
    }
    if (!outcome.ok) {
      outcomes.push({ chart, environment, refused, refusedTemplates });
      return;
    }
    const render: ChartRender = { chart, environment, documents: outcome.documents, templates: outcome.templates };
    // Service charts: a second render with marker values tells which values line set each field.
    const values = serviceValues.find((sv) => sv.chart === chart && sv.environment === environment)?.values;
    if (values) {
      const templates = templateIndexOf(outcome.templates);
      let keep = templates.comparedValues();
      // Markers that change what a template does make the marker render fail: keep the values the
      // failing line reads, a few times at most, then locate through the templates alone.
      for (let attempt = 0; attempt < MARKER_ATTEMPTS; attempt++) {
        const markers = buildMarkerValues(values, { keep });
        const marked = await renderChart(source, allPaths, chart, { ...options, extraValues: markers.text, skipSchemaValidation: true }, contentKeys);
        count(marked);
        if (marked.ok) {
          render.provenance = { values, markers, marked: marked.documents };
          break;
        }
        const more = valuesToKeepAfterFailure(marked.problems.map((p) => p.message).join('\n'), templates);
        if (more.length === 0) break;
        keep = [...keep, ...more];
      }
      if (!render.provenance) render.provenance = { values, markers: buildMarkerValues({}), marked: [] };
    }
    outcomes.push({ chart, environment, refused, refusedTemplates, render });
  });
  outcomes.sort((a, b) =>
    a.chart.dir < b.chart.dir
      ? -1
      : a.chart.dir > b.chart.dir
        ? 1
        : config.production.environments.indexOf(a.environment) - config.production.environments.indexOf(b.environment),
  );
  const reported = new Set<string>();
  const renderedCharts = new Set<string>();
  const missingLocators = new Map<string, (kind: string) => Location | undefined>();
  const locateMissingObject = (object: K8sObject, kind: string): Location | undefined =>
    object.origin.type === 'rendered' ? missingLocators.get(`${object.origin.chart}\u0000${object.origin.environment}`)?.(kind) : undefined;
  for (const { chart, environment, refused, refusedTemplates, render } of outcomes) {
    for (const found of refused) {
      const problem = onHelmsLine(found, layersFor(chart, environment), refusedTemplates, chart);
      // The same refusal in every environment is one finding.
      const key = `${problem.path}:${problem.line}:${problem.message.replace(` for ${environment}:`, ':')}`;
      if (!reported.has(key)) problems.push(problem);
      reported.add(key);
    }
    if (!render) continue;
    renderedCharts.add(render.chart.dir);
    if (render.provenance) missingLocators.set(`${render.chart.dir}\u0000${environment}`, missingObjectLocator(render));
    for (const object of locatedObjectsOf(render)) {
      if (!KNOWN_KINDS.has(object.kind))
        problems.push({ ...object.locate(['kind']), code: 'unknown-kind', message: unknownKindMessage(object.kind, object.apiVersion) });
      objects.push(object);
    }
  }

  const ignored = config.ignore.length > 0 ? listed.filter((f) => matchesAny(f.path, config.ignore)).map((f) => f.path) : [];
  const kept = keepObjectBudget(objects, config);
  problems.push(...kept.problems);
  return {
    source: source.name,
    config,
    files,
    yamlFiles,
    charts,
    serviceValues,
    objects: kept.objects,
    problems,
    ignored,
    templateTexts,
    renderedCharts,
    locateMissingObject,
    renders,
  };
}

const SCHEMA_REFUSAL = /values don't meet the specifications of the schema/;
/** Marker renders tried per chart and environment before locating through templates alone. */
const MARKER_ATTEMPTS = 3;

/** A file of a chart other than its Chart.yaml and root values files: templates, CRDs, ci/, files/. */
function isChartInternal(file: string, chartDirs: ReadonlySet<string>): boolean {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (chartDirs.has(dir)) {
      const rest = dir === '.' ? file : file.slice(dir.length + 1);
      return rest.includes('/') || !/^(Chart|values([-.][A-Za-z0-9_-]+)?)\.ya?ml$/.test(rest);
    }
    if (dir === '.' || dir === '/') return false;
  }
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
    message: unknownKindMessage(kind, apiVersion),
  };
}

/**
 * Helm's refusal on the line a person edits (src/helm/provenance.ts): a schema violation on its
 * values line, a `required`/`fail` on the values key the failing template line reads; else the
 * place Helm named. Only the first place: a refused chart is one finding.
 */
function onHelmsLine(problem: FileProblem, values: LayeredValues, templates: ChartTemplate[] | undefined, chart: Chart): FileProblem {
  if (problem.code !== 'helm-render' || !templates) return onSchemaValuesLine(problem, values);
  const message = problem.message.slice(problem.message.indexOf(': ') + 2);
  const at = locateHelmError(message, values, templateIndexOf(templates), chart.name)?.[0];
  return at ? { ...problem, ...at.location } : onSchemaValuesLine(problem, values);
}

/**
 * A values.schema.json refusal names the values by JSON pointer (`- at '/resources/limits':
 * missing property 'memory'`): the finding goes on that values line (the missing key's parent).
 */
function onSchemaValuesLine(problem: FileProblem, values: LayeredValues): FileProblem {
  if (problem.code !== 'helm-render' || !problem.message.includes('schema')) return problem;
  const at = /- at '(\/[^']*)'(?:: missing propert(?:y|ies) '([^']+)')?/.exec(problem.message);
  if (!at) return problem;
  const pointer = at[1]!
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = [...pointer.map((s) => (/^\d+$/.test(s) ? Number(s) : s)), ...(at[2] ? [at[2]] : [])];
  if (path.length === 0 || values.layers.every((l) => !l.doc)) return problem;
  return { ...problem, ...values.locate(path) };
}

function unknownKindMessage(kind: string, apiVersion: string): string {
  return `kind ${kind} (${apiVersion}) is not known to bplus: it is kept for connectivity and naming, but no rule checks its contents`;
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
