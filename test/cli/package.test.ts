/**
 * The package as a user gets it: `npm pack` (whose `prepack` compiles the TypeScript), the tarball
 * installed into an empty directory, and `bplus` run from another directory with no TypeScript
 * and no tsx anywhere it can reach.
 *
 * The install is done offline and deterministically the way npm lays out a tarball install: the
 * tarball unpacked as node_modules/bplus, each of its declared `dependencies` taken from this
 * checkout's node_modules (already installed by `npm ci`), and the bin linked into
 * node_modules/.bin. Only the declared dependencies are linked, so a compiled import of a dev
 * dependency fails here as it would for a user.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..', '..');
let work: string;
let app: string;
let bplus: string;

async function run(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // No NODE_OPTIONS (vitest's or tsx's loaders) reach the installed CLI.
  const env = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), NO_COLOR: '1' };
  return exec(bplus, args, { cwd, env, maxBuffer: 32 * 1024 * 1024 }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'bplus-package-'));
  // Pack a copy, so that the prepack build never rewrites this checkout's dist/ under other tests.
  const source = path.join(work, 'source');
  const pkg = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[]; dependencies: Record<string, string> };
  await mkdir(source);
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'src', 'rules', 'bin', 'docs', 'fixtures', 'action.yml']) {
    await cp(path.join(ROOT, entry), path.join(source, entry), { recursive: true, filter: (p) => !p.includes(`${path.sep}dist${path.sep}`) });
  }
  await symlink(path.join(ROOT, 'node_modules'), path.join(source, 'node_modules'), 'dir');
  const packed = await exec('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], { cwd: source, maxBuffer: 32 * 1024 * 1024 });
  const tarball = path.join(work, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]!.filename);

  app = path.join(work, 'app');
  const installed = path.join(app, 'node_modules', 'bplus');
  await mkdir(installed, { recursive: true });
  await exec('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  for (const dep of Object.keys(pkg.dependencies)) {
    const target = path.join(app, 'node_modules', dep);
    await mkdir(path.dirname(target), { recursive: true });
    await symlink(path.join(ROOT, 'node_modules', dep), target, 'dir');
  }
  await mkdir(path.join(app, 'node_modules', '.bin'));
  bplus = path.join(app, 'node_modules', '.bin', 'bplus');
  await symlink('../bplus/bin/bplus.js', bplus);
}, 240_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds compiled JavaScript and no TypeScript, and does not depend on tsx', async () => {
    const files = (await filesUnder(path.join(app, 'node_modules', 'bplus'))).map((f) => path.relative(path.join(app, 'node_modules', 'bplus'), f));
    expect(files).toContain('dist/src/cli/run.js');
    expect(files).toContain('dist/rules/TR-K8S-3.js');
    expect(files.filter((f) => /\.(c|m)?ts$/.test(f))).toEqual([]);
    expect(files.some((f) => f.startsWith('test/') || f.startsWith('src/'))).toBe(false);
    const pkg = JSON.parse(await readFile(path.join(app, 'node_modules', 'bplus', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
    await expect(readdir(path.join(app, 'node_modules', 'tsx'))).rejects.toThrow();
  });

  it('runs --help, --version, demo, check, fix --dry-run and netpol from another directory', async () => {
    const elsewhere = path.join(work, 'elsewhere');
    await mkdir(elsewhere);
    const help = await run(elsewhere, '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/bplus check \[DIR\]/);
    expect((await run(elsewhere, 'check', '--help')).stdout).toMatch(/--fail-on LEVEL/);
    expect((await run(elsewhere, '-v')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);

    const demo = await run(elsewhere, 'demo', 'example');
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toMatch(/✖ \d+ failures/);
    const repo = path.join(elsewhere, 'example');

    const check = await run(repo, 'check');
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^charts\/api-gateway\/values\.yaml$/m);
    expect(check.stdout).toMatch(/failure\s+TR-K8S-3\s+container "api-gateway" has no limits\.cpu/);

    const fix = await run(repo, 'fix', '--dry-run');
    expect(fix.code).toBe(1);
    expect(fix.stdout).toContain('+++ b/charts/api-gateway/values.yaml');

    const netpol = await run(repo, 'netpol', '--format', 'json');
    expect(netpol.stderr).not.toMatch(/\n\s+at /);
    expect((JSON.parse(netpol.stdout) as { namespace: string }).namespace).toBe('balance-plus');

    const typo = await run(repo, 'chek');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command "chek"; did you mean "bplus check"\?/);
  });
});
