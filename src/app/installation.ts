/**
 * Org-wide from day one: when the App is installed (`installation.created`) or repositories
 * are added to it (`installation_repositories.added`), each selected repository's default
 * branch is reviewed once, as a check run on its head commit. Repositories are taken one after
 * another: the writes go through the installation's queue anyway (one a second), and a
 * delivery has a time budget; what does not fit is logged by name, to be reviewed on its next
 * push or pull request.
 */
import type { Probot } from 'probot';
import type { GitHubApi } from './checks.ts';
import { deliveryDeadline } from './delivery-context.ts';
import { unthrottledGraphql } from './read-client.ts';
import { reviewPullRequest, type ReviewDeps, type ReviewEnvironment } from './review-pull-request.ts';

interface RepositoryRef {
  full_name: string;
}

/** A review of a default branch rarely takes longer; one is not started with less time left. */
const TIME_FOR_ONE_REVIEW_MS = 8_000;

export function registerInstallationReviews(app: Probot, deps: ReviewDeps): void {
  app.on(['installation.created', 'installation_repositories.added'], async (context) => {
    const payload = context.payload as unknown as { installation: { id: number }; repositories?: RepositoryRef[]; repositories_added?: RepositoryRef[] };
    const repositories = payload.repositories_added ?? payload.repositories ?? [];
    const octokit: GitHubApi = context.octokit;
    const left = [...repositories];
    while (left.length > 0) {
      const deadline = deliveryDeadline();
      if (deadline !== undefined && Date.now() + TIME_FOR_ONE_REVIEW_MS > deadline) break;
      const [owner, repo] = left.shift()!.full_name.split('/') as [string, string];
      try {
        const { data: repository } = await octokit.rest.repos.get({ owner, repo });
        const { data: branch } = await octokit.rest.repos.getBranch({ owner, repo, branch: repository.default_branch });
        const env: ReviewEnvironment = {
          octokit,
          log: context.log,
          loadConfig: () => loadConfig(octokit, owner, repo),
          readGraphql: unthrottledGraphql(octokit),
          installationId: payload.installation.id,
        };
        await reviewPullRequest(env, { owner, repo, headSha: branch.commit.sha }, deps);
      } catch (error) {
        context.log.error({ err: error, repository: `${owner}/${repo}` }, 'default branch not reviewed');
      }
    }
    if (left.length > 0) {
      context.log.warn({ repositories: left.map((r) => r.full_name) }, 'not reviewed within this delivery’s time budget: reviewed on their next pull request');
    }
  });
}

/** What `context.config('bplus.yml')` does, for events that carry no repository. */
async function loadConfig(octokit: GitHubApi, owner: string, repo: string): Promise<Record<string, unknown> | null> {
  const { config, files } = await (
    octokit as unknown as { config: { get: (p: object) => Promise<{ config: Record<string, unknown>; files: Array<{ config: unknown }> }> } }
  ).config.get({
    owner,
    repo,
    path: '.github/bplus.yml',
  });
  return files.some((file) => file.config !== null) ? config : null;
}
