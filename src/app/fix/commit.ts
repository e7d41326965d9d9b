/**
 * One commit through the Git Data API, moved onto the branch only as a fast-forward from the
 * reviewed head: blobs → tree (base_tree = the reviewed commit's tree) → commit (parent = the
 * reviewed commit) → the ref read back (still the reviewed commit?) → `updateRef` with
 * `force: false`. GitHub refuses a non-fast-forward with 422, so a push that lands between the
 * check and the update is not overwritten either.
 */
import type { GitHubApi } from '../checks.ts';

export type PushOutcome = { status: 'pushed'; sha: string } | { status: 'moved'; headSha?: string } | { status: 'forbidden'; httpStatus: number };

export interface PushRequest {
  owner: string;
  repo: string;
  branch: string;
  /** The reviewed head commit the edits were computed on. */
  baseSha: string;
  edits: ReadonlyMap<string, string>;
  message: string;
}

export async function pushCommit(octokit: GitHubApi, request: PushRequest): Promise<PushOutcome> {
  const { owner, repo } = request;
  const ref = `heads/${request.branch}`;
  try {
    const { data: base } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: request.baseSha });
    const entries = [];
    for (const [path, content] of [...request.edits].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const { data: blob } = await octokit.rest.git.createBlob({ owner, repo, content: Buffer.from(content, 'utf8').toString('base64'), encoding: 'base64' });
      entries.push({ path, mode: '100644' as const, type: 'blob' as const, sha: blob.sha });
    }
    const { data: tree } = await octokit.rest.git.createTree({ owner, repo, base_tree: base.tree.sha, tree: entries });
    const { data: commit } = await octokit.rest.git.createCommit({ owner, repo, message: request.message, tree: tree.sha, parents: [request.baseSha] });
    const { data: current } = await octokit.rest.git.getRef({ owner, repo, ref });
    if (current.object.sha !== request.baseSha) return { status: 'moved', headSha: current.object.sha };
    try {
      await octokit.rest.git.updateRef({ owner, repo, ref, sha: commit.sha, force: false });
    } catch (error) {
      // "Update is not a fast forward": someone pushed between the read and the update.
      if ((error as { status?: number }).status === 422) return { status: 'moved' };
      throw error;
    }
    return { status: 'pushed', sha: commit.sha };
  } catch (error) {
    const status = (error as { status?: number }).status ?? 0;
    if (status === 403 || status === 404) return { status: 'forbidden', httpStatus: status };
    throw error;
  }
}
