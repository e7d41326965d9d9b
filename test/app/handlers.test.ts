/**
 * The handlers driven by GitHub's official example payloads, against the fake API. The engine is
 * a stub here (its verdicts are tested elsewhere): these tests are about events, check runs,
 * annotations, configuration, idempotency and ordering. Every request is checked against the
 * OpenAPI description by the fake.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Probot } from 'probot';
import { createApp } from '../../src/app/index.ts';
import type { ReviewFunction } from '../../src/app/engine-jobs.ts';
import type { ReviewResult } from '../../src/engine/api.ts';
import type { BplusConfig } from '../../src/config/schema.ts';
import type { Finding } from '../../src/types.ts';
import { CHECK_RUN_NAME } from '../../src/app/check-run.ts';
import { FakeGitHub, type Tree } from './fake-github.ts';
import { APP_ID, delivery, fixtureTree, HEAD_SHA, OWNER, pullRequestPayload, REPO, testProbot, webhookPayload } from './harness.ts';

// These tests count the requests of one review each: no blobs kept from the previous test's review.
process.env.BPLUS_BLOB_CACHE_MB = '0';
const VALUES = 'charts/api-gateway/values-prod.yaml';

function finding(path: string, line: number, level: Finding['level'] = 'failure', ruleId = 'TR-K8S-3'): Finding {
  return { path, line, column: 3, endLine: line, endColumn: 9, ruleId, level, message: `finding at ${line}`, messageId: 'm', title: 'Requests and limits' };
}

function summaryOf(findings: Finding[]): ReviewResult['summary'] {
  return {
    files: 40,
    yamlFiles: 30,
    charts: 8,
    serviceCharts: 4,
    environments: ['prod'],
    failures: findings.filter((f) => f.level === 'failure').length,
    warnings: 0,
    notices: 0,
    rules: [{ ruleId: 'TR-K8S-3', title: 'Requests and limits', level: 'failure', count: findings.length, docsUrl: '' }],
    durationMs: 5,
  };
}

/** What the App wrote in a check-run request (the fake API validated it against GitHub's schema). */
function written(request: { body?: unknown }): { status?: string; conclusion?: string; output: { annotations?: unknown[] } } {
  return request.body as { status?: string; conclusion?: string; output: { annotations?: unknown[] } };
}

/** A stand-in engine: reads every YAML file the way the engine does, then reports `findings`. */
function stubReview(findings: Finding[] | (() => Finding[]), seen?: { config?: BplusConfig }): ReviewFunction {
  return async (source, options) => {
    if (seen) seen.config = options?.config?.config;
    const files = await source.list();
    await Promise.all(files.filter((f) => /\.ya?ml$/.test(f.path)).map((f) => source.read(f.path)));
    const list = typeof findings === 'function' ? findings() : findings;
    return { findings: list, summary: summaryOf(list) };
  };
}

/** The head: the fixture with lines 6-12 of api-gateway's production values rewritten. */
function headTree(base: Tree): Tree {
  const head = new Map(base);
  const lines = base.get(VALUES)!.toString('utf8').split('\n');
  for (let i = 5; i < 12 && i < lines.length; i++) if (lines[i]!.trim()) lines[i] = lines[i] + ' # edited';
  head.set(VALUES, Buffer.from(lines.join('\n')));
  return head;
}

