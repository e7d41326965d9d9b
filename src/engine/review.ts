/**
 * The review: configuration, model, rules, findings. Levels, waivers, localisation, ordering and
 * de-duplication live here so that every rule stays a pure check.
 */
import { CONFIG_PATH, parseConfig, type LoadedConfig } from '../config/load.ts';
import { defaultConfig, type BplusConfig } from '../config/schema.ts';
import { loadRepository, type RepositoryModel } from '../model/repository.ts';
import { matchesAny } from '../model/glob.ts';
import type { RepositorySource, SourceEntry } from '../source/types.ts';
import type { Finding, K8sObject, Level, Locale, Location, ValuePath } from '../types.ts';
import { getPath } from '../model/values.ts';
import { serviceValuesFor } from './fixes/target.ts';
import { isTemplatedBlock } from './template-text.ts';
import { containersOf, isProduction, isTemplatedValue } from './workloads.ts';
import type { Review, ReviewOptions, RuleSummary, WaivedFinding } from './api.ts';
import { configurationProblems, resolveRuleOptions } from './configuration-checks.ts';
import { configRule, coreRules, exceptionRule, inputRule, kindRule, schemaRule } from './core-rules.ts';
import { isValidatable, loadValidators } from './schema-validation.ts';
import { loadRules } from './registry.ts';
import { BudgetedSource, budgetSpent, unreachedProblems, type ReviewBudget } from './budget.ts';
import { formatValue } from '../yaml/format-value.ts';
import { docsUrl, formatMessage, type MessageData, type Report, type Rule, type RuleContext, type RuleFix } from './rule.ts';

export const EXCEPTION_ANNOTATION_PREFIX = 'bplus.io/exception-';

export async function reviewRepository(unbudgeted: RepositorySource, options: ReviewOptions = {}): Promise<Review> {
  const started = performance.now();
  const budgeted = options.budget ? new BudgetedSource(unbudgeted, options.budget) : undefined;
  const source = budgeted ?? unbudgeted;
  const listed = await source.list();
  const loadedConfig = await readConfig(source, listed, options);
  const model = await loadRepository(source, loadedConfig.config, listed);
  if (budgeted) model.problems = unreachedProblems(model.problems, budgeted, [], undefined);
  const rules = await loadRules();
  await loadValidators(model.objects.filter(isValidatable));
  const waived: WaivedFinding[] = [];
  const fixes = new Map<Finding, RuleFix>();
  const findings = runRules(model, rules, loadedConfig, options.locale ?? 'en', waived, options.budget, fixes);
  const inScope = (f: Finding): boolean => !options.onlyPaths || options.onlyPaths.has(f.path);
  const kept = findings.filter(inScope);
  const keptWaived = waived.filter(inScope);
  return {
    findings: kept,
    waived: keptWaived,
    summary: { ...summarize(model, rules, kept, performance.now() - started), waived: keptWaived.length },
    model,
    config: loadedConfig,
    fixes,
  };
}

