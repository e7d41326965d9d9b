/**
 * The engine on the bundled example repository and on every violating variant: the compliant
 * repository passes, each variant is reported with the right rule on the right line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { reviewRepository } from '../../src/engine/review.ts';
import { LocalSource } from '../../src/source/local.ts';
import { BALANCE_PLUS_DIR, listVariants, loadExpectations, materialize, removeMaterialized } from '../helpers/overlay.ts';

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map(removeMaterialized));
});

describe('the bundled compliant repository', () => {
  it('has no failure', async () => {
    const result = await reviewRepository(new LocalSource(BALANCE_PLUS_DIR));
    expect(result.findings.filter((f) => f.level === 'failure')).toEqual([]);
    expect(result.summary.serviceCharts).toBe(4);
    expect(result.summary.charts).toBeGreaterThanOrEqual(8);
  });
});

const variants = await listVariants();

describe.each(variants)('variant %s', (variant) => {
  it('is reported with the expected rules and lines', async () => {
    const expectations = await loadExpectations(variant);
    const dir = await materialize(variant);
    made.push(dir);
    const result = await reviewRepository(new LocalSource(dir));
    const actual = result.findings.map((f) => ({ ruleId: f.ruleId, path: f.path, line: f.line, level: f.level }));
    for (const expected of expectations.findings) {
      expect(actual).toContainEqual({ ruleId: expected.ruleId, path: expected.path, line: expected.line, level: expected.level });
    }
    if (expectations.exhaustive) {
      const platform = actual.filter((f) => /^TR-K8S-|^input$|^config$|^exception$/.test(f.ruleId) && f.level === 'failure');
      const expected = expectations.findings
        .filter((f) => f.level === 'failure')
        .map((f) => ({ ruleId: f.ruleId, path: f.path, line: f.line, level: f.level }));
      expect(new Set(platform.map((f) => JSON.stringify(f)))).toEqual(new Set(expected.map((f) => JSON.stringify(f))));
    }
  });
});
