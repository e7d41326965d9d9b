/**
 * One pass per pull request: the App parses the configuration once (as the object Probot gives),
 * builds the head's model once and the base's model only for the connectivity diff, and `/bplus
 * fix` plans its fixes from the one review of the head. Counted by wrapping the real functions
 * (module mocks that call through), over the fake GitHub API with the real engine.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app/index.ts';
import * as configLoad from '../../src/config/load.ts';
import * as engineReview from '../../src/engine/review.ts';
import * as fixes from '../../src/fix/index.ts';
import * as repository from '../../src/model/repository.ts';
import type { Review } from '../../src/engine/api.ts';
import type { RepositorySource } from '../../src/source/types.ts';
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
  webhookPayload,
} from './harness.ts';
import { FakeGitHubWithGit } from '../fix/fake-git.ts';

vi.mock('../../src/config/load.ts', async (original) => {
  const actual = await original<typeof import('../../src/config/load.ts')>();
  return { ...actual, parseConfig: vi.fn(actual.parseConfig), validateConfig: vi.fn(actual.validateConfig) };
});
vi.mock('../../src/model/repository.ts', async (original) => {
  const actual = await original<typeof import('../../src/model/repository.ts')>();
  return { ...actual, loadRepository: vi.fn(actual.loadRepository) };
});
vi.mock('../../src/engine/review.ts', async (original) => {
  const actual = await original<typeof import('../../src/engine/review.ts')>();
  return { ...actual, reviewRepository: vi.fn(actual.reviewRepository) };
});
vi.mock('../../src/fix/index.ts', async (original) => {
  const actual = await original<typeof import('../../src/fix/index.ts')>();
  return { ...actual, planFixes: vi.fn(actual.planFixes) };
});

const parses = () => vi.mocked(configLoad.parseConfig).mock.calls.length + vi.mocked(configLoad.validateConfig).mock.calls.length;
const modelsBuilt = () => vi.mocked(repository.loadRepository).mock.calls.map(([source]: [RepositorySource, ...unknown[]]) => source.name);

const stops: Array<() => Promise<void>> = [];
beforeEach(() => vi.clearAllMocks());
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function reviewPullRequestOf(head: Tree, edits: Record<string, string> = {}) {
  const base = fixtureTree();
  for (const [file, text] of Object.entries(edits)) head.set(file, Buffer.from(text));
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID });
  await fake.start();
  stops.push(() => fake.stop());
  const probot = testProbot(fake.host);
  await probot.load(createApp({ appId: APP_ID, timeoutMs: 60_000, inProgressAfterMs: 60_000 }));
  const payload = pullRequestPayload();
  payload.pull_request.base.sha = fake.baseSha;
  await probot.receive(delivery('one-pass', 'pull_request', payload));
  expect(fake.violations).toEqual([]);
  expect(fake.checkRuns.size).toBe(1);
  return { run: [...fake.checkRuns.values()][0]!, baseSha: fake.baseSha };
}

describe('a pull request is reviewed in one pass', () => {
  it('a change that moves connectivity: the configuration parsed once, the head and the base built once each', async () => {
    const { run, baseSha } = await reviewPullRequestOf(violatingVariant(fixtureTree(), 'tr-k8s-7-forbidden-edge').head);
    expect(run.output.summary).toContain('now allowed: api-gateway → postgresql TCP 5432');
    expect(parses()).toBe(1);
    expect(vi.mocked(configLoad.validateConfig).mock.calls[0]![1]).toBe('.github/bplus.yml (default branch)');
    expect(vi.mocked(engineReview.reviewRepository)).toHaveBeenCalledTimes(1);
    const built = modelsBuilt();
    expect(built).toHaveLength(2);
    expect(built.filter((name) => name.endsWith(`@${HEAD_SHA.slice(0, 7)}`))).toHaveLength(1);
    expect(built.filter((name) => name.endsWith(`@${baseSha.slice(0, 7)}`))).toHaveLength(1);
  }, 120_000);

  it('a change of resources only: one parse, one model (the head), no base', async () => {
    const { run } = await reviewPullRequestOf(resourcesOnlyChange(fixtureTree()));
    expect(run.output.summary).not.toContain('Network connectivity');
    expect(parses()).toBe(1);
    expect(modelsBuilt()).toEqual([expect.stringMatching(new RegExp(`@${HEAD_SHA.slice(0, 7)}$`))]);
  }, 120_000);

  it('a pull request that edits .github/bplus.yml: its edit parsed once more, to annotate it, and still one model', async () => {
    const { run } = await reviewPullRequestOf(resourcesOnlyChange(fixtureTree()), { '.github/bplus.yml': 'review:\n  failOn: sometimes\n' });
    expect(run.conclusion).toBe('failure');
    expect(vi.mocked(configLoad.validateConfig)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(configLoad.parseConfig).mock.calls.map((call) => call[1])).toEqual(['.github/bplus.yml']);
    expect(modelsBuilt()).toHaveLength(1);
  }, 120_000);
});

describe('/bplus fix plans from its one review of the head', () => {
  it('reviews the head once before planning, and plans with that review (model and configuration)', async () => {
    const base = fixtureTree();
    const head = violatingVariant(base, 'tr-k8s-6-nodeport').head;
    const fake = new FakeGitHubWithGit({
      owner: OWNER,
      repo: REPO,
      base,
      head,
      headSha: HEAD_SHA,
      pullNumber: 7,
      appId: APP_ID,
      permissions: { maintainer: 'maintain' },
    });
    const host = await fake.start();
    stops.push(() => fake.stop());
    const probot = testProbot(host);
    await probot.load(createApp({ appId: APP_ID, timeoutMs: 60_000, inProgressAfterMs: 60_000 }));
    const payload = webhookPayload('issue_comment.created');
    Object.assign(payload.repository, { name: REPO, owner: { ...payload.repository.owner, login: OWNER } });
    Object.assign(payload.issue, { number: 7, pull_request: { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/7` } });
    const maintainer = { ...payload.sender, login: 'maintainer', type: 'User' as const };
    Object.assign(payload, { comment: { ...payload.comment, body: '/bplus fix', user: maintainer }, sender: maintainer });
    await probot.receive(delivery('one-pass-fix', 'issue_comment', payload));
    expect(fake.allViolations()).toEqual([]);
    expect([...fake.commits.values()]).toHaveLength(1);

    const planned = vi.mocked(fixes.planFixes);
    expect(planned).toHaveBeenCalledTimes(1);
    const reviews = vi.mocked(engineReview.reviewRepository);
    const planOrder = planned.mock.invocationCallOrder[0]!;
    const before = reviews.mock.invocationCallOrder.flatMap((order, i) => (order < planOrder ? [reviews.mock.calls[i]![0].name] : []));
    expect(before).toEqual([expect.stringMatching(new RegExp(`@${HEAD_SHA.slice(0, 7)}$`))]);
    // planFixes gets that review itself, with its model and configuration, not a copy of the findings.
    const review = (await reviews.mock.results[0]!.value) as Review;
    expect(planned.mock.calls[0]![1]).toBe(review);
    expect(review.model).toBeDefined();
    expect(parses()).toBe(1);
  }, 120_000);
});
