/**
 * A repository of N Deployments (each with a Service) in one manifest file, the shape that once
 * made the review quadratic. The configuration raises the per-file and per-repository budgets
 * just enough for N, as an operator reviewing such a repository would.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function generateScaleRepository(dir: string, deployments: number): { bytes: number } {
  mkdirSync(path.join(dir, '.github'), { recursive: true });
  mkdirSync(path.join(dir, 'manifests'), { recursive: true });
  writeFileSync(
    path.join(dir, '.github/bplus.yml'),
    `limits:\n  maxFileBytes: ${64 * 1024 * 1024}\n  maxDocumentsPerFile: ${deployments * 2 + 10}\n  maxObjects: ${deployments * 2 + 10}\n  maxFindings: ${deployments * 20}\n`,
  );
  const docs: string[] = [];
  for (let i = 0; i < deployments; i++) {
    const name = `svc-${i}`;
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: balance-plus\n  labels: {app: ${name}}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers:\n        - name: app\n          image: registry.example/${name}:1.${i}.0\n          ports: [{containerPort: 8000}]\n          resources:\n            requests: {cpu: 100m, memory: 128Mi}\n            limits: {cpu: 500m, memory: 256Mi}\n`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: balance-plus\nspec:\n  selector: {app: ${name}}\n  ports: [{port: 80, targetPort: 8000}]\n`,
    );
  }
  const text = docs.join('---\n');
  writeFileSync(path.join(dir, 'manifests/all.yaml'), text);
  return { bytes: Buffer.byteLength(text) };
}

export interface ScaleRun {
  deployments: number;
  megabytes: number;
  ms: number;
  /** CPU time (user + system) of the process: the work, whatever else the machine runs meanwhile. */
  cpuMs: number;
  peakMb: number;
  status: number | null;
}

/** `bplus check` (compiled, in dist/) on 1,000, 10,000 and 30,000 Deployments; one fresh process each. */
export function benchScale(sizes: readonly number[] = [1_000, 10_000, 30_000]): ScaleRun[] {
  const runs: ScaleRun[] = [];
  for (const deployments of sizes) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `bplus-scale-${deployments}-`));
    try {
      const { bytes } = generateScaleRepository(dir, deployments);
      const started = performance.now();
      const child = spawnSync(
        process.execPath,
        ['--import', path.join(root, 'bench/usage-hook.mjs'), path.join(root, 'dist/src/cli/run.js'), 'check', dir, '--format', 'json'],
        { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 },
      );
      const ms = performance.now() - started;
      const usage = /bplus-usage rss-kb=(\d+) cpu-us=(\d+)/.exec(child.stderr);
      runs.push({
        deployments,
        megabytes: bytes / 1024 / 1024,
        ms,
        cpuMs: usage ? Number(usage[2]) / 1000 : NaN,
        peakMb: usage ? Number(usage[1]) / 1024 : NaN,
        status: child.status,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return runs;
}

/** The table for BENCHMARKS.md: time per 1,000 Deployments stays flat when the review is linear. */
export function scaleTable(runs: readonly ScaleRun[]): string[] {
  const first = runs[0]!;
  const lines = [
    '| Deployments (+ a Service each, one file) | file | wall time | CPU time | CPU ms per 1,000 | peak memory | exit |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of runs)
    lines.push(
      `| ${r.deployments.toLocaleString('en')} | ${r.megabytes.toFixed(1)} MB | ${r.ms.toFixed(0)} ms | ${r.cpuMs.toFixed(0)} ms | ${((r.cpuMs / r.deployments) * 1000).toFixed(0)} | ${r.peakMb.toFixed(0)} MB | ${r.status} |`,
    );
  const last = runs[runs.length - 1]!;
  // The marginal cost (start-up excluded): CPU time added per 1,000 Deployments between consecutive runs.
  const marginal = runs
    .slice(1)
    .map(
      (r, i) =>
        `${(((r.cpuMs - runs[i]!.cpuMs) / (r.deployments - runs[i]!.deployments)) * 1000).toFixed(0)} ms from ${runs[i]!.deployments.toLocaleString('en')} to ${r.deployments.toLocaleString('en')}`,
    );
  lines.push('');
  lines.push(
    `${last.deployments / first.deployments}× the Deployments took ${(last.cpuMs / first.cpuMs).toFixed(1)}× the CPU time (start-up included); the marginal CPU cost per 1,000 Deployments was ${marginal.join(', ')}: flat, so linear, not quadratic.`,
  );
  return lines;
}

// `tsx bench/scale.ts DIR N`: write one such repository (for profiling by hand).
// `tsx bench/scale.ts --bench`: only this benchmark (needs `npm run build` first).
if (process.argv[1]?.endsWith('scale.ts') && process.argv[2] === '--bench') {
  for (const line of scaleTable(benchScale())) console.log(line);
} else if (process.argv[1]?.endsWith('scale.ts') && process.argv[2]) {
  console.log(generateScaleRepository(process.argv[2], Number(process.argv[3] ?? 8000)));
}
