/**
 * The Probot app: every pull request's head commit reviewed as the check run
 * "Balance+ platform rules". Handlers only pick the target out of the payload; the review itself
 * lives in review-pull-request.ts.
 */
import type { ApplicationFunction, Context, Probot } from 'probot';
import { unthrottledGraphql } from './read-client.ts';
import { planFix, reviewChange } from './engine-jobs.ts';
import { reviewPullRequest, type ReviewEnvironment } from './review-pull-request.ts';
import { targetFromCheckRun, targetFromCheckSuite, targetFromPullRequest } from './targets.ts';
import { registerFixCommands, type FixDeps } from './fix/handlers.ts';
import { registerInstallationReviews } from './installation.ts';
import { reviewTimeoutMs } from './budget.ts';

export const PULL_REQUEST_EVENTS = ['pull_request.opened', 'pull_request.synchronize', 'pull_request.reopened', 'pull_request.ready_for_review'] as const;

/** Below this a review is done before a human could notice an "in progress" state. */
const DEFAULT_IN_PROGRESS_AFTER_MS = 1_000;

export function createApp(overrides: Partial<FixDeps> = {}): ApplicationFunction {
  const deps: FixDeps = {
    review: reviewChange,
    planFix,
    appId: Number(process.env.APP_ID) || undefined,
    timeoutMs: reviewTimeoutMs(),
    inProgressAfterMs: numberOr(process.env.BPLUS_IN_PROGRESS_AFTER_MS, DEFAULT_IN_PROGRESS_AFTER_MS),
    ...overrides,
  };
  return (app: Probot) => {
    app.on([...PULL_REQUEST_EVENTS], async (context) => {
      await reviewPullRequest(environmentOf(context), targetFromPullRequest(context.payload), deps);
    });
    app.on('check_suite.rerequested', async (context) => {
      await reviewPullRequest(environmentOf(context), targetFromCheckSuite(context.payload), deps);
    });
    app.on('check_run.rerequested', async (context) => {
      const target = targetFromCheckRun(context.payload, deps.appId);
      if (target) await reviewPullRequest(environmentOf(context), target, deps);
    });
    registerFixCommands(app, deps);
    registerInstallationReviews(app, deps);
  };
}

function numberOr(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(value) ? value : fallback;
}

function environmentOf(context: Context): ReviewEnvironment {
  return {
    octokit: context.octokit,
    log: context.log,
    loadConfig: () => context.config<Record<string, unknown>>('bplus.yml'),
    readGraphql: unthrottledGraphql(context.octokit),
    installationId: (context.payload as { installation?: { id?: number } }).installation?.id,
  };
}

export default createApp();
