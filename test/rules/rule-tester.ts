/**
 * ESLint-style case tables for rules: each case is a small repository (path → content); valid
 * cases must produce no finding of the rule, invalid cases exactly the listed ones (message id,
 * path, line). A case that lists no expected error is refused, so no table can assert nothing.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { runRules } from '../../src/engine/review.ts';
import type { Rule } from '../../src/engine/rule.ts';
import { loadRepository } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';
import type { Finding } from '../../src/types.ts';

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
  /** A substring the message must contain. */
  message?: string;
  level?: Finding['level'];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
}

export async function findingsOf(rule: Rule, files: Files, configText?: string, locale: 'en' | 'ru' = 'en'): Promise<Finding[]> {
  const loaded = parseConfig(configText ?? files['.github/bplus.yml'] ?? '');
  const model = await loadRepository(new MemorySource(new Map(Object.entries(files))), loaded.config);
  // A case is about its rule: a chart Helm refuses would make it judge nothing. (A dependency
  // that cannot be resolved offline is a finding of its own; Chart.yaml checks still run.)
  const refused = model.problems.filter((p) => p.code === 'helm-render');
  if (refused.length > 0) throw new Error(`Helm refused the case's chart: ${refused.map((p) => `${p.path}:${p.line}: ${p.message}`).join('\n')}`);
  return runRules(model, [rule], loaded, locale).filter((f) => f.ruleId === rule.meta.id);
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
      const findings = await findingsOf(rule, c.files, c.config);
      for (const e of c.errors) {
        if (!(e.messageId in rule.meta.messages)) throw new Error(`unknown message id ${e.messageId}`);
      }
      expect(findings.map((f) => ({ messageId: f.messageId, path: f.path, line: f.line }))).toEqual(
        c.errors.map((e) => ({ messageId: e.messageId, path: e.path, line: e.line })),
      );
      c.errors.forEach((e, i) => {
        if (e.message) expect(findings[i]!.message).toContain(e.message);
        if (e.level) expect(findings[i]!.level).toBe(e.level);
      });
    });
  });
}

export { bundledLibrary, serviceChart } from '../helpers/service-chart.ts';
