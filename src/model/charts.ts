/** Helm charts found in a repository: what they are, what they depend on, where their values are. */
import path from 'node:path/posix';
import type { ServiceKind } from '../config/schema.ts';
import type { YamlDocument } from '../yaml/parse.ts';
import { formatValue } from '../yaml/format-value.ts';
import { isRecord } from './values.ts';

export type ChartRole = 'library' | 'service' | 'infrastructure' | 'application';

export interface ChartDependency {
  name: string;
  version?: string;
  repository?: string;
  /** Helm's `alias`: the name the subchart renders under. */
  alias?: string;
  index: number;
}

export interface Chart {
  /** Directory relative to the repository root. */
  dir: string;
  chartYamlPath: string;
  chartYaml: YamlDocument | undefined;
  name: string;
  version?: string;
  type: 'application' | 'library';
  role: ChartRole;
  dependencies: ChartDependency[];
  annotations: Record<string, string>;
  /** For a service chart: the platform libraries it depends on, and so its kind. */
  libraries: Array<{ dependency: ChartDependency; kind: ServiceKind }>;
  kind?: ServiceKind;
  /** Template files (relative to the repository root). */
  templates: string[];
  /** `values.yaml` and `values-<env>.yaml` (env → path). */
  valuesFile?: string;
  environmentFiles: Map<string, string>;
}

export const INFRASTRUCTURE_ANNOTATION = 'balance-plus.io/chart-role';

export function describeChart(
  chartYamlPath: string,
  chartYaml: YamlDocument | undefined,
  files: readonly string[],
  libraries: Record<string, ServiceKind>,
): Chart {
  const dir = path.dirname(chartYamlPath);
  const meta = isRecord(chartYaml?.value) ? chartYaml.value : {};
  const annotations: Record<string, string> = {};
  if (isRecord(meta.annotations)) for (const [k, v] of Object.entries(meta.annotations)) annotations[k] = String(v);
  const dependencies: ChartDependency[] = Array.isArray(meta.dependencies)
    ? meta.dependencies.filter(isRecord).map((d, index) => ({
        name: formatValue(d.name ?? ''),
        version: d.version === undefined ? undefined : formatValue(d.version),
        repository: d.repository === undefined ? undefined : formatValue(d.repository),
        ...(typeof d.alias === 'string' ? { alias: d.alias } : {}),
        index,
      }))
    : [];
  const platformLibraries = dependencies
    .filter((d) => libraries[d.name] !== undefined)
    .map((dependency) => ({ dependency, kind: libraries[dependency.name]! }));
  const type = meta.type === 'library' ? 'library' : 'application';
  const role: ChartRole =
    type === 'library'
      ? 'library'
      : annotations[INFRASTRUCTURE_ANNOTATION] === 'infrastructure'
        ? 'infrastructure'
        : platformLibraries.length > 0
          ? 'service'
          : 'application';
  const prefix = dir === '.' ? '' : `${dir}/`;
  const own = files.filter((f) => f.startsWith(prefix) && !isInsideSubchart(f.slice(prefix.length)));
  const environmentFiles = new Map<string, string>();
  let valuesFile: string | undefined;
  for (const file of own) {
    const rest = file.slice(prefix.length);
    if (rest === 'values.yaml' || rest === 'values.yml') valuesFile = file;
    const env = /^values[-.]([A-Za-z0-9_-]+)\.ya?ml$/.exec(rest)?.[1];
    if (env) environmentFiles.set(env, file);
  }
  return {
    dir,
    chartYamlPath,
    chartYaml,
    name: typeof meta.name === 'string' ? meta.name : path.basename(dir),
    version: meta.version === undefined ? undefined : formatValue(meta.version),
    type,
    role,
    dependencies,
    annotations,
    libraries: platformLibraries,
    kind: platformLibraries.length === 1 ? platformLibraries[0]!.kind : undefined,
    templates: own.filter((f) => f.slice(prefix.length).startsWith('templates/')),
    valuesFile,
    environmentFiles,
  };
}

/** `charts/<sub>/...` inside a chart is a vendored dependency, reviewed as part of nothing. */
function isInsideSubchart(relative: string): boolean {
  return relative.startsWith('charts/') && relative.split('/').length > 2;
}

/** Chart.yaml files, without those of vendored subcharts (`<chart>/charts/<dep>/Chart.yaml`). */
export function findChartFiles(files: readonly string[]): string[] {
  const chartFiles = files.filter((f) => /(^|\/)Chart\.ya?ml$/.test(f));
  const dirs = new Set(chartFiles.map((f) => path.dirname(f)));
  return chartFiles.filter((f) => {
    let dir = path.dirname(f);
    while (dir !== '.' && dir !== '/') {
      const parent = path.dirname(dir);
      if (path.basename(parent) === 'charts' && dirs.has(path.dirname(parent))) return false;
      dir = parent;
    }
    return true;
  });
}

/**
 * Directories that look like charts (a `templates/` folder next to a values file) but have no
 * Chart.yaml: Helm cannot render them.
 */
export function findChartsWithoutChartYaml(files: readonly string[], chartDirs: ReadonlySet<string>): string[] {
  const candidates = new Set<string>();
  for (const f of files) {
    const m = /^(.*?)\/?templates\/[^/]+$/.exec(f);
    if (m) candidates.add(m[1] || '.');
  }
  return [...candidates].filter((dir) => {
    if (chartDirs.has(dir)) return false;
    // Inside a known chart (a nested templates folder), not a chart of its own.
    for (const known of chartDirs) if (known === '.' || dir.startsWith(`${known}/`)) return false;
    return files.some((f) => f === `${dir}/values.yaml` || f === `${dir}/values.yml`);
  });
}
