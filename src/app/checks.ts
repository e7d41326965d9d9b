/**
 * The check run's life cycle through the Checks API: find or create it `in_progress`, complete it
 * with the report, and send annotations past the first 50 in further updates.
 */
import type { ProbotOctokit } from 'probot';
import { CHECK_RUN_NAME, type CheckRunReport } from '../report/check-run.ts';

export type GitHubApi = InstanceType<typeof ProbotOctokit>;

export interface CheckRunRef {
  owner: string;
  repo: string;
  id: number;
}

/**
 * Our existing run for this commit, if any: same head SHA, our name, our app (GitHub answers
 * only with runs of the calling app when `app_id` is given). Reusing it makes a redelivered
 * webhook or a second event for the same commit update one run instead of adding another.
 */
export async function findCheckRun(
  octokit: GitHubApi,
  target: { owner: string; repo: string; headSha: string },
  appId?: number,
): Promise<{ id: number; status: string } | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: target.owner,
    repo: target.repo,
    ref: target.headSha,
    check_name: CHECK_RUN_NAME,
    filter: 'latest',
    ...(appId ? { app_id: appId } : {}),
  });
  const ours = data.check_runs.filter(
    (run) => run.head_sha === target.headSha && (!appId || run.app?.id === appId),
  );
  // Prefer the run we tagged with this commit; then the most recent one.
  const run = ours.find((r) => r.external_id === target.headSha) ?? ours[0];
  return run ? { id: run.id, status: run.status } : undefined;
}

export async function startCheckRun(
  octokit: GitHubApi,
  target: { owner: string; repo: string; headSha: string },
  existing: { id: number; status: string } | undefined,
): Promise<CheckRunRef> {
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
    return { owner: target.owner, repo: target.repo, id: existing.id };
  }
  const { data } = await octokit.rest.checks.create({
    owner: target.owner,
    repo: target.repo,
    name: CHECK_RUN_NAME,
    head_sha: target.headSha,
    external_id: target.headSha,
    status: 'in_progress',
    started_at: new Date().toISOString(),
    output,
  });
  return { owner: target.owner, repo: target.repo, id: data.id };
}

/**
 * Completes the run with the first 50 annotations, then sends the rest 50 at a time: GitHub
 * appends annotations on each update. Completing first means the verdict is visible even if a
 * later batch fails.
 */
export async function completeCheckRun(octokit: GitHubApi, run: CheckRunRef, report: CheckRunReport): Promise<void> {
  const [first = [], ...rest] = report.annotationBatches;
  await octokit.rest.checks.update({
    owner: run.owner,
    repo: run.repo,
    check_run_id: run.id,
    status: 'completed',
    conclusion: report.conclusion,
    completed_at: new Date().toISOString(),
    output: { ...report.output, ...(first.length ? { annotations: first } : {}) },
  });
  for (const annotations of rest) {
    await octokit.rest.checks.update({
      owner: run.owner,
      repo: run.repo,
      check_run_id: run.id,
      output: { title: report.output.title, summary: report.output.summary, annotations },
    });
  }
}
