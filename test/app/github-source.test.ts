/**
 * The GitHub source against the fake API: listing through git trees (truncated ones included),
 * contents through batched GraphQL, and the request count that does not grow with files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/core';
import { GitHubSource } from '../../src/source/github.ts';
import { FakeGitHub, type Tree } from './fake-github.ts';

const SHA = 'c'.repeat(40);
let fake: FakeGitHub;

async function sourceOver(head: Tree, options: { maxRecursiveEntries?: number; batchSize?: number; symlinks?: Set<string> } = {}) {
  fake = new FakeGitHub({
    owner: 'o',
    repo: 'r',
    base: new Map(),
    head,
    headSha: SHA,
    pullNumber: 1,
    maxRecursiveEntries: options.maxRecursiveEntries,
    symlinks: options.symlinks,
  });
  await fake.start();
  const client = new Octokit({ baseUrl: `http://${fake.host}/api/v3` });
  return new GitHubSource(client, { owner: 'o', repo: 'r', commit: SHA, batchSize: options.batchSize });
}

function repoOf(count: number): Tree {
  const tree: Tree = new Map();
  for (let i = 0; i < count; i++) tree.set(`charts/svc-${i % 10}/templates/file-${i}.yaml`, Buffer.from(`index: ${i}\n`));
  tree.set('docs/logo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  tree.set('big/values.yaml', Buffer.from('a: ' + 'x'.repeat(1024 * 1024 + 10) + '\n'));
  return tree;
}

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.stop();
});

describe('GitHubSource', () => {
  it('reads 300 files with 1 tree request and 3 GraphQL queries (100 blobs each), whatever the read order', async () => {
    const tree = repoOf(300);
    const source = await sourceOver(tree);
    const listed = await source.list();
    expect(listed).toHaveLength(302);
    // The engine reads one file at a time after the first: the prefetch serves the rest.
    const first = await source.read('charts/svc-0/templates/file-0.yaml');
    expect(first.toString()).toBe('index: 0\n');
    for (const entry of listed.filter((e) => e.path.endsWith('.yaml') && !e.path.startsWith('big/'))) {
      expect((await source.read(entry.path)).toString()).toBe(tree.get(entry.path)!.toString());
    }
    const calls = fake.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls.filter((c) => c.includes('/git/trees/'))).toHaveLength(1);
    expect(calls.filter((c) => c.endsWith('/graphql'))).toHaveLength(3);
    expect(calls).toHaveLength(4);
  });

  it('coalesces reads issued in the same tick into one query', async () => {
    const source = await sourceOver(repoOf(50));
    const paths = (await source.list()).map((e) => e.path).filter((p) => p.endsWith('.yaml') && !p.startsWith('big/'));
    await Promise.all(paths.map((p) => source.read(p)));
    expect(fake.requests.filter((r) => r.path.endsWith('/graphql'))).toHaveLength(1);
  });

  it('reads binary files and files over 1 MB exactly, through the blobs API', async () => {
    const tree = repoOf(3);
    const source = await sourceOver(tree);
    expect((await source.read('docs/logo.png')).equals(tree.get('docs/logo.png')!)).toBe(true);
    expect((await source.read('big/values.yaml')).equals(tree.get('big/values.yaml')!)).toBe(true);
    expect(fake.requests.filter((r) => r.path.includes('/git/blobs/'))).toHaveLength(2);
    await expect(source.read('no/such.yaml')).rejects.toThrow(/no such file/);
  });

  it('walks a truncated tree level by level and still lists every file', async () => {
    const tree = repoOf(120);
    const source = await sourceOver(tree, { maxRecursiveEntries: 50 });
    const listed = await source.list();
    expect(listed.map((e) => e.path).sort()).toEqual([...tree.keys()].sort());
    expect(fake.requests.filter((r) => r.query.get('recursive') === null).length).toBeGreaterThan(0);
  });

  it('lists symbolic links (mode 120000) and follows one only to a file of the same tree', async () => {
    const tree: Tree = new Map([
      ['charts/a/values.yaml', Buffer.from('a: 1\n')],
      ['charts/b/values.yaml', Buffer.from('../a/values.yaml')],
      ['charts/b/values-prod.yaml', Buffer.from('/etc/passwd')],
      ['charts/b/values-dev.yaml', Buffer.from('../../../outside.yaml')],
      ['charts/b/values-qa.yaml', Buffer.from('values-stage.yaml')],
      ['charts/b/values-stage.yaml', Buffer.from('values-qa.yaml')],
      ['charts/b/values-x.yaml', Buffer.from('../a')],
    ]);
    const links = new Set([...tree.keys()].filter((p) => p.startsWith('charts/b/')));
    const source = await sourceOver(tree, { symlinks: links });
    expect((await source.list()).map((e) => e.path)).toContain('charts/b/values-prod.yaml');
    expect((await source.read('charts/b/values.yaml')).toString()).toBe('a: 1\n');
    await expect(source.read('charts/b/values-prod.yaml')).rejects.toThrow(/outside the repository/);
    await expect(source.read('charts/b/values-dev.yaml')).rejects.toThrow(/outside the repository/);
    await expect(source.read('charts/b/values-qa.yaml')).rejects.toThrow(/loop of symbolic links/);
    await expect(source.read('charts/b/values-x.yaml')).rejects.toThrow(/not a file of this commit/);
  });
});
