/**
 * What the configuration says that the schema alone cannot check, because it depends on the rules
 * and on the repository: rule ids that name no rule, options each rule validates with its own
 * schema (rule metadata), and `ignore:` / `exceptions:` entries that match nothing (a typo in a
 * waiver silently waives nothing, and a stale one hides that the problem is gone).
 */
import type { LoadedConfig } from '../config/load.ts';
import { CONFIG_PATH } from '../config/load.ts';
import { matchesAny } from '../model/glob.ts';
import type { RepositoryModel } from '../model/repository.ts';
import type { Level, Location, ValuePath } from '../types.ts';
import type { Rule, RuleOptions } from './rule.ts';

export interface ConfigurationProblem extends Location {
  level: Level;
  message: string;
}

export interface ResolvedOptions {
  /** Rule id → its options (defaults with the configured values on top), for rules that own options. */
  options: Map<string, RuleOptions>;
  problems: ConfigurationProblem[];
}

const TOP = { line: 1, column: 1, endLine: 1, endColumn: 1 };

function locator(loaded: LoadedConfig): (path: ValuePath) => Location {
  return (path) => loaded.locateConfig?.(path) ?? { path: CONFIG_PATH, ...TOP };
}

/** Each rule's options, validated by its own schema; bad options fall back to the defaults, with a failure. */
export function resolveRuleOptions(rules: readonly Rule[], loaded: LoadedConfig): ResolvedOptions {
  const at = locator(loaded);
  const options = new Map<string, RuleOptions>();
  const problems: ConfigurationProblem[] = [];
  const configured = loaded.config.ruleOptions;
  for (const rule of rules) {
    const own = rule.meta.options;
    const given = configured[rule.meta.id];
    if (!own) {
      if (given !== undefined)
        problems.push({ ...at(['rules', rule.meta.id, 1]), level: 'failure', message: `configuration: rules.${rule.meta.id}: this rule takes no options` });
      continue;
    }
    const result = own.schema.safeParse({ ...own.defaults, ...given });
    if (result.success) {
      options.set(rule.meta.id, result.data);
      continue;
    }
    options.set(rule.meta.id, own.defaults);
    for (const issue of result.error.issues) {
      const keys = (issue as { keys?: string[] }).keys;
      const path: ValuePath = [
        'rules',
        rule.meta.id,
        1,
        ...issue.path.map((p) => (typeof p === 'number' ? p : String(p))),
        ...(keys?.length ? [keys[0]!] : []),
      ];
      const where = ['rules', rule.meta.id, ...issue.path.map(String)].join('.');
      const what = issue.code === 'unrecognized_keys' && keys ? `unknown option(s) ${keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
      problems.push({ ...at(path), level: 'failure', message: `configuration: ${where}: ${what}; the rule runs with its defaults` });
    }
  }
  return { options, problems };
}

/** Rule ids that name no rule (under `rules:` and in `exceptions:`), and patterns that match nothing. */
export function configurationProblems(model: RepositoryModel, ruleIds: ReadonlySet<string>, loaded: LoadedConfig): ConfigurationProblem[] {
  const at = locator(loaded);
  const config = loaded.config;
  const problems: ConfigurationProblem[] = [];
  const known = [...ruleIds].sort().join(', ');
  for (const id of Object.keys(config.rules)) {
    if (!ruleIds.has(id)) problems.push({ ...at(['rules', id]), level: 'failure', message: `configuration: rules: unknown rule id "${id}" (known: ${known})` });
  }
  const paths = model.files.map((f) => f.path);
  config.exceptions.forEach((entry, index) => {
    if (!ruleIds.has(entry.rule)) {
      problems.push({
        ...at(['exceptions', index, 'rule']),
        level: 'failure',
        message: `configuration: exceptions: unknown rule id "${entry.rule}" (known: ${known})`,
      });
    }
    if (entry.path !== undefined && !paths.some((p) => matchesAny(p, [entry.path!]))) {
      problems.push({
        ...at(['exceptions', index, 'path']),
        level: 'warning',
        message: `configuration: exceptions: path "${entry.path}" matches no file of the repository, so this waiver waives nothing`,
      });
    }
    if (entry.object !== undefined && !model.objects.some((o) => entry.object === o.metadata.name || entry.object === `${o.kind}/${o.metadata.name}`)) {
      problems.push({
        ...at(['exceptions', index, 'object']),
        level: 'warning',
        message: `configuration: exceptions: object "${entry.object}" names no object of the repository, so this waiver waives nothing`,
      });
    }
  });
  const ignored = model.ignored ?? [];
  config.ignore.forEach((pattern, index) => {
    if (!ignored.some((p) => matchesAny(p, [pattern]))) {
      problems.push({ ...at(['ignore', index]), level: 'warning', message: `configuration: ignore: pattern "${pattern}" matches no file of the repository` });
    }
  });
  return problems;
}
