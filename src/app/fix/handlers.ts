/**
 * `/bplus fix|check|help` in pull-request comments and the check run's "Fix" button.
 *
 * Safety, in order: comments from bots are ignored (the app's own comments included: no
 * loops); the command is acknowledged at once with a reaction; only write/maintain/admin
 * collaborators make the app push (others get a polite reply); the fixes are computed on the
 * reviewed head commit and pushed as one commit that fast-forwards from it, or not at all; forks
 * and branches the app cannot push to get a review with suggestions. The app never fixes on its
 * own: every fix answers a person's command, so its own commits are reviewed but never fixed
 * again automatically. Logs, comments and commit messages carry rule ids, paths, key names and
 * counts, never a value.
 */
import type { Probot } from 'probot';
import type { FixPlan } from '../../fix/index.ts';
import { GitHubSource } from '../../source/github.ts';
import { CHECK_RUN_NAME } from '../check-run.ts';
import type { GitHubApi } from '../checks.ts';
import { appliedConfig } from '../config.ts';
import { planFix, type PlanFixFunction } from '../engine-jobs.ts';
import { diffFromFiles, type ChangedFile } from '../pull-request-diff.ts';
import { unthrottledGraphql } from '../read-client.ts';
import { reviewPullRequest, type ReviewDeps, type ReviewEnvironment } from '../review-pull-request.ts';
import { FIX_ACTION_IDENTIFIER } from './actions.ts';
import { HELP_TEXT, parseCommand } from './commands.ts';
import { pushCommit } from './commit.ts';
import { outcomeComment, type FixResult } from './report.ts';
import { buildSuggestions, reviewBody } from './suggestions.ts';

export interface FixDeps extends ReviewDeps {
  /** Sealing certificates (PEM) by environment or namespace, `*` for any (app configuration). */
  certificates?: Readonly<Record<string, string>>;
  /** Reviews the head once and plans the fixes where its model is; `planFix` in this thread by default. */
  planFix?: PlanFixFunction;
}

export interface FixRequest {
  owner: string;
  repo: string;
  pullNumber: number;
  requestedBy: string;
  rules: string[];
  /** The commit the person saw reviewed (the check run's head); the pull request's head otherwise. */
  reviewedSha?: string;
}

const ALLOWED_PERMISSIONS = new Set(['admin', 'maintain', 'write']);
/** GitHub lets a delivery be redelivered for 3 days. */
const COMMAND_MEMORY_MS = 3 * 24 * 3600_000;
/** Paths the app never writes (workflows need their own permission; CI config is not ours). */
const PROTECTED_PATHS = /^\.github\/workflows\//;

export function registerFixCommands(app: Probot, reviewDeps: FixDeps): void {
  const deps: FixDeps = { ...reviewDeps, certificates: reviewDeps.certificates ?? certificatesFromEnvironment() };
  app.on('issue_comment.created', async (context) => {
    const env = environmentOf(context);
    await handleComment(env, context.payload, deps);
  });
  app.on('check_run.requested_action', async (context) => {
    const env = environmentOf(context);
    await handleRequestedAction(env, context.payload as unknown as RequestedActionPayload, deps);
  });
}

/** `BPLUS_SEALING_CERT` (PEM, any environment) and `BPLUS_SEALING_CERT_<ENV or NAMESPACE>`. */
export function certificatesFromEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (name === 'BPLUS_SEALING_CERT') out['*'] = value;
    const m = /^BPLUS_SEALING_CERT_(.+)$/.exec(name);
    if (m) out[m[1]!.toLowerCase().replace(/_/g, '-')] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function environmentOf(context: {
  octokit: unknown;
  log: ReviewEnvironment['log'];
  config: <T>(file: string) => Promise<T | null>;
  payload: unknown;
}): ReviewEnvironment {
  return {
    octokit: context.octokit as GitHubApi,
    log: context.log,
    loadConfig: () => context.config<Record<string, unknown>>('bplus.yml'),
    readGraphql: unthrottledGraphql(context.octokit as GitHubApi),
    installationId: (context.payload as { installation?: { id?: number } }).installation?.id,
  };
}

interface User {
  login: string;
  type?: string;
}

export interface CommentPayload {
  repository: { name: string; owner: { login: string } };
  issue: { number: number; pull_request?: unknown };
  comment: { id: number; body: string | null; user: User | null };
  sender: User;
}

export interface RequestedActionPayload {
  repository: { name: string; owner: { login: string } };
  check_run: { name: string; head_sha: string; app?: { id: number } | null; pull_requests: Array<{ number: number }> };
  requested_action?: { identifier: string } | null;
  sender: User;
}

