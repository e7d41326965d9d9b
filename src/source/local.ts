import { lstatSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { Jail } from './jail.ts';
import type { RepositorySource, SourceEntry } from './types.ts';

/** Directories that are never part of what a repository deploys. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.tools', '.terraform']);

/**
 * A local checkout, read through the jail (src/source/jail.ts). Symbolic links are listed as Git
 * lists them (as files, directories included) and read only when their target is a regular file
 * inside the repository; otherwise reading one fails with a message that becomes a finding.
 */
export class LocalSource implements RepositorySource {
  readonly name: string;
  private readonly root: string;
  private jailed?: Jail;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.name = root;
  }

  /** The jail over this checkout (the root must exist). */
  get jail(): Jail {
    this.jailed ??= new Jail(this.root);
    return this.jailed;
  }

  // Synchronous file system calls: for a local checkout they are several times cheaper than the
  // thread-pool round trips of fs/promises, and a CLI has nothing else to do meanwhile. The
  // methods stay async without an await: RepositorySource promises a rejection, never a throw.
  // eslint-disable-next-line @typescript-eslint/require-await -- synchronous on purpose (above)
  async list(): Promise<SourceEntry[]> {
    let isDirectory = false;
    try {
      isDirectory = statSync(this.root).isDirectory();
    } catch {
      // reported below
    }
    if (!isDirectory) throw new Error(`${this.name}: not a directory`);
    const entries: SourceEntry[] = [];
    const root = this.jail.root;
    const walk = (relative: string): void => {
      const dirents = readdirSync(path.join(root, relative), { withFileTypes: true });
      dirents.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const dirent of dirents) {
        const child = relative ? `${relative}/${dirent.name}` : dirent.name;
        if (dirent.isDirectory()) {
          if (!SKIPPED_DIRECTORIES.has(dirent.name)) walk(child);
        } else if (dirent.isFile()) {
          entries.push({ path: child, size: lstatSync(path.join(root, child)).size });
        } else if (dirent.isSymbolicLink()) {
          // The size of what the link leads to, so that the size cap applies before it is read.
          entries.push({ path: child, size: this.linkTargetSize(child) });
        }
      }
    };
    walk('');
    return entries;
  }

  /** A link's target's size when it is inside; otherwise the link's own (reading it will fail). */
  private linkTargetSize(file: string): number {
    try {
      return statSync(this.jail.realPath(file)).size;
    } catch {
      return lstatSync(path.join(this.jail.root, file)).size;
    }
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- synchronous on purpose (see list)
  async read(file: string): Promise<Buffer> {
    return this.jail.readFile(file);
  }
}

/** An in-memory repository: tests, and the tree a fix produces before it is written anywhere. */
export class MemorySource implements RepositorySource {
  constructor(
    private readonly files: ReadonlyMap<string, string | Buffer>,
    readonly name = 'memory',
  ) {}

  // eslint-disable-next-line @typescript-eslint/require-await -- in memory; async for the interface's rejections
  async list(): Promise<SourceEntry[]> {
    return [...this.files.entries()].map(([p, content]) => ({ path: p, size: Buffer.byteLength(content) })).sort((a, b) => (a.path < b.path ? -1 : 1));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- in memory; async for the interface's rejections
  async read(file: string): Promise<Buffer> {
    const content = this.files.get(file);
    if (content === undefined) throw new Error(`${file}: no such file`);
    return typeof content === 'string' ? Buffer.from(content) : content;
  }
}
