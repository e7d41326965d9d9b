/**
 * `helm template` of one chart for one environment, from a repository source: the chart and its
 * dependencies are copied into a private temp directory (never rendered in the user's checkout),
 * rendered offline with the production namespace, a release name, the configured Kubernetes and
 * API versions, and split into per-template documents by Helm's `# Source:` comments. A chart Helm
 * refuses is one problem carrying Helm's own message, on the file and line Helm names when it
 * names one, else on Chart.yaml. Renders are cached by content (docs/helm.md).
 */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import nodePath from 'node:path';
import type { Chart } from '../model/charts.ts';
import type { RepositorySource } from '../source/types.ts';
import type { FileProblem } from '../types.ts';
import { cacheDir, PINNED_HELM_SHA256 } from './binary.ts';
import { materializeChart, repositoryPathOf, type ChartFile, type SourceMap } from './materialize.ts';
import { helmBinary, HelmError, runHelm } from './run.ts';
import { errorMessage } from '../yaml/format-value.ts';
import { isDigit, isLineTerminator, isSpace } from '../yaml/text-scan.ts';

export interface RenderOptions {
  environment: string;
  /** Values files (repository paths, inside the chart), in order: values.yaml, values-<env>.yaml. */
  valuesFiles: readonly string[];
  namespace: string;
  kubeVersion: string;
  apiVersions: readonly string[];
  /** One more values file (YAML text) applied last: a marker render for provenance. */
  extraValues?: string;
  /** `--skip-schema-validation` (a marker render: markers are not the types a schema wants). */
  skipSchemaValidation?: boolean;
}

/** A template file of the chart or of a dependency, as Helm names it and where it lives. */
export interface ChartTemplate {
  helmPath: string;
  path: string;
  text: string;
  /** `[sub, …]` for an application subchart's template (its `.Values` live under that key). */
  valuesPrefix: string[];
}

export interface RenderedDocument {
  /** The template as Helm names it (`<chart>/templates/x.yaml`). */
  helmPath: string;
  /** The repository path of that template, when a repository file holds it (not inside a .tgz). */
  file: string | undefined;
  /** The document's YAML text, `# Source:` comment included (line 1). */
  text: string;
}

export type RenderOutcome =
  | { ok: true; documents: RenderedDocument[]; cached: boolean; templates: ChartTemplate[] }
  /** `transient`: Helm did not finish (killed, timed out); not cached, may succeed next time. */
  | { ok: false; problems: FileProblem[]; cached: boolean; templates?: ChartTemplate[]; transient?: boolean };

const RELEASE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A release name Helm accepts (DNS-1123, at most 53 characters), derived from the chart name. */
export function releaseNameFor(chartName: string): string {
  const cleaned = trimDashes(
    chartName
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 53),
  );
  return RELEASE_NAME.test(cleaned) ? cleaned : 'release';
}

/** The text without its leading and trailing dashes (`/^-+|-+$/g`, which re-scanned a run of dashes from each of its dashes). */
export function trimDashes(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 0x2d) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x2d) end--;
  return text.slice(start, end);
}

/** Bumped when what is stored, or how Helm is called, changes. */
const CACHE_FORMAT = 2;
/** Renders kept in memory (a warm App instance reuses them across deliveries). */
const MEMORY_ENTRIES = 2048;
const memory = new Map<string, StoredOutcome>();

type StoredOutcome = { ok: true; documents: RenderedDocument[] } | { ok: false; problems: FileProblem[] };

let identity: Promise<string> | undefined;

/** The Helm this process runs, for cache keys: looked at once per process, not per render. */
function helmIdentity(): Promise<string> {
  identity ??= (async () => {
    const bin = await helmBinary();
    if (bin.origin === 'bundled') return `bundled:${Object.values(PINNED_HELM_SHA256).join(',')}:${bin.path}`;
    const s = await stat(bin.path);
    return `${bin.origin}:${bin.path}:${s.size}:${s.mtimeMs}`;
  })();
  identity.catch(() => (identity = undefined));
  return identity;
}