export function isBot(user: User | null | undefined): boolean {
  return !user || user.type === 'Bot' || /\[bot\]$/i.test(user.login);
}

export async function handleComment(env: ReviewEnvironment, payload: CommentPayload, deps: FixDeps): Promise<void> {
  if (!payload.issue.pull_request) return;
  const command = parseCommand(payload.comment.body);
  if (!command) return;
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  const where = { owner, repo, pull: payload.issue.number };
  if (isBot(payload.comment.user) || isBot(payload.sender)) {
    env.log.info({ ...where, command: command.name }, 'ignored a bplus command from a bot');
    return;
  }
  const requestedBy = payload.comment.user!.login;
  // The 👀 reaction is also the mark that the command was taken: GitHub answers 200 instead of
  // 201 when the App already reacted, i.e. for a redelivery, which is then not applied again
  // (by any instance). Copies of one delivery arriving together are joined by the webhook
  // handler; with Redis, a claim shared by every instance is taken first as well.
  const claimed = deps.locks?.shared ? await deps.locks.claimOnce(`command:${owner}/${repo}:${payload.comment.id}`, COMMAND_MEMORY_MS) : true;
  const reaction = await env.octokit.rest.reactions.createForIssueComment({ owner, repo, comment_id: payload.comment.id, content: 'eyes' });
  if (!claimed || reaction.status === 200) {
    env.log.info({ ...where, command: command.name, comment: payload.comment.id }, 'command already taken (a redelivery): not applied again');
    return;
  }
  const reply = (body: string) => env.octokit.rest.issues.createComment({ owner, repo, issue_number: payload.issue.number, body });
  switch (command.name) {
    case 'help':
      await reply(HELP_TEXT);
      return;
    case 'unknown':
      await reply(`@${requestedBy} bplus does not know \`${command.word.replace(/[`@]/g, '')}\`.\n\n${HELP_TEXT}`);
      return;
    case 'check': {
      const { data: pull } = await env.octokit.rest.pulls.get({ owner, repo, pull_number: payload.issue.number });
      const report = await reviewPullRequest(env, { owner, repo, headSha: pull.head.sha, pullNumber: pull.number }, deps);
      await reply(`@${requestedBy} reviewed ${pull.head.sha.slice(0, 7)} again: **${report.conclusion}**. ${report.output.title}`);
      return;
    }
    case 'fix':
      await runFix(env, { owner, repo, pullNumber: payload.issue.number, requestedBy, rules: command.rules }, deps);
  }
}

export async function handleRequestedAction(env: ReviewEnvironment, payload: RequestedActionPayload, deps: FixDeps): Promise<void> {
  const run = payload.check_run;
  if (payload.requested_action?.identifier !== FIX_ACTION_IDENTIFIER || run.name !== CHECK_RUN_NAME) return;
  if (deps.appId !== undefined && run.app && run.app.id !== deps.appId) return;
  if (isBot(payload.sender)) return;
  const pull = run.pull_requests[0];
  const owner = payload.repository.owner.login;
  const repo = payload.repository.name;
  if (!pull) {
    env.log.warn({ owner, repo, sha: run.head_sha }, 'Fix requested on a check run without a pull request (a fork?): use /bplus fix in the pull request');
    return;
  }
  await runFix(env, { owner, repo, pullNumber: pull.number, requestedBy: payload.sender.login, rules: [], reviewedSha: run.head_sha }, deps);
}

