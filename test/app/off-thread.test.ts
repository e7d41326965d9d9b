/**
 * A heavy repository never starves the others: the engine runs in a worker thread
 * (src/app/off-thread.ts) with a time and a memory budget. While a review of a generated
 * repository of 1,000 files and 10 MB runs, `/ping` and other deliveries keep answering; a
 * review past its budget is stopped and its run completed as neutral, saying why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRepository } from '../../bench/generate.ts';
import { createApp } from '../../src/app/index.ts';
import { createOffThreadReview, type OffThreadReview } from '../../src/app/off-thread.ts';
import { createRuntime, type AppRuntime } from '../../src/app/runtime.ts';
import { createWebhookHandler } from '../../src/app/webhook-handler.ts';
import { planFix, reviewChange } from '../../src/app/engine-jobs.ts';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';
import { FakeGitHub, readTree, type Tree } from './fake-github.ts';
import {
  APP_ID,
  examplePayload,
  fixtureTree,
  OWNER,
  pullRequestPayload,
  REPO,
  testPrivateKey,
  violatingVariant,
  WEBHOOK_SECRET,
  deliveryHeaders,
} from './harness.ts';

let heavy: Tree;
let dir = '';

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'bplus-heavy-'));
  // Stub libraries: 10 MB of YAML to review, not 300 Helm renders (those are measured by the benchmark).
  generateRepository(dir, undefined, undefined, { stubLibraries: true });
  heavy = readTree(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function serve(offThread: OffThreadReview, head: Tree, headSha: string) {
  const base = new Map(head);
  base.delete([...head.keys()].find((p) => p.endsWith('values-prod.yaml'))!);
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head, headSha, pullNumber: 3, appId: APP_ID });
  await fake.start();
  const runtime: AppRuntime = createRuntime({
    env: { APP_ID: String(APP_ID), PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' },
  });
  await runtime.probot.load(createApp({ appId: APP_ID, locks: runtime.locks, review: offThread.review, planFix: offThread.planFix }));
  const handler = createWebhookHandler({
    probot: runtime.probot,
    secret: WEBHOOK_SECRET,
    path: '/api/github/webhooks',
    budgetMs: 58_000,
    answerWithinMs: 60_000,
  });
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const deliver = async (event: string, id: string, payload: unknown) => {
    const body = JSON.stringify(payload);
    const response = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: await deliveryHeaders(event, id, body),
      body,
    });
    return response.status;
  };
  const stop = async () => {
    server.closeAllConnections();
    server.close();
    await runtime.close();
    await offThread.close();
    await fake.stop();
  };
  return { fake, url, deliver, stop };
}

describe('reviews off the event loop', () => {
  it('the engine in a thread gives the same findings as in this thread', async () => {
    const offThread = createOffThreadReview({ threads: 1 });
    const [inThread, off] = await Promise.all([reviewRepository(new MemorySource(heavy)), offThread.review(new MemorySource(heavy))]);
    await offThread.close();
    expect(off.findings.length).toBeGreaterThan(0);
    expect(off.findings).toEqual(inThread.findings);
  }, 120_000);

  it('the connectivity diff and the fix plan are made in the thread, where the model is, as in this thread', async () => {
    const base = fixtureTree();
    const opened = violatingVariant(base, 'tr-k8s-7-forbidden-edge').head;
    const offThread = createOffThreadReview({ threads: 1 });
    try {
      const [inThread, off] = await Promise.all([
        reviewChange(new MemorySource(opened), {}, new MemorySource(base)),
        offThread.review(new MemorySource(opened), {}, new MemorySource(base)),
      ]);
      expect(off.connectivity).toContain('now allowed: api-gateway → postgresql TCP 5432');
      expect(off.connectivity).toEqual(inThread.connectivity);
      const fixable = violatingVariant(base, 'tr-k8s-3-no-limits').head;
      const job = { rules: [] };
      const [planned, plannedOff] = await Promise.all([planFix(new MemorySource(fixable), {}, job), offThread.planFix(new MemorySource(fixable), {}, job)]);
      expect(plannedOff.applied.length).toBeGreaterThan(0);
      expect(plannedOff.edits).toEqual(planned.edits);
      expect(plannedOff.remaining).toEqual(planned.remaining);
    } finally {
      await offThread.close();
    }
  }, 120_000);

  it('while a heavy repository is reviewed, /ping and other deliveries keep answering', async () => {
    const sha = '7'.repeat(40);
    const app = await serve(createOffThreadReview({ threads: 1 }), heavy, sha);
    try {
      const review = app.deliver('pull_request', 'heavy', pullRequestPayload('opened', sha));
      let done = false;
      void review.finally(() => (done = true));
      const latencies: number[] = [];
      const others: number[] = [];
      while (!done) {
        const started = performance.now();
        expect(await (await fetch(`${app.url}/ping`)).text()).toBe('PONG');
        others.push(await app.deliver('ping', `ping-${latencies.length}`, examplePayload('ping', undefined as never)));
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(await review).toBe(200);
      expect(app.fake.runsFor(sha)).toHaveLength(1);
      expect(app.fake.runsFor(sha)[0]!.status).toBe('completed');
      console.log(`heavy review: ${latencies.length} pings answered meanwhile, slowest ${Math.round(Math.max(...latencies))} ms`);
      expect(latencies.length).toBeGreaterThanOrEqual(3);
      expect(others.every((status) => status === 200)).toBe(true);
      // The fake API and its request validation share this process: the bound leaves them room.
      expect(Math.max(...latencies)).toBeLessThan(2_500);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('a review past its time budget is stopped; its run is completed as neutral with the reason', async () => {
    const sha = '6'.repeat(40);
    const app = await serve(createOffThreadReview({ threads: 1, timeBudgetMs: 100 }), heavy, sha);
    try {
      expect(await app.deliver('pull_request', 'over-budget', pullRequestPayload('opened', sha))).toBe(200);
      const runs = app.fake.runsFor(sha);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });
      expect(runs[0]!.output.summary).toMatch(/longer than its time budget/);
    } finally {
      await app.stop();
    }
  }, 120_000);

  it('a review past its memory budget is stopped; its run is completed as neutral with the reason', async () => {
    const sha = '5'.repeat(40);
    const app = await serve(createOffThreadReview({ threads: 1, memoryMb: 4 }), heavy, sha);
    try {
      expect(await app.deliver('pull_request', 'over-memory', pullRequestPayload('opened', sha))).toBe(200);
      const runs = app.fake.runsFor(sha);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'neutral' });
      expect(runs[0]!.output.summary).toMatch(/memory budget|thread stopped/);
    } finally {
      await app.stop();
    }
  }, 120_000);
});
