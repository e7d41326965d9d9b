/**
 * `/bplus fix` end to end with the real engine, the official `issue_comment.created` and
 * `check_run.requested_action` payloads, and a fake GitHub API that validates every request
 * against the OpenAPI description: one fast-forward commit; never over a concurrent push;
 * suggestions for forks and protected branches; no push for users without write permission;
 * nothing at all for bots; and no plaintext secret in any request body or log line.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import { registerFixCommands, type FixDeps } from '../../src/app/fix/handlers.ts';
import { FIX_ACTION_IDENTIFIER } from '../../src/app/fix/actions.ts';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';
import { unsealSealedSecret } from '../../src/seal/index.ts';
import { CHECK_RUN_NAME } from '../../src/app/check-run.ts';
import { parseAllDocuments } from 'yaml';
import { APP_ID, delivery, HEAD_SHA, OWNER, REPO, testPrivateKey, webhookPayload, type Payload } from '../app/harness.ts';
import { CERT_4096, KEY_4096, leakForms } from '../seal/keys.ts';
import { FakeGitHubWithGit, type FrontOptions } from './fake-git.ts';
import { variantFiles } from './helpers.ts';

const PULL = 7;
const PASSWORD = 'correct-horse-battery-staple';
const JWT = '9f2c4e7a1b8d3f6e0a5c2b9d7e4f1a3c';
const LEAKS = leakForms([PASSWORD, JWT]);

async function trees(): Promise<{ base: Map<string, Buffer>; head: Map<string, Buffer> }> {
  const base = await variantFiles('balance-plus');
  const head = new Map(base);
  for (const variant of ['tr-k8s-9-plain-secret', 'tr-k8s-3-prod-limits-null', 'tr-k8s-9-password-in-values-env']) {
    const files = await variantFiles(variant);
    for (const [p, c] of files) if (c !== base.get(p)) head.set(p, c);
    for (const p of base.keys()) if (!files.has(p)) head.delete(p);
  }
  head.set('.github/sealed-secrets.pem', CERT_4096);
  const toBuffers = (m: Map<string, string>) => new Map([...m].map(([p, c]) => [p, Buffer.from(c)] as const));
  return { base: toBuffers(base), head: toBuffers(head) };
}

interface Setup {
  fake: FakeGitHubWithGit;
  probot: Probot;
  logs: string[];
  head: Map<string, Buffer>;
}

const running: FakeGitHubWithGit[] = [];
afterEach(async () => {
  for (const f of running.splice(0)) await f.stop();
});

async function setup(options: Partial<FrontOptions> = {}): Promise<Setup> {
  const { base, head } = await trees();
  const fake = new FakeGitHubWithGit({
    owner: OWNER,
    repo: REPO,
    base,
    head,
    headSha: HEAD_SHA,
    pullNumber: PULL,
    appId: APP_ID,
    permissions: { maintainer: 'maintain', reader: 'read' },
    ...options,
  });
  running.push(fake);
  const host = await fake.start();
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const probot = new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    baseUrl: `http://${host}/api/v3`,
    log: pino({ level: 'trace' }, stream),
    // Probot replaces a plain `throttle` default with its own: override after its merge.
    Octokit: ProbotOctokit.defaults((options: { throttle?: object }) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...options.throttle, enabled: false },
    })),
  });
  const deps: FixDeps = { review: reviewRepository, appId: APP_ID, timeoutMs: 50_000, inProgressAfterMs: 0 };
  await probot.load((app) => registerFixCommands(app, deps));
  return { fake, probot, logs, head };
}

type CommentPayload = Payload<'issue_comment.created'>;

function commentPayload(body: string, login = 'maintainer', type: 'User' | 'Bot' = 'User'): CommentPayload {
  const payload = webhookPayload('issue_comment.created');
  payload.repository.owner.login = OWNER;
  payload.repository.name = REPO;
  payload.issue.number = PULL;
  // The official example is a plain issue: only `url` of its pull_request link is read.
  Object.assign(payload.issue, { pull_request: { url: `https://api.github.com/repos/${OWNER}/${REPO}/pulls/${PULL}` } });
  payload.comment.body = body;
  payload.comment.user = { ...payload.comment.user!, login, type };
  payload.sender = { ...payload.sender, login, type };
  return payload;
}

async function send(s: Setup, name: 'issue_comment' | 'check_run', payload: CommentPayload | Payload<'check_run.requested_action'>): Promise<void> {
  await s.probot.receive(delivery(`delivery-${Math.random()}`, name, payload));
}

/** Every body the app sent (blob contents decoded) and every log line: no plaintext anywhere. */
function expectNoLeak(s: Setup): void {
  const sent: string[] = [];
  for (const r of s.fake.allRequests()) {
    sent.push(typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? ''), r.path, r.query.toString());
    const b = r.body as { content?: string; encoding?: string } | undefined;
    if (r.path.endsWith('/git/blobs') && b?.content) sent.push(Buffer.from(b.content, 'base64').toString('utf8'));
  }
  for (const text of [...sent, ...s.logs])
    for (const leak of LEAKS) expect(text.includes(leak), `a request or log line holds a plaintext secret form`).toBe(false);
  expect(s.logs.length).toBeGreaterThan(0);
}

