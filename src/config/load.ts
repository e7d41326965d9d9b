/**
 * Reads `.github/bplus.yml`. An invalid configuration never stops a review: each problem becomes a
 * finding on the configuration's own line, and the review goes on with the defaults for what
 * could not be read.
 */
import { parseYaml } from '../yaml/parse.ts';
import type { FileProblem, Location, ValuePath } from '../types.ts';
import { configSchema, defaultConfig, type BplusConfig } from './schema.ts';
import { applyConfigBudgets } from './budgets.ts';

export const CONFIG_PATH = '.github/bplus.yml';

export interface LoadedConfig {
  config: BplusConfig;
  problems: FileProblem[];
  /** Where a configuration key is, for findings about the configuration's content. */
  locateConfig?: (path: ValuePath) => Location;
}

export function parseConfig(text: string, path = CONFIG_PATH): LoadedConfig {
  const loaded = parseConfigUnbudgeted(text, path);
  const budgeted = applyConfigBudgets(loaded.config, path, loaded.locateConfig);
  return { ...loaded, config: budgeted.config, problems: [...loaded.problems, ...budgeted.problems] };
}

function parseConfigUnbudgeted(text: string, path: string): LoadedConfig {
  const parsed = parseYaml(text);
  const problems: FileProblem[] = parsed.problems.map((p) => ({ ...p, path, code: 'config-invalid', message: `configuration: ${p.message}` }));
  const doc = parsed.docs[0];
  if (!doc) return { config: defaultConfig, problems };
  if (parsed.docs.length > 1) {
    const extra = parsed.docs[1]!;
    problems.push({ ...extra.span, path, code: 'config-invalid', message: 'configuration: only one YAML document is read; the others are ignored' });
  }
  const locateConfig = (at: ValuePath): Location => ({ path, ...doc.locate(at) });
  const result = configSchema.safeParse(doc.value);
  if (result.success) return { config: result.data, problems, locateConfig };
  for (const issue of result.error.issues as unknown as ConfigIssue[]) {
    // An unknown key is best shown on that key, not on its parent.
    const keyPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const at = doc.locate(issue.keys?.length ? [...keyPath, issue.keys[0]!] : keyPath);
    problems.push({ ...at, path, code: 'config-invalid', message: `configuration: ${describeIssue(issue)}` });
  }
  // Keep what is valid: retry with the offending top-level keys dropped.
  const value = { ...(doc.value as Record<string, unknown>) };
  for (const issue of result.error.issues) delete value[String(issue.path[0])];
  const fallback = configSchema.safeParse(value);
  return { config: fallback.success ? fallback.data : defaultConfig, problems, locateConfig };
}

interface ConfigIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

function describeIssue(issue: ConfigIssue): string {
  const where = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys' && issue.keys) return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where}: ${issue.message}`;
}
