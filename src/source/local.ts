import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RepositorySource, SourceEntry } from './types.ts';

/** Directories that are never part of what a repository deploys. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.tools', '.terraform']);

/** A local checkout. Symbolic links are not followed: a link could leave the repository. */
export class LocalSource implements RepositorySource {
  readonly name: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.name = root;
  }

  async list(): Promise<SourceEntry[]> {
    const info = await stat(this.root).catch(() => undefined);
    if (!info?.isDirectory()) throw new Error(`${this.name}: not a directory`);
    const entries: SourceEntry[] = [];
    const walk = async (relative: string): Promise<void> => {
      const dirents = await readdir(path.join(this.root, relative), { withFileTypes: true });
      dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const dirent of dirents) {
        const child = relative ? `${relative}/${dirent.name}` : dirent.name;
        if (dirent.isDirectory()) {
          if (!SKIPPED_DIRECTORIES.has(dirent.name)) await walk(child);
        } else if (dirent.isFile()) {
          const { size } = await stat(path.join(this.root, child));
          entries.push({ path: child, size });
        }
      }
    };
    await walk('');
    return entries;
  }

  read(file: string): Promise<Buffer> {
    const resolved = path.resolve(this.root, file);
    if (!resolved.startsWith(this.root + path.sep)) {
      return Promise.reject(new Error(`${file}: outside the repository`));
    }
    return readFile(resolved);
  }
}

/** An in-memory repository: tests, and the tree a fix produces before it is written anywhere. */
export class MemorySource implements RepositorySource {
  constructor(
    private readonly files: ReadonlyMap<string, string | Buffer>,
    readonly name = 'memory',
  ) {}

  async list(): Promise<SourceEntry[]> {
    return [...this.files.entries()]
      .map(([p, content]) => ({ path: p, size: Buffer.byteLength(content) }))
      .sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  async read(file: string): Promise<Buffer> {
    const content = this.files.get(file);
    if (content === undefined) throw new Error(`${file}: no such file`);
    return typeof content === 'string' ? Buffer.from(content) : content;
  }
}
