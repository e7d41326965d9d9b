/**
 * Reads `.github/bplus.yml`. An invalid configuration never stops a review: each problem becomes a
 * finding on the configuration's own line, and the review goes on with the defaults for what
 * could not be read.
 */
import { z } from 'zod';
import { parseYaml } from '../yaml/parse.ts';
import type { FileProblem, Locale, Location, ValuePath } from '../types.ts';
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

export function parseConfig(text: string, path = CONFIG_PATH, locale: Locale = 'en'): LoadedConfig {
  if (text.length > MAX_CONFIG_BYTES) {
    const at = { path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return {
      config: defaultConfig,
      problems: [
        {
          ...at,
          code: 'limit-exceeded',
          message: `configuration: ${text.length} characters, over the limit of ${MAX_CONFIG_BYTES}; it was not read, the defaults apply`,
        },
      ],
    };
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
  const validated = validateConfig(doc.value, path, locale, locateConfig);
  return { ...validated, problems: [...problems, ...validated.problems] };
}

/**
 * The configuration from a value already parsed (Probot's `context.config` returns the merged
 * object): checked against the schema once, problems on `locateConfig`'s lines when there is a
 * text to point into, on the first line of `path` otherwise.
 */
export function validateConfig(value: unknown, path = CONFIG_PATH, locale: Locale = 'en', locateConfig?: (at: ValuePath) => Location): LoadedConfig {
  const locate = locateConfig ?? ((): Location => ({ path, line: 1, column: 1, endLine: 1, endColumn: 1 }));
  const problems: FileProblem[] = [];
  const located = locateConfig ? { locateConfig } : {};
  const budgeted = trimConfigToBudget(value, path, locateConfig);
  problems.push(...budgeted.problems);
  // zod's own Russian texts for the issues describeIssue does not phrase itself.
  const result = locale === 'ru' ? configSchema.safeParse(budgeted.value, { error: z.locales.ru().localeError }) : configSchema.safeParse(budgeted.value);
  if (result.success) return { config: result.data, problems, ...located };
  // One problem per unknown key, each on its own line.
  const issues = (result.error.issues as unknown as ConfigIssue[]).flatMap((i) =>
    i.code === 'unrecognized_keys' && i.keys && i.keys.length > 1 ? i.keys.map((k) => ({ ...i, keys: [k] })) : [i],
  );
  for (const issue of issues) {
    // An unknown key is best shown on that key, not on its parent.
    const keyPath = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const at = locate(issue.keys?.length ? [...keyPath, issue.keys[0]!] : keyPath);
    problems.push({ ...at, path, code: 'config-invalid', message: describeIssue(issue, valueAt(value, issue.path), locale) });
  }
  // Keep what is valid: retry with the offending top-level keys dropped.
  const kept = { ...(budgeted.value as Record<string, unknown>) };
  for (const issue of result.error.issues) delete kept[String(issue.path[0])];
  const fallback = configSchema.safeParse(kept);
  return { config: fallback.success ? fallback.data : defaultConfig, problems, ...located };
}

interface ConfigIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
  values?: unknown[];
  expected?: string;
  /** too_small/too_big on a number: the bound. */
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  /** invalid_union: the issues of each alternative. */
  errors?: ConfigIssue[][];
}

/** What other tools call the levels, and the name bplus uses for each. */
const LEVEL_ALIASES: Record<string, string> = {
  error: 'failure',
  fail: 'failure',
  warn: 'warning',
  info: 'notice',
  note: 'notice',
  none: 'off',
  disabled: 'off',
  ignore: 'off',
};

/** A configuration issue as one sentence that says where, what is wrong and what to write. */
export function describeIssue(issue: ConfigIssue, value: unknown, locale: Locale = 'en'): string {
  const ru = locale === 'ru';
  const where = issue.path.length ? issue.path.map(String).join('.') : ru ? 'верхний уровень' : 'the top level';
  const shown = (v: unknown): string => {
    if (typeof v === 'string') return `"${v}"`;
    if (v === null) return 'null';
    if (Array.isArray(v)) return ru ? 'список' : 'a list';
    if (typeof v === 'object') return ru ? 'объект' : 'a mapping';
    return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : typeof v;
  };
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    const keys = issue.keys.map((k) => `"${k}"`).join(', ');
    const known = knownKeys(issue.path);
    const guess = issue.keys.length === 1 ? nearest(issue.keys[0]!, known) : undefined;
    if (guess) {
      return ru
        ? `конфигурация: ${issue.path.length ? `в ${where}` : 'на верхнем уровне'} неизвестный ключ ${keys}; вероятно, имелся в виду "${guess}"`
        : `configuration: ${where} has no key ${keys}; did you mean "${guess}"?`;
    }
    return ru
      ? `конфигурация: ${issue.path.length ? `в ${where}` : 'на верхнем уровне'} неизвестный ключ ${keys}; удалите его или исправьте опечатку (ключи описаны в README)`
      : `configuration: ${where} has no key ${keys}; remove it or fix its spelling (the keys are listed in the README)`;
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number' && typeof value === 'number') {
    const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
    const relation =
      issue.code === 'too_small'
        ? issue.inclusive
          ? ['at least', 'не меньше']
          : ['greater than', 'больше']
        : issue.inclusive
          ? ['at most', 'не больше']
          : ['less than', 'меньше'];
    return ru
      ? `конфигурация: ${where} должно быть ${relation[1]} ${bound}, а указано ${value}`
      : `configuration: ${where} must be ${relation[0]} ${bound}, not ${value}`;
  }
  if (issue.code === 'invalid_union' && issue.errors) {
    // A rule's setting is a level or [level, {options}]: a wrong level is the alternative that names values.
    const named = issue.errors.flat().find((i) => i.code === 'invalid_value' && i.values && i.path.length === 0);
    if (named) return describeIssue({ ...issue, code: 'invalid_value', values: named.values }, value, locale);
  }
  if (issue.code === 'invalid_value' && issue.values) {
    const allowed = issue.values.map(String).join(', ');
    const alias = typeof value === 'string' ? LEVEL_ALIASES[value.toLowerCase()] : undefined;
    const hint = alias && issue.values.includes(alias) ? (ru ? `; в bplus этот уровень называется ${alias}` : `; bplus calls that level ${alias}`) : '';
    return ru
      ? `конфигурация: ${where} — ${shown(value)} не подходит; напишите одно из: ${allowed}${hint}`
      : `configuration: ${where} is ${shown(value)}; write one of ${allowed}${hint}`;
  }
  if (issue.code === 'invalid_type' && issue.expected) {
    return ru
      ? `конфигурация: ${where} — ожидается ${issue.expected}, а указано ${value === undefined ? 'ничего' : shown(value)}`
      : `configuration: ${where} must be ${article(issue.expected)}, not ${value === undefined ? 'missing' : shown(value)}`;
  }
  return ru ? `конфигурация: ${where}: ${issue.message}` : `configuration: ${where}: ${issue.message}`;
}