/** Permission check, then the fix on the reviewed head, then one commit or one review, then one comment. */
export async function runFix(env: ReviewEnvironment, request: FixRequest, deps: FixDeps): Promise<void> {
  const { owner, repo, pullNumber, requestedBy } = request;
  const where = { owner, repo, pull: pullNumber };
  const reply = (body: string) => env.octokit.rest.issues.createComment({ owner, repo, issue_number: pullNumber, body });

  if (!(await canPush(env.octokit, owner, repo, requestedBy))) {
    env.log.info({ ...where, user: requestedBy }, 'fix refused: no write permission');
    await reply(
      `@${requestedBy} thanks! Only people with write, maintain or admin permission on this repository can ask bplus to push fixes. A maintainer can comment \`/bplus fix\`, or you can run \`bplus fix\` locally.`,
    );
    return;
  }

  const { data: pull } = await env.octokit.rest.pulls.get({ owner, repo, pull_number: pullNumber });
  const reviewedSha = request.reviewedSha ?? pull.head.sha;
  if (pull.head.sha !== reviewedSha) {
    await reply(outcomeComment(emptyPlan(), { kind: 'moved', reviewedSha, headSha: pull.head.sha }, requestedBy));
    return;
  }

  let plan: FixPlan;
  const originals = new Map<string, string | undefined>();
  try {
    const config = appliedConfig(await env.loadConfig());
    const source = new GitHubSource({ request: env.octokit.request, graphql: env.readGraphql ?? env.octokit.graphql }, { owner, repo, commit: reviewedSha });
    // One review of the head, and the plan made from it where its model is (engine-jobs.ts).
    plan = await (deps.planFix ?? planFix)(source, { config: config.loaded }, { rules: request.rules, certificates: deps.certificates });
    for (const path of [...plan.edits.keys()]) {
      if (PROTECTED_PATHS.test(path)) plan.edits.delete(path);
    }
    for (const path of plan.edits.keys())
      originals.set(
        path,
        await source.read(path).then(
          (b) => b.toString('utf8'),
          () => undefined,
        ),
      );
  } catch (error) {
    env.log.error({ ...where, error: describe(error) }, 'fix could not be planned');
    await reply(`@${requestedBy} bplus could not compute the fixes (${describe(error)}). Nothing was pushed.`);
    return;
  }
  env.log.info({ ...where, applied: plan.applied.length, skipped: plan.skipped.length, files: plan.edits.size }, 'fix planned');

  let result: FixResult;
  if (plan.edits.size === 0) result = { kind: 'nothing' };
  else {
    const fork = !pull.head.repo || pull.head.repo.full_name !== pull.base.repo.full_name;
    if (fork) result = await suggest(env, request, plan, originals, reviewedSha, 'the pull request comes from a fork');
    else {
      const pushed = await pushCommit(env.octokit, {
        owner,
        repo,
        branch: pull.head.ref,
        baseSha: reviewedSha,
        edits: plan.edits,
        message: commitMessage(plan, request),
      });
      if (pushed.status === 'pushed') result = { kind: 'pushed', sha: pushed.sha };
      else if (pushed.status === 'moved') result = { kind: 'moved', reviewedSha, headSha: pushed.headSha };
      else
        result = await suggest(
          env,
          request,
          plan,
          originals,
          reviewedSha,
          `GitHub answered ${pushed.httpStatus} to the push: the branch is protected or the app may not write to it`,
        );
    }
  }
  env.log.info({ ...where, outcome: result.kind }, 'fix done');
  await reply(outcomeComment(plan, result, requestedBy));
}

async function suggest(
  env: ReviewEnvironment,
  request: FixRequest,
  plan: FixPlan,
  originals: Map<string, string | undefined>,
  sha: string,
  reason: string,
): Promise<FixResult> {
  const { owner, repo, pullNumber } = request;
  const files: ChangedFile[] = [];
  for await (const page of env.octokit.paginate.iterator(env.octokit.rest.pulls.listFiles, { owner, repo, pull_number: pullNumber, per_page: 100 })) {
    files.push(...(page.data as ChangedFile[]));
  }
  const suggestions = buildSuggestions(plan.edits, originals, diffFromFiles(files), plan.sensitivePaths);
  await env.octokit.rest.pulls.createReview({
    owner,
    repo,
    pull_number: pullNumber,
    commit_id: sha,
    event: 'COMMENT',
    body: reviewBody(`bplus fixes for ${sha.slice(0, 7)}, as suggestions (${reason}).`, suggestions.outside),
    comments: suggestions.comments,
  });
  return { kind: 'suggested', reason };
}

export async function canPush(octokit: GitHubApi, owner: string, repo: string, username: string): Promise<boolean> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    return ALLOWED_PERMISSIONS.has(data.permission) || ALLOWED_PERMISSIONS.has(data.role_name ?? '');
  } catch (error) {
    if ((error as { status?: number }).status === 404) return false;
    throw error;
  }
}

/** Rule ids, counts and paths: never a value. The trailer marks the app's own commits. */
export function commitMessage(plan: FixPlan, request: FixRequest): string {
  const rules = [...new Set(plan.applied.map((a) => a.ruleId))].sort();
  const lines = [`bplus fix: ${rules.join(', ') || 'platform rules'}`, '', `Requested by @${request.requestedBy} in #${request.pullNumber}.`, ''];
  for (const a of plan.applied) lines.push(`- ${a.ruleId} ${a.path}: ${a.description}`);
  lines.push('', 'Bplus-Fix: true');
  return lines.join('\n');
}

function emptyPlan(): FixPlan {
  return { edits: new Map(), applied: [], skipped: [], notes: [], sensitivePaths: new Set(), fixed: [], remaining: [] };
}

/** An error as a status and a class: messages of third-party errors may quote input. */
function describe(error: unknown): string {
  const status = (error as { status?: number }).status;
  if (status) return `GitHub API answered ${status}`;
  return error instanceof Error ? error.name : 'error';
}
