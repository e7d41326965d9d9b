/**
 * The colleague's fake GitHub API (test/app/fake-github.ts: trees, blobs, GraphQL, pull files,
 * contents, check runs) behind a front that adds what `/bplus fix` needs: comments, reactions,
 * collaborator permissions, the pull request's head repository, the Git Data API (blobs, trees,
 * commits, refs with GitHub's fast-forward rule) and reviews. Every request either side handles
 * is validated against GitHub's OpenAPI description; everything sent is recorded for the
 * secret-leak scan.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { FakeGitHub, gitBlobSha, type FakeGitHubOptions, type RecordedRequest } from '../app/fake-github.ts';
import { OpenApiValidator } from '../app/openapi-validator.ts';

export interface FrontOptions extends FakeGitHubOptions {
  branch?: string;
  /** The pull request comes from a fork (`head.repo` is another repository). */
  fork?: boolean;
  /** login → permission (`admin`, `maintain`, `write`, `triage`, `read`); others are 404. */
  permissions?: Record<string, string>;
  /** `updateRef` answers 403 (a protected branch). */
  protectedBranch?: boolean;
}

/**
 * The request bodies this front reads, as far as it reads them: each route parses its body
 * before using it, so a body of the wrong shape is a 422 (as GitHub answers) rather than
 * `undefined` flowing into the fake's state. Objects stay loose: the OpenAPI validator, not
 * these schemas, judges the fields the front ignores.
 */
const ReactionBody = z.looseObject({ content: z.string() });
const CommentBody = z.looseObject({ body: z.string() });
const ReviewBody = z.looseObject({
  commit_id: z.string().optional(),
  event: z.string().optional(),
  body: z.string().optional(),
  comments: z.array(z.looseObject({ path: z.string(), body: z.string() })).optional(),
});
const BlobBody = z.looseObject({ content: z.string(), encoding: z.string().optional() });
const TreeBody = z.looseObject({ base_tree: z.string(), tree: z.array(z.looseObject({ path: z.string(), sha: z.string() })) });
const CommitBody = z.looseObject({ message: z.string(), tree: z.string(), parents: z.array(z.string()).optional() });
const RefUpdateBody = z.looseObject({ sha: z.string(), force: z.boolean().optional() });

/** A pull request review as the app posted it. */
export type PostedReview = z.infer<typeof ReviewBody>;

type Answer = { status: number; body?: unknown };

/** `body` read through `schema`, or GitHub's 422 for a body the route cannot use. */
function readBody<T>(schema: z.ZodType<T>, body: unknown): { body: T } | { answer: Answer } {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { body: parsed.data };
  return { answer: { status: 422, body: { message: `Invalid request: ${z.prettifyError(parsed.error)}` } } };
}

export interface CreatedCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

export class FakeGitHubWithGit {
  readonly inner: FakeGitHub;
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly comments: Array<{ issue: number; body: string }> = [];
  readonly reactions: Array<{ comment: number; content: string }> = [];
  readonly reviews: PostedReview[] = [];
  readonly blobs = new Map<string, Buffer>();
  readonly trees = new Map<string, { base: string; entries: Array<{ path: string; sha: string }> }>();
  readonly commits = new Map<string, CreatedCommit>();
  readonly refs = new Map<string, string>();
  /** Called when the app reads the branch ref: a test can push "concurrently" here. */
  onGetRef?: () => void;
  /** Called just before a ref update is applied. */
  onUpdateRef?: () => void;
  private server?: Server;
  private innerBase = '';
  private readonly validator = OpenApiValidator.shared();
  private pullHead: string;

  constructor(readonly options: FrontOptions) {
    this.inner = new FakeGitHub(options);
    this.pullHead = options.headSha;
    this.refs.set(this.branch, options.headSha);
  }

  get branch(): string {
    return this.options.branch ?? 'feature';
  }

  async start(): Promise<string> {
    this.innerBase = `http://${await this.inner.start()}`;
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.host;
  }

  get host(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    await this.inner.stop();
  }

  /** A push to the pull request's branch by someone else. */
  pushConcurrently(sha: string): void {
    this.refs.set(this.branch, sha);
    this.pullHead = sha;
    this.inner.movePullRequestHead(sha);
  }

  /** Every request either fake received, the installation token excepted. */
  allRequests(): RecordedRequest[] {
    return [...this.inner.apiRequests(), ...this.requests.filter((r) => !r.path.endsWith('/access_tokens'))];
  }

  allViolations(): string[] {
    return [...this.inner.violations, ...this.violations];
  }

