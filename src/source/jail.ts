/**
 * The repository is a jail. Every file bplus reads from or writes into a local checkout goes
 * through here: the path is resolved to its real path and refused when it leaves the repository
 * root. A symbolic link is what Git stores (a short text naming its target); it is followed only
 * when its target resolves inside the repository, and then to a regular file.
 *
 * Time of check and time of use: the file is opened with O_NOFOLLOW on its resolved path and, where
 * the platform says which file a descriptor is (`/proc/self/fd`), the opened file's path is checked
 * again, so a directory swapped for a link between the check and the open is caught.
 */
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readFileSync, readlinkSync, realpathSync, writeSync } from 'node:fs';
import path from 'node:path';

/** A path that leaves the repository, or a file that is not one bplus may read or write. */
export class JailError extends Error {
  readonly code = 'outside-repository';
}

const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

export class Jail {
  /** The repository root as a real path (no links in it). */
  readonly root: string;
  /** The root as the user spelled it (absolute), which may differ from the real one. */
  private readonly spelled: string;

  constructor(root: string) {
    this.spelled = path.resolve(root);
    this.root = realpathSync(this.spelled);
  }

  /** Whether an absolute real path is the root or below it. */
  contains(real: string): boolean {
    return isBelow(this.root, real);
  }

  /** `file` (relative to the root, or absolute) as an absolute path, refused if it leaves the root lexically. */
  lexical(file: string): string {
    let absolute = path.resolve(this.root, file);
    if (!this.contains(absolute) && isBelow(this.spelled, absolute)) absolute = path.join(this.root, path.relative(this.spelled, absolute));
    if (!this.contains(absolute)) throw new JailError(`${file}: outside the repository`);
    return absolute;
  }

  /** Whether a path names something in the repository without resolving any link (as spelled or real). */
  names(file: string): boolean {
    const absolute = path.resolve(file);
    return this.contains(absolute) || isBelow(this.spelled, absolute);
  }

  /**
   * The real path of an existing file, refused when it (or a link on the way) leads outside the
   * repository. Throws ENOENT-style errors for missing files.
   */
  realPath(file: string): string {
    const absolute = this.lexical(file);
    let real: string;
    try {
      real = realpathSync(absolute);
    } catch (error) {
      if (errnoCode(error) === 'ELOOP') throw new JailError(`${this.relative(absolute)}: a loop of symbolic links`);
      throw error;
    }
    if (!this.contains(real)) throw new JailError(`${this.relative(absolute)}: a symbolic link to outside the repository; it was not followed`);
    return real;
  }

  /** Reads a regular file of the repository (following links only inside it). */
  readFile(file: string): Buffer {
    const real = this.realPath(file);
    // O_NONBLOCK: a FIFO must not block the review; it is refused as "not a regular file" below.
    const fd = openSync(real, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    try {
      this.verifyDescriptor(fd, file);
      if (!fstatSync(fd).isFile()) throw new JailError(`${this.relative(real)}: not a regular file`);
      return readFileSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Reads as text, or undefined when the file does not exist. Refusals still throw. */
  readTextIfExists(file: string): string | undefined {
    try {
      return this.readFile(file).toString('utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  /**
   * Writes a file inside the repository. Missing directories are created below a parent whose real
   * path was checked; an existing link is written through only when its target is inside.
   */
  writeFile(file: string, content: string | Buffer): void {
    const absolute = this.lexical(file);
    if (absolute === this.root) throw new JailError(`${file}: not a file`);
    const parent = this.ensureDirectory(path.dirname(absolute));
    let target = path.join(parent, path.basename(absolute));
    const existing = lstatIfExists(target);
    if (existing?.isSymbolicLink()) target = this.realPath(target);
    else if (existing && !existing.isFile()) throw new JailError(`${this.relative(target)}: not a regular file`);
    const fd = openSync(target, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0o644);
    try {
      this.verifyDescriptor(fd, file);
      if (!fstatSync(fd).isFile()) throw new JailError(`${this.relative(target)}: not a regular file`);
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Throws what writeFile would refuse, without writing or creating anything: lets a command check
   * every target before it changes the first one (and a dry run say what a real run would refuse).
   */
  checkWritable(file: string): void {
    const absolute = this.lexical(file);
    if (absolute === this.root) throw new JailError(`${file}: not a file`);
    let existing = path.dirname(absolute);
    while (lstatIfExists(existing) === undefined) existing = path.dirname(existing);
    const parent = this.realPath(existing);
    if (!lstatSync(parent).isDirectory()) throw new JailError(`${this.relative(existing)}: not a directory`);
    if (existing !== path.dirname(absolute)) return;
    const target = path.join(parent, path.basename(absolute));
    const stat = lstatIfExists(target);
    if (stat?.isSymbolicLink()) {
      if (!lstatSync(this.realPath(target)).isFile()) throw new JailError(`${this.relative(absolute)}: not a regular file`);
    } else if (stat && !stat.isFile()) throw new JailError(`${this.relative(absolute)}: not a regular file`);
  }

  /** `file` relative to the root, with `/` separators, for messages. */
  relative(absolute: string): string {
    return path.relative(this.root, absolute).split(path.sep).join('/') || '.';
  }

  /** Creates `dir` (absolute, lexically inside) and returns its real path, checked to be inside. */
  private ensureDirectory(dir: string): string {
    // The nearest existing ancestor decides where the new directories really go.
    const missing: string[] = [];
    let existing = dir;
    while (lstatIfExists(existing) === undefined) {
      missing.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
    let real = this.realPath(existing);
    if (!lstatSync(real).isDirectory()) throw new JailError(`${this.relative(existing)}: not a directory`);
    for (const name of missing) {
      real = path.join(real, name);
      mkdirSync(real);
      // A link planted meanwhile would make mkdir fail (EEXIST) or show here.
      real = this.realPath(real);
    }
    return real;
  }

  /** After open: the descriptor's file is inside the repository (Linux tells; elsewhere O_NOFOLLOW must do). */
  private verifyDescriptor(fd: number, file: string): void {
    let opened: string;
    try {
      opened = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return;
    }
    if (!this.contains(opened)) throw new JailError(`${file}: resolved outside the repository while being opened`);
  }
}

function lstatIfExists(file: string) {
  try {
    return lstatSync(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The jail over `dir`, or undefined when `dir` does not exist (the command reports that itself). */
export function jailIfExists(dir: string): Jail | undefined {
  try {
    return new Jail(dir);
  } catch {
    return undefined;
  }
}

/**
 * A file named on the command line: inside the repository it is read through the jail (its content
 * and links belong to whoever wrote the repository); outside it is the operator's own choice.
 */
export function readNamedFile(jail: Jail | undefined, file: string): Buffer {
  if (jail?.names(file)) return jail.readFile(path.resolve(file));
  return readFileSync(file);
}

function isBelow(dir: string, absolute: string): boolean {
  return absolute === dir || absolute.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/** The `code` of a Node system error (ENOENT, ELOOP…), or undefined for anything else thrown. */
function errnoCode(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}
