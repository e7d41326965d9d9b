/**
 * The Helm render path against the values-only model it replaced, in one run: repositories of
 * N service charts (copies of the bundled fixture's service charts on the bundled libraries),
 * `bplus check` cold (empty render cache) and warm (same content again), and the same repository
 * reviewed by main's values-only code (`BENCH_BASELINE=<checkout of the old code>`; `npm run bench`
 * creates a git worktree of the commit before the Helm path for it). Each run is a fresh process.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const FIXTURE = path.join(root, 'fixtures/balance-plus');
const SERVICES = ['api-gateway', 'orchestrator', 'condenser-worker', 'frontend'];

/** A repository of `n` service charts (renamed copies of the fixture's four) plus its infrastructure chart. */
export function serviceRepository(dir: string, n: number): void {
  cpSync(path.join(FIXTURE, 'charts/library'), path.join(dir, 'charts/library'), { recursive: true });
  cpSync(path.join(FIXTURE, 'charts/platform'), path.join(dir, 'charts/platform'), { recursive: true });
  mkdirSync(path.join(dir, '.github'), { recursive: true });
  cpSync(path.join(FIXTURE, '.github/bplus.yml'), path.join(dir, '.github/bplus.yml'));
  for (let i = 0; i < n; i++) {
    const base = SERVICES[i % SERVICES.length]!;
    const name = `${base}-${String(i).padStart(3, '0')}`;
    const from = path.join(FIXTURE, 'charts', base);
    const to = path.join(dir, 'charts', name);
    mkdirSync(to, { recursive: true });
    for (const file of readdirSync(from, { recursive: true }) as string[]) {
      const source = path.join(from, file);
      const target = path.join(to, file);
      if (!statSync(source).isFile()) continue;
      mkdirSync(path.dirname(target), { recursive: true });
      // Renamed, and each copy different (so no two renders share a cache entry).
      writeFileSync(
        target,
        readFileSync(source, 'utf8')
          .replace(/^name: .*$/m, `name: ${name}`)
          .replace(/^(# .*)$/m, `$1 (copy ${i})`),
      );
    }
  }
}

interface Run {
  ms: number;
  status: number | null;
  findings: number;
}

function check(cli: string, repo: string, env: NodeJS.ProcessEnv): Run {
  const started = performance.now();
  const child = spawnSync(process.execPath, [cli, 'check', repo, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 256 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  let findings = -1;
  try {
    findings = (JSON.parse(child.stdout) as { findings: unknown[] }).findings.length;
  } catch {
    // reported as -1
  }
  return { ms, status: child.status, findings };
}

/** A worktree of the values-only code (the parent of the first Helm-path commit), sharing node_modules. */
export function baselineCheckout(commit: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-baseline-'));
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, commit], { stdio: 'ignore' });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

export function helmBenchmarks(sizes: readonly number[], baseline: string | undefined): string[] {
  const lines: string[] = [];
  const cli = path.join(root, 'bin/bplus.js');
  lines.push('| service charts | values-only model (before) | Helm render, cold cache | Helm render, warm cache | cold / before | warm / before |');
  lines.push('|---|---|---|---|---|---|');
  for (const n of sizes) {
    const repo = mkdtempSync(path.join(os.tmpdir(), `bplus-bench-helm-${n}-`));
    const cache = mkdtempSync(path.join(os.tmpdir(), 'bplus-bench-cache-'));
    try {
      serviceRepository(repo, n);
      // The bundled Helm is extracted once, outside the measurement.
      const helmHome = { BPLUS_CACHE_DIR: cache };
      check(cli, path.join(root, 'fixtures/balance-plus'), helmHome);
      rmSync(path.join(cache, 'renders'), { recursive: true, force: true });
      const before = baseline ? check(path.join(baseline, 'bin/bplus.js'), repo, {}) : undefined;
      const cold = check(cli, repo, helmHome);
      const warm = check(cli, repo, helmHome);
      const f = (r: Run | undefined) => (r ? `${(r.ms / 1000).toFixed(2)} s (${r.findings} findings)` : 'n/a');
      const ratio = (r: Run) => (before ? `${(r.ms / before.ms).toFixed(1)}×` : 'n/a');
      lines.push(`| ${n} | ${f(before)} | ${f(cold)} | ${f(warm)} | ${ratio(cold)} | ${ratio(warm)} |`);
      console.log(lines.at(-1));
    } finally {
      rmSync(repo, { recursive: true, force: true });
      rmSync(cache, { recursive: true, force: true });
    }
  }
  // The bundled fixture repository, cold.
  const cache = mkdtempSync(path.join(os.tmpdir(), 'bplus-bench-cache-'));
  try {
    check(cli, path.join(root, 'fixtures/balance-plus'), { BPLUS_CACHE_DIR: cache });
    rmSync(path.join(cache, 'renders'), { recursive: true, force: true });
    const cold = check(cli, path.join(root, 'fixtures/balance-plus'), { BPLUS_CACHE_DIR: cache });
    const before = baseline ? check(path.join(baseline, 'bin/bplus.js'), path.join(root, 'fixtures/balance-plus'), {}) : undefined;
    lines.push('');
    lines.push(
      `- The bundled fixture repository (4 service charts, 1 infrastructure chart), cold cache: ${(cold.ms / 1000).toFixed(2)} s${before ? ` (values-only model: ${(before.ms / 1000).toFixed(2)} s)` : ''}.`,
    );
    lines.push(
      `- Load average (1, 5, 15 min) at the end of these runs: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} on ${os.cpus().length} cores shared with other work.`,
    );
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
  return lines;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const sizes = (process.env.BENCH_HELM_SIZES ?? '50,200,500').split(',').map(Number);
  const commit = process.env.BENCH_BASELINE_COMMIT;
  const baseline = process.env.BENCH_BASELINE ?? (commit ? baselineCheckout(commit) : undefined);
  try {
    console.log(helmBenchmarks(sizes, baseline).join('\n'));
  } finally {
    if (commit && baseline) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', baseline], { stdio: 'ignore' });
  }
}
