/**
 * A GraphQL client for the source's blob queries, outside Octokit's throttling.
 *
 * `@octokit/plugin-throttling` puts every GraphQL request in its "write" queue, one per second
 * per installation, because a GraphQL request may be a mutation. The source's queries only read
 * (a handful per review, sent together), and a review that waits a second per 100 files cannot
 * answer within GitHub's webhook timeout. This client uses the same installation token and base
 * URL, without the write spacing; GitHub's secondary limits (100 concurrent requests, 2,000
 * GraphQL points a minute) are far above what one review sends. A 403/429 with `retry-after`
 * is waited out once.
 */
import { Octokit } from '@octokit/core';
import type { GitHubApi } from './checks.ts';
import type { GitHubClient } from '../source/github.ts';

/**
 * Created on the first query, which the source sends only after its tree request: the token is
 * in Probot's cache by then (asking earlier could start a second token request, and the auth
 * strategy's own request does not know a GHES base URL). Any trouble: the throttled client.
 */
export function unthrottledGraphql(octokit: GitHubApi): GitHubClient['graphql'] {
  let client: Promise<GitHubClient['graphql']> | undefined;
  const lazy = (query: string, parameters?: Record<string, unknown>) => {
    client ??= createClient(octokit).catch(() => octokit.graphql);
    return client.then((graphql) => graphql(query, parameters));
  };
  return lazy as GitHubClient['graphql'];
}

async function createClient(octokit: GitHubApi): Promise<GitHubClient['graphql']> {
  const auth = (await octokit.auth({ type: 'installation' })) as { token?: string };
  if (!auth.token) return octokit.graphql;
  const retryingFetch: unknown = octokit.request.endpoint.DEFAULTS.request?.fetch;
  const client = new Octokit({
    auth: auth.token,
    baseUrl: octokit.request.endpoint.DEFAULTS.baseUrl,
    userAgent: 'bplus',
    // The App's retrying fetch (github-fetch.ts), when the client was built with one.
    ...(typeof retryingFetch === 'function' ? { request: { fetch: retryingFetch } } : {}),
  });
  client.hook.wrap('request', async (request, options) => {
    try {
      return await request(options);
    } catch (error) {
      const status = (error as { status?: number }).status;
      const retryAfter = Number((error as { response?: { headers?: Record<string, string> } }).response?.headers?.['retry-after']);
      if ((status === 403 || status === 429) && retryAfter > 0 && retryAfter <= 60) {
        await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
        return request(options);
      }
      throw error;
    }
  });
  return client.graphql;
}
