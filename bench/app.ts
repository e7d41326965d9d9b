/**
 * The GitHub App's benchmark: a signed webhook delivered over HTTP to Probot's middleware → the
 * completed check run, against the local fake GitHub API with 50 ms of latency on every request,
 * for a 20-file and a 300-file pull request on the fixture repository. The real engine, and
 * Probot's production Octokit (throttling on: writes are spaced one second apart).
 *
 * Targets (issue 3): ≤ 1 s and ≤ 6 API requests for 20 files; ≤ 5 s for 300 files.
 * Run alone with `npx tsx bench/app.ts`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createNodeMiddleware, Probot } from 'probot';
import { createApp } from '../src/app/index.ts';
import { benchThroughput, type BurstResult } from './app-throughput.ts';
import { FakeGitHub, type Tree } from '../test/app/fake-github.ts';
import { fixtureTree, HEAD_SHA, OWNER, pullRequestPayload, REPO, testPrivateKey, WEBHOOK_SECRET, deliveryHeaders } from '../test/app/harness.ts';

export interface AppBenchRun {
  changedFiles: number;
  repositoryFiles: number;
  latencyMs: number;
  /** Delivery sent → HTTP answer, which Probot gives once the check run is completed. */
  wallMs: number;
  /** Every request the app sent, the installation token included (a cold start). */
  requests: number;
  /** Without the installation token, which Probot caches for an hour. */
  requestsWithoutToken: number;
  byEndpoint: Record<string, number>;
  /** Peak resident set size of this process during the run (fake API included), MB. */
  peakRssMb: number;
  conclusion: string | undefined;
  annotations: number;
  targetMet: boolean;
}

const LATENCY_MS = 50;
let installationId = 100;

/** 20 modified files: a line added to each of the first 20 YAML files of the fixture. */
function twentyFilePullRequest(base: Tree): Tree {
  const head = new Map(base);
  const yaml = [...base.keys()].filter((p) => p.endsWith('.yaml')).slice(0, 20);
  for (const file of yaml) head.set(file, Buffer.concat([base.get(file)!, Buffer.from('# reviewed by the benchmark\n')]));
  return head;
}

/** 300 added files: copies of the api-gateway service chart under new names. */
function threeHundredFilePullRequest(base: Tree): Tree {
  const head = new Map(base);
  const chart = [...base.entries()].filter(([p]) => p.startsWith('charts/api-gateway/'));
  let added = 0;
  for (let n = 1; added < 300; n++) {
    for (const [file, content] of chart) {
      if (added >= 300) break;
      const name = `svc-${String(n).padStart(3, '0')}`;
      head.set(file.replace('charts/api-gateway/', `charts/${name}/`), Buffer.from(content.toString('utf8').replaceAll('api-gateway', name)));
      added++;
    }
  }
  return head;
}

async function runOnce(base: Tree, head: Tree, changedFiles: number, target: { wallMs: number; requests?: number }): Promise<AppBenchRun> {
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head, headSha: HEAD_SHA, pullNumber: 2, latencyMs: LATENCY_MS });
  await fake.start();
  const probot = new Probot({
    appId: 4242,
    privateKey: testPrivateKey(),
    secret: WEBHOOK_SECRET,
    baseUrl: `http://${fake.host}/api/v3`,
    logLevel: 'fatal',
  });
  const middleware = await createNodeMiddleware(createApp({ appId: 4242 }), { probot, webhooksPath: '/api/github/webhooks' });
  const server: Server = createServer((req, res) => void middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const payload = pullRequestPayload('synchronize');
  // A new installation each run: a cold token, and no write spacing carried over from a previous run.
  payload.installation.id = ++installationId;
  const body = JSON.stringify(payload);
  const headers = await deliveryHeaders('pull_request', `bench-${installationId}`, body);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: 'POST', headers, body });
  await response.text();
  // The App may answer the delivery before its review ends (202): done is a completed run on GitHub's side.
  const deadline = started + 60_000;
  while ([...fake.checkRuns.values()][0]?.status !== 'completed' && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);

  const run = [...fake.checkRuns.values()][0];
  const byEndpoint: Record<string, number> = {};
  for (const r of fake.requests) {
    const key = `${r.method} ${r.path.replace(/[0-9a-f]{40}/g, '{sha}').replace(/\/\d+(?=\/|$)/g, '/{n}')}`;
    byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
  }
  const requestsWithoutToken = fake.apiRequests().length;
  server.close();
  await fake.stop();
  if (fake.violations.length) throw new Error(`requests outside GitHub's API description:\n${fake.violations.join('\n')}`);
  if (run?.status !== 'completed') throw new Error(`no completed check run (HTTP ${response.status})`);
  return {
    changedFiles,
    repositoryFiles: head.size,
    latencyMs: LATENCY_MS,
    wallMs: Math.round(wallMs),
    requests: fake.requests.length,
    requestsWithoutToken,
    byEndpoint,
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    conclusion: run.conclusion,
    annotations: run.annotations.length,
    targetMet: wallMs <= target.wallMs && (target.requests === undefined || requestsWithoutToken <= target.requests),
  };
}

export async function benchApp(): Promise<{ name: string; runs: AppBenchRun[]; bursts: BurstResult[] }> {
  const base = fixtureTree();
  // Warm the engine and the module graph once, so the numbers are those of a running server.
  await runOnce(base, twentyFilePullRequest(base), 20, { wallMs: Infinity });
  const runs = [
    await runOnce(base, twentyFilePullRequest(base), 20, { wallMs: 1000, requests: 6 }),
    await runOnce(base, threeHundredFilePullRequest(base), 300, { wallMs: 5000 }),
  ];
  // Bursts: 20 installations at once, 20 pull requests of one installation (app-throughput.ts).
  const { bursts } = await benchThroughput();
  return { name: 'github-app', runs, bursts };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchApp();
  for (const run of result.runs) {
    console.log(
      `${run.changedFiles} files changed (${run.repositoryFiles} in the repository), ${run.latencyMs} ms latency: ` +
        `${run.wallMs} ms, ${run.requests} requests (${run.requestsWithoutToken} without the token), ` +
        `peak RSS ${run.peakRssMb} MB, ${run.conclusion}, ${run.annotations} annotations — target ${run.targetMet ? 'met' : 'MISSED'}`,
    );
    console.log('   ', JSON.stringify(run.byEndpoint));
  }
  for (const b of result.bursts)
    console.log(`${b.scenario}: first ${b.firstMs} ms, last ${b.lastMs} ms, ${b.runsPerSecond} runs/s — ${b.targetMet ? 'met' : 'MISSED'}`);
}
