/**
 * No value given to a command reaches git as an option: refs are resolved to commits first, paths
 * stay paths even when they begin with `-`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { findingsOf } from '../helpers/json-report.ts';
import { BALANCE_PLUS_DIR } from '../helpers/overlay.ts';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

let base: string;
let repo: string;
let outside: string;
beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'bplus-inject-'));
  repo = path.join(base, 'repo');
  outside = path.join(base, 'outside');
  mkdirSync(outside);
  cpSync(BALANCE_PLUS_DIR, repo, { recursive: true });
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
  for (const args of [
    ['init', '-q'],
    ['add', '-A'],
    ['commit', '-qm', 'base'],
  ])
    execFileSync('git', args, { cwd: repo, stdio: 'pipe', env });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('--changed-since', () => {
  const hostile = (file: string) => [
    `--output=${file}`,
    `-o${file}`,
    `--output=${file} HEAD`,
    '-p',
    '--no-index',
    `HEAD --output=${file}`,
    'HEAD\n--output=x',
    '',
  ];

  it.each(hostile('OUT'))('refuses %j as a revision, and git writes nothing', async (template) => {
    const file = path.join(outside, `written-${readdirSync(outside).length}`);
    const ref = template.replaceAll('OUT', file);
    const { code, stderr } = await run(['check', repo, `--changed-since=${ref}`]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/not a git revision|git rev-parse failed/);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('still accepts a real revision (HEAD, a branch, a commit id)', async () => {
    writeFileSync(path.join(repo, 'raw.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: raw}\ndata: {a: b}\n');
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
    for (const ref of ['HEAD', head, 'HEAD~0']) {
      const { code, stdout } = await run(['check', repo, '--format', 'json', '--changed-since', ref]);
      expect(code, ref).toBeLessThan(2);
      expect(findingsOf(stdout).every((f) => f.path === 'raw.yaml')).toBe(true);
    }
    rmSync(path.join(repo, 'raw.yaml'));
  });
});

describe('paths that begin with "-"', () => {
  it('check, fix --dry-run and netpol read a directory named like an option as a directory', async () => {
    const dashed = path.join(base, '--output=x');
    cpSync(BALANCE_PLUS_DIR, dashed, { recursive: true });
    const relative = path.relative(process.cwd(), dashed);
    expect((await run(['check', '--', dashed])).code).toBe(0);
    expect((await run(['fix', '--dry-run', '--', dashed])).code).toBe(0);
    expect((await run(['netpol', '--', dashed])).code).toBe(0);
    expect(existsSync(path.join(process.cwd(), 'x'))).toBe(false);
    expect(relative).toContain('--output=x');
  });

  it('seal takes files named like options only after "--", never as options', async () => {
    const secret = path.join(base, '-secret.yaml');
    writeFileSync(secret, 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: balance-plus}\nstringData: {a: b}\n');
    const cert = path.resolve('fixtures/keys/sealing-4096.crt');
    const { code, stdout } = await run(['seal', '--cert', cert, '--', secret]);
    expect(code).toBe(0);
    expect(stdout).toContain('kind: SealedSecret');
  });
});
