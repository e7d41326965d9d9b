/**
 * Mutual exclusion for work that must not run twice at once: in this process always, and across
 * every instance of the App when Redis is there (`SET key token NX PX ttl`, released only by
 * the holder). Without Redis, instances rely on GitHub-side keys instead (the check run's
 * external id, the comment's reaction), which is documented in docs/github-app.md.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Locks {
  /**
   * Runs `work` holding `key`. Waits for the holder at most `waitMs`; past that the work runs
   * anyway (it must then be safe to run twice, which ours is: it looks its result up first).
   */
  exclusive<T>(key: string, ttlMs: number, waitMs: number, work: () => Promise<T>): Promise<T>;
  /** True for the first claim of `key` within `ttlMs`, false for every later one. */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
  readonly shared: boolean;
}

const PREFIX = 'bplus:';
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export function createLocks(redis?: Redis): Locks {
  const tails = new Map<string, Promise<unknown>>();
  const claimed = new Map<string, number>();

  async function local<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  }

  async function acquire(key: string, ttlMs: number, waitMs: number): Promise<string | undefined> {
    if (!redis) return undefined;
    const token = randomUUID();
    const until = Date.now() + waitMs;
    for (;;) {
      const ok = await redis.set(PREFIX + key, token, 'PX', ttlMs, 'NX').catch(() => 'error');
      if (ok === 'OK') return token;
      if (ok === 'error' || Date.now() >= until) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  return {
    shared: redis !== undefined,
    exclusive(key, ttlMs, waitMs, work) {
      return local(key, async () => {
        const token = await acquire(key, ttlMs, waitMs);
        try {
          return await work();
        } finally {
          if (token) await redis!.eval(RELEASE, 1, PREFIX + key, token).catch(() => undefined);
        }
      });
    },
    async claimOnce(key, ttlMs) {
      const now = Date.now();
      for (const [k, until] of claimed) if (until < now) claimed.delete(k);
      if (claimed.has(key)) return false;
      claimed.set(key, now + ttlMs);
      if (!redis) return true;
      const ok = await redis.set(`${PREFIX}once:${key}`, '1', 'PX', ttlMs, 'NX').catch(() => 'OK');
      return ok === 'OK';
    },
  };
}
