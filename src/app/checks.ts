/**
 * The check run's life cycle through the Checks API: find ours for the commit, mark it
 * `in_progress`, complete it with the report, send annotations past the first 50 in updates.
 */
import type { ProbotOctokit } from 'probot';
import { CHECK_RUN_NAME, type CheckRunReport } from './check-run.ts';

export type GitHubApi = InstanceType<typeof ProbotOctokit>;

/**
 * Our existing run for this commit, if any: same head SHA, our name, our app (GitHub answers
 * only with runs of the calling app when `app_id` is given). Reusing it makes a redelivered
 * webhook or a second event for the same commit update one run instead of adding another.
 */
export async function findCheckRun(
  octokit: GitHubApi,
  target: { owner: string; repo: string; headSha: string },
  appId?: number,
): Promise<{ id: number; status: string; externalId?: string } | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: CHECK_RUN_NAME,
    filter: 'latest',
    ...(appId ? { app_id: appId } : {}),
  });
  const ours = data.check_runs.filter((run) => run.head_sha === target.headSha && (!appId || run.app?.id === appId));
  // Prefer the run we tagged with this commit; then the most recent one.
  const run = ours.find((r) => r.external_id === target.headSha) ?? ours[0];
  return run ? { id: run.id, status: run.status, ...(run.external_id ? { externalId: run.external_id } : {}) } : undefined;
}

/** GitHub answered and refused (4xx): sending the same request again cannot help. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { status?: number }).status ?? 0;
  return status >= 400 && status < 500 && status !== 408 && status !== 429 && !isRateLimit(error);
}

function isRateLimit(error: unknown): boolean {
  const e = error as { status?: number; message?: string; response?: { headers?: Record<string, string> } };
  return e.status === 403 && (/rate limit/i.test(e.message ?? '') || e.response?.headers?.['x-ratelimit-remaining'] === '0');
}

type CreateBody = Omit<Parameters<GitHubApi['rest']['checks']['create']>[0] & object, 'owner' | 'repo' | 'name' | 'head_sha' | 'external_id'>;

/**
 * Creates our run for the commit, at most once: when the answer is lost or GitHub fails (5xx,
 * timeout, rate limit), the run may exist all the same, so it is looked up by head SHA, App and
 * external id before another create is sent.
 */
export async function createCheckRun(
  octokit: GitHubApi,
  target: { owner: string; repo: string; headSha: string },
  body: CreateBody,
  appId?: number,
): Promise<{ id: number; reconciled: boolean; status: string }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (attempt > 0) {
      const found = await findCheckRun(octokit, target, appId).catch(() => undefined);
      if (found?.externalId === target.headSha) return { id: found.id, reconciled: true, status: found.status };
    }
    try {
      const { data } = await octokit.rest.checks.create({
        ...body,
        owner: target.owner,
        repo: target.repo,
        name: CHECK_RUN_NAME,
        head_sha: target.headSha,
        external_id: target.headSha,
      });
      return { id: data.id, reconciled: false, status: data.status };
    } catch (error) {
      if (isRefusal(error)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

export async function startCheckRun(
  octokit: GitHubApi,
  target: { owner: string; repo: string; headSha: string },
  existing: { id: number; status: string } | undefined,
  appId?: number,
): Promise<{ id: number; status: string }> {
  const output = {
    title: 'Reviewing…',
    summary: `Reviewing \`${target.headSha.slice(0, 7)}\` against the Balance+ platform rules.`,
  };
  if (existing) {
    // Already showing "in progress" (a concurrent or redelivered event): no need to say it again.
    if (existing.status !== 'in_progress') {
      await octokit.rest.checks.update({
        owner: target.owner,
        repo: target.repo,
        check_run_id: existing.id,
        status: 'in_progress',
        started_at: new Date().toISOString(),
        output,
      });
    }
    return { id: existing.id, status: 'in_progress' };
  }
  const created = await createCheckRun(octokit, target, { status: 'in_progress', started_at: new Date().toISOString(), output }, appId);
  return { id: created.id, status: 'in_progress' };
}

/**
 * Completes the run (creating it completed when it does not exist yet) with the first 50
 * annotations, then sends the rest 50 at a time: GitHub appends annotations on each update.
 * The verdict goes first so that it is visible even if a later batch fails.
 */
export async function completeCheckRun(
  octokit: GitHubApi,
  target: { owner: string; repo: string; headSha: string },
  runId: number | undefined,
  report: CheckRunReport,
  appId?: number,
): Promise<number> {
  const [first = [], ...rest] = report.annotationBatches;
  const completion = {
    owner: target.owner,
    repo: target.repo,
    status: 'completed' as const,
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...report.output, ...(first.length ? { annotations: first } : {}) },
    ...(report.actions ? { actions: report.actions } : {}),
  };
  let id = runId;
  if (id === undefined) {
    const { owner: _o, repo: _r, ...body } = completion;
    const created = await createCheckRun(octokit, target, body, appId);
    id = created.id;
    // Found rather than created: ours landed although its answer was lost, unless it is still
    // the in-progress run of an earlier attempt.
    if (created.reconciled && created.status !== 'completed') await octokit.rest.checks.update({ ...completion, check_run_id: id });
  } else {
    await octokit.rest.checks.update({ ...completion, check_run_id: id });
  }
  for (const annotations of rest) {
    await octokit.rest.checks.update({
      owner: target.owner,
      repo: target.repo,
      check_run_id: id,
      output: { title: report.output.title, summary: report.output.summary, annotations },
    });
  }
  return id;
}