describe('GitHub App handlers (official payloads, fake GitHub API, OpenAPI-validated requests)', () => {
  const base = fixtureTree();
  let fake: FakeGitHub;
  let probot: Probot;

  async function setUp(options: { head?: Tree; base?: Tree; orgConfig?: string; review: ReviewFunction; timeoutMs?: number; inProgressAfterMs?: number }) {
    fake = new FakeGitHub({
      owner: OWNER,
      repo: REPO,
      base: options.base ?? base,
      head: options.head ?? headTree(base),
      headSha: HEAD_SHA,
      pullNumber: 2,
      appId: APP_ID,
      orgConfig: options.orgConfig,
    });
    await fake.start();
    probot = testProbot(fake.host);
    await probot.load(
      createApp({ review: options.review, appId: APP_ID, timeoutMs: options.timeoutMs ?? 10_000, inProgressAfterMs: options.inProgressAfterMs ?? 1_000 }),
    );
  }

  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.stop();
  });

  const onlyRun = () => {
    expect(fake.checkRuns.size).toBe(1);
    return [...fake.checkRuns.values()][0]!;
  };

  it.each(['opened', 'synchronize', 'reopened', 'ready_for_review'])('pull_request.%s → one completed check run', async (action) => {
    await setUp({ review: stubReview([finding(VALUES, 8), finding('charts/frontend/values.yaml', 3, 'warning')]) });
    await probot.receive(delivery(`d-${action}`, 'pull_request', pullRequestPayload(action)));
    const run = onlyRun();
    expect(run).toMatchObject({ name: CHECK_RUN_NAME, head_sha: HEAD_SHA, external_id: HEAD_SHA, status: 'completed', conclusion: 'failure' });
    // Line 8 was changed: annotated. The frontend finding is outside the diff: summary only.
    expect(run.annotations).toEqual([expect.objectContaining({ path: VALUES, start_line: 8, annotation_level: 'failure', start_column: 3, end_column: 9 })]);
    expect(run.output.summary).toContain('charts/frontend/values.yaml:3');
    expect(run.output.summary).toContain('https://github.com/balance-plus/bplus/blob/main/docs/rules/TR-K8S-3.md');
  });

  it('reads a 40-file head with a bounded number of requests', async () => {
    await setUp({ review: stubReview([]) });
    await probot.receive(delivery('d1', 'pull_request', pullRequestPayload()));
    expect(onlyRun().conclusion).toBe('success');
    const calls = fake.apiRequests().map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c.includes('/git/blobs/'))).toEqual([]);
    expect(calls.filter((c) => c.endsWith('/graphql'))).toHaveLength(1);
    // lookup, config, files, tree, GraphQL (contents + head), create completed
    expect(calls.length).toBe(6);
  });

  it('a slow review shows the run in progress first, then completes the same run', async () => {
    await setUp({ review: stubReview([finding(VALUES, 8)]), inProgressAfterMs: 0 });
    await probot.receive(delivery('slow', 'pull_request', pullRequestPayload()));
    const writes = fake.requests.filter((r) => r.method !== 'GET' && r.path.includes('/check-runs'));
    expect(writes.map((w) => `${w.method} ${written(w).status}`)).toEqual(['POST in_progress', 'PATCH completed']);
    expect(onlyRun()).toMatchObject({ status: 'completed', conclusion: 'failure' });
  });

  it('a fast review creates the run completed in one request', async () => {
    await setUp({ review: stubReview([]) });
    await probot.receive(delivery('fast', 'pull_request', pullRequestPayload()));
    const writes = fake.requests.filter((r) => r.method !== 'GET' && r.path.includes('/check-runs'));
    expect(writes.map((w) => `${w.method} ${written(w).status}/${written(w).conclusion}`)).toEqual(['POST completed/success']);
  });

  it('a redelivery (same X-GitHub-Delivery) updates the same check run', async () => {
    await setUp({ review: stubReview([finding(VALUES, 8)]) });
    const payload = pullRequestPayload();
    await probot.receive(delivery('same-delivery', 'pull_request', payload));
    await probot.receive(delivery('same-delivery', 'pull_request', payload));
    await probot.receive(delivery('other-event-same-head', 'pull_request', pullRequestPayload('synchronize')));
    const run = onlyRun();
    expect(run.status).toBe('completed');
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/check-runs'))).toHaveLength(1);
  });

  it('sends 120 annotations in batches of at most 50, completing with the first', async () => {
    const many = Array.from({ length: 120 }, (_, i) => finding(VALUES, 6 + (i % 6)));
    await setUp({ review: stubReview(many) });
    await probot.receive(delivery('d2', 'pull_request', pullRequestPayload()));
    const run = onlyRun();
    expect(run.annotations).toHaveLength(120);
    const writes = fake.requests.filter((r) => r.method !== 'GET' && r.path.includes('/check-runs'));
    expect(writes.map((p) => `${p.method} ${written(p).output.annotations?.length}`)).toEqual(['POST 50', 'PATCH 50', 'PATCH 20']);
    expect(written(writes[0]!).conclusion).toBe('failure');
    expect(writes.slice(1).every((p) => written(p).conclusion === undefined)).toBe(true);
  });

  it('an engine error completes the run as neutral with the reason', async () => {
    await setUp({ review: () => Promise.reject(new Error('values.yaml exploded')) });
    await probot.receive(delivery('d3', 'pull_request', pullRequestPayload()));
    const run = onlyRun();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(run.output.title).toBe('Review could not complete');
    expect(run.output.summary).toContain('values.yaml exploded');
  });

  it('a review past its time budget completes as neutral instead of staying in progress', async () => {
    await setUp({ review: () => new Promise(() => {}), timeoutMs: 200 });
    await probot.receive(delivery('d4', 'pull_request', pullRequestPayload()));
    expect(onlyRun()).toMatchObject({ status: 'completed', conclusion: 'neutral' });
    expect(onlyRun().output.summary).toContain('did not finish within');
  });

  it('a review overtaken by a push completes as neutral "superseded", without annotations', async () => {
    const newer = 'f'.repeat(40);
    await setUp({
      review: stubReview(() => {
        fake.movePullRequestHead(newer);
        return [finding(VALUES, 8)];
      }),
    });
    fake.movePullRequestHead(newer);
    await probot.receive(delivery('d5', 'pull_request', pullRequestPayload()));
    const run = onlyRun();
    expect(run).toMatchObject({ head_sha: HEAD_SHA, conclusion: 'neutral' });
    expect(run.output.title).toBe(`Superseded by ${newer.slice(0, 7)}`);
    expect(run.annotations).toEqual([]);
  });

  it('review.failOn: changed fails only on findings on changed lines', async () => {
    const withConfig = new Map(base);
    withConfig.set('.github/bplus.yml', Buffer.from('review:\n  failOn: changed\n'));
    const seen: { config?: BplusConfig } = {};
    await setUp({ base: withConfig, head: headTree(withConfig), review: stubReview([finding('charts/frontend/values.yaml', 3)], seen) });
    await probot.receive(delivery('d6', 'pull_request', pullRequestPayload()));
    expect(onlyRun().conclusion).toBe('success');
    expect(seen.config?.review.failOn).toBe('changed');
  });

  it('review.neutral from the organisation .github repository (via _extends) makes failures neutral', async () => {
    const withConfig = new Map(base);
    withConfig.set('.github/bplus.yml', Buffer.from('_extends: .github\n'));
    await setUp({ base: withConfig, head: headTree(withConfig), orgConfig: 'review:\n  neutral: true\n', review: stubReview([finding(VALUES, 8)]) });
    await probot.receive(delivery('d7', 'pull_request', pullRequestPayload()));
    expect(onlyRun().conclusion).toBe('neutral');
    expect(fake.requests.some((r) => decodeURIComponent(r.path) === `/repos/${OWNER}/.github/contents/.github/bplus.yml`)).toBe(true);
  });

  it('validates a configuration edited in the pull request and annotates its problems', async () => {
    const head = headTree(base);
    head.set('.github/bplus.yml', Buffer.from('review:\n  failOn: sometimes\n'));
    const seen: { config?: BplusConfig } = {};
    await setUp({ head, review: stubReview([], seen), base: new Map([...base].filter(([p]) => p !== '.github/bplus.yml')) });
    await probot.receive(delivery('d8', 'pull_request', pullRequestPayload()));
    const run = onlyRun();
    expect(run.conclusion).toBe('failure');
    expect(run.annotations.map((a) => [a.path, a.title?.split(':')[0]])).toEqual([['.github/bplus.yml', 'config']]);
    // The edit does not apply to its own review.
    expect(seen.config?.review.failOn).toBe('all');
  });

  it('check_run.rerequested for our run updates that run', async () => {
    await setUp({ review: stubReview([]), inProgressAfterMs: 0 });
    await probot.receive(delivery('d9', 'pull_request', pullRequestPayload()));
    const first = onlyRun();
    const payload = webhookPayload('check_run.rerequested');
    Object.assign(payload.check_run, { id: first.id, name: CHECK_RUN_NAME, head_sha: HEAD_SHA, app: { ...payload.check_run.app, id: APP_ID } });
    Object.assign(payload.check_run, { pull_requests: [{ number: 2, head: { sha: HEAD_SHA }, base: { sha: fake.baseSha } }] });
    Object.assign(payload.repository, { name: REPO, owner: { ...payload.repository.owner, login: OWNER } });
    await probot.receive(delivery('d10', 'check_run', payload));
    expect(onlyRun()).toMatchObject({ id: first.id, status: 'completed', conclusion: 'success' });
    expect(fake.requests.filter((r) => r.method === 'PATCH' && written(r).status === 'in_progress')).toHaveLength(1);
  });

  it("check_run.rerequested for another app's check is ignored", async () => {
    await setUp({ review: stubReview([]) });
    const payload = webhookPayload('check_run.rerequested');
    await probot.receive(delivery('d11', 'check_run', payload));
    expect(fake.requests).toEqual([]);
  });

  it('check_suite.rerequested reviews the suite head (whole commit when no pull request is named)', async () => {
    await setUp({ review: stubReview([finding(VALUES, 8)]) });
    const payload = webhookPayload('check_suite.rerequested');
    Object.assign(payload.check_suite, { head_sha: HEAD_SHA, pull_requests: [] });
    Object.assign(payload.repository, { name: REPO, owner: { ...payload.repository.owner, login: OWNER } });
    await probot.receive(delivery('d12', 'check_suite', payload));
    const run = onlyRun();
    expect(run).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(run.annotations).toEqual([]);
    expect(run.output.summary).toContain(`${VALUES}:8`);
  });

  it('pull_request actions outside the list (closed) send no request', async () => {
    await setUp({ review: stubReview([]) });
    await probot.receive(delivery('d13', 'pull_request', pullRequestPayload('closed')));
    expect(fake.requests).toEqual([]);
  });
});

