/**
 * "Who can reach whom now?" for a pull request: the connectivity of the base commit against the
 * head's (TR-K8S-7). The base is read only when the change can move connectivity: a file it
 * removes, or added or edited lines that speak of policies, selectors, labels or ports. A change
 * of resources or images costs no request.
 */
import type { Review } from '../engine/api.ts';
import { connectivityDiff } from '../engine/connectivity.ts';
import { loadRepository } from '../model/repository.ts';
import { isYamlPath } from '../model/files.ts';
import type { RepositorySource } from '../source/types.ts';
import type { PullRequestDiff } from './pull-request-diff.ts';

const NETWORK_WORDS = /NetworkPolicy|networkPolicy|ingressFrom|egressTo|podSelector|namespaceSelector|ipBlock|policyTypes|labels|ports|containerPort|kind:/;

export async function touchesConnectivity(head: RepositorySource, diff: PullRequestDiff): Promise<boolean> {
  if ([...diff.removedPaths].some(isYamlPath)) return true;
  for (const path of diff.changedPaths) {
    if (!isYamlPath(path)) continue;
    const lines = (await head.read(path).catch(() => Buffer.alloc(0))).toString('utf8').split('\n');
    const added = diff.addedLines.get(path) ?? new Set<number>();
    if ([...added].some((n) => NETWORK_WORDS.test(lines[n - 1] ?? ''))) return true;
    // A removal is invisible in the head: judge the file by what it is about.
    if ((diff.removedAt.get(path)?.size ?? 0) > 0 && NETWORK_WORDS.test(lines.join('\n'))) return true;
  }
  return false;
}

/**
 * Lines such as "now allowed: api-gateway → postgresql TCP 5432", empty when nothing changed. The
 * head is the review's own model, under the configuration it was reviewed with: only the base
 * commit is read and built.
 */
export async function networkChanges(base: RepositorySource, head: Pick<Review, 'model' | 'config'>): Promise<string[]> {
  const baseModel = await loadRepository(base, head.config.config);
  return connectivityDiff(baseModel, head.model);
}
