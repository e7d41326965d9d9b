/**
 * One review, end to end: check run (in progress when the review is slow) → read the pull request
 * and its head commit → engine → completed check run. Whatever goes wrong after the run exists, the run is completed
 * (neutral, with the reason): a check that silently stays "in progress" blocks nobody and tells
 * nobody anything.
 */
import type { Logger } from 'probot';
import type { RepositorySource } from '../source/types.ts';
import type { Finding } from '../types.ts';
import type { ReviewFunction } from './engine-jobs.ts';
import { touchesConnectivity } from './network-changes.ts';
import { fixActionsFor } from './fix/actions.ts';
import { GitHubSource, type GitHubClient } from '../source/github.ts';
import { sharedBlobCache } from '../source/blob-cache.ts';
import { buildCheckRunReport, buildIncompleteReport, type CheckRunReport } from './check-run.ts';
import { diffFromFiles, MAX_LISTED_FILES, type ChangedFile, type PullRequestDiff } from './pull-request-diff.ts';
import { appliedConfig, validateEditedConfig } from './config.ts';
import { completeCheckRun, findCheckRun, startCheckRun, type GitHubApi } from './checks.ts';
import type { ReviewTarget } from './targets.ts';
import { createLocks, type Locks } from './locks.ts';
import { deliveryId } from './delivery-context.ts';

export interface ReviewDeps {
  /**
   * The engine (engine-jobs.ts `reviewChange`, in this thread or a review thread); injected so
   * handler tests do not depend on its verdicts.
   */
  review: ReviewFunction;
  /** Our GitHub App id, to tell our check runs from other apps' runs of the same name. */
  appId?: number;
  /**
   * Complete the run as neutral when the review takes longer than this: a serverless platform
   * would otherwise kill the function and leave the run "in progress" forever.
   */
  timeoutMs: number;
  /**
   * Create the run `in_progress` only if the review has not finished after this long; a faster
   * review creates it completed in one request. 0 creates it in progress at once.
   */
  inProgressAfterMs: number;
  /** Shared with every instance when Redis is configured; in-process otherwise. */
  locks?: Locks;
  /**
   * From this many reviews running in the process on, none is shown in progress first: in a
   * burst, writes (one a second per installation) and time are what is scarce. Default 4.
   */
  burstSize?: number;
}

/** What a handler hands over from Probot's context. */
export interface ReviewEnvironment {
  octokit: GitHubApi;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** `context.config('bplus.yml')`: the default branch's configuration, `_extends` resolved. */
  loadConfig: () => Promise<Record<string, unknown> | null>;
  /**
   * GraphQL for the read-only blob queries. Octokit's throttling spaces every GraphQL request one
   * second apart as if it were a mutation; these queries are reads, a handful per review.
   */
  readGraphql?: GitHubClient['graphql'];
  /** The installation the delivery came from: writes are paced per installation. */
  installationId?: number;
}

/** Reviews in flight in this process, by commit: a concurrent delivery joins the running one. */
const inFlight = new Map<string, Promise<CheckRunReport>>();

/**
 * One review per commit at a time: deliveries for the same head SHA that arrive while it runs
 * (redeliveries, opened + synchronize) join it; across instances, the Redis lock makes the
 * later one wait and then update the same run (found by its external id).
 */
export function reviewPullRequest(env: ReviewEnvironment, target: ReviewTarget, deps: ReviewDeps): Promise<CheckRunReport> {
  const key = `${target.owner}/${target.repo}@${target.headSha}`;
  const running = inFlight.get(key);
  if (running) return running;
  const locks = deps.locks ?? defaultLocks;
  const installation = env.installationId ?? 0;
  reviewsByInstallation.set(installation, busy(installation) + 1);
  const work = locks
    .exclusive(`review:${key}`, deps.timeoutMs + 15_000, deps.timeoutMs + 5_000, () => reviewAndReport(env, target, deps))
    .finally(() => {
      inFlight.delete(key);
      reviewsByInstallation.set(installation, busy(installation) - 1);
      if (busy(installation) <= 0) reviewsByInstallation.delete(installation);
    });
  inFlight.set(key, work);
  return work;
}

const defaultLocks = createLocks();
const reviewsByInstallation = new Map<number, number>();
const busy = (installation: number | undefined) => reviewsByInstallation.get(installation ?? 0) ?? 0;
const reviewsInFlight = () => [...reviewsByInstallation.values()].reduce((a, b) => a + b, 0);

