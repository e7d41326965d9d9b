/**
 * No review lost, none doubled: each fault injected by the fake GitHub API on each endpoint a
 * review uses, once (transient) or on every request (persistent), with the production runtime
 * (runtime.ts: retrying fetch, per-installation throttling) and the real engine. The run is
 * shown in progress first, so that both the create and the update of a check run are exercised.
 * Every case asserts exactly one completed check run for the commit.
 */
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/index.ts';
import { withDelivery } from '../../src/app/delivery-context.ts';
import { createRuntime } from '../../src/app/runtime.ts';
import { FakeGitHub, type Fault } from './fake-github.ts';
import { APP_ID, fixtureTree, OWNER, pullRequestPayload, REPO, testPrivateKey, violatingVariant, WEBHOOK_SECRET } from './harness.ts';

const ENDPOINTS: Record<string, { method: string; path: RegExp }> = {
  'installation token': { method: 'POST', path: /^\/app\/installations\/\d+\/access_tokens$/ },
  'check-run lookup': { method: 'GET', path: /\/commits\/[0-9a-f]{40}\/check-runs$/ },
  'git tree': { method: 'GET', path: /\/git\/trees\// },
  'configuration (contents)': { method: 'GET', path: /\/contents\// },
  'pull request files': { method: 'GET', path: /\/pulls\/\d+\/files$/ },
  'GraphQL blobs': { method: 'POST', path: /^\/api\/graphql$/ },
  'check-run create': { method: 'POST', path: /\/check-runs$/ },
  'check-run update': { method: 'PATCH', path: /\/check-runs\/\d+$/ },
};

const TRANSIENT: Array<Pick<Fault, 'kind' | 'retryAfterSeconds' | 'hangMs'>> = [
  { kind: 'status-500' },
  { kind: 'secondary-403', retryAfterSeconds: 1 },
  { kind: 'status-429', retryAfterSeconds: 1 },
  { kind: 'primary-403', retryAfterSeconds: 1 },
  // Longer than one attempt's limit (1 s here): the request is abandoned and sent again.
  { kind: 'hang', hangMs: 2_500 },
  // GitHub did the work; the answer never arrived.
  { kind: 'lost' },
];

// Each case injects a fault on every endpoint once: blobs kept from the previous case's review
// would spare the GraphQL query its fault.
process.env.BPLUS_BLOB_CACHE_MB = '0';
const base = fixtureTree();
const variant = violatingVariant(base, 'tr-k8s-3-no-limits');
let nextInstallation = 90_000;

async function reviewWith(faults: Fault[]) {
  const installation = ++nextInstallation;
  // A commit per case: reviews of one commit running in one process are joined.
  const headSha = installation.toString(16).padStart(40, 'd');
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head: variant.head, headSha, pullNumber: 2, appId: APP_ID });
  for (const fault of faults) fake.inject(fault);
  await fake.start();
  const runtime = createRuntime({
    env: { APP_ID: String(APP_ID), PRIVATE_KEY: testPrivateKey(), WEBHOOK_SECRET, GHE_HOST: fake.host, GHE_PROTOCOL: 'http', LOG_LEVEL: 'fatal' },
    retry: { attemptTimeoutMs: 1_000, backoffMs: 50, maxWaitMs: 5_000, reserveMs: 500 },
  });
  await runtime.probot.load(createApp({ appId: APP_ID, locks: runtime.locks, inProgressAfterMs: 0, timeoutMs: 25_000, burstSize: Infinity }));
  const payload = pullRequestPayload('opened', headSha);
  payload.installation.id = installation;
  const id = `fault-${installation}`;
  let error: unknown;
  await withDelivery({ id, deadline: Date.now() + 40_000 }, () => runtime.probot.receive({ id, name: 'pull_request', payload: payload as never })).catch(
    (e: unknown) => (error = e),
  );
  // A hung request finishes on the fake's side after the client gave up: let it land.
  await new Promise((resolve) => setTimeout(resolve, faults.some((f) => f.kind === 'hang') ? 2_000 : 100));
  await runtime.close();
  await fake.stop();
  const runs = fake.runsFor(headSha);
  return { fake, runs, completed: runs.filter((r) => r.status === 'completed'), error, hits: fake.faults.reduce((n, f) => n + f.hits, 0) };
}

describe('faults injected on every endpoint a review uses', () => {
  for (const fault of TRANSIENT) {
    it(`${fault.kind} once on each endpoint: retried, one completed run with the real verdict`, async () => {
      const results = await Promise.all(
        Object.entries(ENDPOINTS).map(async ([name, endpoint]) => [name, await reviewWith([{ ...endpoint, ...fault, times: 1 }])] as const),
      );
      for (const [name, result] of results) {
        expect(result.hits, `${name}: the fault was not hit`).toBe(1);
        expect(
          result.completed.map((r) => r.conclusion),
          `${name}: ${result.error instanceof Error ? result.error.message : 'no error'}`,
        ).toEqual(['failure']);
        expect(result.runs, name).toHaveLength(1);
        expect(result.fake.violations, name).toEqual([]);
      }
    }, 120_000);
  }

  it('persistent failures of the reads: one completed NEUTRAL run saying why, never a failure', async () => {
    const reads = ['git tree', 'configuration (contents)', 'pull request files', 'GraphQL blobs'];
    const results = await Promise.all(
      reads.map(async (name) => [name, await reviewWith([{ ...ENDPOINTS[name]!, kind: 'status-500', times: Infinity }])] as const),
    );
    for (const [name, result] of results) {
      expect(result.completed, name).toHaveLength(1);
      expect(result.completed[0]!.conclusion, name).toBe('neutral');
      expect(result.completed[0]!.output.title, name).toBe('Review could not complete');
      expect(result.completed[0]!.annotations, name).toEqual([]);
    }
  }, 120_000);

  it('a lookup that keeps failing does not throw the review away: the run is created', async () => {
    const result = await reviewWith([{ ...ENDPOINTS['check-run lookup']!, kind: 'status-500', times: Infinity }]);
    expect(result.completed.map((r) => r.conclusion)).toEqual(['failure']);
    expect(result.runs).toHaveLength(1);
  }, 60_000);

  it('an update that keeps failing still leaves one completed neutral run', async () => {
    const result = await reviewWith([{ ...ENDPOINTS['check-run update']!, kind: 'status-500', times: Infinity }]);
    expect(result.completed).toHaveLength(1);
    expect(result.completed[0]!.conclusion).toBe('neutral');
    expect(result.completed[0]!.output.summary).toMatch(/GitHub did not accept its report/);
  }, 60_000);

  it('when GitHub refuses every write, there is no run and the delivery fails without crashing', async () => {
    const result = await reviewWith([
      { ...ENDPOINTS['check-run create']!, kind: 'status-500', times: Infinity },
      { ...ENDPOINTS['check-run update']!, kind: 'status-500', times: Infinity },
    ]);
    expect(result.runs).toHaveLength(0);
    expect(result.error).toBeDefined();
  }, 60_000);
});