async function readConfig(source: RepositorySource, listed: readonly SourceEntry[], options: ReviewOptions): Promise<LoadedConfig> {
  if (options.config) return options.config;
  if (options.configText !== undefined) return parseConfig(options.configText, options.configPath ?? CONFIG_PATH, options.locale);
  if (!listed.some((f) => f.path === CONFIG_PATH)) return { config: defaultConfig, problems: [] };
  try {
    return parseConfig((await source.read(CONFIG_PATH)).toString('utf8'), CONFIG_PATH, options.locale);
  } catch (error) {
    const at = { path: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { config: defaultConfig, problems: [{ ...at, code: 'read-error', message: `configuration could not be read: ${(error as Error).message}` }] };
  }
}

/** The level a rule runs at under this configuration, or `off`. */
export function effectiveLevel(rule: Rule, config: BplusConfig): Level | 'off' {
  const configured = config.rules[rule.meta.id];
  if (configured) return configured;
  if (rule.meta.pack === 'recommended' && !config.recommended) return 'off';
  return rule.meta.level;
}

/**
 * Findings of the rules; waived ones go to `waived` (when given) with their reason instead of
 * vanishing. A spent `budget` stops the remaining rules, and says which were not run. The fixes
 * the rules gave go to `fixes` (when given), keyed by their finding.
 */
export function runRules(
  model: RepositoryModel,
  rules: readonly Rule[],
  loadedConfig: LoadedConfig,
  locale: Locale,
  waived?: WaivedFinding[],
  budget?: ReviewBudget,
  fixes?: Map<Finding, RuleFix>,
): Finding[] {
  const config = model.config;
  const findings: Finding[] = [];
  const build = (rule: Rule, level: Level, messageId: string, data: MessageData | undefined, at: Location, fix?: RuleFix): Finding => {
    const template = rule.meta.messages[messageId];
    if (!template) throw new Error(`rule ${rule.meta.id} reported unknown message id "${messageId}"`);
    if (fix && !rule.meta.fixable) throw new Error(`rule ${rule.meta.id} gave a fix but its metadata does not say fixable`);
    return {
      ...at,
      ruleId: rule.meta.id,
      level,
      messageId,
      title: rule.meta.title[locale],
      message: formatMessage(template[locale], data),
      ...(fix ? { fixable: true as const } : {}),
    };
  };
  const emit = (...args: Parameters<typeof build>): void => {
    const finding = build(...args);
    findings.push(finding);
    const fix = args[5];
    if (fix) fixes?.set(finding, fix);
  };

  const waivers = configuredWaivers(config, loadedConfig, (rule, at) => emit(exceptionRule, 'failure', 'configuration', { rule }, at));
  for (const problem of model.problems) {
    if (problem.code === 'unknown-kind') {
      const level = effectiveLevel(kindRule, config);
      if (level !== 'off' && !waivers.some((w) => w.rule === kindRule.meta.id && w.applies(problem.path)))
        emit(kindRule, level, 'unknownKind', { message: problem.message }, problem);
    } else emit(inputRule, 'failure', problem.code in inputRule.meta.messages ? problem.code : 'problem', { message: problem.message }, problem);
  }
  for (const problem of loadedConfig.problems) emit(configRule, 'failure', 'problem', { message: problem.message }, problem);
  const resolved = resolveRuleOptions(rules, loadedConfig);
  const ruleIds = new Set([...rules, ...coreRules].map((r) => r.meta.id));
  for (const problem of [...resolved.problems, ...configurationProblems(model, ruleIds, loadedConfig)]) {
    emit(configRule, problem.level, 'problem', { message: problem.message }, problem);
  }

  const byKind = new Map<string, K8sObject[]>();
  for (const object of model.objects) {
    const list = byKind.get(object.kind) ?? [];
    list.push(object);
    byKind.set(object.kind, list);
  }
  const skipped: string[] = [];
  let spent: string | undefined;
  // The schema check is a core rule with a check of its own: it runs after the platform rules.
  for (const rule of [...rules, schemaRule]) {
    const level = effectiveLevel(rule, config);
    if (level === 'off') continue;
    spent ??= budgetSpent(budget);
    if (spent) {
      skipped.push(rule.meta.id);
      continue;
    }
    const objects = (...kinds: string[]): K8sObject[] => (kinds.length === 0 ? model.objects : kinds.flatMap((k) => byKind.get(k) ?? []));
    const context: RuleContext = {
      model,
      config,
      options: resolved.options.get(rule.meta.id) ?? {},
      objects,
      production: (...kinds) => objects(...kinds).filter((o) => isProduction(o, config)),
      containers: containersOf,
      serviceValues: (object) => serviceValuesFor(model, object),
      report: (report: Report) => {
        if (report.object && report.path && inTemplatedBlock(model, report.object, report.path)) return;
        const at = report.at ?? report.object?.locate(report.path ?? []);
        if (!at) throw new Error(`rule ${rule.meta.id} reported "${report.messageId}" without a location`);
        const annotated = report.object ? waivedByAnnotation(rule, report.object, emit) : undefined;
        const configured = annotated === undefined ? waivers.find((w) => w.rule === rule.meta.id && w.applies(at.path, report.object))?.reason : undefined;
        if (annotated !== undefined || configured !== undefined) {
          const waivedBy = annotated !== undefined ? 'annotation' : 'configuration';
          waived?.push({ ...build(rule, level, report.messageId, report.data, at), reason: (annotated ?? configured)!, waivedBy });
          return;
        }
        emit(rule, level, report.messageId, report.data, at, report.fix);
      },
    };
    rule.check(context);
  }
  for (const problem of unreachedProblems([], undefined, skipped, spent)) emit(inputRule, 'failure', 'problem', { message: problem.message }, problem);
  return keepFindingBudget(dedupe(findings).sort(compareFindings), config.limits.maxFindings, (message, at) => {
    const finding: Finding = {
      ...at,
      ruleId: inputRule.meta.id,
      level: 'failure',
      messageId: 'problem',
      title: inputRule.meta.title[locale],
      message: formatMessage(inputRule.meta.messages.problem[locale], { message }),
    };
    return finding;
  });
}

/**
 * Whether `path` lies in a block Helm fills in at render time: the path or one of its parents is a
 * key followed by a template action (`resources:` then `{{- toYaml ... }}`), or a parent is a
 * templated string. What such a block holds is decided when Helm renders it, so no rule judges it.
 */
function inTemplatedBlock(model: RepositoryModel, object: K8sObject, path: ValuePath): boolean {
  if (object.origin.type !== 'manifest') return false;
  for (let length = path.length; length > 0; length--) {
    const prefix = path.slice(0, length);
    const value = getPath(object.raw, prefix);
    if (value === null && isTemplatedBlock(model, object, prefix)) return true;
    if (length < path.length && isTemplatedValue(value)) return true;
  }
  return false;
}

/** The first `limit` findings (in report order), and one that says how many more were left out. */
function keepFindingBudget(findings: Finding[], limit: number, finding: (message: string, at: Location) => Finding): Finding[] {
  if (findings.length <= limit) return findings;
  const first = findings[limit]!;
  const at = { path: first.path, line: first.line, column: first.column, endLine: first.endLine, endColumn: first.endColumn };
  return [
    ...findings.slice(0, limit),
    finding(`${findings.length - limit} more finding(s), from this one on, over the limit of ${limit} (limits.maxFindings), were not kept`, at),
  ];
}

/** `bplus.io/exception-<rule>: "<reason>"` on the object or its pod template. */
function waivedByAnnotation(
  rule: Rule,
  object: K8sObject,
  emit: (rule: Rule, level: Level, messageId: string, data: MessageData, at: Location) => void,
): string | undefined {
  const key = `${EXCEPTION_ANNOTATION_PREFIX}${rule.meta.id}`;
  const podAnnotations = (object.raw as { spec?: { template?: { metadata?: { annotations?: Record<string, unknown> } } } }).spec?.template?.metadata
    ?.annotations;
  const onObject = object.metadata.annotations[key];
  const onPod = podAnnotations?.[key];
  const reason = onObject ?? (onPod === undefined ? undefined : formatValue(onPod));
  if (reason === undefined) return undefined;
  if (reason.trim()) return reason;
  const path = onObject !== undefined ? ['metadata', 'annotations', key] : ['spec', 'template', 'metadata', 'annotations', key];
  emit(exceptionRule, 'failure', 'annotation', { rule: rule.meta.id }, object.locate(path));
  return undefined;
}

interface Waiver {
  rule: string;
  reason: string;
  applies(path: string, object?: K8sObject): boolean;
}

function configuredWaivers(config: BplusConfig, loaded: LoadedConfig, reportMissingReason: (rule: string, at: Location) => void): Waiver[] {
  const waivers: Waiver[] = [];
  config.exceptions.forEach((entry, index) => {
    if (!entry.reason.trim()) {
      reportMissingReason(
        entry.rule,
        loaded.locateConfig?.(['exceptions', index, 'reason']) ?? { path: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1 },
      );
      return;
    }
    waivers.push({
      rule: entry.rule,
      reason: entry.reason,
      applies: (path, object) =>
        (entry.path === undefined || matchesAny(path, [entry.path])) &&
        (entry.object === undefined ||
          (object !== undefined && (entry.object === object.metadata.name || entry.object === `${object.kind}/${object.metadata.name}`))),
    });
  });
  return waivers;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.ruleId}\u0000${f.path}\u0000${f.line}\u0000${f.column}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

function summarize(model: RepositoryModel, rules: readonly Rule[], findings: Finding[], durationMs: number) {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  const ruleSummaries: RuleSummary[] = [...coreRules, ...rules]
    .filter((r) => r.meta.pack !== 'core' || counts.has(r.meta.id))
    .map((r) => ({
      ruleId: r.meta.id,
      title: r.meta.title.en,
      level: effectiveLevel(r, model.config),
      count: counts.get(r.meta.id) ?? 0,
      docsUrl: docsUrl(r.meta.id),
    }));
  return {
    files: model.files.length,
    yamlFiles: model.yamlFiles.size,
    charts: model.charts.length,
    serviceCharts: model.charts.filter((c) => c.role === 'service').length,
    environments: model.config.production.environments,
    failures: findings.filter((f) => f.level === 'failure').length,
    warnings: findings.filter((f) => f.level === 'warning').length,
    notices: findings.filter((f) => f.level === 'notice').length,
    rules: ruleSummaries,
    durationMs: Math.round(durationMs),
  };
}
