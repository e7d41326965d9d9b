/**
 * Cold `bplus check` of the bundled example repository (fixtures/balance-plus, 55 files), each run
 * a fresh process: the compiled CLI as an installed package runs it, the checkout's bin (compiled
 * and fresh), and the TypeScript sources through tsx (what bin/bplus.js did before the package
 * was built at pack time). Median of BENCH_RUNS runs, measured in one run. `npx tsx
 * bench/cli-startup.ts` runs it alone (it builds dist/ first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const REPO = 'fixtures/balance-plus';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function cold(args: string[]): { ms: number; status: number | null } {
  const times: number[] = [];
  let status: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    times.push(performance.now() - started);
    status = child.status;
  }
  return { ms: Math.round(median(times)), status };
}

export function benchCliStartup() {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  const installed = cold(['dist/src/cli/run.js', 'check', REPO, '--format', 'json']);
  const checkoutBin = cold(['bin/bplus.js', 'check', REPO, '--format', 'json']);
  const tsx = cold(['--import', 'tsx', 'src/cli/run.ts', 'check', REPO, '--format', 'json']);
  return {
    repository: REPO,
    runs: RUNS,
    compiledMs: installed.ms,
    checkoutBinCompiledMs: checkoutBin.ms,
    tsxMs: tsx.ms,
    tsxOverCompiled: Number((tsx.ms / installed.ms).toFixed(2)),
    exitCodes: [installed.status, checkoutBin.status, tsx.status],
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(benchCliStartup(), null, 2));
}