describe('OpenAPI validator', () => {
  let validator: import('./openapi-validator.ts').OpenApiValidator;
  beforeAll(async () => {
    validator = (await import('./openapi-validator.ts')).OpenApiValidator.shared();
  });
  afterAll(() => undefined);

  it('refuses unknown paths, unknown methods, bad bodies and a completed run without conclusion', () => {
    const q = new URLSearchParams();
    expect(validator.validate({ method: 'GET', path: '/repos/o/r/no-such-thing', query: q, body: undefined })).toHaveLength(1);
    expect(validator.validate({ method: 'DELETE', path: '/repos/o/r/check-runs/1', query: q, body: undefined })[0]).toMatch(/no DELETE/);
    expect(validator.validate({ method: 'POST', path: '/repos/o/r/check-runs', query: q, body: { head_sha: 'x' } }).join()).toMatch(/name/);
    expect(validator.validate({ method: 'PATCH', path: '/repos/o/r/check-runs/1', query: q, body: { status: 'completed' } }).join()).toMatch(
      /requires a conclusion/,
    );
    expect(validator.validate({ method: 'PATCH', path: '/repos/o/r/check-runs/1', query: q, body: { status: 'completed', conclusion: 'neutral' } })).toEqual(
      [],
    );
    expect(
      validator.validate({ method: 'GET', path: '/repos/o/r/pulls/1/files', query: new URLSearchParams('per_page=100&bogus=1'), body: undefined }).join(),
    ).toMatch(/bogus/);
  });
});
