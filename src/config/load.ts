/**
 * Reads `.github/bplus.yml`. An invalid configuration never stops a review: each problem becomes a
 * finding on the configuration's own line, and the review goes on with the defaults for what
 * could not be read.
 */
import { parseYaml } from '../yaml/parse.ts';
import type { FileProblem, Location, ValuePath } from '../types.ts';
import { configSchema, defaultConfig, type BplusConfig } from './schema.ts';
import { trimConfigToBudget } from './budgets.ts';

export const CONFIG_PATH = '.github/bplus.yml';

export interface LoadedConfig {
  config: BplusConfig;
  problems: FileProblem[];
  /** Where a configuration key is, for findings about the configuration's content. */
  locateConfig?: (path: ValuePath) => Location;
}

/** A configuration is a page of settings; past this size it is refused before it is parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export function parseConfig(text: string, path = CONFIG_PATH): LoadedConfig {
  if (text.length > MAX_CONFIG_BYTES) {
    const at = { path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { config: defaultConfig, problems: [{ ...at, code: 'limit-exceeded', message: `configuration: ${text.length} characters, over the limit of ${MAX_CONFIG_BYTES}; it was not read, the defaults apply` }] };
  }
  const parsed = parseYaml(text);
  const problems: FileProblem[] = parsed.problems.map((p) => ({ ...p, path, code: 'config-invalid', message: `configuration: ${p.message}` }));
  const doc = parsed.docs[0];
  if (!doc) return { config: defaultConfig, problems };
  if (parsed.docs.length > 1) {
    const extra = parsed.docs[1]!;
    problems.push({ ...extra.span, path, code: 'config-invalid', message: 'configuration: only one YAML document is read; the others are ignored' });
  }
  const locateConfig = (at: ValuePath): Location => ({ path, ...doc.locate(at) });
  const budgeted = trimConfigToBudget(doc.value, path, locateConfig);
  problems.push(...budgeted.problems);
  const result = configSchema.safeParse(budgeted.value);
  if (result.success) return { config: result.data, problems, locateConfig };
  for (const issue of result.error.issues as unknown as ConfigIssue[]) {
    // An unknown key is best shown on that key, not on its parent.
    const keyPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const at = doc.locate(issue.keys?.length ? [...keyPath, issue.keys[0]!] : keyPath);
    problems.push({ ...at, path, code: 'config-invalid', message: `configuration: ${describeIssue(issue)}` });
  }
  // Keep what is valid: retry with the offending top-level keys dropped.
  const value = { ...(budgeted.value as Record<string, unknown>) };
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
