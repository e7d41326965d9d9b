/**
 * `npm run bench`: the reviewer against merely parsing the same files, in one run, on this
 * machine. Each command runs as a fresh process (Node start-up included on both sides); the
 * median of several runs is kept. Results go to stdout and BENCHMARKS.md.
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRepository } from './generate.ts';
import { benchScale, scaleTable } from './scale.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Measure {
  ms: number;
  peakMb: number;
  status: number | null;
}

function measure(args: string[], env: NodeJS.ProcessEnv = {}): Measure {
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', path.join(root, 'bench/peak-rss.mjs'), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  const ms = performance.now() - started;
  const rss = /peak-rss-kb=(\d+)/.exec(child.stderr)?.[1];
  return { ms, peakMb: rss ? Number(rss) / 1024 : NaN, status: child.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function repeat(args: string[], env: NodeJS.ProcessEnv = {}, before: () => void = () => undefined): Measure {
  const runs = Array.from({ length: RUNS }, () => {
    before();
    return measure(args, env);
  });
  return { ms: median(runs.map((r) => r.ms)), peakMb: Math.max(...runs.map((r) => r.peakMb)), status: runs[0]!.status };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-bench-'));
// The render cache of these runs alone: emptied before each cold run, kept for the warm ones.
const cache = mkdtempSync(path.join(os.tmpdir(), 'bplus-bench-cache-'));
const withCache = { BPLUS_CACHE_DIR: cache };
const emptyRenderCache = () => rmSync(path.join(cache, 'renders'), { recursive: true, force: true });
/** `--corpus-only`: the 1,000-file table alone, printed, BENCHMARKS.md left as it is. */
const corpusOnly = process.argv.includes('--corpus-only');
const lines: string[] = [];
const out = (line: string) => {
  lines.push(line);
  console.log(line);
};
try {
  const repo = generateRepository(dir);
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const check = [path.join(root, 'dist/src/cli/run.js'), 'check', dir, '--format', 'json'];
  measure(check, withCache); // the file cache, and the bundled Helm extracted once
  const parse = repeat([path.join(root, 'bench/parse-only.mjs'), dir]);
  // Every service chart is rendered by Helm (twice: real and marker values): cold is an empty
  // render cache, warm the same repository again (a second `bplus check` renders nothing).
  const cold = repeat(check, withCache, emptyRenderCache);
  const cli = repeat(check, withCache);
  const ratio = cli.ms / parse.ms;
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  out(`# Benchmarks`);
  out('');
  out(
    `Measured by \`npm run bench\` on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; median of ${RUNS} runs, each a fresh process.`,
  );
  out('');
  out(`## Review of a generated repository: ${repo.files} YAML files, ${(repo.bytes / 1024 / 1024).toFixed(1)} MB`);
  out('');
  out('| what | wall time | peak memory | target |');
  out('|---|---|---|---|');
  out(`| js-yaml parse of the same files (baseline) | ${parse.ms.toFixed(0)} ms | ${parse.peakMb.toFixed(0)} MB | |`);
  out(`| \`bplus check --format json\`, cold render cache (exit ${cold.status}) | ${cold.ms.toFixed(0)} ms | ${cold.peakMb.toFixed(0)} MB | |`);
  out(`| \`bplus check --format json\`, warm render cache (exit ${cli.status}) | ${cli.ms.toFixed(0)} ms | ${cli.peakMb.toFixed(0)} MB | ≤ 2 s, ≤ 200 MB |`);
  out(`| ratio review / parse, cold | **${(cold.ms / parse.ms).toFixed(2)}×** | | |`);
  out(`| ratio review / parse, warm | **${ratio.toFixed(2)}×** | | ≤ 2× |`);
  out('');
  out(`Load average (1, 5, 15 min) after these runs: ${load} on ${os.cpus().length} cores shared with other work.`);
  out('');
  if (!corpusOnly) {
    out('## Scale: Deployments in one manifest file (bench/scale.ts)');
    out('');
    for (const line of scaleTable(benchScale())) out(line);
    for (const [name, file] of [
      ['netpol', 'netpol.ts'],
      ['app', 'app.ts'],
      ['cli-startup', 'cli-startup.ts'],
    ] as const) {
      if (!existsSync(path.join(root, 'bench', file))) continue;
      const module = (await import(`./${file}`)) as Record<string, () => unknown>;
      const fn = module[name === 'netpol' ? 'benchNetpol' : name === 'app' ? 'benchApp' : 'benchCliStartup'];
      if (!fn) continue;
      const result = await fn();
      out('');
      out(`## ${name}`);
      out('');
      out('```json');
      out(JSON.stringify(result, null, 2));
      out('```');
    }
    // The Helm render path against the values-only model it replaced (bench/helm.ts).
    const { baselineCheckout, helmBenchmarks } = await import('./helm.ts');
    const sizes = (process.env.BENCH_HELM_SIZES ?? '50,200,500').split(',').map(Number);
    const baselineCommit = process.env.BENCH_BASELINE_COMMIT ?? '5adf4a0';
    const baseline = process.env.BENCH_BASELINE ?? baselineCheckout(baselineCommit);
    try {
      out('');
      out(`## Helm render path vs the values-only model (${baselineCommit}), \`bplus check\`, fresh process each`);
      out('');
      for (const line of helmBenchmarks(sizes, baseline)) out(line);
      // The App end to end (bench/app-pr.ts), both sides in this run.
      const { appPullRequestTable, benchAppPullRequest } = await import('./app-pr.ts');
      out('');
      const appRuns = [await benchAppPullRequest('Helm render path', root), await benchAppPullRequest(`values-only model (${baselineCommit})`, baseline)];
      for (const line of appPullRequestTable(appRuns)) out(line);
    } finally {
      if (!process.env.BENCH_BASELINE) execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', baseline], { stdio: 'ignore' });
    }
    writeFileSync(path.join(root, 'BENCHMARKS.md'), `${lines.join('\n')}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
}