/** A digest of the materialised files (paths and bytes): computed once per chart, shared by its renders. */
function filesDigest(files: readonly ChartFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort((a, b) => (a.target < b.target ? -1 : 1))) {
    hash.update(`\0${file.target}\0${file.from}\0${file.bytes.length}\0`);
    hash.update(file.bytes);
  }
  return hash.digest('hex');
}

function cacheKey(identity: string, digest: string, sourceMap: SourceMap, options: RenderOptions, chart: Chart): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ format: CACHE_FORMAT, identity, chart: [chart.dir, chart.name, chart.chartYamlPath], options, sourceMap, files: digest }));
  return hash.digest('hex');
}

type Materialized = Awaited<ReturnType<typeof materializeChart>> & { digest: string };

/**
 * A chart's files read once per review: its real, schema-less and marker renders all need them.
 * Keyed by the review's Chart object, so nothing outlives the review that read it.
 */
const materializedByChart = new WeakMap<Chart, Promise<Materialized>>();

function materializedOnce(source: RepositorySource, allPaths: readonly string[], chart: Chart): Promise<Materialized> {
  let found = materializedByChart.get(chart);
  if (!found) {
    found = materializeChart(source, allPaths, chart).then((m) => ({ ...m, digest: filesDigest(m.files) }));
    materializedByChart.set(chart, found);
  }
  return found;
}

async function readCached(key: string): Promise<StoredOutcome | undefined> {
  const inMemory = memory.get(key);
  if (inMemory) return inMemory;
  try {
    const file = nodePath.join(await cacheDir(), 'renders', key.slice(0, 2), `${key}.json`);
    // Sound: only this module writes these files, under a key that hashes the inputs, the Helm
    // binary and CACHE_FORMAT (bumped when the stored shape changes); a file cut short fails to
    // parse and counts as a miss.
    const stored = JSON.parse(await readFile(file, 'utf8')) as StoredOutcome;
    remember(key, stored);
    return stored;
  } catch {
    return undefined;
  }
}

function remember(key: string, outcome: StoredOutcome): void {
  const oldest = memory.keys().next();
  if (memory.size >= MEMORY_ENTRIES && !oldest.done) memory.delete(oldest.value);
  memory.set(key, outcome);
}

