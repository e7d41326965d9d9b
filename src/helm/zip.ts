/**
 * Just enough of the zip format to take one file out of an archive: the central directory is
 * parsed (zip64 aware), only the wanted entry is inflated with Node's own zlib, and its size and
 * CRC-32 are checked before the file is moved into place (atomically: temp file, checks, rename).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';

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
