/**
 * The App under a burst of pull requests, as production runs it (runtime.ts: throttling keyed
 * by installation, the retrying fetch; webhook-handler.ts), against the fake GitHub API with
 * 50 ms of latency on every request and the real engine on the fixture repository:
 *
 * - 20 installations, one pull request each, all delivered at once. Target: ≥ 10 runs/s.
 * - 20 pull requests of ONE installation at once. Target: the first run completed within 2 s,
 *   the rest at GitHub's pace for one installation (writes one second apart).
 *
 * A run's completion time is when the fake API received the write that completed it.
 * Run alone with `npx tsx bench/app-throughput.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createApp } from '../src/app/index.ts';
import { createOffThreadReview, type OffThreadReview } from '../src/app/off-thread.ts';
import { createRuntime } from '../src/app/runtime.ts';
import { createWebhookHandler } from '../src/app/webhook-handler.ts';
import { FakeGitHub } from '../test/app/fake-github.ts';
import {
  APP_ID,
  fixtureTree,
  OWNER,
  pullRequestPayload,
  REPO,
  testPrivateKey,
  violatingVariant,
  WEBHOOK_SECRET,
  deliveryHeaders,
} from '../test/app/harness.ts';

const LATENCY_MS = 50;
const RUNS = 20;

export interface BurstResult {
  scenario: string;
  runs: number;
  installations: number;
  latencyMs: number;
  /** First delivery sent → each run completed, ms, sorted. */
  completedAtMs: number[];
  firstMs: number;
  lastMs: number;
  runsPerSecond: number;
  /** Median gap between consecutive completing writes, ms. */
  medianGapMs: number;
  /** Smallest gap between two writes of one installation, ms (GitHub’s pace: ≥ ~1,000); null with one write each. */
  minWriteGapPerInstallationMs: number | null;
  conclusions: Record<string, number>;
  target: string;
  targetMet: boolean;
}

let nextInstallation = 50_000;

async function burst(scenario: 'installations' | 'one-installation', offThread: OffThreadReview): Promise<BurstResult> {
  const base = fixtureTree();
  const variant = violatingVariant(base, 'tr-k8s-3-no-limits');
  const fake = new FakeGitHub({
    owner: OWNER,
    repo: REPO,
    base,
    head: variant.head,
    headSha: 'f'.repeat(40),
    pullNumber: 1,
    appId: APP_ID,
    latencyMs: LATENCY_MS,
  });
  await fake.start();
  const runtime = createRuntime({
    env: { APP_ID: String(APP_ID), PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' },
  });
  await runtime.probot.load(createApp({ appId: APP_ID, locks: runtime.locks, review: offThread.review }));
  const handler = createWebhookHandler({
    probot: runtime.probot,
    secret: WEBHOOK_SECRET,
    path: '/api/github/webhooks',
    budgetMs: 58_000,
    answerWithinMs: 120_000,
  });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const shared = ++nextInstallation;
  const deliveries = await Promise.all(
    Array.from({ length: RUNS }, async (_, i) => {
      const sha = (i + 1).toString(16).padStart(40, 'a');
      const number = 100 + i;
      fake.addPullRequest(number, sha);
      const payload = pullRequestPayload('opened', sha);
      payload.pull_request.number = number;
      payload.installation.id = scenario === 'installations' ? ++nextInstallation : shared;
      const body = JSON.stringify(payload);
      return {
        sha,
        body,
        headers: await deliveryHeaders('pull_request', `burst-${scenario}-${i}`, body),
      };
    }),
  );
  const started = Date.now();
  await Promise.all(
    deliveries.map((d) => fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: 'POST', headers: d.headers, body: d.body }).then((r) => r.text())),
  );

  if (process.env.BENCH_DEBUG)
    for (const r of fake.requests)
      console.log(
        r.at - started,
        r.installation,
        r.method,
        r.path,
        (r.body as { status?: string } | undefined)?.status ?? '',
        (r.body as { conclusion?: string } | undefined)?.conclusion ?? '',
      );
  const writes = fake.requests.filter((r) => (r.method === 'POST' || r.method === 'PATCH') && /\/check-runs/.test(r.path));
  const completing = writes.filter((r) => (r.body as { conclusion?: string } | undefined)?.conclusion);
  const completedAt = completing.map((r) => r.at - started).sort((a, b) => a - b);
  const gaps = completedAt.slice(1).map((t, i) => t - completedAt[i]!);
  const perInstallation = new Map<number, number[]>();
  for (const w of writes) perInstallation.set(w.installation ?? 0, [...(perInstallation.get(w.installation ?? 0) ?? []), w.at]);
  const minGap = Math.min(...[...perInstallation.values()].flatMap((ts) => ts.slice(1).map((t, i) => t - ts[i]!)), Infinity);
  const conclusions: Record<string, number> = {};
  for (const sha of deliveries.map((d) => d.sha)) {
    const runs = fake.runsFor(sha);
    const key = runs.length === 1 ? String(runs[0]!.conclusion) : `${runs.length} runs`;
    conclusions[key] = (conclusions[key] ?? 0) + 1;
  }
  server.close();
  await runtime.close();
  await fake.stop();
  if (fake.violations.length) throw new Error(`requests outside GitHub's API description:\n${fake.violations.join('\n')}`);

  const lastMs = completedAt.at(-1) ?? Infinity;
  const firstMs = completedAt[0] ?? Infinity;
  const runsPerSecond = completedAt.length / (lastMs / 1000);
  const medianGapMs = gaps.length ? [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]! : 0;
  const allOne = conclusions.failure === RUNS;
  const result = {
    scenario: scenario === 'installations' ? `${RUNS} installations, one pull request each, at once` : `${RUNS} pull requests of one installation at once`,
    runs: completedAt.length,
    installations: perInstallation.size,
    latencyMs: LATENCY_MS,
    completedAtMs: completedAt,
    firstMs,
    lastMs,
    runsPerSecond: Math.round(runsPerSecond * 100) / 100,
    medianGapMs,
    minWriteGapPerInstallationMs: Number.isFinite(minGap) ? minGap : null,
    conclusions,
    target: scenario === 'installations' ? '≥ 10 runs/s' : 'first ≤ 2,000 ms; then one write a second (median gap ≥ 950 ms, none under 800 ms)',
    targetMet:
      allOne && (scenario === 'installations' ? runsPerSecond >= 10 : firstMs <= 2_000 && medianGapMs >= 950 && (!Number.isFinite(minGap) || minGap >= 800)),
  };
  return result;
}

export async function benchThroughput(): Promise<{ name: string; bursts: BurstResult[] }> {
  // As the Vercel function and the Node server run it: the engine in worker threads, one pool
  // for the process, warmed once with a first burst as a running server is.
  const offThread = createOffThreadReview();
  try {
    if (!process.env.BENCH_SKIP_WARM) await burst('installations', offThread);
    return { name: 'github-app-throughput', bursts: [await burst('installations', offThread), await burst('one-installation', offThread)] };
  } finally {
    await offThread.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await benchThroughput();
  for (const b of result.bursts) {
    console.log(
      `${b.scenario}: first ${b.firstMs} ms, last ${b.lastMs} ms, ${b.runsPerSecond} runs/s, median gap ${b.medianGapMs} ms, min write gap per installation ${b.minWriteGapPerInstallationMs} ms, ${JSON.stringify(b.conclusions)} — target (${b.target}) ${b.targetMet ? 'met' : 'MISSED'}`,
    );
  }
}