describe('/bplus fix', () => {
  it('pushes one fast-forward commit that makes the fixed findings go away, and never leaks a value', async () => {
    const s = await setup();
    await send(s, 'issue_comment', commentPayload('Thanks!\n/bplus fix'));
    expect(s.fake.allViolations()).toEqual([]);
    expect(s.fake.reactions).toEqual([{ comment: expect.any(Number) as unknown, content: 'eyes' }]);
    const commits = [...s.fake.commits.values()];
    expect(commits).toHaveLength(1);
    const commit = commits[0]!;
    expect(commit.parents).toEqual([HEAD_SHA]);
    expect(s.fake.refs.get('feature')).toBe(commit.sha);
    expect(commit.message).toMatch(/^bplus fix: TR-K8S-3, TR-K8S-9/);
    expect(s.fake.trees.get(commit.tree)!.base).toBeTruthy();
    const patch = s.fake.requests.find((r) => r.method === 'PATCH');
    expect((patch!.body as { force: boolean }).force).toBe(false);

    // The committed tree, reviewed again: the fixed findings are gone.
    const fixed = s.fake.committedTree(commit.sha, s.head);
    const after = await reviewRepository(new MemorySource(fixed));
    const failing = after.findings.filter((f) => f.level === 'failure' && ['TR-K8S-3', 'TR-K8S-4', 'TR-K8S-9'].includes(f.ruleId));
    expect(failing).toEqual([]);

    // The SealedSecret decrypts to the original values with the controller's private key.
    const sealedText = fixed.get('charts/platform/templates/secret-postgresql.yaml')!.toString('utf8');
    const sealed = parseAllDocuments(sealedText)
      .map((d) => d.toJS() as { kind?: unknown } | null)
      .find((d) => d?.kind === 'SealedSecret');
    const plain = unsealSealedSecret(sealed, KEY_4096);
    expect(plain.POSTGRES_PASSWORD!.toString('utf8')).toBe(PASSWORD);
    expect(plain.POSTGRES_USER!.toString('utf8')).toBe('balance');
    const moved = fixed.get('charts/platform/templates/sealedsecret-api-gateway-credentials.yaml')!.toString('utf8');
    expect(unsealSealedSecret(parseAllDocuments(moved)[0]!.toJS(), KEY_4096).JWT_SECRET!.toString('utf8')).toBe(JWT);

    expect(s.fake.comments).toHaveLength(1);
    expect(s.fake.comments[0]!.body).toMatch(/pushed [0-9a-f]{7}/);
    expect(s.fake.comments[0]!.body).toMatch(/rotate/);
    expectNoLeak(s);
  });

  it("applies a redelivered /bplus fix once (the App's 👀 reaction already exists: GitHub answers 200)", async () => {
    const s = await setup();
    const payload = commentPayload('/bplus fix');
    await send(s, 'issue_comment', payload);
    const comments = s.fake.comments.length;
    await send(s, 'issue_comment', structuredClone(payload));
    expect([...s.fake.commits.values()]).toHaveLength(1);
    expect(s.fake.comments.length).toBe(comments);
    expect(s.logs.join('')).toMatch(/command already taken \(a redelivery\)/);
  });

  it('pushes nothing when the branch moved before the update (the ref no longer is the reviewed commit)', async () => {
    const s = await setup();
    const other = 'c'.repeat(40);
    s.fake.onGetRef = () => s.fake.pushConcurrently(other);
    await send(s, 'issue_comment', commentPayload('/bplus fix TR-K8S-3'));
    expect(s.fake.requests.some((r) => r.method === 'PATCH')).toBe(false);
    expect(s.fake.refs.get('feature')).toBe(other);
    expect(s.fake.comments.at(-1)!.body).toMatch(/moved on.*pushed nothing/s);
    expect(s.fake.allViolations()).toEqual([]);
    expectNoLeak(s);
  });

  it('never overwrites a push that lands between the check and the update (422, not forced)', async () => {
    const s = await setup();
    const other = 'd'.repeat(40);
    s.fake.onUpdateRef = () => s.fake.pushConcurrently(other);
    await send(s, 'issue_comment', commentPayload('/bplus fix'));
    expect(s.fake.refs.get('feature')).toBe(other);
    expect(s.fake.comments.at(-1)!.body).toMatch(/pushed nothing/);
    expect(s.fake.allViolations()).toEqual([]);
    expectNoLeak(s);
  });

  it('gives a fork a review with suggestions instead of a commit', async () => {
    const s = await setup({ fork: true });
    await send(s, 'issue_comment', commentPayload('/bplus fix'));
    expect(s.fake.gitWrites()).toEqual([]);
    expect(s.fake.reviews).toHaveLength(1);
    const review = s.fake.reviews[0]!;
    expect(review.commit_id).toBe(HEAD_SHA);
    expect(review.event).toBe('COMMENT');
    const bodies = [review.body, ...review.comments!.map((c) => c.body)].join('\n');
    expect(bodies).toMatch(/```suggestion/);
    expect(s.fake.comments.at(-1)!.body).toMatch(/fork/);
    expect(s.fake.allViolations()).toEqual([]);
    expectNoLeak(s);
  });

  it('falls back to suggestions when the branch is protected', async () => {
    const s = await setup({ protectedBranch: true });
    await send(s, 'issue_comment', commentPayload('/bplus fix TR-K8S-3'));
    expect(s.fake.reviews).toHaveLength(1);
    expect(s.fake.comments.at(-1)!.body).toMatch(/cannot push/);
    expect(s.fake.allViolations()).toEqual([]);
  });

  it('does not push for a user without write permission, and says so politely', async () => {
    const s = await setup();
    await send(s, 'issue_comment', commentPayload('/bplus fix', 'reader'));
    expect(s.fake.gitWrites()).toEqual([]);
    expect(s.fake.reviews).toEqual([]);
    expect(s.fake.comments).toHaveLength(1);
    expect(s.fake.comments[0]!.body).toMatch(/Only people with write, maintain or admin permission/);
    expect(s.fake.allViolations()).toEqual([]);
  });

  it('ignores a command from a bot entirely', async () => {
    const s = await setup();
    await send(s, 'issue_comment', commentPayload('/bplus fix', 'bplus[bot]', 'Bot'));
    expect(s.fake.allRequests()).toEqual([]);
  });

  it('answers /bplus help and ignores comments without a command', async () => {
    const s = await setup();
    await send(s, 'issue_comment', commentPayload('looks good to me'));
    expect(s.fake.allRequests()).toEqual([]);
    await send(s, 'issue_comment', commentPayload('/bplus help'));
    expect(s.fake.comments).toHaveLength(1);
    expect(s.fake.comments[0]!.body).toMatch(/\/bplus fix TR-K8S-3 TR-K8S-9/);
  });

  it('/bplus check re-runs the review and reports the conclusion in one comment', async () => {
    const s = await setup();
    await send(s, 'issue_comment', commentPayload('/bplus check'));
    const runs = [...s.fake.inner.checkRuns.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ head_sha: HEAD_SHA, status: 'completed', conclusion: 'failure' });
    expect(s.fake.comments).toHaveLength(1);
    expect(s.fake.comments[0]!.body).toMatch(/reviewed ec26c3e again: \*\*failure\*\*/);
    expect(s.fake.gitWrites()).toEqual([]);
    expect(s.fake.allViolations()).toEqual([]);
    expectNoLeak(s);
  });

  it("fixes from the check run's Fix button, on the commit that run reviewed", async () => {
    const s = await setup();
    const payload = webhookPayload('check_run.requested_action');
    payload.repository.owner.login = OWNER;
    payload.repository.name = REPO;
    payload.check_run.name = CHECK_RUN_NAME;
    payload.check_run.head_sha = HEAD_SHA;
    payload.check_run.app = { ...payload.check_run.app!, id: APP_ID };
    // Only the fields the app reads: the number and the two commits.
    Object.assign(payload.check_run, {
      pull_requests: [{ number: PULL, head: { sha: HEAD_SHA, ref: 'feature' }, base: { sha: 'b'.repeat(40), ref: 'main' } }],
    });
    payload.requested_action = { identifier: FIX_ACTION_IDENTIFIER };
    payload.sender = { ...payload.sender, login: 'maintainer', type: 'User' };
    await send(s, 'check_run', payload);
    expect(s.fake.commits.size).toBe(1);
    expect(s.fake.allViolations()).toEqual([]);
    expectNoLeak(s);
  });
});
