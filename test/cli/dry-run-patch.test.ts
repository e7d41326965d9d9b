/**
 * `bplus fix --dry-run` prints a patch that real git accepts: applying it gives the same files as
 * `bplus fix` writes (except a file that held clear-text values, which the patch leaves out and
 * names in a comment), and removed lines come before added ones.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { materializeDemo } from '../../src/cli/demo-command.ts';

const CERT = path.resolve('fixtures/keys/sealing-4096.crt');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function demoCheckout(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bplus-patch-'));
  dirs.push(dir);
  await materializeDemo(dir);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'demo');
  return dir;
}

describe('bplus fix --dry-run', () => {
  it('prints a patch git apply accepts, equal to what bplus fix writes', async () => {
    const dir = await demoCheckout();
    const dry = await run('fix', dir, '--dry-run', '--cert', `prod=${CERT}`);
    expect(dry.code).toBe(0);
    const patch = path.join(dir, '..', `${path.basename(dir)}.patch`);
    dirs.push(patch);
    await writeFile(patch, dry.stdout);
    git(dir, 'apply', '--check', patch);
    git(dir, 'apply', patch);
    const applied = git(dir, 'status', '--porcelain')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      .sort();
    expect(applied).toEqual(
      ['charts/api-gateway/values.yaml', 'charts/orchestrator/values-prod.yaml', 'charts/platform/templates/networkpolicy-default-deny.yaml'].sort(),
    );
    const patched = new Map<string, string>();
    for (const f of applied) patched.set(f, await readFile(path.join(dir, f), 'utf8'));

    // The sealed Secret is named, with the SealedSecret that replaces it, and no clear-text value.
    expect(dry.stdout).toMatch(/^# charts\/platform\/templates\/secret-postgresql\.yaml: left out of this patch/m);
    expect(dry.stdout).toMatch(/^# {3}kind: SealedSecret$/m);
    const secret = await readFile(path.join(dir, 'charts/platform/templates/secret-postgresql.yaml'), 'utf8');
    for (const value of secret.matchAll(/^\s+POSTGRES_\w+:\s*(\S+)/gm)) expect(dry.stdout).not.toContain(value[1]);

    // In a change, removed lines come first.
    const hunk = dry.stdout.slice(dry.stdout.indexOf('+++ b/charts/orchestrator/values-prod.yaml'));
    expect(hunk.indexOf('-  enabled: false')).toBeGreaterThan(0);
    expect(hunk.indexOf('-  enabled: false')).toBeLessThan(hunk.indexOf('+  enabled: true'));

    git(dir, 'checkout', '-q', '--', '.');
    git(dir, 'clean', '-qfd');
    expect((await run('fix', dir, '--cert', `prod=${CERT}`)).code).toBe(0);
    for (const [f, text] of patched) expect(await readFile(path.join(dir, f), 'utf8'), f).toBe(text);
  });
});
