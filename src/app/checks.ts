/**
 * The check run's life cycle through the Checks API: find ours for the commit, mark it
 * `in_progress`, complete it with the report, send annotations past the first 50 in updates.
 */
import type { ProbotOctokit } from 'probot';
import { CHECK_RUN_NAME, type CheckRunReport } from '../report/check-run.ts';

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
  return { id: data.id, status: 'in_progress' };
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
    const { data } = await octokit.rest.checks.create({
      ...completion,
      name: CHECK_RUN_NAME,
      head_sha: target.headSha,
      external_id: target.headSha,
    });
    id = data.id;
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
