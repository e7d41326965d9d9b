/**
 * ESLint-style case tables for rules: each case is a small repository (path → content); valid
 * cases must produce no finding of the rule, invalid cases exactly the listed ones (message id,
 * path, line and column). A case that lists no expected error is refused, so no table can assert
 * nothing. A case whose findings carry a fix must give its `output`: the text of every file the
 * fixes change or create, after the fixes (`{}` when the fixes change nothing, e.g. they only say
 * what a person must do); the fixed tree is then reviewed again and the rule must be silent on
 * it (or report only `afterFix`).
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseConfig, type LoadedConfig } from '../../src/config/load.ts';
import type { Review } from '../../src/engine/api.ts';
import { runRules } from '../../src/engine/review.ts';
import type { Rule, RuleFix } from '../../src/engine/rule.ts';
import { planFixes, type FixOptions, type FixPlan } from '../../src/fix/index.ts';
import { loadRepository } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';
import type { RepositorySource } from '../../src/source/types.ts';
import type { Finding } from '../../src/types.ts';
import { maskTemplateActions } from '../../src/yaml/template-mask.ts';

import type { Files } from '../helpers/service-chart.ts';

export type { Files } from '../helpers/service-chart.ts';

export interface ValidCase {
  name: string;
  files: Files;
  config?: string;
}

export interface ExpectedError {
  messageId: string;
  path: string;
  line: number;
  column: number;
  /** A substring the message must contain. */
  message?: string;
  level?: Finding['level'];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
  /** Every file the fixes change or create, with its text after them; required when a finding is fixable. */
  output?: Files;
  /** Message ids the rule still reports on the fixed tree (none by default). */
  afterFix?: string[];
  /** Options of the fix run (sealing certificates, clock). */
  fixOptions?: FixOptions;
}

interface RuleReview {
  findings: Finding[];
  fixes: Map<Finding, RuleFix>;
  model: Awaited<ReturnType<typeof loadRepository>>;
  loaded: LoadedConfig;
}

async function reviewWithRule(rule: Rule, source: RepositorySource, configText: string | undefined, locale: 'en' | 'ru'): Promise<RuleReview> {
  const loaded = parseConfig(configText ?? '');
  const model = await loadRepository(source, loaded.config);
  // A case is about its rule: a chart Helm refuses would make it judge nothing. (A dependency
  // that cannot be resolved offline is a finding of its own; Chart.yaml checks still run.)
  const refused = model.problems.filter((p) => p.code === 'helm-render');
  if (refused.length > 0) throw new Error(`Helm refused the case's chart: ${refused.map((p) => `${p.path}:${p.line}: ${p.message}`).join('\n')}`);
  const fixes = new Map<Finding, RuleFix>();
  const findings = runRules(model, [rule], loaded, locale, undefined, undefined, fixes).filter((f) => f.ruleId === rule.meta.id);
  return { findings, fixes, model, loaded };
}

export async function findingsOf(rule: Rule, files: Files, configText?: string, locale: 'en' | 'ru' = 'en'): Promise<Finding[]> {
  return (await reviewWithRule(rule, new MemorySource(new Map(Object.entries(files))), configText ?? files['.github/bplus.yml'], locale)).findings;
}

/** The rule's findings on `files` and what the fix engine makes of their fixes (the fixed tree reviewed with the rule alone). */
export async function fixesOf(
  rule: Rule,
  files: Files,
  options: FixOptions = {},
  configText?: string,
): Promise<{ findings: Finding[]; fixable: Finding[]; plan: FixPlan }> {
  const config = configText ?? files['.github/bplus.yml'];
  const source = new MemorySource(new Map(Object.entries(files)));
  const reviewed = await reviewWithRule(rule, source, config, 'en');
  const review: Review = {
    findings: reviewed.findings,
    summary: {} as Review['summary'],
    model: reviewed.model,
    config: reviewed.loaded,
    fixes: reviewed.fixes,
  };
  const again = async (fixed: RepositorySource) => ({ findings: (await reviewWithRule(rule, fixed, config, 'en')).findings, summary: {} as Review['summary'] });
  const plan = await planFixes(source, review, options, again);
  return { findings: reviewed.findings, fixable: reviewed.findings.filter((f) => reviewed.fixes.has(f)), plan };
}

export function ruleTester(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    it('has both valid and invalid cases', () => {
      expect(cases.valid.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
    });
    it.each(cases.valid.map((c) => [c.name, c] as const))('valid: %s', async (_name, c) => {
      expect(await findingsOf(rule, c.files, c.config)).toEqual([]);
    });
    it.each(cases.invalid.map((c) => [c.name, c] as const))('invalid: %s', async (_name, c) => {
      if (c.errors.length === 0) throw new Error('an invalid case must list its expected errors');
      for (const e of c.errors) {
        if (!(e.messageId in rule.meta.messages)) throw new Error(`unknown message id ${e.messageId}`);
      }
      const { findings, fixable, plan } = await fixesOf(rule, c.files, c.fixOptions, c.config);
      if (process.env.RULE_TESTER_RECORD) {
        const { appendFileSync } = await import('node:fs');
        appendFileSync(
          process.env.RULE_TESTER_RECORD,
          JSON.stringify({
            rule: rule.meta.id,
            name: c.name,
            lines: findings.map((f) => f.line),
            expectedLines: c.errors.map((e) => e.line),
            columns: findings.map((f) => f.column),
            fixable: fixable.length,
            output: Object.fromEntries([...plan.edits].sort(([a], [b]) => (a < b ? -1 : 1))),
            after: plan.remaining.filter((f) => f.ruleId === rule.meta.id).map((f) => f.messageId),
          }) + '\n',
        );
        return;
      }
      expect(findings.map((f) => ({ messageId: f.messageId, path: f.path, line: f.line, column: f.column }))).toEqual(
        c.errors.map((e) => ({ messageId: e.messageId, path: e.path, line: e.line, column: e.column })),
      );
      c.errors.forEach((e, i) => {
        if (e.message) expect(findings[i]!.message).toContain(e.message);
        if (e.level) expect(findings[i]!.level).toBe(e.level);
      });
      if (fixable.length > 0 && !rule.meta.fixable) throw new Error(`${rule.meta.id} gives fixes but its metadata does not say fixable`);
      if (fixable.length === 0) {
        if (c.output !== undefined) throw new Error('the case gives an output but none of its findings is fixable');
        return;
      }
      if (c.output === undefined)
        throw new Error(`the case's findings are fixable: give its output (the changed files after the fix; {} when nothing changes)`);
      expect(Object.fromEntries([...plan.edits].sort(([a], [b]) => (a < b ? -1 : 1)))).toEqual(c.output);
      for (const [path, text] of Object.entries(c.output)) {
        if (text === c.files[path]) throw new Error(`the output of ${path} is its input: a fix that changes nothing is output {}`);
        // A fix never leaves a file that no longer parses (Helm actions masked as the model masks them).
        const errors = parseAllDocuments(maskTemplateActions(text).text).flatMap((d) => d.errors.map((e) => e.code));
        expect(errors, `${path} parses after the fix`).toEqual([]);
      }
      if (plan.edits.size > 0) {
        const stillReported = plan.remaining.filter((f) => f.ruleId === rule.meta.id).map((f) => f.messageId);
        expect(stillReported).toEqual(c.afterFix ?? []);
      }
    });
  });
}

export { bundledLibrary, serviceChart } from '../helpers/service-chart.ts';
