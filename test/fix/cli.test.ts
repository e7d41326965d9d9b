/** `bplus fix` on a checkout: writes or prints, reports, exit codes; no clear-text value in the output. */
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixCommand } from '../../src/cli/fix-command.ts';
import { leakForms } from '../seal/keys.ts';
import { variantFiles } from './helpers.ts';

const CERT = path.resolve('fixtures/keys/sealing-4096.crt');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function checkout(variant: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bplus-fix-cli-'));
  dirs.push(dir);
  for (const [p, c] of await variantFiles(variant)) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), c);
  }
  return dir;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runFixCommand(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('bplus fix', () => {
  it('--dry-run prints a diff, writes nothing and exits 0 when nothing failing remains', async () => {
    const dir = await checkout('tr-k8s-3-no-limits');
    const file = path.join(dir, 'charts/api-gateway/values.yaml');
    const before = await readFile(file, 'utf8');
    const { code, out } = await run([dir, '--dry-run']);
    expect(code).toBe(0);
    expect(out).toContain('+++ b/charts/api-gateway/values.yaml');
    expect(out).toContain('+  limits:');
    expect(out).toMatch(/✓ TR-K8S-3 charts\/api-gateway\/values.yaml:\d+ added limits.cpu 1, limits.memory 512Mi/);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('writes the fixes; a second run has nothing left to do', async () => {
    const dir = await checkout('tr-k8s-3-no-limits');
    expect((await run([dir])).code).toBe(0);
    expect(await readFile(path.join(dir, 'charts/api-gateway/values.yaml'), 'utf8')).toContain('  limits:\n    cpu: "1"\n    memory: 512Mi\n');
    const again = await run([dir]);
    expect(again.out).toContain('Nothing to fix automatically.');
  });

  it('seals with --cert ENV=FILE, never prints the clear-text values, and says to rotate them', async () => {
    const dir = await checkout('tr-k8s-9-plain-secret');
    const { code, out, err } = await run([dir, '--dry-run', '--cert', `prod=${CERT}`, '--rule', 'TR-K8S-9']);
    expect(code).toBe(0);
    expect(out).toMatch(/# charts\/platform\/templates\/secret-postgresql.yaml: left out of this patch because it held clear-text values/);
    expect(out).toContain('#   kind: SealedSecret');
    expect(out).toMatch(/rotate/);
    for (const leak of leakForms(['correct-horse-battery-staple'])) expect(out + err).not.toContain(leak);
  });

  it('exits 1 when failures remain (no certificate to seal with)', async () => {
    const dir = await checkout('tr-k8s-9-plain-secret');
    const { code, out } = await run([dir, '--dry-run']);
    expect(code).toBe(1);
    expect(out).toMatch(/✗ TR-K8S-9 .*no sealing certificate/);
  });

  it('exits 2 on usage errors', async () => {
    expect((await run(['a', 'b'])).code).toBe(2);
    expect((await run(['--rule', 'no/such'])).code).toBe(2);
    expect((await run(['--bogus'])).code).toBe(2);
    const unknown = await run(['.', '--rule', 'TR-K8S-99']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--rule TR-K8S-99: no such rule; did you mean TR-K8S-9\?/);
    const unfixable = await run(['.', '--rule', 'TR-K8S-1']);
    expect(unfixable.err).toMatch(/TR-K8S-1 has no automatic fix; the fixable rules are TR-K8S-3/);
    const typo = await run(['.', '--dryrun']);
    expect(typo.err).toMatch(/unknown option --dryrun; did you mean --dry-run\?/);
    expect((await run(['.', '--cert', '/no/such/cert.pem'])).code).toBe(2);
  });
});
