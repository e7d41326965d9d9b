/**
 * The `fetch` every GitHub request of the App goes through — the installation token's request
 * included, which `@octokit/auth-app` sends outside Octokit's plugins — so that one place decides
 * what is retried, how long to wait, and when to give up:
 *
 * - each attempt has its own timeout (a hung connection is an error, not a stuck review);
 * - `403`/`429` rate limits (secondary limits, or the primary limit exhausted) are waited out
 *   when `retry-after` or `x-ratelimit-reset` says how long and that fits in the time left;
 *   GitHub refused the request, so any method may be sent again;
 * - `5xx` answers and lost answers (timeout, connection reset) are retried with exponential
 *   backoff, except for the few writes that are not idempotent (creating a check run, a comment,
 *   a review): GitHub may have done them, so the caller reconciles instead (see checks.ts), and
 *   they get three times as long to answer.
 *
 * The time left comes from the delivery's deadline (delivery-context.ts) when there is one.
 */
import { deliveryDeadline } from './delivery-context.ts';

export interface RetryPolicy {
  /** One attempt's limit; the request is aborted after it. */
  attemptTimeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** First backoff; doubled for each further attempt. */
  backoffMs: number;
  /** The longest rate-limit wait accepted, whatever the deadline. */
  maxWaitMs: number;
  /** Time kept free before the deadline for the final write. */
  reserveMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attemptTimeoutMs: 10_000,
  retries: 4,
  backoffMs: 250,
  maxWaitMs: 30_000,
  reserveMs: 3_000,
};

/** Writes GitHub may have carried out although the answer was lost: never sent twice blindly. */
const NOT_IDEMPOTENT = [/\/check-runs$/, /\/issues\/\d+\/comments$/, /\/pulls\/\d+\/reviews$/];

type Fetch = typeof globalThis.fetch;

export function createGitHubFetch(policy: Partial<RetryPolicy> = {}, base: Fetch = globalThis.fetch): Fetch {
  const p = { ...DEFAULT_RETRY_POLICY, ...policy };
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const method = (init?.method ?? 'GET').toUpperCase();
    const resendable = !(method === 'POST' && NOT_IDEMPOTENT.some((pattern) => pattern.test(new URL(url).pathname)));
    for (let attempt = 0; ; attempt++) {
      // A create that gets no answer is looked up before it is sent again, and may land after
      // the lookup: it gets longer to answer than a request that can simply be repeated.
      const timeout = AbortSignal.timeout(resendable ? p.attemptTimeoutMs : p.attemptTimeoutMs * 3);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let response: Response;
      try {
        response = await base(input, { ...init, signal });
      } catch (error) {
        if (init?.signal?.aborted) throw error;
        const wait = p.backoffMs * 2 ** attempt;
        if (!resendable || attempt >= p.retries || !fits(wait, p)) throw timedOut(error, timeout, p, method, url);
        await sleep(wait);
        continue;
      }
      const wait = await retryDelay(response, attempt, p, resendable);
      if (wait === undefined) return response;
      await response.body?.cancel().catch(() => undefined);
      await sleep(wait);
    }
  };
}

/** How long to wait before sending again, or undefined to hand this answer to the caller. */
async function retryDelay(response: Response, attempt: number, p: RetryPolicy, resendable: boolean): Promise<number | undefined> {
  if (attempt >= p.retries) return undefined;
  const status = response.status;
  if (status >= 500) {
    const wait = p.backoffMs * 2 ** attempt;
    return resendable && fits(wait, p) ? wait : undefined;
  }
  if (status !== 403 && status !== 429) return undefined;
  const headers = response.headers;
  const retryAfter = Number(headers.get('retry-after'));
  let wait: number | undefined;
  if (retryAfter > 0) wait = retryAfter * 1000;
  else if (headers.get('x-ratelimit-remaining') === '0' && Number(headers.get('x-ratelimit-reset')) > 0) {
    wait = Math.max(0, Number(headers.get('x-ratelimit-reset')) * 1000 - Date.now()) + 1000;
  } else if (
    status === 429 ||
    /secondary rate limit/i.test(
      await response
        .clone()
        .text()
        .catch(() => ''),
    )
  ) {
    // GitHub: without retry-after, wait at least a minute. Usually more than the time left.
    wait = 60_000;
  }
  return wait !== undefined && wait <= p.maxWaitMs && fits(wait, p) ? wait : undefined;
}

function fits(waitMs: number, p: RetryPolicy): boolean {
  const deadline = deliveryDeadline();
  return deadline === undefined || Date.now() + waitMs + p.reserveMs < deadline;
}

function timedOut(error: unknown, timeout: AbortSignal, p: RetryPolicy, method: string, url: string): unknown {
  if (!timeout.aborted) return error;
  return Object.assign(new Error(`${method} ${new URL(url).pathname}: no answer within ${p.attemptTimeoutMs} ms`), { cause: error });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