  gitWrites(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== 'GET' && /\/git\//.test(r.path));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const apiPath = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = raw.toString('utf8');
    }
    const request: RecordedRequest = { method: req.method ?? 'GET', path: apiPath, query: url.searchParams, body, at: Date.now() };
    const answer = this.route(request);
    if (!answer) return this.forward(req, res, raw);
    this.requests.push(request);
    this.violations.push(...this.validator.validate(request));
    res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer.body ?? {}));
  }

  private async forward(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
    const answer = await fetch(this.innerBase + (req.url ?? '/'), { method: req.method, headers, body: raw.length ? new Uint8Array(raw) : undefined });
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k === 'link') out[k] = v.replaceAll(this.innerBase, `http://${this.host}`);
      else if (k !== 'content-length' && k !== 'content-encoding' && k !== 'transfer-encoding') out[k] = v;
    });
    res.writeHead(answer.status, out);
    res.end(Buffer.from(await answer.arrayBuffer()));
  }

  private route(r: RecordedRequest): Answer | undefined {
    const { owner, repo } = this.options;
    const prefix = `/repos/${owner}/${repo}`;
    if (!r.path.startsWith(prefix + '/')) return undefined;
    const rest = decodeURIComponent(r.path.slice(prefix.length));
    let m: RegExpExecArray | null;
    const full = `${owner}/${repo}`;
    if (r.method === 'GET' && (m = /^\/pulls\/(\d+)$/.exec(rest))) {
      const headRepo = this.options.fork ? `someone/${repo}` : full;
      return {
        status: 200,
        body: {
          number: Number(m[1]),
          state: 'open',
          head: { sha: this.pullHead, ref: this.branch, repo: { full_name: headRepo, name: repo, owner: { login: headRepo.split('/')[0] } } },
          base: { sha: this.inner.baseSha, ref: 'main', repo: { full_name: full, name: repo, owner: { login: owner } } },
        },
      };
    }
    if (r.method === 'GET' && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(rest))) {
      const permission = this.options.permissions?.[m[1]!];
      if (!permission) return { status: 404, body: { message: 'Not Found' } };
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return { status: 200, body: { permission: legacy, role_name: permission, user: { login: m[1] } } };
    }
    if (r.method === 'POST' && (m = /^\/issues\/comments\/(\d+)\/reactions$/.exec(rest))) {
      const read = readBody(ReactionBody, r.body);
      if ('answer' in read) return read.answer;
      const { content } = read.body;
      const comment = Number(m[1]);
      // GitHub answers 200 with the existing reaction when the same user reacted already.
      const existing = this.reactions.findIndex((x) => x.comment === comment && x.content === content);
      if (existing >= 0) return { status: 200, body: { id: existing + 1, content } };
      this.reactions.push({ comment, content });
      return { status: 201, body: { id: this.reactions.length, content } };
    }
    if (r.method === 'POST' && (m = /^\/issues\/(\d+)\/comments$/.exec(rest))) {
      const read = readBody(CommentBody, r.body);
      if ('answer' in read) return read.answer;
      this.comments.push({ issue: Number(m[1]), body: read.body.body });
      return { status: 201, body: { id: 9000 + this.comments.length, body: read.body.body } };
    }
    if (r.method === 'POST' && (m = /^\/pulls\/(\d+)\/reviews$/.exec(rest))) {
      const read = readBody(ReviewBody, r.body);
      if ('answer' in read) return read.answer;
      this.reviews.push(read.body);
      return { status: 200, body: { id: this.reviews.length, state: 'COMMENTED' } };
    }
    if (r.method === 'GET' && (m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(rest))) {
      return { status: 200, body: { sha: m[1], tree: { sha: treeShaOf(m[1]!) }, parents: [], message: 'head' } };
    }
    if (r.method === 'POST' && rest === '/git/blobs') {
      const read = readBody(BlobBody, r.body);
      if ('answer' in read) return read.answer;
      const content = Buffer.from(read.body.content, read.body.encoding === 'base64' ? 'base64' : 'utf8');
      const sha = gitBlobSha(content);
      this.blobs.set(sha, content);
      return { status: 201, body: { sha, url: `http://fake/blobs/${sha}` } };
    }
    if (r.method === 'POST' && rest === '/git/trees') {
      const read = readBody(TreeBody, r.body);
      if ('answer' in read) return read.answer;
      const sha = sha1(JSON.stringify(r.body));
      this.trees.set(sha, { base: read.body.base_tree, entries: read.body.tree.map((e) => ({ path: e.path, sha: e.sha })) });
      return { status: 201, body: { sha, tree: [], truncated: false } };
    }
    if (r.method === 'POST' && rest === '/git/commits') {
      const read = readBody(CommitBody, r.body);
      if ('answer' in read) return read.answer;
      const { tree, parents = [], message } = read.body;
      const sha = sha1(JSON.stringify(r.body) + this.commits.size);
      this.commits.set(sha, { sha, tree, parents, message });
      return { status: 201, body: { sha, tree: { sha: tree }, parents: parents.map((p) => ({ sha: p })), message } };
    }
    if (r.method === 'GET' && (m = /^\/git\/ref\/heads\/(.+)$/.exec(rest))) {
      this.onGetRef?.();
      const sha = this.refs.get(m[1]!);
      if (!sha) return { status: 404, body: { message: 'Not Found' } };
      return { status: 200, body: { ref: `refs/heads/${m[1]}`, object: { sha, type: 'commit' } } };
    }
    if (r.method === 'PATCH' && (m = /^\/git\/refs\/heads\/(.+)$/.exec(rest))) {
      this.onUpdateRef?.();
      const read = readBody(RefUpdateBody, r.body);
      if ('answer' in read) return read.answer;
      const { sha, force } = read.body;
      if (this.options.protectedBranch) return { status: 403, body: { message: 'Resource not accessible by integration' } };
      const current = this.refs.get(m[1]!);
      const commit = this.commits.get(sha);
      // GitHub's fast-forward rule: without force, the new commit must descend from the ref.
      if (!force && (!commit || !commit.parents.includes(current ?? ''))) return { status: 422, body: { message: 'Update is not a fast forward' } };
      this.refs.set(m[1]!, sha);
      return { status: 200, body: { ref: `refs/heads/${m[1]}`, object: { sha, type: 'commit' } } };
    }
    return undefined;
  }

  /** The files of a commit the app created: the head tree with the blobs it wrote. */
  committedTree(sha: string, head: Map<string, Buffer>): Map<string, Buffer> {
    const commit = this.commits.get(sha);
    if (!commit) throw new Error(`no commit ${sha}`);
    const tree = this.trees.get(commit.tree)!;
    const out = new Map(head);
    for (const entry of tree.entries) out.set(entry.path, this.blobs.get(entry.sha)!);
    return out;
  }
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

function treeShaOf(commit: string): string {
  return sha1(`tree-of-${commit}`);
}
