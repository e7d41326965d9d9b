/**
 * Runs the real Helm (src/helm/binary.ts; tests get its path through BPLUS_HELM) for fixture tests: `helm dependency
 * build` of file:// dependencies and `helm template`, fully offline, with Helm's cache, config and
 * data homes in a private temp directory so nothing reads or writes the user's ~/.config/helm.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { runHelm as runHelmSandboxed } from '../../src/helm/run.ts';
import { errorMessage } from '../../src/yaml/format-value.ts';

export { HelmError } from '../../src/helm/run.ts';

export interface HelmTemplateOptions {
  /** Values files, applied in order (later wins); relative paths are resolved against the chart dir. */
  valuesFiles?: string[];
  /** Release name; Helm's `template` default is `release-name`. */
  releaseName?: string;
  /** `--namespace`, i.e. `.Release.Namespace`. */
  namespace?: string;
}

export interface RenderChartOptions extends HelmTemplateOptions {
  /**
   * Copy the chart (and its file:// dependencies, keeping their relative layout) to a temp dir
   * before `helm dependency build`, so the source tree never gets `charts/` or `Chart.lock`.
   * Default: copy when the chart has dependencies and does not already live under the OS temp dir.
   */
  copy?: boolean;
}

interface ChartDependency {
  name?: string;
  version?: string;
  repository?: string;
}

interface ChartYaml {
  name?: string;
  type?: string;
  dependencies?: ChartDependency[];
}

/** `helm <args>` through bplus's own sandboxed runner (src/helm/run.ts). */
export function runHelm(args: readonly string[], cwd?: string): Promise<string> {
  return runHelmSandboxed(args, { cwd });
}

async function readChartYaml(chartDir: string): Promise<ChartYaml> {
  const file = path.join(chartDir, 'Chart.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new Error(`${chartDir} is not a Helm chart: cannot read Chart.yaml (${errorMessage(err)})`);
  }
  const parsed = yaml.load(text);
  if (!parsed || typeof parsed !== 'object') throw new Error(`${file}: not a YAML mapping`);
  return parsed;
}

/** The absolute directories of a chart's file:// dependencies (recursively). */
async function fileDependencies(chartDir: string, seen = new Set<string>()): Promise<string[]> {
  const chart = await readChartYaml(chartDir);
  const out: string[] = [];
  for (const dep of chart.dependencies ?? []) {
    const repo = dep.repository ?? '';
    if (!repo.startsWith('file://')) continue;
    const dir = path.resolve(chartDir, repo.slice('file://'.length));
    if (seen.has(dir)) continue;
    seen.add(dir);
    out.push(dir, ...(await fileDependencies(dir, seen)));
  }
  return out;
}

function commonAncestor(dirs: readonly string[]): string {
  const split = dirs.map((d) => path.resolve(d).split(path.sep));
  const first = split[0] ?? [];
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && i < parts.length && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(path.sep) || path.sep;
}

function isUnder(dir: string, root: string): boolean {
  const rel = path.relative(root, dir);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Copies a chart and its file:// dependencies into a fresh temp dir, preserving their relative
 * layout (so `repository: file://../library/x` still resolves); skips previously built `charts/`
 * and `Chart.lock`. Returns the copied chart's directory and a cleanup function.
 */
export async function copyChart(chartDir: string): Promise<{ chartDir: string; cleanup: () => Promise<void> }> {
  const source = path.resolve(chartDir);
  const deps = await fileDependencies(source);
  const root = commonAncestor([source, ...deps]);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'bplus-chart-'));
  for (const dir of [source, ...deps]) {
    const target = path.join(tmp, path.relative(root, dir));
    await cp(dir, target, {
      recursive: true,
      filter: (src) => {
        const rel = path.relative(dir, src);
        return rel !== 'Chart.lock' && rel !== 'charts' && !rel.startsWith(`charts${path.sep}`);
      },
    });
  }
  return {
    chartDir: path.join(tmp, path.relative(root, source)),
    cleanup: () => rm(tmp, { recursive: true, force: true }),
  };
}

/** `helm dependency build` (offline: file:// repositories only, no repository refresh). */
export async function helmDependencyBuild(chartDir: string): Promise<void> {
  const chart = await readChartYaml(chartDir);
  if (!chart.dependencies?.length) return;
  const remote = chart.dependencies.filter((d) => d.repository && !d.repository.startsWith('file://'));
  if (remote.length > 0) {
    throw new Error(
      `${chartDir}: dependencies ${remote.map((d) => `${d.name ?? '?'} (${d.repository ?? ''})`).join(', ')} are not file:// ones; tests stay offline`,
    );
  }
  await runHelm(['dependency', 'build', '--skip-refresh', chartDir], chartDir);
}

/**
 * `helm template` of a chart whose dependencies are already in place. Returns the multi-document
 * YAML exactly as Helm prints it.
 */
export async function helmTemplate(chartDir: string, options: HelmTemplateOptions = {}): Promise<string> {
  const dir = path.resolve(chartDir);
  const args = ['template', options.releaseName ?? 'release-name', dir];
  for (const file of options.valuesFiles ?? []) args.push('--values', path.resolve(dir, file));
  if (options.namespace) args.push('--namespace', options.namespace);
  return runHelm(args, dir);
}

/**
 * Renders a chart as CI would: (copy if needed), `helm dependency build`, `helm template`.
 * Values files given relative are resolved against the original chart directory.
 */
export async function renderChart(chartDir: string, options: RenderChartOptions = {}): Promise<string> {
  const source = path.resolve(chartDir);
  const chart = await readChartYaml(source);
  const hasDeps = (chart.dependencies?.length ?? 0) > 0;
  const copy = options.copy ?? (hasDeps && !isUnder(source, path.resolve(os.tmpdir())));
  const valuesFiles = (options.valuesFiles ?? []).map((f) => path.resolve(source, f));
  if (!copy) {
    await helmDependencyBuild(source);
    return helmTemplate(source, { ...options, valuesFiles });
  }
  const copied = await copyChart(source);
  try {
    await helmDependencyBuild(copied.chartDir);
    return await helmTemplate(copied.chartDir, { ...options, valuesFiles });
  } finally {
    await copied.cleanup();
  }
}

/** Parses Helm's multi-document output into objects, dropping empty documents. */
export function parseManifests(text: string): Array<Record<string, unknown>> {
  return yaml.loadAll(text).filter((doc): doc is Record<string, unknown> => doc !== null && typeof doc === 'object' && !Array.isArray(doc));
}
