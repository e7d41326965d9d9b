/**
 * What to review, read from a webhook payload: a repository, a head commit and, when there is
 * one, the pull request it belongs to. Pure functions over the payloads, so handlers stay thin.
 */
import { CHECK_RUN_NAME } from './check-run.ts';

export interface ReviewTarget {
  owner: string;
  repo: string;
  headSha: string;
  /** The pull request; absent when GitHub does not say (fork pushes in check events). */
  pullNumber?: number;
  /** The pull request's base commit, for "what does this change allow now" (TR-K8S-7). */
  baseSha?: string;
  /** A check run the event already names (a re-run): updated instead of looked up. */
  checkRunId?: number;
}

interface RepositoryPayload {
  repository: { name: string; owner: { login: string } };
}

interface PullRequestRef {
  number: number;
  head: { sha: string };
  base?: { sha: string };
}

export function targetFromPullRequest(payload: RepositoryPayload & { pull_request: PullRequestRef }): ReviewTarget {
  return {
    ...repositoryOf(payload),
    headSha: payload.pull_request.head.sha,
    pullNumber: payload.pull_request.number,
    ...(payload.pull_request.base?.sha ? { baseSha: payload.pull_request.base.sha } : {}),
  };
}

export function targetFromCheckSuite(payload: RepositoryPayload & { check_suite: { head_sha: string; pull_requests: PullRequestRef[] } }): ReviewTarget {
  const suite = payload.check_suite;
  return { ...repositoryOf(payload), headSha: suite.head_sha, pullNumber: pullFor(suite.head_sha, suite.pull_requests) };
}

/**
 * A re-run of a check run. Every app on the repository may see check events, so one that is not
 * ours (another name, or another app when our id is known) yields no target.
 */
export function targetFromCheckRun(
  payload: RepositoryPayload & {
    check_run: { id: number; name: string; head_sha: string; app?: { id: number } | null; pull_requests: PullRequestRef[] };
  },
  ownAppId?: number,
): ReviewTarget | undefined {
  const run = payload.check_run;
  if (run.name !== CHECK_RUN_NAME) return undefined;
  if (ownAppId !== undefined && run.app && run.app.id !== ownAppId) return undefined;
  return {
    ...repositoryOf(payload),
    headSha: run.head_sha,
    pullNumber: pullFor(run.head_sha, run.pull_requests),
    checkRunId: run.id,
  };
}

/** Prefer the pull request whose head is this commit; any other one still gives the diff's base. */
function pullFor(headSha: string, pulls: readonly PullRequestRef[]): number | undefined {
  return (pulls.find((p) => p.head.sha === headSha) ?? pulls[0])?.number;
}

function repositoryOf(payload: RepositoryPayload) {
  return { owner: payload.repository.owner.login, repo: payload.repository.name };
}
