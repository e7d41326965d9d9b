/**
 * Two instances of the App (two server processes, as two Vercel instances would be) in front of
 * one GitHub: with REDIS_URL, a real Redis from Debian started here, they space one
 * installation's writes together and review one commit once. Without Redis, the same burst
 * shows why it matters (writes of the two instances land together).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitHub, type RecordedRequest } from './fake-github.ts';
import { APP_ID, appEnvironment, fixtureTree, freePort, OWNER, pullRequestPayload, REPO, ROOT, violatingVariant, deliveryHeaders } from './harness.ts';

const redisServer = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
if (!redisServer) console.warn('Redis tests skipped: redis-server is not installed (apt-get install redis-server; .ci/run does it)');

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface Instance {
  process: ChildProcess;
  url: string;
  log: string;
}

async function startInstance(fake: FakeGitHub, redisUrl?: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/app/server.ts')], {
    cwd: ROOT,
    env: appEnvironment(fake.host, {
      HOME: process.env.HOME ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const instance: Instance = { process: child, url: `http://127.0.0.1:${port}`, log: '' };
  child.stdout.on('data', (c: Buffer) => (instance.log += c.toString()));
  child.stderr.on('data', (c: Buffer) => (instance.log += c.toString()));
  await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`server exited:\n${instance.log}`);
    return (await fetch(`${instance.url}/ping`).catch(() => undefined))?.ok === true;
  }, 'the server to start');
  return instance;
}

async function deliver(instance: Instance, id: string, payload: Record<string, any>, action = 'opened') {
  payload.action = action;
  const body = JSON.stringify(payload);
  const response = await fetch(`${instance.url}/api/github/webhooks`, {
    method: 'POST',
    headers: await deliveryHeaders('pull_request', id, body),
    body,
  });
  return response.status;
}

function writeGaps(requests: RecordedRequest[], installation: number): number[] {
  const times = requests
    .filter((r) => r.installation === installation && (r.method === 'POST' || r.method === 'PATCH') && /\/check-runs/.test(r.path))
    .map((r) => r.at)
    .sort((a, b) => a - b);
  return times.slice(1).map((t, i) => t - times[i]!);
}

describe.skipIf(!redisServer)('two instances sharing GitHub’s limits through Redis', () => {
  const base = fixtureTree();
  const variant = violatingVariant(base, 'tr-k8s-3-no-limits');
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head: variant.head, headSha: 'e'.repeat(40), pullNumber: 1, appId: APP_ID, latencyMs: 20 });
  let redis: ChildProcess | undefined;
  const instances: Instance[] = [];
  let redisUrl = '';

  beforeAll(async () => {
    await fake.start();
    const port = await freePort();
    redis = spawn(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    redisUrl = `redis://127.0.0.1:${port}`;
    await waitFor(
      () =>
        new Promise<boolean>((resolve) => {
          const socket = new Socket();
          socket.once('connect', () => {
            socket.destroy();
            resolve(true);
          });
          socket.once('error', () => resolve(false));
          socket.connect(port, '127.0.0.1');
        }),
      'redis-server',
    );
  }, 60_000);

  afterAll(async () => {
    for (const instance of instances) instance.process.kill('SIGTERM');
    redis?.kill('SIGTERM');
    await fake.stop();
  });

  let nextPull = 200;
  function pullRequests(count: number, installation: number) {
    return Array.from({ length: count }, () => {
      const number = nextPull++;
      const sha = number.toString(16).padStart(40, 'c');
      fake.addPullRequest(number, sha);
      const payload = pullRequestPayload('opened', sha);
      payload.pull_request.number = number;
      payload.installation.id = installation;
      return { sha, payload };
    });
  }

  it('with Redis, one installation’s writes from both instances are spaced a second apart', async () => {
    const pair = [await startInstance(fake, redisUrl), await startInstance(fake, redisUrl)];
    instances.push(...pair);
    const prs = pullRequests(6, 7001);
    await Promise.all(prs.map((pr, i) => deliver(pair[i % 2]!, `redis-pace-${i}`, pr.payload)));
    await waitFor(() => prs.every((pr) => fake.runsFor(pr.sha).some((r) => r.status === 'completed')), 'six completed runs');
    const gaps = writeGaps(fake.requests, 7001);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    // Bottleneck spaces the starts one second apart. What the fake sees is the arrival, which a
    // loaded machine can delay by a few hundred milliseconds for one request (seen: 627 ms for a
    // late first write followed by 988, 999...). So: no two writes closer than half the spacing
    // (without Redis they land together, under 500 ms: the next test), and the whole burst takes
    // at least the spacing times its gaps, less one request's delay.
    expect(Math.min(...gaps), JSON.stringify(gaps)).toBeGreaterThanOrEqual(500);
    const span = gaps.reduce((sum, gap) => sum + gap, 0);
    expect(span, JSON.stringify(gaps)).toBeGreaterThanOrEqual(gaps.length * 1000 - 500);
    for (const pr of prs) expect(fake.runsFor(pr.sha)).toHaveLength(1);
    for (const instance of pair) instance.process.kill('SIGTERM');
  }, 120_000);

  it('without Redis, the same burst lands writes of the two instances together (what Redis prevents)', async () => {
    const pair = [await startInstance(fake), await startInstance(fake)];
    instances.push(...pair);
    const prs = pullRequests(6, 7002);
    await Promise.all(prs.map((pr, i) => deliver(pair[i % 2]!, `local-pace-${i}`, pr.payload)));
    await waitFor(() => prs.every((pr) => fake.runsFor(pr.sha).some((r) => r.status === 'completed')), 'six completed runs');
    expect(Math.min(...writeGaps(fake.requests, 7002))).toBeLessThan(500);
    for (const instance of pair) instance.process.kill('SIGTERM');
  }, 120_000);

  it('with Redis, one commit delivered to both instances at once (opened + synchronize) gets one run', async () => {
    const pair = [await startInstance(fake, redisUrl), await startInstance(fake, redisUrl)];
    instances.push(...pair);
    const [pr] = pullRequests(1, 7003);
    const statuses = await Promise.all([
      deliver(pair[0]!, 'redis-same-1', structuredClone(pr!.payload), 'opened'),
      deliver(pair[1]!, 'redis-same-2', structuredClone(pr!.payload), 'synchronize'),
    ]);
    expect(statuses.every((s) => s === 200 || s === 202)).toBe(true);
    await waitFor(() => fake.runsFor(pr!.sha).some((r) => r.status === 'completed'), 'a completed run');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.runsFor(pr!.sha)).toHaveLength(1);
    expect(fake.runsFor(pr!.sha)[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(fake.violations).toEqual([]);
  }, 120_000);
});
