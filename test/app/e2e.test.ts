/**
 * End to end: the real server process (`src/app/server.ts`, as `npm start` runs it) with the real
 * engine, configured for GitHub Enterprise Server at a local fake API (`GHE_HOST=127.0.0.1:PORT`,
 * `GHE_PROTOCOL=http`) that serves the fixture repository. Webhooks are signed and delivered over
 * HTTP as GitHub does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';
import { appliedConfig } from '../../src/app/config.ts';
import { diffFromFiles, type ChangedFile } from '../../src/app/pull-request-diff.ts';
import { CHECK_RUN_NAME, splitByDiff } from '../../src/app/check-run.ts';
import { diffTrees, FakeGitHub } from './fake-github.ts';
import {
  APP_ID,
  fixtureTree,
  HEAD_SHA,
  OWNER,
  pullRequestPayload,
  REPO,
  ROOT,
  violatingVariant,
  appEnvironment,
  freePort,
  deliveryHeaders,
} from './harness.ts';

const VARIANT = 'tr-k8s-3-no-limits';

describe('the server process reviews a pull request on the fixture repository', () => {
  const base = fixtureTree();
  const variant = violatingVariant(base, VARIANT);
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head: variant.head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID });
  let server: ChildProcess;
  let webhookUrl = '';
  let output = '';

  beforeAll(async () => {
    await fake.start();
    const port = await freePort();
    server = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/app/server.ts')], {
      cwd: ROOT,
      env: appEnvironment(fake.host, { HOME: process.env.HOME ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    webhookUrl = `http://127.0.0.1:${port}/api/github/webhooks`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ping = await fetch(`http://127.0.0.1:${port}/ping`).catch(() => undefined);
      if (ping?.ok) break;
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  afterAll(async () => {
    server?.kill('SIGTERM');
    await fake.stop();
  });

  async function deliver(event: string, id: string, payload: object, signature?: string) {
    const body = JSON.stringify(payload);
    return fetch(webhookUrl, {
      method: 'POST',
      headers: await deliveryHeaders(event, id, body, signature),
      body,
    });
  }

  it('a signed pull_request.opened yields one completed check run with the engine’s findings annotated', async () => {
    const response = await deliver('pull_request', 'delivery-1', pullRequestPayload('opened'));
    expect(response.status, output).toBe(200);
    expect(fake.checkRuns.size).toBe(1);
    const run = [...fake.checkRuns.values()][0]!;
    expect(run).toMatchObject({ name: CHECK_RUN_NAME, head_sha: HEAD_SHA, status: 'completed', conclusion: 'failure' });

    // What the fixture's expect.yaml says must be found is annotated where it says.
    const annotated = run.annotations.map((a) => `${a.path}:${a.start_line} ${a.annotation_level} ${String(a.title).split(':')[0]}`);
    for (const f of variant.expected) expect(annotated).toContain(`${f.path}:${f.line} ${f.level} ${f.ruleId}`);

    // And exactly the engine's findings on changed lines, nothing more: the same engine run
    // locally over the same head with the same (default-branch) configuration.
    const config = appliedConfig(parseYaml(base.get('.github/bplus.yml')!.toString()) as Record<string, unknown>);
    const local = await reviewRepository(new MemorySource(variant.head), { config: config.loaded });
    const diff = diffFromFiles(diffTrees(base, variant.head) as unknown as ChangedFile[]);
    const texts = new Map([...variant.head].map(([file, content]) => [file, content.toString('utf8')]));
    const expected = splitByDiff(local.findings, diff, texts).inDiff.map((f) => `${f.path}:${f.line} ${f.level} ${f.ruleId}`);
    expect([...annotated].sort()).toEqual([...expected].sort());
    expect(fake.violations).toEqual([]);
    // Every request went through the GHES layout.
    expect(fake.requests.every((r) => r.path !== '/graphql')).toBe(true);
  });

  it('a redelivery (same X-GitHub-Delivery) updates the same check run', async () => {
    const before = [...fake.checkRuns.values()][0]!;
    const response = await deliver('pull_request', 'delivery-1', pullRequestPayload('opened'));
    expect(response.status).toBe(200);
    expect(fake.checkRuns.size).toBe(1);
    expect([...fake.checkRuns.values()][0]!.id).toBe(before.id);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/check-runs'))).toHaveLength(1);
    expect(fake.violations).toEqual([]);
  });

  it('a bad signature is refused and starts no review', async () => {
    const seen = fake.requests.length;
    const response = await deliver('pull_request', 'delivery-2', pullRequestPayload('synchronize'), `sha256=${'0'.repeat(64)}`);
    expect([400, 401]).toContain(response.status);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.requests.length).toBe(seen);
    expect(fake.checkRuns.size).toBe(1);
  });
});