async function writeCached(key: string, outcome: StoredOutcome): Promise<void> {
  remember(key, outcome);
  try {
    const dir = nodePath.join(await cacheDir(), 'renders', key.slice(0, 2));
    await mkdir(dir, { recursive: true });
    const tmp = nodePath.join(dir, `${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    await writeFile(tmp, JSON.stringify(outcome));
    await rename(tmp, nodePath.join(dir, `${key}.json`));
  } catch {
    // A cache that cannot be written only costs time.
  }
}

/** A render stored under the content keys of its files: the outcome and the templates to locate with. */
type KeyedOutcome = { outcome: StoredOutcome; templates: ChartTemplate[] };
const keyedMemory = new Map<string, KeyedOutcome>();

/**
 * The cache key of a render from the content keys of the files it would read (git blob SHAs from
 * the source's listing), computed without reading any of them: the same walk as the
 * materialisation (the chart, its file:// dependencies, vendored charts) with keys for bytes.
 * Undefined when a file has no key (a local checkout, a symbolic link) or the walk finds a problem.
 */
async function contentKeyOf(
  source: RepositorySource,
  allPaths: readonly string[],
  chart: Chart,
  options: RenderOptions,
  contentKeys: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  const keyed = await materializeChart(source, allPaths, chart, undefined, (file) => {
    const key = contentKeys.get(file);
    return key === undefined ? Promise.reject(new Error(`${file} has no content key`)) : Promise.resolve(Buffer.from(key));
  }).catch(() => undefined);
  if (!keyed || keyed.problems.length > 0) return undefined;
  return `keyed-${cacheKey(await helmIdentity(), filesDigest(keyed.files), keyed.sourceMap, options, chart)}`;
}

async function readKeyed(key: string): Promise<KeyedOutcome | undefined> {
  const inMemory = keyedMemory.get(key);
  if (inMemory) return inMemory;
  try {
    const stored = JSON.parse(await readFile(nodePath.join(await cacheDir(), 'renders', key.slice(6, 8), `${key}.json`), 'utf8')) as KeyedOutcome;
    rememberKeyed(key, stored);
    return stored;
  } catch {
    return undefined;
  }
}

function rememberKeyed(key: string, stored: KeyedOutcome): void {
  if (keyedMemory.size >= MEMORY_ENTRIES) keyedMemory.delete(keyedMemory.keys().next().value as string);
  keyedMemory.set(key, stored);
}

async function writeKeyed(key: string, stored: KeyedOutcome): Promise<void> {
  rememberKeyed(key, stored);
  try {
    // On disk too: the App's other review threads (and a restarted one) share it.
    const dir = nodePath.join(await cacheDir(), 'renders', key.slice(6, 8));
    await mkdir(dir, { recursive: true });
    const tmp = nodePath.join(dir, `${key}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
    await writeFile(tmp, JSON.stringify(stored));
    await rename(tmp, nodePath.join(dir, `${key}.json`));
  } catch {
    // A cache that cannot be written only costs time.
  }
}

/**
 * Renders `chart` for one environment (from the cache when its content was rendered before).
 * `contentKeys` (repository path → content key, from the source's listing) let a render be found
 * in the cache without reading a file of the chart; without them the files are read and hashed.
 */
export async function renderChart(
  source: RepositorySource,
  allPaths: readonly string[],
  chart: Chart,
  options: RenderOptions,
  contentKeys?: ReadonlyMap<string, string>,
): Promise<RenderOutcome> {
  const keyed = contentKeys && contentKeys.size > 0 ? await contentKeyOf(source, allPaths, chart, options, contentKeys) : undefined;
  if (keyed) {
    const hit = await readKeyed(keyed);
    if (hit)
      return hit.outcome.ok
        ? { ok: true, documents: hit.outcome.documents, cached: true, templates: hit.templates }
        : { ok: false, problems: hit.outcome.problems, cached: true, templates: hit.templates };
  }
  const outcome = await renderByBytes(source, allPaths, chart, options);
  if (keyed && outcome.templates && (outcome.ok || !outcome.transient)) {
    await writeKeyed(keyed, {
      outcome: outcome.ok ? { ok: true, documents: outcome.documents } : { ok: false, problems: outcome.problems },
      templates: outcome.templates,
    });
  }
  return outcome;
}

async function renderByBytes(source: RepositorySource, allPaths: readonly string[], chart: Chart, options: RenderOptions): Promise<RenderOutcome> {
  let materialized;
  try {
    materialized = await materializedOnce(source, allPaths, chart);
  } catch (error) {
    return {
      ok: false,
      cached: false,
      problems: [
        {
          path: chart.chartYamlPath,
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 1,
          code: 'helm-render',
          message: `${chart.dir} could not be read for rendering: ${errorMessage(error)}`,
        },
      ],
    };
  }
  if (materialized.problems.length > 0) return { ok: false, cached: false, problems: materialized.problems };
  const templates = templatesOf(materialized.files, chart);
  const key = cacheKey(await helmIdentity(), materialized.digest, materialized.sourceMap, options, chart);
  const cached = await readCached(key);
  if (cached) return { ...cached, cached: true, templates };
  const outcome = await renderMaterialized(materialized.files, materialized.sourceMap, new Set(allPaths), chart, options);
  if (outcome.ok || !outcome.transient)
    await writeCached(key, outcome.ok ? { ok: true, documents: outcome.documents } : { ok: false, problems: outcome.problems });
  return outcome.ok
    ? { ok: true, documents: outcome.documents, cached: false, templates }
    : { ok: false, problems: outcome.problems, cached: false, templates, transient: outcome.transient };
}

/** Template files (`templates/` of the chart and of every dependency directory), for locating. */
function templatesOf(files: readonly ChartFile[], chart: Chart): ChartTemplate[] {
  const out: ChartTemplate[] = [];
  const libraries = new Set(
    files
      .filter((f) => /(^|\/)Chart\.yaml$/.test(f.target) && /^type:\s*library\s*$/m.test(f.bytes.toString('utf8')))
      .map((f) => f.target.replace(/\/?Chart\.yaml$/, '')),
  );
  for (const file of files) {
    if (!/(^|\/)(templates|crds)\//.test(file.target) || file.bytes.length > 4 * 1024 * 1024) continue;
    // `charts/a/charts/b/templates/x.yaml`: b's `.Values` are the root's `a.b`, unless b is a library.
    const owner = file.target.slice(0, file.target.search(/(^|\/)(templates|crds)\//));
    const chain = [...owner.matchAll(/(?:^|\/)charts\/([^/]+)/g)].map((m) => m[1]!);
    const valuesPrefix = libraries.has(owner) ? [] : chain;
    out.push({ helmPath: `${chart.name}/${file.target}`, path: file.from, text: file.bytes.toString('utf8'), valuesPrefix });
  }
  return out;
}

type FreshOutcome = { ok: true; documents: RenderedDocument[] } | { ok: false; problems: FileProblem[]; transient: boolean };

async function renderMaterialized(
  files: readonly ChartFile[],
  sourceMap: SourceMap,
  allPaths: ReadonlySet<string>,
  chart: Chart,
  options: RenderOptions,
): Promise<FreshOutcome> {
  const tmp = await mkdtemp(nodePath.join(os.tmpdir(), 'bplus-render-'));
  try {
    const chartRoot = nodePath.join(tmp, 'chart');
    const dirs = new Set<string>();
    for (const file of files) dirs.add(nodePath.dirname(nodePath.join(chartRoot, file.target)));
    for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
    await Promise.all(files.map((file) => writeFile(nodePath.join(chartRoot, file.target), file.bytes)));
    const prefix = chart.dir === '.' ? '' : `${chart.dir}/`;
    const valuesArgs = options.valuesFiles.map((p) => `--values=${nodePath.join(chartRoot, p.startsWith(prefix) ? p.slice(prefix.length) : p)}`);
    if (options.extraValues !== undefined) {
      const extra = nodePath.join(tmp, 'extra-values.yaml');
      await writeFile(extra, options.extraValues);
      valuesArgs.push(`--values=${extra}`);
    }
    const args = [
      'template',
      `--namespace=${options.namespace}`,
      `--kube-version=${options.kubeVersion}`,
      ...options.apiVersions.map((v) => `--api-versions=${v}`),
      '--include-crds',
      ...(options.skipSchemaValidation ? ['--skip-schema-validation'] : []),
      ...valuesArgs,
      '--',
      releaseNameFor(chart.name),
      chartRoot,
    ];
    let stdout: string;
    try {
      stdout = await runHelm(args, { cwd: tmp });
    } catch (error) {
      if (!(error instanceof HelmError)) throw error;
      const transient = error.exitCode === null;
      return { ok: false, transient, problems: [problemFromHelm(error, chart, options.environment, sourceMap, allPaths, tmp)] };
    }
    return { ok: true, documents: splitRendered(stdout, sourceMap, allPaths) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Helm's output cut at `---` lines, each document with the template `# Source:` names. */
export function splitRendered(stdout: string, sourceMap: SourceMap, allPaths: ReadonlySet<string>): RenderedDocument[] {
  const documents: RenderedDocument[] = [];
  for (const part of stdout.split(/^---[ \t]*$/m)) {
    const source = /^# Source: (.+)$/m.exec(part);
    if (!source) continue;
    const text = part.slice(source.index);
    if (!/^[^#\s]/m.test(text.slice(source[0].length))) continue; // only comments: nothing rendered
    const helmPath = source[1]!.trim();
    documents.push({ helmPath, file: repositoryPathOf(helmPath, sourceMap, allPaths), text });
  }
  return documents;
}

/**
 * One problem for a chart Helm refuses, with Helm's message. Helm names a place in several forms:
 * `execution error at (<chart>/templates/x.yaml:12:5)`, `template: <chart>/templates/x.yaml:3:7:`,
 * `YAML parse error on <chart>/templates/x.yaml:` (a line of the rendered output, so the file only).
 */
export function problemFromHelm(
  error: HelmError,
  chart: Chart,
  environment: string,
  sourceMap: SourceMap,
  allPaths: ReadonlySet<string>,
  tmp: string,
): FileProblem {
  const raw = (error.stderr.trim() || error.message).split(tmp).join('');
  const message = raw
    .split(/\r?\n/)
    .map((l) => l.replace(/^Error: /, ''))
    .filter((l) => l.trim() !== '' && !/^(WARNING|walk\.go|coalesce\.go)/.test(l))
    .join('\n')
    .slice(0, 4000);
  const at = placeNamed(raw, sourceMap, allPaths);
  return {
    path: at?.file ?? chart.chartYamlPath,
    line: at?.line ?? 1,
    column: at?.column ?? 1,
    endLine: at?.line ?? 1,
    endColumn: at?.column ?? 1,
    code: 'helm-render',
    message: `Helm cannot render ${chart.dir} for ${environment}: ${message}`,
  };
}

function placeNamed(text: string, sourceMap: SourceMap, allPaths: ReadonlySet<string>): { file: string; line: number; column: number } | undefined {
  // Helm 4 prints a chain of places, outermost first (`<chart>/templates/all.yaml:1:3` on a line
  // of its own, then each include): the innermost one that is a repository file is the cause.
  const chain = helmPlaceLines(text).reverse();
  for (const place of chain) {
    const file = repositoryPathOf(place.file, sourceMap, allPaths);
    if (file) return { file, line: place.line, column: place.column };
  }
  const patterns = [
    /\(([^()\s]+?):(\d+):(\d+)\)/,
    /template: ([^:\s]+):(\d+):(\d+):/,
    /template: ([^:\s]+):(\d+):/,
    /YAML parse error on ([^:\s]+):/,
    /parse error (?:at|in) \(?([^:\s()]+):(\d+)/,
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(text);
    if (!m) continue;
    const file = repositoryPathOf(m[1]!, sourceMap, allPaths);
    if (!file) continue;
    const isRenderedLine = pattern.source.startsWith('YAML');
    return { file, line: isRenderedLine || !m[2] ? 1 : Number(m[2]), column: isRenderedLine || !m[3] ? 1 : Number(m[3]) };
  }
  return undefined;
}

const PLACE_EXTENSIONS = ['.yaml', '.yml', '.tpl', '.txt', '.json'];

/**
 * The lines of Helm's output that are a place and nothing else (`chart/templates/a.yaml:12:3`,
 * spaces around), in order: the matches of
 * `/^\s*([^\s:()]+\.(?:ya?ml|tpl|txt|json)):(\d+):(\d+)\s*$/gm`, whose spaces could run over
 * line breaks and be re-read from every line start. Here each line is trimmed and read once.
 */
export function helmPlaceLines(text: string): Array<{ file: string; line: number; column: number }> {
  const places: Array<{ file: string; line: number; column: number }> = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = lineStart;
    while (lineEnd < text.length && !isLineTerminator(text.charCodeAt(lineEnd))) lineEnd++;
    const place = placeOfLine(text.slice(lineStart, lineEnd));
    if (place) places.push(place);
    lineStart = lineEnd + 1;
  }
  return places;
}

/** `file.ext:LINE:COLUMN` with only spaces around; the file has no space, `:`, `(` or `)`. */
function placeOfLine(line: string): { file: string; line: number; column: number } | undefined {
  let start = 0;
  let end = line.length;
  while (start < end && isSpace(line.charCodeAt(start))) start++;
  while (end > start && isSpace(line.charCodeAt(end - 1))) end--;
  const fileEnd = line.indexOf(':', start);
  if (fileEnd === -1 || fileEnd >= end) return undefined;
  const file = line.slice(start, fileEnd);
  for (let i = 0; i < file.length; i++) {
    const code = file.charCodeAt(i);
    if (isSpace(code) || code === 0x28 || code === 0x29) return undefined; // `(` `)`
  }
  if (!PLACE_EXTENSIONS.some((extension) => file.length > extension.length && file.endsWith(extension))) return undefined;
  const lineEnd = digitsEnd(line, fileEnd + 1);
  if (lineEnd === fileEnd + 1 || line.charCodeAt(lineEnd) !== 0x3a) return undefined;
  const columnEnd = digitsEnd(line, lineEnd + 1);
  if (columnEnd === lineEnd + 1 || columnEnd !== end) return undefined;
  return { file, line: Number(line.slice(fileEnd + 1, lineEnd)), column: Number(line.slice(lineEnd + 1, columnEnd)) };
}

function digitsEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length && isDigit(text.charCodeAt(at))) at++;
  return at;
}
