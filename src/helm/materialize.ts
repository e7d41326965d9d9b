/**
 * Gathers what `helm template` needs for one chart from a repository source, without touching the
 * source: the chart's own files (vendored `charts/` directories and `.tgz` included), and each
 * `file://` dependency placed under the copy's `charts/<name>/`, recursively — what
 * `helm dependency build --skip-refresh` would produce, done offline and in memory. A dependency
 * that is neither `file://` nor vendored is a problem on its line in Chart.yaml: Helm would fetch
 * it from a repository, and rendering never touches the network.
 */
import path from 'node:path/posix';
import type { Chart, ChartDependency } from '../model/charts.ts';
import { isRecord } from '../model/values.ts';
import type { RepositorySource } from '../source/types.ts';
import type { FileProblem } from '../types.ts';
import { formatValue } from '../yaml/format-value.ts';
import yaml from 'js-yaml';
import { isDigit } from '../yaml/text-scan.ts';

/** One file of the materialised chart: its path inside the copy and where it came from. */
export interface ChartFile {
  /** Path relative to the copied chart's root. */
  target: string;
  /** Repository path it was read from. */
  from: string;
  bytes: Buffer;
}

/**
 * How Helm names a template (`<chart>/charts/<sub>/templates/x.yaml`, chart names from Chart.yaml
 * or aliases) maps back to repository directories: the longest matching prefix wins.
 */
export type SourceMap = Array<{ helmPrefix: string; repoDir: string }>;

export interface MaterializedChart {
  files: ChartFile[];
  sourceMap: SourceMap;
  problems: FileProblem[];
}

export interface MaterializeLimits {
  /** Total bytes a chart with its dependencies may take. */
  maxBytes: number;
  /** How deep file:// dependencies may nest (a cycle stops here too). */
  maxDepth: number;
}

const DEFAULT_LIMITS: MaterializeLimits = { maxBytes: 256 * 1024 * 1024, maxDepth: 8 };

interface Listing {
  paths: ReadonlySet<string>;
  /** Files under a directory (repository paths), for copying a chart. */
  under(dir: string): string[];
}

export function listingOf(paths: readonly string[]): Listing {
  const sorted = [...paths].sort();
  const set = new Set(sorted);
  return {
    paths: set,
    under(dir) {
      if (dir === '.' || dir === '') return sorted;
      const prefix = `${dir}/`;
      return sorted.filter((p) => p.startsWith(prefix));
    },
  };
}

function problemAt(chart: Chart, dependency: ChartDependency | undefined, message: string): FileProblem {
  const at =
    dependency && chart.chartYaml ? chart.chartYaml.locate(['dependencies', dependency.index, 'repository']) : { line: 1, column: 1, endLine: 1, endColumn: 1 };
  return { path: chart.chartYamlPath, ...at, code: 'helm-dependency', message };
}

/** Dependencies as Chart.yaml of a dependency chart lists them (read from its bytes). */
function dependenciesOf(chartYaml: Buffer | undefined): ChartDependency[] {
  if (!chartYaml) return [];
  try {
    const parsed: unknown = yaml.load(chartYaml.toString('utf8'));
    if (!isRecord(parsed) || !Array.isArray(parsed.dependencies)) return [];
    return parsed.dependencies
      .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object')
      .map((d, index) => ({
        name: formatValue(d.name ?? ''),
        repository: d.repository === undefined ? undefined : formatValue(d.repository),
        alias: typeof d.alias === 'string' ? d.alias : undefined,
        index,
      }));
  } catch {
    return [];
  }
}

/** A vendored copy of a dependency in `<chart>/charts/`: a directory or a `.tgz` archive. */
function vendoredCopy(chartDir: string, name: string, listing: Listing): { dir?: string; tgz?: string } | undefined {
  const chartsDir = chartDir === '.' ? 'charts' : `${chartDir}/charts`;
  if (listing.paths.has(`${chartsDir}/${name}/Chart.yaml`)) return { dir: `${chartsDir}/${name}` };
  for (const p of listing.under(chartsDir)) {
    const rest = p.slice(chartsDir.length + 1);
    if (!rest.includes('/') && rest.endsWith('.tgz') && (rest === `${name}.tgz` || rest.startsWith(`${name}-`))) return { tgz: p };
  }
  return undefined;
}

/**
 * The chart a vendored file under `charts/` belongs to: `redis-17.3.1.tgz` and `redis.tgz` are
 * `redis`, a directory name is itself. The same as
 * `name.replace(/-\d[^/]*\.tgz$/, '').replace(/\.tgz$/, '')`, whose first pattern ran from every
 * `-<digit>` to the end of the name. Here one pass: the version is the first `-<digit>` that ends
 * before `.tgz` with no `/` after its digit.
 */
export function chartNameOfArchive(name: string): string {
  if (!name.endsWith('.tgz')) return name;
  const extension = name.length - '.tgz'.length;
  const lastSlash = name.lastIndexOf('/', extension - 1);
  let withoutVersion = name;
  for (let dash = Math.max(0, lastSlash - 1); dash + 2 <= extension; dash++) {
    if (name.charCodeAt(dash) === 0x2d && isDigit(name.charCodeAt(dash + 1))) {
      withoutVersion = name.slice(0, dash);
      break;
    }
  }
  return withoutVersion.endsWith('.tgz') ? withoutVersion.slice(0, -'.tgz'.length) : withoutVersion;
}

/**
 * Reads the chart at `chart.dir` and its dependencies into memory. `chart` is the repository's
 * description of the root chart (for locating problems in its Chart.yaml).
 */