/** The keys the schema allows at `path` (through defaults, optionals and prefaults). */
function knownKeys(path: readonly PropertyKey[]): string[] {
  type Node = { shape?: Record<string, unknown>; def?: { innerType?: unknown; in?: unknown; shape?: Record<string, unknown> } };
  const unwrap = (node: unknown): Node | undefined => {
    let current = node as Node | undefined;
    // Through defaults, optionals and prefaults (innerType) and transforms (a pipe's input).
    for (let i = 0; i < 8 && current && !current.shape && (current.def?.innerType || current.def?.in); i++)
      current = (current.def.innerType ?? current.def.in) as Node;
    return current;
  };
  let node = unwrap(configSchema);
  for (const key of path) node = unwrap(node?.shape?.[String(key)]);
  return Object.keys(node?.shape ?? {});
}

/** The known key within two edits of `word` (a typo), if there is exactly one nearest. */
function nearest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0]![j] = j;
    for (let i = 1; i <= a.length; i++) {
      for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    return d[a.length]![b.length]!;
  };
  const scored = candidates.map((c) => [c, distance(word.toLowerCase(), c.toLowerCase())] as const).sort((x, y) => x[1] - y[1]);
  const best = scored[0];
  if (!best || best[1] > Math.min(2, Math.max(1, Math.floor(word.length / 3)))) return undefined;
  return scored[1]?.[1] === best[1] ? undefined : best[0];
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}
