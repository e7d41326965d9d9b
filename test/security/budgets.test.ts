/** Budgets: crossing one is a finding that names the file and the limit; the rest is still reviewed. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { parseConfig } from '../../src/config/load.ts';
import { reviewBudget } from '../../src/engine/budget.ts';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';
import { parseYaml } from '../../src/yaml/parse.ts';
import { findingsOf } from '../helpers/json-report.ts';

const RAW_DEPLOYMENT = (name: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: balance-plus}\nspec:\n  template:\n    spec:\n      containers: [{name: app, image: "app:1"}]\n`;

async function review(files: Record<string, string>, options = {}) {
  return reviewRepository(new MemorySource(new Map(Object.entries(files))), options);
}

describe('YAML budgets', () => {
  it('a scalar repeated through aliases past maxExpandedBytes is a finding (few nodes, many bytes)', () => {
    const big = 'x'.repeat(100_000);
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nsource: &s "${big}"\ndata:\n${Array.from({ length: 200 }, (_, i) => `  k${i}: *s`).join('\n')}\n`;
    const parsed = parseYaml(text, { maxExpandedBytes: 1024 * 1024 });
    expect(parsed.docs).toHaveLength(0);
    expect(parsed.problems[0]).toMatchObject({ code: 'yaml-alias-bomb', line: 1 });
    expect(parsed.problems[0]!.message).toMatch(/limits\.maxExpandedBytes/);
    // Under the limit the same document is read.
    expect(parseYaml(text, { maxExpandedBytes: 64 * 1024 * 1024 }).docs).toHaveLength(1);
  });

  it('keys amplified by aliases (a list alias used as a key is joined into one string) stop the load in time', () => {
    const big = 'x'.repeat(200_000);
    const text = `s: &s "${big}"\nl: &l [${Array.from({ length: 2_000 }, () => '*s').join(', ')}]\n? *l\n: 1\n`;
    const started = performance.now();
    const parsed = parseYaml(text, { maxExpandedBytes: 16 * 1024 * 1024 });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(parsed.docs).toHaveLength(0);
    expect(parsed.problems.map((p) => p.code)).toEqual(['yaml-alias-bomb']);
    expect(parsed.problems[0]!.message).toMatch(/limits\.maxExpandedBytes/);
  });

  it('merge keys are left as the parser reads them, and a merge through aliases is counted like any alias', () => {
    const keys = Array.from({ length: 2_000 }, (_, i) => `  key${i}: "${'v'.repeat(100)}"`).join('\n');
    const merges = Array.from({ length: 2_000 }, (_, i) => `m${i}: {<<: *base}`).join('\n');
    const parsed = parseYaml(`base: &base\n${keys}\n${merges}\n`, { maxExpandedBytes: 1024 * 1024 });
    expect(parsed.problems.map((p) => p.code)).toEqual(['yaml-alias-bomb']);
  });

  it('a self-referencing merge or alias (a loop) is a finding, not a hang', () => {
    const parsed = parseYaml('a: &a {b: *a}\n');
    expect(parsed.problems.length + parsed.docs.length).toBeGreaterThan(0);
    if (parsed.docs.length === 0) expect(parsed.problems[0]!.code).toMatch(/alias-bomb|yaml-syntax/);
  });

  it('documents past maxDocumentsPerFile are a finding on the first one left out; the first ones are reviewed', async () => {
    const text = Array.from({ length: 5 }, (_, i) => RAW_DEPLOYMENT(`d${i}`)).join('---\n');
    const result = await review({ '.github/bplus.yml': 'limits: {maxDocumentsPerFile: 3}\n', 'manifests/all.yaml': text });
    const limit = result.findings.find((f) => f.message.includes('limits.maxDocumentsPerFile'))!;
    expect(limit).toMatchObject({ ruleId: 'input', path: 'manifests/all.yaml', line: 3 * 8, column: 1 });
    expect(result.findings.filter((f) => f.ruleId === 'TR-K8S-1')).toHaveLength(3);
  });
});

describe('repository budgets', () => {
  it('objects past maxObjects are a finding naming each file left out; the kept ones are reviewed', async () => {
    const result = await review({
      '.github/bplus.yml': 'limits: {maxObjects: 2}\n',
      'a.yaml': RAW_DEPLOYMENT('a'),
      'b.yaml': RAW_DEPLOYMENT('b'),
      'c.yaml': RAW_DEPLOYMENT('c') + '---\n' + RAW_DEPLOYMENT('c2'),
    });
    const limits = result.findings.filter((f) => f.message.includes('limits.maxObjects'));
    expect(limits.map((f) => f.path)).toEqual(['c.yaml']);
    expect(result.findings.filter((f) => f.ruleId === 'TR-K8S-1').map((f) => f.path)).toEqual(['a.yaml', 'b.yaml']);
  });

  it('findings past maxFindings are cut, with one finding saying how many were left out', async () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`m${i}.yaml`, RAW_DEPLOYMENT(`d${i}`)]));
    const all = await review(files);
    const cut = await review({ ...files, '.github/bplus.yml': 'limits: {maxFindings: 5}\n' });
    expect(all.findings.length).toBeGreaterThan(6);
    expect(cut.findings).toHaveLength(6);
    expect(cut.findings[5]!.message).toMatch(new RegExp(`^${all.findings.length - 5} more finding\\(s\\).*limits\\.maxFindings`));
  });

  it('environments and exceptions past their limits are config findings; the first ones are used', () => {
    const environments = Array.from({ length: 10_000 }, (_, i) => `e${i}`);
    const exceptions = Array.from({ length: 2_000 }, (_, i) => `  - {rule: TR-K8S-1, path: "x${i}/**", reason: r}`).join('\n');
    const started = performance.now();
    const loaded = parseConfig(`production:\n  environments: [${environments.join(', ')}]\nexceptions:\n${exceptions}\n`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(loaded.config.production.environments).toHaveLength(20);
    expect(loaded.config.exceptions).toHaveLength(1_000);
    expect(loaded.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/10000 production environments, over the limit of 20 \(limits\.maxEnvironments\)/),
      expect.stringMatching(/2000 exceptions, over the limit of 1000 \(limits\.maxExceptions\)/),
    ]);
    expect(loaded.problems[1]!.line).toBe(4 + 1000);
  });

  it('a repository cannot raise a limit past its ceiling', () => {
    const loaded = parseConfig('limits: {maxFileBytes: 10000000000, maxEnvironments: 100000}\n');
    expect(loaded.problems.map((p) => p.message).join('\n')).toMatch(/maxFileBytes must be at most 67108864, not 10000000000/);
    expect(loaded.config.limits.maxFileBytes).toBe(1024 * 1024);
  });
});

describe('wall-clock and memory budget', () => {
  it('a spent time budget reads nothing more and reports the files and rules it did not reach', async () => {
    const files = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`m${i}.yaml`, RAW_DEPLOYMENT(`d${i}`)]));
    const result = await review(files, { budget: reviewBudget({ timeoutMs: 1, now: Date.now() - 10 }) });
    const messages = result.findings.map((f) => f.message);
    expect(messages).toContainEqual(expect.stringMatching(/time budget \(0 s\) ran out: 5 file\(s\) were not reviewed: m0\.yaml, m1\.yaml/));
    expect(messages).toContainEqual(expect.stringMatching(/rule\(s\) not run: .*TR-K8S-1/));
    expect(result.findings.filter((f) => f.ruleId === 'TR-K8S-1')).toEqual([]);
  });

  it('a memory budget below what the process holds stops the review the same way', async () => {
    const result = await review({ 'm.yaml': RAW_DEPLOYMENT('d') }, { budget: reviewBudget({ maxRssBytes: 1024 }) });
    expect(result.findings.map((f) => f.message)).toContainEqual(
      expect.stringMatching(/memory budget \(0 MB\) ran out: 1 file\(s\) were not reviewed: m\.yaml/),
    );
  });

  it('a generous budget changes nothing', async () => {
    const files = { 'm.yaml': RAW_DEPLOYMENT('d') };
    const plain = await review(files);
    const budgeted = await review(files, { budget: reviewBudget({ timeoutMs: 60_000, maxRssBytes: 16 * 1024 * 1024 * 1024 }) });
    expect(budgeted.findings).toEqual(plain.findings);
  });

  it('bplus check --timeout / --max-memory: a spent budget is reported, a bad value is a usage error', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-budget-'));
    try {
      writeFileSync(path.join(dir, 'm.yaml'), RAW_DEPLOYMENT('d'));
      const run = async (...argv: string[]) => {
        let stdout = '';
        let stderr = '';
        const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
        return { code, stdout, stderr };
      };
      expect((await run('check', dir, '--timeout', '0')).code).toBe(2);
      expect((await run('check', dir, '--max-memory', 'lots')).stderr).toMatch(/--max-memory must be a positive number/);
      const spent = await run('check', dir, '--format', 'json', '--max-memory', '1');
      expect(spent.code).toBe(1);
      expect(spent.stdout).toMatch(/memory budget \(1 MB\) ran out: 1 file\(s\) were not reviewed: m\.yaml/);
      const generous = await run('check', dir, '--format', 'json', '--timeout', '600', '--max-memory', '65536');
      expect(findingsOf(generous.stdout).map((f) => f.ruleId)).toContain('TR-K8S-1');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