async function reviewAndReport(env: ReviewEnvironment, target: ReviewTarget, deps: ReviewDeps): Promise<CheckRunReport> {
  // The lookup and the review start together: neither needs the other until the end. A lookup
  // that fails is not a reason to lose the review: the run is then created (by external id).
  const lookup = target.checkRunId
    ? Promise.resolve({ id: target.checkRunId, status: 'completed' })
    : findCheckRun(env.octokit, target, deps.appId).catch((error: unknown) => {
        env.log.warn({ err: error, target }, 'check run lookup failed; creating one if needed');
        return undefined;
      });
  const review = withTimeout(produceReport(env, target, deps), deps.timeoutMs).catch((error: unknown) => {
    env.log.error({ err: error, target }, 'review could not complete');
    return buildIncompleteReport(describeError(error), {
      repository: `${target.owner}/${target.repo}`,
      headSha: target.headSha,
    });
  });
  const existing = await lookup;
  // Show "in progress" only when the review is slow enough for anyone to see it: a fast review
  // then costs one write instead of two (Octokit spaces writes one second apart). In a burst
  // (another review of the installation, or `burstSize` reviews running here) writes and time
  // are the scarce resources: none.
  const early = await Promise.race([review, delay(deps.inProgressAfterMs).then(() => undefined)]);
  const run =
    early || busy(env.installationId) > 1 || reviewsInFlight() >= (deps.burstSize ?? 4)
      ? existing
      : await startCheckRun(env.octokit, target, existing, deps.appId).catch((error: unknown) => {
          env.log.warn({ err: error, target }, 'could not show the run in progress');
          return existing;
        });
  const report = early ?? (await review);
  try {
    const id = await completeCheckRun(env.octokit, target, run?.id, report, deps.appId);
    env.log.info({ target, conclusion: report.conclusion, checkRun: id }, 'check run completed');
  } catch (error) {
    await completeWithReason(env, target, run?.id, deps, error);
  }
  return report;
}

/**
 * The full report could not be written: leave at least a completed neutral run that says why,
 * so that nothing stays "in progress". If GitHub refuses that too, only the log remains.
 */
async function completeWithReason(env: ReviewEnvironment, target: ReviewTarget, runId: number | undefined, deps: ReviewDeps, error: unknown) {
  const reason = `the review finished, but GitHub did not accept its report (${describeError(error)})`;
  const fallback = buildIncompleteReport(reason, { repository: `${target.owner}/${target.repo}`, headSha: target.headSha });
  try {
    const id = await completeCheckRun(env.octokit, target, runId, fallback, deps.appId).catch((failed: unknown) => {
      // The run we had cannot be updated: a new, completed one is better than none.
      if (runId === undefined) throw failed;
      return completeCheckRun(env.octokit, target, undefined, fallback, deps.appId);
    });
    env.log.warn({ err: error, target, checkRun: id }, 'check run completed as neutral: the report was refused');
  } catch (second) {
    env.log.error({ err: second, first: describeError(error), target, delivery: deliveryId() }, 'GitHub refused every write: no check run for this review');
    throw second;
  }
}

