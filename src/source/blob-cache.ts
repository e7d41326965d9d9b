/**
 * Git blobs by SHA, kept across the GitHub sources of one process (a warm App instance reviewing
 * delivery after delivery): a blob SHA names its content, so an entry never goes stale, and a
 * second delivery of the same tree, or a new commit that changes a few files, downloads only the
 * blobs it has not seen. Bounded in bytes; the least recently used blobs go first.
 */
export class BlobCache {
  private readonly blobs = new Map<string, Buffer>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(sha: string): Buffer | undefined {
    const blob = this.blobs.get(sha);
    if (blob) {
      // Most recently used last: eviction takes from the front.
      this.blobs.delete(sha);
      this.blobs.set(sha, blob);
    }
    return blob;
  }

  has(sha: string): boolean {
    return this.blobs.has(sha);
  }

  set(sha: string, blob: Buffer): void {
    // One blob may not push out an eighth of the cache's worth of others.
    if (this.blobs.has(sha) || blob.length > this.maxBytes / 8) return;
    this.blobs.set(sha, blob);
    this.bytes += blob.length;
    for (const [oldest, old] of this.blobs) {
      if (this.bytes <= this.maxBytes) break;
      this.blobs.delete(oldest);
      this.bytes -= old.length;
    }
  }

  get size(): number {
    return this.blobs.size;
  }
}

let shared: BlobCache | undefined;

/** The process's cache: `BPLUS_BLOB_CACHE_MB` (default 64) megabytes of blobs; 0 turns it off. */
export function sharedBlobCache(env: NodeJS.ProcessEnv = process.env): BlobCache | undefined {
  const mb = env.BPLUS_BLOB_CACHE_MB === undefined || env.BPLUS_BLOB_CACHE_MB === '' ? 64 : Number(env.BPLUS_BLOB_CACHE_MB);
  if (!(mb > 0)) return undefined;
  shared ??= new BlobCache(mb * 1024 * 1024);
  return shared;
}
