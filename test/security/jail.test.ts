/** The jail: reads and writes stay inside the repository root, links are followed only inside. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Jail, JailError, readNamedFile } from '../../src/source/jail.ts';
import { LocalSource } from '../../src/source/local.ts';

const temp: string[] = [];
afterEach(() => {
  for (const dir of temp.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A repository next to a sentinel file outside it. */
function layout() {
  const base = mkdtempSync(path.join(os.tmpdir(), 'bplus-jail-'));
  temp.push(base);
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  mkdirSync(repo);
  mkdirSync(outside);
  const sentinel = path.join(outside, 'sentinel.yaml');
  writeFileSync(sentinel, 'secret: outside-content\n');
  return { base, repo, outside, sentinel };
}

describe('Jail', () => {
  it('reads files and links whose target is inside; refuses links out, loops, FIFOs and directories', () => {
    const { repo, outside, sentinel } = layout();
    writeFileSync(path.join(repo, 'a.yaml'), 'a: 1\n');
    symlinkSync('a.yaml', path.join(repo, 'inside.yaml'));
    symlinkSync(sentinel, path.join(repo, 'out.yaml'));
    symlinkSync('../outside/sentinel.yaml', path.join(repo, 'relative-out.yaml'));
    symlinkSync(outside, path.join(repo, 'linked-dir'));
    symlinkSync('loop-b.yaml', path.join(repo, 'loop-a.yaml'));
    symlinkSync('loop-a.yaml', path.join(repo, 'loop-b.yaml'));
    mkdirSync(path.join(repo, 'dir.yaml'));
    execFileSync('mkfifo', [path.join(repo, 'fifo.yaml')]);
    const jail = new Jail(repo);
    expect(jail.readFile('a.yaml').toString()).toBe('a: 1\n');
    expect(jail.readFile('inside.yaml').toString()).toBe('a: 1\n');
    for (const file of [
      'out.yaml',
      'relative-out.yaml',
      'linked-dir/sentinel.yaml',
      '../outside/sentinel.yaml',
      sentinel,
      'loop-a.yaml',
      'dir.yaml',
      'fifo.yaml',
    ]) {
      expect(() => jail.readFile(file), file).toThrow(JailError);
    }
    expect(() => jail.readFile('out.yaml')).toThrow(/symbolic link to outside the repository/);
    expect(() => jail.readFile('loop-a.yaml')).toThrow(/loop of symbolic links/);
  });

  it('writes inside, through inside links, into new directories; refuses links and linked directories out', () => {
    const { repo, outside, sentinel } = layout();
    const before = statSync(sentinel).mtimeMs;
    writeFileSync(path.join(repo, 'target.yaml'), 'old\n');
    symlinkSync('target.yaml', path.join(repo, 'inside.yaml'));
    symlinkSync(sentinel, path.join(repo, 'out.yaml'));
    symlinkSync(outside, path.join(repo, 'manifests'));
    const jail = new Jail(repo);
    jail.writeFile('inside.yaml', 'new\n');
    expect(readFileSync(path.join(repo, 'target.yaml'), 'utf8')).toBe('new\n');
    jail.writeFile('deep/er/file.yaml', 'x\n');
    expect(readFileSync(path.join(repo, 'deep/er/file.yaml'), 'utf8')).toBe('x\n');
    for (const file of ['out.yaml', 'manifests/sentinel.yaml', 'manifests/new.yaml', 'manifests/sub/new.yaml', '../outside/new.yaml']) {
      expect(() => jail.checkWritable(file), file).toThrow(JailError);
      expect(() => jail.writeFile(file, 'pwned\n'), file).toThrow(JailError);
    }
    expect(readFileSync(sentinel, 'utf8')).toBe('secret: outside-content\n');
    expect(statSync(sentinel).mtimeMs).toBe(before);
    expect(() => statSync(path.join(outside, 'new.yaml'))).toThrow();
    expect(() => statSync(path.join(outside, 'sub'))).toThrow();
  });

  it('takes the root as spelled through a link, and files named on the command line inside it through the jail', () => {
    const { base, repo, sentinel } = layout();
    const alias = path.join(base, 'alias');
    symlinkSync(repo, alias);
    symlinkSync(sentinel, path.join(repo, 'config.yml'));
    writeFileSync(path.join(repo, 'ok.yml'), 'ok: 1\n');
    const jail = new Jail(alias);
    expect(readNamedFile(jail, path.join(alias, 'ok.yml')).toString()).toBe('ok: 1\n');
    expect(() => readNamedFile(jail, path.join(alias, 'config.yml'))).toThrow(JailError);
    expect(() => readNamedFile(jail, path.join(repo, 'config.yml'))).toThrow(JailError);
    // Outside the repository: the operator's own file.
    expect(readNamedFile(jail, sentinel).toString()).toContain('outside-content');
  });
});

describe('LocalSource', () => {
  it('lists links as Git does and turns a link out of the repository into a read error, never its content', async () => {
    const { repo, sentinel, outside } = layout();
    writeFileSync(path.join(repo, 'a.yaml'), 'a: 1\n');
    symlinkSync(sentinel, path.join(repo, 'out.yaml'));
    symlinkSync(outside, path.join(repo, 'linked-dir'));
    const source = new LocalSource(repo);
    const listed = (await source.list()).map((e) => e.path);
    expect(listed).toEqual(['a.yaml', 'linked-dir', 'out.yaml']);
    await expect(source.read('out.yaml')).rejects.toThrow(/outside the repository/);
    await expect(source.read('linked-dir/sentinel.yaml')).rejects.toThrow(JailError);
  });
});