async function produceReport(env: ReviewEnvironment, target: ReviewTarget, deps: ReviewDeps): Promise<CheckRunReport> {
  let observedHead: string | undefined;
  const pullNumber = target.pullNumber;
  const graphql = env.readGraphql ?? env.octokit.graphql;
  const source = new GitHubSource(
    { request: env.octokit.request, graphql },
    {
      owner: target.owner,
      repo: target.repo,
      commit: target.headSha,
      // Blobs a previous delivery downloaded are not asked for again (same SHA, same bytes).
      blobs: sharedBlobCache(),
      // The contents queries read the pull request's head as well: "did it move?" costs nothing.
      ...(pullNumber === undefined ? {} : { pullRequest: { number: pullNumber, onHead: (sha: string) => (observedHead = sha) } }),
    },
  );
  // The tree and the contents do not depend on the configuration or the diff: fetch all at once.
  const prefetch = source.prefetch();
  const [config, diff] = await Promise.all([
    env.loadConfig().then(appliedConfig),
    pullNumber === undefined ? undefined : readDiff(env.octokit, target, pullNumber),
  ]);
  await prefetch;
  // The base commit is read only when the change can move connectivity (TR-K8S-7).
  const base =
    diff && target.baseSha && (await touchesConnectivity(source, diff))
      ? new GitHubSource({ request: env.octokit.request, graphql }, { owner: target.owner, repo: target.repo, commit: target.baseSha })
      : undefined;
  const reads = trackReadFailures(source);
  // One review: the configuration parsed once (above), the head's model built once, and the
  // connectivity diff made from that model where it lives.
  const result = await deps.review(reads.source, { config: config.loaded }, base);
  // A file GitHub would not give is not a finding against the pull request: no verdict.
  if (reads.failed.size > 0) throw new UnreadableSourceError(reads.failed);
  const configFindings = diff ? await validateEditedConfig(source, diff.changedPaths) : [];
  const findings = [...result.findings, ...configFindings].sort(byLocation);
  const headTexts = diff ? await textsOf(source, findings, diff.changedPaths) : undefined;
  const connectivity = result.connectivity;
  // Re-read the head only if no contents query did it (a review that read no file).
  const head = pullNumber === undefined ? undefined : (observedHead ?? (await readHead(env.octokit, target, pullNumber)));
  const supersededBy = head && head !== target.headSha ? head : undefined;
  const report = buildCheckRunReport(
    { findings, summary: result.summary },
    {
      repository: `${target.owner}/${target.repo}`,
      headSha: target.headSha,
      diff,
      failOn: config.failOn,
      neutral: config.neutral,
      supersededBy,
      headTexts,
      connectivity,
    },
  );
  // The "Fix" button: only on a failing, current review with something fixable.
  return { ...report, actions: report.conclusion === 'failure' && !supersededBy ? fixActionsFor(findings) : [] };
}

/** Texts of the changed files that have findings (already fetched for the engine). */
async function textsOf(source: RepositorySource, findings: readonly Finding[], changed: ReadonlySet<string>) {
  const texts = new Map<string, string>();
  const paths = new Set(findings.map((f) => f.path).filter((p) => changed.has(p) && /\.ya?ml$/i.test(p)));
  await Promise.all(
    [...paths].map(async (path) => {
      const text = await source.read(path).then(
        (b) => b.toString('utf8'),
        () => undefined,
      );
      if (text !== undefined) texts.set(path, text);
    }),
  );
  return texts;
}

/** The pull request's files with their patches: 100 a page, GitHub lists at most 3,000. */
async function readDiff(octokit: GitHubApi, target: ReviewTarget, pullNumber: number): Promise<PullRequestDiff> {
  const files: ChangedFile[] = [];
  for await (const page of octokit.paginate.iterator(octokit.rest.pulls.listFiles, {
    owner: target.owner,
    repo: target.repo,
    pull_number: pullNumber,
    per_page: 100,
  })) {
    files.push(...(page.data as ChangedFile[]));
    if (files.length >= MAX_LISTED_FILES) break;
  }
  return diffFromFiles(files);
}

async function readHead(octokit: GitHubApi, target: ReviewTarget, pullNumber: number): Promise<string> {
  const { data } = await octokit.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: pullNumber });
  return data.head.sha;
}

class UnreadableSourceError extends Error {
  constructor(failed: ReadonlyMap<string, unknown>) {
    const [first, cause] = [...failed][0]!;
    super(`${failed.size} file${failed.size === 1 ? '' : 's'} could not be read from GitHub (${first}: ${describeError(cause)})`);
  }
}

/** The source, recording reads that failed for a reason other than "no such file". */
function trackReadFailures(source: RepositorySource) {
  const failed = new Map<string, unknown>();
  const read = (path: string) =>
    source.read(path).catch((error: unknown) => {
      if (!/: no such file in /.test((error as Error).message ?? '')) failed.set(path, error);
      throw error;
    });
  // A proxy rather than a copy: whatever else the source offers stays available, bound to it.
  const tracked = new Proxy(source, {
    get(target, property) {
      if (property === 'read') return read;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { source: tracked, failed };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the review did not finish within ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = (error as { status?: number }).status;
    return status ? `GitHub API answered ${status}: ${error.message}` : error.message;
  }
  return String(error);
}

function byLocation(a: { path: string; line: number }, b: { path: string; line: number }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line;
}
