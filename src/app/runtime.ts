/**
 * The App's Probot, configured for production from the environment, the same way on Vercel and
 * on a plain Node host:
 *
 * - **GitHub's limits per installation.** `@octokit/plugin-throttling` keys its Bottleneck
 *   queues by `throttle.id`; Probot leaves it at one id per process, so every installation
 *   shared one write queue (one write a second for the whole App). Here each installation's
 *   client gets its own id: writes are spaced one second apart per installation, as GitHub's
 *   secondary limits count them.
 * - **Shared across instances.** With `REDIS_URL`, the queues live in Redis (Bottleneck's
 *   clustering over ioredis), so every instance of the App spaces its writes together. Probot's
 *   own `REDIS_URL` support loads ioredis with a package runner at run time, which a serverless
 *   bundle cannot do: ioredis is imported here and Probot is not given the URL.
 * - **Retries.** Every request, the installation token's included, goes through
 *   github-fetch.ts; Octokit's retry plugin is off so that retries do not multiply.
 */
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { createProbot, ProbotOctokit, type Probot } from 'probot';
import { createGitHubFetch, type RetryPolicy } from './github-fetch.ts';
import { createLocks, type Locks } from './locks.ts';

export interface AppRuntime {
  probot: Probot;
  /** Present with REDIS_URL: throttling state and locks shared by every instance. */
  redis?: Redis;
  locks: Locks;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  env?: NodeJS.ProcessEnv;
  retry?: Partial<RetryPolicy>;
  /** Probot log level when LOG_LEVEL is not set. */
  logLevel?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}

export function createRuntime(options: RuntimeOptions = {}): AppRuntime {
  const env = options.env ?? process.env;
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { maxRetriesPerRequest: 3, enableOfflineQueue: true }) : undefined;
  const fetch = createGitHubFetch(options.retry);
  const probot = createProbot({
    // Probot would load ioredis itself from REDIS_URL (see above).
    env: { ...env, REDIS_URL: '' },
    overrides: {
      Octokit: perInstallationOctokit(redis),
      request: { fetch },
      ...(env.LOG_LEVEL ? {} : options.logLevel ? { logLevel: options.logLevel } : {}),
    },
  });
  redis?.on('error', (error) => probot.log.error({ err: error }, 'redis'));
  return {
    probot,
    redis,
    locks: createLocks(redis),
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * ProbotOctokit with the throttling keyed by installation (and clustered over Redis when
 * given). Probot merges its own options first; this runs after that merge, where the
 * installation id is known (`auth.installationId`).
 */
/** The part of the options Probot merged that this reads; the rest is passed on as it is. */
interface OctokitOptions extends Record<string, unknown> {
  auth?: { installationId?: number };
  throttle?: Record<string, unknown> & { enabled?: boolean };
}

export function perInstallationOctokit(redis?: Redis): typeof ProbotOctokit {
  const connection = redis ? new Bottleneck.IORedisConnection({ client: redis }) : undefined;
  return ProbotOctokit.defaults<typeof ProbotOctokit>((options: OctokitOptions) => {
    const installationId = options.auth?.installationId;
    if (options.throttle?.enabled === false) return { ...options, retry: { enabled: false } };
    return {
      ...options,
      retry: { enabled: false },
      throttle: {
        ...options.throttle,
        id: installationId ? `installation-${installationId}` : 'app',
        // github-fetch.ts already waited out what fits in the time budget.
        onRateLimit: () => false,
        onSecondaryRateLimit: () => false,
        ...(connection ? { Bottleneck, connection } : {}),
      },
    };
  });
}
