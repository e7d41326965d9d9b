/**
 * The controls CI needs: --fail-on, --quiet, --baseline/--write-baseline, waived findings counted
 * in every format and carried into SARIF as suppressions (valid against the SARIF 2.1.0 schema),
 * and --format github's workflow commands.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { escapeData, escapeProperty } from '../../src/report/github.ts';
import { materialize, removeMaterialized } from '../helpers/overlay.ts';
import { sarifValidator } from '../helpers/sarif-schema.ts';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await removeMaterialized(d);
});
async function variant(name: string): Promise<string> {
  const dir = await materialize(name);
  dirs.push(dir);
  return dir;
}

interface JsonReport {
  findings: Array<{ ruleId: string; level: string; path: string; line: number; fingerprint: string }>;
  waived: Array<{ ruleId: string; reason: string; waivedBy: string }>;
  summary: { failures: number; warnings: number; notices: number; waived: number; baselined: number; quieted: number };
}

describe('--fail-on', () => {
  it('fails on warnings only when asked, on notices only when asked', async () => {
    const dir = await variant('tr-k8s-8-env-literal-flood');
    // An unknown kind is a notice (rule kind).
    await writeFile(path.join(dir, 'manifests-extra.yaml'), 'apiVersion: example.io/v1\nkind: Gizmo\nmetadata:\n  name: g\n');
    const report = JSON.parse((await run('check', dir, '--format', 'json')).stdout) as JsonReport;
    expect(report.summary.failures).toBe(0);
    expect(report.summary.warnings).toBeGreaterThan(0);
    expect(report.summary.notices).toBeGreaterThan(0);
    expect((await run('check', dir)).code).toBe(0);
    expect((await run('check', dir, '--fail-on', 'failure')).code).toBe(0);
    expect((await run('check', dir, '--fail-on', 'warning')).code).toBe(1);
    expect((await run('check', dir, '--fail-on', 'notice')).code).toBe(1);
    const quietWarnings = await run('check', dir, '--fail-on', 'warning', '--quiet');
    expect(quietWarnings.code).toBe(1);
  });

  it('refuses a level name it does not know, with the nearest one', async () => {
    const { code, stderr } = await run('check', '.', '--fail-on', 'error');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--fail-on must be one of failure, warning, notice, not "error"/);
    expect((await run('check', '.', '--fail-on', 'warnin')).stderr).toMatch(/did you mean warning\?/);
  });
});

describe('--quiet', () => {
  it('lists failures only and says how many warnings and notices it left out', async () => {
    const dir = await variant('tr-k8s-1-raw-deployment');
    const full = JSON.parse((await run('check', dir, '--format', 'json')).stdout) as JsonReport;
    const hidden = full.findings.filter((f) => f.level !== 'failure').length;
    expect(hidden).toBeGreaterThan(0);
    const quiet = await run('check', dir, '--quiet');
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toMatch(/ failure /);
    expect(quiet.stdout).not.toMatch(/ warning /);
    expect(quiet.stdout).toContain(`${hidden} warnings and notices hidden by --quiet`);
    const json = JSON.parse((await run('check', dir, '--format', 'json', '-q')).stdout) as JsonReport;
    expect(json.findings.every((f) => f.level === 'failure')).toBe(true);
    expect(json.summary.quieted).toBe(hidden);
  });
});

describe('--baseline', () => {
  it('fails only on findings the baseline does not have, across line shifts', async () => {
    const dir = await variant('tr-k8s-3-no-limits');
    const baseline = path.join(dir, '.bplus-baseline.json');
    expect((await run('check', dir)).code).toBe(1);
    const written = await run('check', dir, '--baseline', baseline, '--write-baseline');
    expect(written.code).toBe(0);
    const entries = JSON.parse(await readFile(baseline, 'utf8')) as { version: number; findings: Array<{ ruleId: string; path: string; fingerprint: string }> };
    const n = entries.findings.length;
    expect(written.stderr).toContain(`wrote ${n} finding(s)`);
    expect(entries.findings.filter((f) => f.ruleId === 'TR-K8S-3').map((f) => `${f.ruleId} ${f.path}`)).toEqual([
      'TR-K8S-3 charts/api-gateway/values.yaml',
      'TR-K8S-3 charts/api-gateway/values.yaml',
    ]);

    const known = await run('check', dir, '--baseline', baseline);
    expect(known.code).toBe(0);
    expect(known.stdout).toContain(`${n} in the baseline`);

    // Lines move: a comment block on top of the file shifts every finding down.
    const values = path.join(dir, 'charts/api-gateway/values.yaml');
    await writeFile(values, `# moved\n# down\n# three lines\n${await readFile(values, 'utf8')}`);
    const shifted = JSON.parse((await run('check', dir, '--baseline', baseline, '--format', 'json')).stdout) as JsonReport;
    expect(shifted.findings).toEqual([]);
    expect(shifted.summary.baselined).toBe(n);

    // A new finding is not in the baseline: it alone is shown and fails.
    await appendFile(path.join(dir, 'charts/api-gateway/values-prod.yaml'), 'service:\n  type: NodePort\n');
    const fresh = await run('check', dir, '--baseline', baseline, '--format', 'json');
    expect(fresh.code).toBe(1);
    const report = JSON.parse(fresh.stdout) as JsonReport;
    expect(report.findings.map((f) => f.ruleId)).toEqual(['TR-K8S-6']);
    expect(report.summary.baselined).toBe(n);
  });

  it('says what is wrong with a missing or foreign baseline file', async () => {
    const dir = await variant('tr-k8s-3-no-limits');
    const missing = await run('check', dir, '--baseline', path.join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--baseline .*nope\.json: .*create it with --write-baseline/);
    await writeFile(path.join(dir, 'other.json'), '{"runs": []}');
    const foreign = await run('check', dir, '--baseline', path.join(dir, 'other.json'));
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/is not a bplus baseline/);
    expect((await run('check', dir, '--write-baseline')).stderr).toMatch(/--write-baseline needs --baseline FILE/);
  });
});

describe('waived findings', () => {
  it('are counted in text, JSON and GitHub output and are SARIF suppressions with the reason', async () => {
    const dir = await variant('ok-loadbalancer-exception');
    const text = await run('check', dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/No findings \(1 waived, /);
    const json = JSON.parse((await run('check', dir, '--format', 'json')).stdout) as JsonReport;
    expect(json.summary.waived).toBe(1);
    expect(json.waived.map((w) => [w.ruleId, w.waivedBy])).toEqual([['TR-K8S-6', 'annotation']]);
    expect(json.waived[0]?.reason).toMatch(/\S/);
    expect((await run('check', dir, '--format', 'github')).stdout).toMatch(/^bplus: 0 failures, 0 warnings, 0 notices \(1 waived\)$/m);
    const sarif = JSON.parse((await run('check', dir, '--format', 'sarif')).stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; suppressions?: Array<{ kind: string; justification: string }> }> }>;
    };
    expect(sarifValidator()(sarif)).toEqual([]);
    const suppressed = sarif.runs[0]!.results.filter((r) => r.suppressions);
    expect(suppressed).toEqual([
      expect.objectContaining({ ruleId: 'TR-K8S-6', suppressions: [expect.objectContaining({ kind: 'inSource', justification: json.waived[0]!.reason })] }),
    ]);
  });
});

describe('SARIF', () => {
  it('is valid SARIF 2.1.0 with security-severity and the rule pages as help', async () => {
    const dir = await variant('tr-k8s-9-plain-secret');
    const { stdout } = await run('check', dir, '--format', 'sarif');
    const sarif = JSON.parse(stdout) as {
      runs: Array<{
        tool: { driver: { rules: Array<{ id: string; help: { markdown: string }; properties: Record<string, unknown> }> } };
        results: Array<{ ruleId: string; partialFingerprints: Record<string, string> }>;
      }>;
    };
    expect(sarifValidator()(sarif)).toEqual([]);
    // The validator is not a rubber stamp: a level SARIF does not have is refused.
    expect(
      sarifValidator()({ version: '2.1.0', runs: [{ tool: { driver: { name: 'x' } }, results: [{ message: { text: 'm' }, level: 'fatal' }] }] }),
    ).not.toEqual([]);
    const rule = sarif.runs[0]!.tool.driver.rules.find((r) => r.id === 'TR-K8S-9')!;
    expect(rule.properties['security-severity']).toBe('9.0');
    expect(rule.properties.tags).toContain('security');
    expect(rule.help.markdown).toMatch(/^<!-- generated from rules\/TR-K8S-9\.ts[\s\S]*## Incorrect/);
    expect(sarif.runs[0]!.results.find((r) => r.ruleId === 'TR-K8S-9')!.partialFingerprints['bplus/v2']).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('--format github', () => {
  it('escapes messages and properties as the runner reads them', () => {
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('TR-K8S-3: a, b%')).toBe('TR-K8S-3%3A a%2C b%25');
  });
});

describe('the check run summary', () => {
  it('counts waived findings too', async () => {
    const { buildCheckRunReport } = await import('../../src/app/check-run.ts');
    const dir = await variant('ok-loadbalancer-exception');
    const { reviewRepository } = await import('../../src/engine/review.ts');
    const { LocalSource } = await import('../../src/source/local.ts');
    const result = await reviewRepository(new LocalSource(dir));
    expect(result.summary.waived).toBe(1);
    const report = buildCheckRunReport(result, { repository: 'o/r', headSha: 'a'.repeat(40) });
    expect(report.output.summary).toContain('1 finding waived with a written reason.');
    expect(report.output.summary).toContain('npx bplus check .');
    expect(report.output.summary).not.toContain('bplus review');
  });
});
