/**
 * TR-K8S-7 per pull request: the check-run summary says what the change newly allows or blocks,
 * computed by the real engine from the base and head commits served by the fake GitHub API.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { createApp } from '../../src/app/index.ts';
import { FakeGitHub, type Tree } from './fake-github.ts';
import {
  APP_ID,
  delivery,
  fixtureTree,
  HEAD_SHA,
  OWNER,
  pullRequestPayload,
  REPO,
  resourcesOnlyChange,
  testProbot,
  violatingVariant,
  withEdits,
} from './harness.ts';

describe('network connectivity changes in the check-run summary', () => {
  let fake: FakeGitHub;
  let probot: Probot;

  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.stop();
  });

  async function review(head: Tree) {
    const base = fixtureTree();
    fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID });
    await fake.start();
    probot = testProbot(fake.host);
    await probot.load(createApp({ appId: APP_ID, timeoutMs: 30_000, inProgressAfterMs: 30_000 }));
    const payload = pullRequestPayload();
    payload.pull_request.base.sha = fake.baseSha;
    await probot.receive(delivery('net', 'pull_request', payload));
    expect(fake.checkRuns.size).toBe(1);
    return [...fake.checkRuns.values()][0]!;
  }

  it('a policy change that opens api-gateway → PostgreSQL is listed as newly allowed', async () => {
    const run = await review(violatingVariant(fixtureTree(), 'tr-k8s-7-forbidden-edge').head);
    expect(run.output.summary).toContain('Network connectivity changed by this pull request');
    expect(run.output.summary).toContain('now allowed: api-gateway → postgresql TCP 5432');
  });

  it('a change of resources only reads no base commit and says nothing about the network', async () => {
    const run = await review(resourcesOnlyChange(fixtureTree()));
    expect(run.output.summary).not.toContain('Network connectivity');
    const trees = fake.apiRequests().filter((r) => r.path.includes('/git/trees/'));
    expect(trees).toHaveLength(1);
  });
});

describe('the Fix button', () => {
  it('appears on a failing run with a fixable finding', async () => {
    const base = fixtureTree();
    const head = withEdits(base, ['charts/api-gateway/values.yaml'], (text) => text.replace(/type: ClusterIP/, 'type: NodePort'));
    const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID });
    await fake.start();
    try {
      const probot = testProbot(fake.host);
      await probot.load(createApp({ appId: APP_ID, timeoutMs: 30_000, inProgressAfterMs: 30_000 }));
      await probot.receive(delivery('fix-button', 'pull_request', pullRequestPayload()));
      const writes = fake.requests.filter((r) => r.method !== 'GET' && r.path.includes('/check-runs'));
      const completing = writes.find((w) => (w.body as { status?: string }).status === 'completed')!.body as {
        conclusion: string;
        actions: Array<{ identifier: string }>;
      };
      expect(completing.conclusion).toBe('failure');
      expect(completing.actions.map((a) => a.identifier)).toEqual(['bplus-fix']);
      expect(fake.violations).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});
