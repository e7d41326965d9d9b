/**
 * The HTTP side (src/app/webhook-handler.ts) over a real socket, with the production runtime and
 * the fake GitHub API: every malformed but signed body answers 400 with a reason, unknown
 * events are accepted and ignored, oversized bodies are refused, nothing answers 500 on input,
 * and concurrent or repeated deliveries for one commit end in one check run.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/index.ts';
import { createRuntime, type AppRuntime } from '../../src/app/runtime.ts';
import { createWebhookHandler } from '../../src/app/webhook-handler.ts';
import { FakeGitHub } from './fake-github.ts';
import {
  APP_ID,
  fixtureTree,
  HEAD_SHA,
  OWNER,
  pullRequestPayload,
  REPO,
  testPrivateKey,
  violatingVariant,
  WEBHOOK_SECRET,
  webhookPayload,
  deliveryHeaders,
} from './harness.ts';

describe('the webhook handler', () => {
  const base = fixtureTree();
  const variant = violatingVariant(base, 'tr-k8s-3-no-limits');
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head: variant.head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID });
  let runtime: AppRuntime;
  let server: Server;
  let url = '';

  beforeAll(async () => {
    await fake.start();
    runtime = createRuntime({
      env: { APP_ID: String(APP_ID), PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' },
    });
    await runtime.probot.load(createApp({ appId: APP_ID, locks: runtime.locks }));
    const handler = createWebhookHandler({
      probot: runtime.probot,
      secret: WEBHOOK_SECRET,
      path: '/api/github/webhooks',
      budgetMs: 58_000,
      maxBodyBytes: 2 * 1024 * 1024,
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await runtime.close();
    await fake.stop();
  });

  async function post(event: string, id: string, body: string, signature?: string) {
    const response = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: await deliveryHeaders(event, id, body, signature),
      body,
    });
    return { status: response.status, message: ((await response.json()) as { message: string }).message };
  }

  const opened = pullRequestPayload('opened');
  // JSON.stringify leaves out what is undefined: these payloads lack the field.
  const withoutHead = { ...opened, pull_request: { ...opened.pull_request, head: undefined } };
  const badSha = pullRequestPayload('opened');
  badSha.pull_request.head.sha = 'not-a-sha';
  const noInstallation = { ...opened, installation: undefined };
  const commentWithoutIssue = { ...webhookPayload('issue_comment.created'), issue: undefined };
  const cases: Array<[string, string, string, RegExp]> = [
    ['a body of null', 'pull_request', 'null', /null, not a JSON object/],
    ['an array', 'pull_request', '[]', /an array/],
    ['a string', 'pull_request', '"hello"', /a string/],
    ['a body that is not JSON', 'pull_request', '{"action":', /not JSON/],
    ['a pull_request without head', 'pull_request', JSON.stringify(withoutHead), /pull_request\.head/],
    ['a head that is not a SHA', 'pull_request', JSON.stringify(badSha), /pull_request\.head\.sha: expected a 40-character commit SHA/],
    ['a pull_request without installation', 'pull_request', JSON.stringify(noInstallation), /installation/],
    ['an issue_comment without issue', 'issue_comment', JSON.stringify(commentWithoutIssue), /issue/],
    [
      'a check_suite without check_suite',
      'check_suite',
      JSON.stringify({ ...pullRequestPayload(), pull_request: undefined, action: 'rerequested' }),
      /check_suite/,
    ],
  ];
  for (const [what, event, body, reason] of cases) {
    it(`answers 400 with the reason to ${what}, signed`, async () => {
      const seen = fake.apiRequests().length;
      const answer = await post(event, `bad-${what}`, body);
      expect(answer.status).toBe(400);
      expect(answer.message).toMatch(reason);
      expect(fake.apiRequests().length).toBe(seen);
    });
  }

  it('accepts an unknown event with 202 and does nothing', async () => {
    const seen = fake.requests.length;
    const answer = await post('star', 'unknown-event', JSON.stringify(webhookPayload('star.created')));
    expect(answer.status).toBe(202);
    expect(answer.message).toMatch(/does not act on star/);
    expect(fake.requests.length).toBe(seen);
  });

  it('refuses a body over the limit with 413, without reading it whole', async () => {
    const big = JSON.stringify({ ...pullRequestPayload(), padding: 'x'.repeat(3 * 1024 * 1024) });
    const answer = await fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: await deliveryHeaders('pull_request', 'big', big),
      body: big,
    }).catch((error: unknown) => error);
    // Either the 413 arrives, or the connection is closed before the client finished sending.
    if (answer instanceof Response) expect(answer.status).toBe(413);
    else expect(String((answer as Error).message)).toMatch(/fetch failed|socket|closed|reset/i);
  });

  it('answers 400 to missing headers, 404 to other paths and 405 to other methods, at once', async () => {
    expect((await fetch(`${url}/api/github/webhooks`, { method: 'POST', body: '{}' })).status).toBe(400);
    expect((await fetch(`${url}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${url}/api/github/webhooks`)).status).toBe(405);
    expect(await (await fetch(`${url}/ping`)).text()).toBe('PONG');
  });

  it('the same delivery 10 times at once, then 10 times in a row: one check run', async () => {
    const body = JSON.stringify(pullRequestPayload('opened'));
    const together = await Promise.all(Array.from({ length: 10 }, () => post('pull_request', 'same-delivery', body)));
    expect(together.map((a) => a.status)).toEqual(Array(10).fill(200));
    for (let i = 0; i < 10; i++) expect((await post('pull_request', 'same-delivery', body)).status).toBe(200);
    expect(fake.runsFor(HEAD_SHA)).toHaveLength(1);
    expect(fake.runsFor(HEAD_SHA)[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(fake.violations).toEqual([]);
  }, 60_000);

  it('opened and synchronize for one commit at once, with other ids: still one run', async () => {
    const sha = '9'.repeat(40);
    fake.addPullRequest(9, sha);
    const payload = pullRequestPayload('opened', sha);
    payload.pull_request.number = 9;
    const answers = await Promise.all([
      post('pull_request', 'pair-1', JSON.stringify(payload)),
      post('pull_request', 'pair-2', JSON.stringify({ ...payload, action: 'synchronize' })),
      post(
        'check_suite',
        'pair-3',
        JSON.stringify({
          ...payload,
          action: 'rerequested',
          pull_request: undefined,
          check_suite: { head_sha: sha, pull_requests: [{ number: 9, head: { sha } }] },
        }),
      ),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(fake.runsFor(sha)).toHaveLength(1);
  }, 60_000);
});
