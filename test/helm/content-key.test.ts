/**
 * The App's warm instance reuses renders across deliveries of the same content, keyed by git SHAs:
 * a second review of the same tree through the GitHub source (a new source, as for a new
 * delivery) downloads nothing, reads no file only rendering needs (the library templates) and runs
 * no Helm, and finds exactly what the first found. The first review, cold, did read those files
 * and ran Helm: the check can fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Octokit } from '@octokit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewRepository } from '../../src/engine/review.ts';
import { BlobCache } from '../../src/source/blob-cache.ts';
import { GitHubSource } from '../../src/source/github.ts';
import type { RepositorySource } from '../../src/source/types.ts';
import type { Finding } from '../../src/types.ts';
import { FakeGitHub } from '../app/fake-github.ts';
import { fixtureTree } from '../app/harness.ts';

// A cache of this file's own: the first review must start cold.
const cache = mkdtempSync(path.join(os.tmpdir(), 'bplus-content-key-'));
process.env.BPLUS_CACHE_DIR = cache;

const SHA = 'd'.repeat(40);
let fake: FakeGitHub;

beforeAll(async () => {
  fake = new FakeGitHub({ owner: 'o', repo: 'r', base: new Map(), head: fixtureTree(), headSha: SHA, pullNumber: 1 });
  await fake.start();
});

afterAll(async () => {
  expect(fake.violations).toEqual([]);
  await fake.stop();
  rmSync(cache, { recursive: true, force: true });
});

/** The source a delivery builds, and the paths the engine read through it. */
function deliverySource(blobs: BlobCache): { source: RepositorySource; reads: string[] } {
  const github = new GitHubSource(new Octokit({ baseUrl: `http://${fake.host}/api/v3` }), { owner: 'o', repo: 'r', commit: SHA, blobs });
  const reads: string[] = [];
  const source: RepositorySource = {
    name: github.name,
    list: () => github.list(),
    read: (file) => {
      reads.push(file);
      return github.read(file);
    },
  };
  return { source, reads };
}

const libraryTemplate = (file: string): boolean => /^charts\/library\/[^/]+\/templates\//.test(file);
const downloads = (from: number) => fake.requests.slice(from).filter((r) => r.path.endsWith('/graphql') || r.path.includes('/git/blobs/')).length;

describe('renders reused across deliveries by git SHAs', () => {
  it('a second review of the same tree downloads nothing, reads no library template and runs no Helm', async () => {
    const blobs = new BlobCache(64 * 1024 * 1024);

    const first = deliverySource(blobs);
    const before = fake.requests.length;
    const cold = await reviewRepository(first.source);
    expect(cold.model.renders?.helm).toBeGreaterThan(0);
    expect(first.reads.filter(libraryTemplate).length).toBeGreaterThan(0);
    expect(downloads(before)).toBeGreaterThan(0);

    const second = deliverySource(blobs);
    const mark = fake.requests.length;
    const warm = await reviewRepository(second.source);
    expect(warm.model.renders).toEqual({ helm: 0, cached: cold.model.renders!.helm + cold.model.renders!.cached });
    expect(second.reads.filter(libraryTemplate)).toEqual([]);
    // The listing only: every blob came from the first delivery's downloads.
    expect(downloads(mark)).toBe(0);
    expect(fake.requests.slice(mark).map((r) => r.path.replace(/[0-9a-f]{40}/, '{sha}'))).toEqual(['/repos/o/r/git/trees/{sha}']);

    const finding = (f: Finding) => `${f.ruleId} ${f.messageId} ${f.path}:${f.line}`;
    expect(warm.findings.map(finding)).toEqual(cold.findings.map(finding));
  }, 120_000);

  it('a chart whose file changed is rendered again (its key changed); the others are not', async () => {
    const tree = fixtureTree();
    const values = 'charts/api-gateway/values.yaml';
    tree.set(values, Buffer.from(`${tree.get(values)!.toString('utf8')}\n# changed\n`));
    const changed = new FakeGitHub({ owner: 'o', repo: 'r', base: new Map(), head: tree, headSha: SHA, pullNumber: 1 });
    await changed.start();
    try {
      const source = new GitHubSource(new Octokit({ baseUrl: `http://${changed.host}/api/v3` }), { owner: 'o', repo: 'r', commit: SHA });
      const review = await reviewRepository(source);
      // api-gateway: the real render and the marker render, for prod.
      expect(review.model.renders?.helm).toBe(2);
      expect(review.model.renders?.cached).toBeGreaterThan(0);
    } finally {
      await changed.stop();
    }
  }, 120_000);
});

describe('BlobCache', () => {
  it('keeps blobs up to its byte budget, dropping the least recently used first', () => {
    const cache = new BlobCache(80);
    cache.set('a', Buffer.alloc(10, 1));
    cache.set('b', Buffer.alloc(10, 2));
    cache.set('too-big', Buffer.alloc(11)); // over an eighth of the budget: not kept
    expect(cache.has('too-big')).toBe(false);
    expect(cache.get('a')?.[0]).toBe(1); // a is now the most recently used
    for (const key of ['c', 'd', 'e', 'f', 'g', 'h', 'i']) cache.set(key, Buffer.alloc(10));
    // 90 bytes asked for: b, the least recently used, went.
    expect(cache.has('b')).toBe(false);
    expect(cache.has('a')).toBe(true);
    expect(cache.size).toBe(8);
    cache.set('j', Buffer.alloc(10));
    expect(cache.has('a')).toBe(false);
    expect(cache.has('c')).toBe(true);
    expect(cache.size).toBe(8);
  });
});