export async function materializeChart(
  source: RepositorySource,
  allPaths: readonly string[],
  chart: Chart,
  limits: MaterializeLimits = DEFAULT_LIMITS,
  /** How a chart file's content is had; the render cache passes content keys instead of bytes. */
  contentOf: (file: string) => Promise<Buffer> = (file) => source.read(file),
): Promise<MaterializedChart> {
  const listing = listingOf(allPaths);
  const files: ChartFile[] = [];
  const sourceMap: SourceMap = [];
  const problems: FileProblem[] = [];
  let bytesSoFar = 0;

  const copyDir = async (repoDir: string, targetDir: string, skipChartsOf: ReadonlySet<string>): Promise<Map<string, Buffer>> => {
    const read = new Map<string, Buffer>();
    const prefix = repoDir === '.' ? '' : `${repoDir}/`;
    for (const file of listing.under(repoDir)) {
      const rel = file.slice(prefix.length);
      // A vendored copy that a file:// dependency replaces is left out.
      const vendoredName = /^charts\/([^/]+)(\/|$)/.exec(rel)?.[1];
      if (vendoredName && skipChartsOf.has(chartNameOfArchive(vendoredName))) continue;
      const bytes = await contentOf(file);
      bytesSoFar += bytes.length;
      if (bytesSoFar > limits.maxBytes) throw new Error(`the chart and its dependencies are over ${limits.maxBytes} bytes`);
      files.push({ target: targetDir ? `${targetDir}/${rel}` : rel, from: file, bytes });
      read.set(rel, bytes);
    }
    return read;
  };

  const visit = async (
    repoDir: string,
    targetDir: string,
    helmPrefix: string,
    dependencies: ChartDependency[],
    depth: number,
    root: boolean,
  ): Promise<boolean> => {
    const replacedByFile = new Set<string>();
    const fileDeps: Array<{ dependency: ChartDependency; dir: string }> = [];
    let ok = true;
    for (const dependency of dependencies) {
      const repository = dependency.repository ?? '';
      if (repository.startsWith('file://')) {
        const dir = path.normalize(path.join(repoDir, repository.slice('file://'.length)));
        if (dir.startsWith('..') || path.isAbsolute(dir) || !listing.paths.has(dir === '.' ? 'Chart.yaml' : `${dir}/Chart.yaml`)) {
          if (root)
            problems.push(
              problemAt(chart, dependency, `dependency ${dependency.name} (${repository}) is not a chart in this repository: Helm cannot build it`),
            );
          ok = false;
          continue;
        }
        replacedByFile.add(dependency.name);
        fileDeps.push({ dependency, dir });
        continue;
      }
      const vendored = vendoredCopy(repoDir, dependency.name, listing);
      if (vendored) {
        const alias = dependency.alias ?? dependency.name;
        const chartsDir = repoDir === '.' ? 'charts' : `${repoDir}/charts`;
        sourceMap.push({ helmPrefix: `${helmPrefix}/charts/${alias}`, repoDir: vendored.dir ?? vendored.tgz ?? chartsDir });
        continue;
      }
      if (root) {
        problems.push(
          problemAt(
            chart,
            dependency,
            `dependency ${dependency.name}${repository ? ` (${repository})` : ''} is neither a file:// chart nor vendored under charts/: rendering stays offline, so the chart was not rendered (vendor it with \`helm dependency build\` and commit charts/)`,
          ),
        );
      }
      ok = false;
    }
    if (!ok) return false;
    await copyDir(repoDir, targetDir, replacedByFile);
    if (depth >= limits.maxDepth) {
      if (fileDeps.length > 0)
        problems.push(problemAt(chart, fileDeps[0]!.dependency, `file:// dependencies nest deeper than ${limits.maxDepth} charts (a cycle?)`));
      return fileDeps.length === 0;
    }
    for (const { dependency, dir } of fileDeps) {
      const alias = dependency.alias ?? dependency.name;
      const target = `${targetDir ? `${targetDir}/` : ''}charts/${dependency.name}`;
      sourceMap.push({ helmPrefix: `${helmPrefix}/charts/${alias}`, repoDir: dir });
      const depChartYaml = await source.read(dir === '.' ? 'Chart.yaml' : `${dir}/Chart.yaml`);
      const name = chartName(depChartYaml) ?? dependency.name;
      if (!(await visit(dir, target, `${helmPrefix}/charts/${alias}`, dependenciesOf(depChartYaml), depth + 1, false))) {
        problems.push(problemAt(chart, dependency, `dependency ${dependency.name} (chart ${name} in ${dir}) has dependencies Helm cannot resolve offline`));
        return false;
      }
    }
    return true;
  };

  sourceMap.push({ helmPrefix: chart.name, repoDir: chart.dir });
  await visit(chart.dir, '', chart.name, chart.dependencies, 0, true);
  sourceMap.sort((a, b) => b.helmPrefix.length - a.helmPrefix.length);
  return { files, sourceMap, problems };
}

function chartName(chartYaml: Buffer): string | undefined {
  try {
    const parsed: unknown = yaml.load(chartYaml.toString('utf8'));
    return isRecord(parsed) && typeof parsed.name === 'string' ? parsed.name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The repository path of a template Helm names (`<chart>/charts/<sub>/templates/x.yaml`), or
 * undefined when it lives in a `.tgz` (no repository file holds it).
 */
export function repositoryPathOf(helmPath: string, sourceMap: SourceMap, allPaths: ReadonlySet<string>): string | undefined {
  for (const { helmPrefix, repoDir } of sourceMap) {
    if (helmPath !== helmPrefix && !helmPath.startsWith(`${helmPrefix}/`)) continue;
    if (repoDir.endsWith('.tgz')) return undefined;
    const rest = helmPath.slice(helmPrefix.length + 1);
    const candidate = repoDir === '.' ? rest : `${repoDir}/${rest}`;
    if (allPaths.has(candidate)) return candidate;
  }
  return undefined;
}
