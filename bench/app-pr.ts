/**
 * The App end to end on a 50-chart repository: a 20-file pull request (an image tag bumped in 20
 * service charts' values.yaml), from the signed webhook to the completed check run, with 50 ms of
 * latency on every GitHub API request. The real server process (`src/app/server.ts`, as
 * `npm start` runs it) against the local fake GitHub API of the test harness
 * (`GHE_HOST=127.0.0.1:PORT GHE_PROTOCOL=http`), the real engine and the real Helm.
 *
 * - cold: the first delivery to a fresh server (empty render cache, review threads not started);
 * - warm: the same server receiving a second delivery of the same content (another pull request
 *   whose head commit has the same tree): the renders are found by git SHAs, no blob downloaded.
 *
 * The values-only model it replaced (BENCH_BASELINE=<checkout of 5adf4a0 with node_modules>) is
 * measured the same way in the same run. Run: `npx tsx bench/app-pr.ts`
 * (`BENCH_BASELINE=/path/to/old-checkout npx tsx bench/app-pr.ts` for both sides).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FakeGitHub, readTree, type Tree } from '../test/app/fake-github.ts';
import { APP_ID, appEnvironment, freePort, OWNER, pullRequestPayload, REPO, withEdits, deliveryHeaders } from '../test/app/harness.ts';
import { ensureHelm } from '../scripts/extract-helm.ts';
import { serviceRepository } from './helm.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = 50;
const CHARTS = 50;
const CHANGED = 20;
const HEAD_SHA = 'a1'.repeat(20);
const SECOND_HEAD_SHA = 'b2'.repeat(20);

export interface DeliveryMeasure {
  /** Webhook sent → the check run completed (as the fake API recorded it), ms. */
  ms: number;
  /** API requests the delivery caused (installation token included on the first). */
  requests: number;
  /** GraphQL blob queries and blob reads among them. */
  downloads: number;
  conclusion: string | undefined;
  annotations: number;
}

export interface AppPrResult {
  side: string;
  cold: DeliveryMeasure;
  warm: DeliveryMeasure;
}

/** The 50-chart repository and the pull request's head: 20 values files with a new image tag. */
function repository(): { base: Tree; head: Tree; changed: string[] } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-bench-app-pr-'));
  try {
    serviceRepository(dir, CHARTS);
    const base = readTree(dir);
    const changed = [...base.keys()].filter((p) => /^charts\/[^/]+-\d{3}\/values\.yaml$/.test(p)).slice(0, CHANGED);
    const head = withEdits(base, changed, (text) => text.replace(/^(\s+tag:\s*)"?([^"\n]+)"?$/m, '$1"$2-next"'));
    return { base, head, changed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function startServer(
  checkout: string,
  fakeHost: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(checkout, 'src/app/server.ts')], {
    cwd: checkout,
    env: appEnvironment(fakeHost, { HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ping = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined);
    if (ping?.ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url: `http://127.0.0.1:${port}/api/github/webhooks`, output: () => output };
}

async function deliver(fake: FakeGitHub, url: string, id: string, pullNumber: number, headSha: string): Promise<DeliveryMeasure> {
  const payload = pullRequestPayload('synchronize', headSha);
  payload.number = pullNumber;
  payload.pull_request.number = pullNumber;
  payload.installation.id = 7;
  const body = JSON.stringify(payload);
  const seen = fake.requests.length;
  const started = performance.now();
  const response = fetch(url, {
    method: 'POST',
    headers: await deliveryHeaders('pull_request', id, body),
    body,
  });
  // Done when GitHub holds a completed run for the commit (the answer to the webhook may come earlier).
  let ms = 0;
  for (const deadline = Date.now() + 300_000; ;) {
    const run = fake.runsFor(headSha).find((r) => r.status === 'completed');
    if (run) {
      ms = performance.now() - started;
      break;
    }
    if (Date.now() > deadline) throw new Error(`no completed check run for ${headSha} (HTTP ${(await response).status})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await (await response).text();
  const run = fake.runsFor(headSha).find((r) => r.status === 'completed')!;
  const caused = fake.requests.slice(seen);
  return {
    ms: Math.round(ms),
    requests: caused.length,
    downloads: caused.filter((r) => r.path.endsWith('/graphql') || r.path.includes('/git/blobs/')).length,
    conclusion: run.conclusion,
    annotations: run.annotations.length,
  };
}

/** Cold then warm on one fresh server of `checkout`. */
export async function benchAppPullRequest(side: string, checkout: string): Promise<AppPrResult> {
  const { base, head } = repository();
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID, latencyMs: LATENCY_MS });
  fake.addPullRequest(3, SECOND_HEAD_SHA);
  await fake.start();
  const cache = mkdtempSync(path.join(os.tmpdir(), 'bplus-bench-app-cache-'));
  // The bundled Helm extracted beforehand (its one-time extraction is not a review's cost).
  const server = await startServer(checkout, fake.host, { BPLUS_CACHE_DIR: cache, BPLUS_HELM: await ensureHelm() });
  try {
    const cold = await deliver(fake, server.url, 'bench-cold', 2, HEAD_SHA);
    const warm = await deliver(fake, server.url, 'bench-warm', 3, SECOND_HEAD_SHA);
    if (fake.violations.length > 0) throw new Error(`requests outside GitHub's API description:\n${fake.violations.join('\n')}`);
    return { side, cold, warm };
  } finally {
    server.child.kill('SIGTERM');
    await fake.stop();
    rmSync(cache, { recursive: true, force: true });
  }
}

export function appPullRequestTable(results: readonly AppPrResult[]): string[] {
  const f = (m: DeliveryMeasure) =>
    `${(m.ms / 1000).toFixed(2)} s (${m.requests} requests, ${m.downloads} downloading; ${m.conclusion}, ${m.annotations} annotations)`;
  const lines = ['| App, 20-file pull request, 50 charts, 50 ms per request | cold (first delivery) | warm (same content again) |', '|---|---|---|'];
  for (const r of results) lines.push(`| ${r.side} | ${f(r.cold)} | ${f(r.warm)} |`);
  const [now, before] = results;
  if (now && before)
    lines.push(`| ratio Helm path / values-only | ${(now.cold.ms / before.cold.ms).toFixed(1)}× | ${(now.warm.ms / before.warm.ms).toFixed(1)}× |`);
  return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ');
  console.log(`load average at start: ${load()}`);
  const results = [await benchAppPullRequest('Helm render path (this checkout)', root)];
  if (process.env.BENCH_BASELINE) results.push(await benchAppPullRequest('values-only model (baseline)', process.env.BENCH_BASELINE));
  for (const line of appPullRequestTable(results)) console.log(line);
  console.log(`load average at end: ${load()}`);
}
