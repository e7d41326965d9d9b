/** `bplus check` as a user runs it: exit codes, the three formats, Russian, --changed-since. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { BALANCE_PLUS_DIR, materialize, removeMaterialized } from '../helpers/overlay.ts';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe('bplus check', () => {
  it('exits 0 on the compliant example repository', async () => {
    const { code, stdout } = await run('check', BALANCE_PLUS_DIR);
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/\berror\b/);
  });

  it('exits 1 with findings, JSON with paths relative to DIR and 1-based lines', async () => {
    const dir = await materialize('tr-k8s-3-sidecar-request-over-limit');
    cleanup.push(() => removeMaterialized(dir));
    const { code, stdout } = await run('check', dir, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { findings: Array<Record<string, unknown>>; summary: Record<string, unknown> };
    const finding = report.findings.find((f) => f.ruleId === 'TR-K8S-3');
    expect(finding?.level).toBe('failure');
    expect(finding?.path).toMatch(/^charts\/[a-z-]+\/values(-prod)?\.yaml$/);
    expect(finding!.line).toBeGreaterThan(1);
    expect(report.summary.failures).toBeGreaterThan(0);
  });

  it('prints SARIF 2.1.0 with rules and relative artifact locations', async () => {
    const dir = await materialize('tr-k8s-6-nodeport');
    cleanup.push(() => removeMaterialized(dir));
    const { stdout } = await run('check', dir, '--format', 'sarif');
    const sarif = JSON.parse(stdout) as Log;
    expect(sarif.version).toBe('2.1.0');
    const runSarif = sarif.runs[0]!;
    expect(runSarif.tool.driver.name).toBe('bplus');
    expect(runSarif.tool.driver.rules?.map((r) => r.id)).toContain('TR-K8S-6');
    const result = runSarif.results?.find((r) => r.ruleId === 'TR-K8S-6');
    expect(result?.level).toBe('error');
    expect(result?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toMatch(/^charts\//);
    expect(result?.locations?.[0]?.physicalLocation?.region?.startLine).toBeGreaterThan(1);
    expect(runSarif.tool.driver.rules?.[result?.ruleIndex ?? -1]?.id).toBe('TR-K8S-6');
  });

  it('speaks Russian with --locale ru', async () => {
    const dir = await materialize('tr-k8s-3-invalid-quantity');
    cleanup.push(() => removeMaterialized(dir));
    const { stdout } = await run('check', dir, '--locale', 'ru');
    expect(stdout).toMatch(/не Kubernetes quantity/);
    expect(stdout).toMatch(/нарушений: [1-9]/);
  });

  it('exits 2 on usage errors and on a broken configuration', async () => {
    expect((await run('check', BALANCE_PLUS_DIR, '--format', 'xml')).code).toBe(2);
    expect((await run('check', '--bogus')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const missing = await run('check', '/nonexistent/dir');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a directory/);
    const dir = await materialize('bad-config');
    cleanup.push(() => removeMaterialized(dir));
    const broken = await run('check', dir);
    expect(broken.code).toBe(2);
    expect(broken.stdout).toMatch(/\.github\/bplus\.yml/);
  });

  it('reports a file over the size cap and still reviews the rest', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-cap-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(BALANCE_PLUS_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, '.github/bplus.yml'), 'limits:\n  maxFileBytes: 2000\n');
    writeFileSync(path.join(dir, 'manifests-big.yaml'), `# big\n${'x: 1\n'.repeat(1000)}`);
    const { stdout } = await run('check', dir, '--format', 'json');
    const report = JSON.parse(stdout) as { findings: Array<{ ruleId: string; path: string; message: string }>; summary: { charts: number } };
    expect(report.findings.some((f) => f.ruleId === 'input' && f.path === 'manifests-big.yaml' && /over the 2000-byte limit/.test(f.message))).toBe(true);
    expect(report.summary.charts).toBeGreaterThan(0);
  });

  it('--changed-since keeps only findings in files changed since the ref', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-git-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(BALANCE_PLUS_DIR, dir, { recursive: true });
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: dir,
        stdio: 'pipe',
        env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' },
      });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'base');
    // A violation in a new untracked manifest, and one in a committed file left untouched.
    writeFileSync(
      path.join(dir, 'raw-deployment.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: raw, namespace: balance-plus }\nspec:\n  template:\n    spec:\n      containers: [{ name: raw, image: raw:1 }]\n',
    );
    const { stdout } = await run('check', dir, '--format', 'json', '--changed-since', 'HEAD');
    const paths = new Set((JSON.parse(stdout) as { findings: Array<{ path: string }> }).findings.map((f) => f.path));
    expect([...paths]).toEqual(['raw-deployment.yaml']);
    const bad = await run('check', dir, '--changed-since', 'no-such-ref');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--changed-since no-such-ref/);
  });
});

describe('bplus rules', () => {
  it('lists every rule with its docs link, in Russian too', async () => {
    const en = await run('rules');
    expect(en.code).toBe(0);
    for (let n = 1; n <= 9; n++) expect(en.stdout).toContain(`TR-K8S-${n} `);
    expect(en.stdout).toContain('docs/rules/TR-K8S-3.md');
    const ru = await run('rules', '--locale', 'ru');
    expect(ru.stdout).toMatch(/Requests и limits/);
  });
});

describe('input problems say what to change', () => {
  it('a duplicate key is named', async () => {
    const dir = await materialize('bad-yaml-duplicate-key');
    cleanup.push(() => removeMaterialized(dir));
    const { stdout } = await run('check', dir);
    expect(stdout).toMatch(/25:1\s+failure\s+input\s+duplicate key "autoscaling": .*keep one/);
    const ru = await run('check', dir, '--locale', 'ru');
    expect(ru.stdout).toMatch(/повторяющийся ключ YAML: .*\(duplicate key "autoscaling"/);
  });
});
