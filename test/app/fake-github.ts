/**
 * A local GitHub API over node:http, enough for the app: installation tokens, pull requests and
 * their files (patches computed from a base and a head tree), git trees and blobs, the GraphQL
 * blob query, contents (configuration), and check runs, which it records. Every request is
 * validated against GitHub's OpenAPI description; problems are collected in `violations`.
 * Serves at `/` (github.com layout) and at `/api/v3` + `/api/graphql` (GHES layout), with an
 * optional latency added to every answer.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { OpenApiValidator } from './openapi-validator.ts';

export type Tree = Map<string, Buffer>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  at: number;
  /** The installation whose token authorised the request (tokens are `ghs_fake_<id>`). */
  installation?: number;
}

/** A fault the fake injects on matching requests, the first `times` of them. */
export interface Fault {
  method: string;
  path: RegExp;
  kind:
    | 'status-500'
    /** 403 "You have exceeded a secondary rate limit", with retry-after. */
    | 'secondary-403'
    /** 429 with retry-after. */
    | 'status-429'
    /** 403 with x-ratelimit-remaining: 0 and a reset time. */
    | 'primary-403'
    /** No answer for `hangMs`, then the normal one (the work is done late). */
    | 'hang'
    /** The work is done, then the connection is dropped: the answer is lost. */
    | 'lost';
  times: number;
  retryAfterSeconds?: number;
  hangMs?: number;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  head_sha: string;
  external_id?: string;
  status: string;
  conclusion?: string;
  output: { title?: string; summary?: string; text?: string };
  annotations: CheckRunAnnotation[];
  updates: number;
  app: { id: number };
}

/** An annotation as the App sends it (the request was validated against GitHub's schema first). */
export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: string;
  message: string;
  title?: string;
  start_column?: number;
  end_column?: number;
}

/** A check-run create or update body, as far as the fake keeps it. */
interface CheckRunWrite {
  name?: string;
  head_sha?: string;
  external_id?: string;
  status?: string;
  conclusion?: string;
  output?: { title?: string; summary?: string; text?: string; annotations?: CheckRunAnnotation[] };
}

export interface FakeGitHubOptions {
  owner: string;
  repo: string;
  /** The pull request's base (the default branch) and head trees. */
  base: Tree;
  head: Tree;
  baseSha?: string;
  headSha: string;
  pullNumber: number;
  appId?: number;
  /** Organisation-wide `.github/bplus.yml` in the owner's `.github` repository. */
  orgConfig?: string;
  latencyMs?: number;
  /** Recursive tree listings longer than this come back `truncated`, as GitHub does over 100,000. */
  maxRecursiveEntries?: number;
  /** Paths of the head tree stored as symbolic links (mode 120000; the content is the link's target). */
  symlinks?: ReadonlySet<string>;
}

/** Reads a directory into a tree (paths with `/`), skipping `.git`. */
export function readTree(root: string, prefix = ''): Tree {
  const tree: Tree = new Map();
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(root, dir)).sort()) {
      if (name === '.git' || name === 'node_modules') continue;
      const rel = dir ? `${dir}/${name}` : name;
      const info = statSync(path.join(root, rel));
      if (info.isDirectory()) walk(rel);
      else if (info.isFile()) tree.set(prefix + rel, readFileSync(path.join(root, rel)));
    }
  };
  walk('');
  return tree;
}

export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly checkRuns = new Map<number, CheckRunRecord>();
  latencyMs: number;
  readonly faults: Array<Fault & { hits: number }> = [];
  /** Further commits served as the head tree (several pull requests of one repository). */
  readonly headAliases = new Set<string>();
  private readonly pullHeads = new Map<number, string>();
  private diffCache?: Array<Record<string, unknown>>;
  private server?: Server;
  private nextCheckRunId = 1000;
  private pullHead: string;
  private readonly validator = OpenApiValidator.shared();
  private readonly blobs = new Map<string, Buffer>();
  private readonly treeDirs = new Map<string, string>();

  constructor(readonly options: FakeGitHubOptions) {
    this.latencyMs = options.latencyMs ?? 0;
    this.pullHead = options.headSha;
    for (const content of [...options.base.values(), ...options.head.values()]) this.blobs.set(gitBlobSha(content), content);
  }

  get baseSha(): string {
    return this.options.baseSha ?? 'b'.repeat(40);
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.host;
  }

  /** `127.0.0.1:PORT`, for GHE_HOST. */
  get host(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Clients keep connections alive: without this, close() waits for them to time out.
    server.closeAllConnections();
    await closed;
  }

  /** Simulates a push to the pull request while a review runs. */
  movePullRequestHead(sha: string): void {
    this.pullHead = sha;
  }

  /** Requests that reached the API, the installation token excepted. */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => !r.path.endsWith('/access_tokens'));
  }

  /** Another open pull request whose head commit has the head tree. */
  addPullRequest(number: number, headSha: string): void {
    this.headAliases.add(headSha);
    this.pullHeads.set(number, headSha);
  }

  inject(fault: Fault): void {
    this.faults.push({ ...fault, hits: 0 });
  }

  /** Completed runs per head SHA, and all runs. */
  runsFor(headSha: string): CheckRunRecord[] {
    return [...this.checkRuns.values()].filter((r) => r.head_sha === headSha);
  }

  private isHead(sha: string | null): boolean {
    return sha === this.options.headSha || (sha !== null && this.headAliases.has(sha));
  }

  reset(): void {
    this.requests.length = 0;
    this.violations.length = 0;
    this.checkRuns.clear();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const apiPath = url.pathname.replace(/^\/api\/v3(?=\/)/, '');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const installation = /ghs_fake_(\d+)/.exec(String(req.headers.authorization ?? ''))?.[1];
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: apiPath,
      query: url.searchParams,
      body,
      at: Date.now(),
      ...(installation ? { installation: Number(installation) } : {}),
    };
    this.requests.push(request);
    this.violations.push(...this.validator.validate(request));
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const fault = this.faults.find((f) => f.hits < f.times && f.method === request.method && f.path.test(request.path));
    if (fault) {
      fault.hits++;
      const json = { 'content-type': 'application/json; charset=utf-8' };
      const retryAfter = String(fault.retryAfterSeconds ?? 1);
      switch (fault.kind) {
        case 'status-500':
          res.writeHead(500, json).end(JSON.stringify({ message: 'Server Error (injected)' }));
          return;
        case 'secondary-403':
          res
            .writeHead(403, { ...json, 'retry-after': retryAfter })
            .end(JSON.stringify({ message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }));
          return;
        case 'status-429':
          res.writeHead(429, { ...json, 'retry-after': retryAfter }).end(JSON.stringify({ message: 'Too Many Requests (injected)' }));
          return;
        case 'primary-403':
          res
            .writeHead(403, { ...json, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + Number(retryAfter)) })
            .end(JSON.stringify({ message: 'API rate limit exceeded for installation (injected)' }));
          return;
        case 'hang':
          await new Promise((resolve) => setTimeout(resolve, fault.hangMs ?? 30_000));
          break;
        case 'lost':
          try {
            this.route(request, `http://${req.headers.host}`);
          } finally {
            res.socket?.destroy();
          }
          return;
      }
    }
    const prefix = url.pathname.startsWith('/api/v3/') ? '/api/v3' : '';
    const base = `http://${req.headers.host}${prefix}`;
    try {
      const answer = this.route(request, base);
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', ...answer.headers };
      res.writeHead(answer.status, headers);
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}));
    } catch (error) {
      this.violations.push(`${request.method} ${request.path}: fake failed: ${(error as Error).message}`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: (error as Error).message }));
    }
  }

  private route(r: RecordedRequest, base: string): { status: number; body?: unknown; headers?: Record<string, string> } {
    const { owner, repo } = this.options;
    const repoPath = `/repos/${owner}/${repo}`;
    let m: RegExpExecArray | null;
    if (r.method === 'POST' && /^\/app\/installations\/\d+\/access_tokens$/.test(r.path)) {
      return {
        status: 201,
        body: {
          token: `ghs_fake_${/installations\/(\d+)\//.exec(r.path)![1]}`,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { checks: 'write' },
          repository_selection: 'all',
        },
      };
    }
    if (r.method === 'POST' && (r.path === '/graphql' || r.path === '/api/graphql')) return { status: 200, body: this.graphql(r.body as GraphqlBody) };
    if ((m = /^\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(r.path)) && r.method === 'GET') {
      return this.contents(decodeURIComponent(m[1]!), decodeURIComponent(m[2]!), decodeURIComponent(m[3]!), r.query.get('ref'));
    }
    if (r.method === 'GET' && r.path === repoPath) {
      return { status: 200, body: { id: 1, name: repo, full_name: `${owner}/${repo}`, default_branch: 'main', owner: { login: owner } } };
    }
    if (!r.path.startsWith(repoPath + '/')) return { status: 404, body: { message: 'Not Found' } };
    const rest = r.path.slice(repoPath.length);
    if (r.method === 'GET' && (m = /^\/pulls\/(\d+)$/.exec(rest))) {
      return {
        status: 200,
        body: {
          number: Number(m[1]),
          state: 'open',
          head: { sha: this.pullHeads.get(Number(m[1])) ?? this.pullHead, ref: 'feature' },
          base: { sha: this.baseSha, ref: 'main' },
        },
      };
    }
    if (r.method === 'GET' && (m = /^\/pulls\/(\d+)\/files$/.exec(rest))) return this.pullFiles(r, base);
    if (r.method === 'GET' && rest === '/branches/main') return { status: 200, body: { name: 'main', commit: { sha: this.baseSha }, protected: false } };
    if (r.method === 'GET' && (m = /^\/git\/trees\/([^/]+)$/.exec(rest))) return this.tree(m[1]!, r.query.get('recursive') !== null);
    if (r.method === 'GET' && (m = /^\/git\/blobs\/([0-9a-f]{40})$/.exec(rest))) {
      const blob = this.blobs.get(m[1]!);
      if (!blob) return { status: 404, body: { message: 'Not Found' } };
      return { status: 200, body: { sha: m[1], size: blob.length, encoding: 'base64', content: blob.toString('base64') } };
    }
    if (r.method === 'GET' && (m = /^\/commits\/([^/]+)\/check-runs$/.exec(rest))) {
      const name = r.query.get('check_name');
      const appId = r.query.get('app_id');
      const runs = [...this.checkRuns.values()]
        .filter((c) => c.head_sha === m![1] && (!name || c.name === name) && (!appId || String(c.app.id) === appId))
        .reverse()
        .map((c) => this.checkRunJson(c));
      return { status: 200, body: { total_count: runs.length, check_runs: runs } };
    }
    if (r.method === 'GET' && /^\/commits\/[^/]+\/pulls$/.test(rest)) return { status: 200, body: [] };
    if (r.method === 'POST' && rest === '/check-runs') {
      const b = r.body as CheckRunWrite & { name: string; head_sha: string };
      const { annotations = [], ...output } = b.output ?? {};
      const run: CheckRunRecord = {
        id: this.nextCheckRunId++,
        name: b.name,
        head_sha: b.head_sha,
        external_id: b.external_id,
        status: b.conclusion ? 'completed' : (b.status ?? 'queued'),
        conclusion: b.conclusion,
        output,
        annotations: [...annotations],
        updates: 0,
        app: { id: this.options.appId ?? 1 },
      };
      this.checkRuns.set(run.id, run);
      return { status: 201, body: this.checkRunJson(run) };
    }
    if (r.method === 'PATCH' && (m = /^\/check-runs\/(\d+)$/.exec(rest))) {
      const run = this.checkRuns.get(Number(m[1]));
      if (!run) return { status: 404, body: { message: 'Not Found' } };
      const b = r.body as CheckRunWrite;
      run.updates++;
      if (b.status) run.status = b.status;
      if (b.conclusion) {
        run.conclusion = b.conclusion;
        run.status = 'completed';
      }
      if (b.status === 'in_progress') run.conclusion = undefined;
      if (b.output) {
        const { annotations, ...output } = b.output;
        run.output = { ...run.output, ...output };
        run.annotations.push(...(annotations ?? []));
      }
      return { status: 200, body: this.checkRunJson(run) };
    }
    return { status: 404, body: { message: `fake GitHub has no route for ${r.method} ${r.path}` } };
  }

  private checkRunJson(run: CheckRunRecord) {
    return {
      id: run.id,
      name: run.name,
      head_sha: run.head_sha,
      external_id: run.external_id ?? null,
      status: run.status,
      conclusion: run.conclusion ?? null,
      app: { id: run.app.id, slug: 'bplus' },
      output: { title: run.output.title ?? null, summary: run.output.summary ?? null, annotations_count: run.annotations.length },
    };
  }

  private contents(owner: string, repo: string, file: string, ref: string | null) {
    let content: Buffer | string | undefined;
    if (owner === this.options.owner && repo === this.options.repo) {
      const tree = this.isHead(ref) ? this.options.head : this.options.base;
      content = tree.get(file);
    } else if (owner === this.options.owner && repo === '.github' && file === '.github/bplus.yml') {
      content = this.options.orgConfig;
    }
    if (content === undefined) return { status: 404, body: { message: 'Not Found' } };
    return { status: 200, body: content.toString(), headers: { 'content-type': 'application/vnd.github.raw; charset=utf-8' } };
  }

  private pullFiles(r: RecordedRequest, base: string) {
    // The trees never change: compute the patches once, not on every page of every request.
    const files = (this.diffCache ??= diffTrees(this.options.base, this.options.head));
    const perPage = Math.min(Number(r.query.get('per_page') ?? 30), 100);
    const page = Number(r.query.get('page') ?? 1);
    const slice = files.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = {};
    if (page * perPage < files.length) {
      headers.link = `<${base}${r.path}?per_page=${perPage}&page=${page + 1}>; rel="next"`;
    }
    return { status: 200, body: slice, headers };
  }

  private tree(sha: string, recursive: boolean) {
    const dir = this.isHead(sha) ? '' : sha === this.baseSha ? '' : this.treeDirs.get(sha);
    if (dir === undefined) return { status: 404, body: { message: 'Not Found' } };
    const source = sha === this.baseSha ? this.options.base : this.options.head;
    const prefix = dir ? dir + '/' : '';
    const entries: Array<Record<string, unknown>> = [];
    const seenDirs = new Set<string>();
    for (const [file, content] of source) {
      if (!file.startsWith(prefix)) continue;
      const rel = file.slice(prefix.length);
      const parts = rel.split('/');
      const dirCount = recursive ? parts.length - 1 : Math.min(1, parts.length - 1);
      for (let i = 1; i <= dirCount; i++) {
        const sub = parts.slice(0, i).join('/');
        if (seenDirs.has(sub)) continue;
        seenDirs.add(sub);
        const treeSha = createHash('sha1').update(`tree:${prefix}${sub}`).digest('hex');
        this.treeDirs.set(treeSha, prefix + sub);
        entries.push({ path: sub, mode: '040000', type: 'tree', sha: treeSha });
      }
      if (recursive || parts.length === 1) {
        const mode = this.options.symlinks?.has(file) ? '120000' : '100644';
        entries.push({ path: rel, mode, type: 'blob', sha: gitBlobSha(content), size: content.length });
      }
    }
    const max = this.options.maxRecursiveEntries;
    const truncated = recursive && max !== undefined && entries.length > max;
    return { status: 200, body: { sha, tree: truncated ? entries.slice(0, max) : entries, truncated } };
  }

  private graphql(body: GraphqlBody) {
    const variables = body.variables ?? {};
    const repository: Record<string, unknown> = {};
    for (const match of body.query.matchAll(/(f\d+): object\(expression: \$(e\d+)\)/g)) {
      const expression = String(variables[match[2]!]);
      const colon = expression.indexOf(':');
      const sha = expression.slice(0, colon);
      const file = expression.slice(colon + 1);
      const tree = this.isHead(sha) ? this.options.head : sha === this.baseSha ? this.options.base : undefined;
      const content = tree?.get(file);
      repository[match[1]!] = content === undefined ? null : blobNode(content);
    }
    if (/pullRequest\(number: \$pr\)/.test(body.query)) repository.pullRequest = { headRefOid: this.pullHeads.get(Number(variables.pr)) ?? this.pullHead };
    return { data: { repository } };
  }
}

interface GraphqlBody {
  query: string;
  variables?: Record<string, unknown>;
}

/** GraphQL's Blob: `text` is null for binary files and cut for large ones. */
function blobNode(content: Buffer) {
  const isBinary = content.includes(0);
  const limit = 512 * 1024;
  return {
    byteSize: content.length,
    isBinary,
    isTruncated: content.length > limit,
    text: isBinary ? null : content.subarray(0, limit).toString('utf8'),
  };
}

/** `pulls.listFiles` entries between two trees, with GitHub-style patches (3 lines of context). */
export function diffTrees(base: Tree, head: Tree) {
  const files: Array<Record<string, unknown>> = [];
  const paths = [...new Set([...base.keys(), ...head.keys()])].sort();
  for (const file of paths) {
    const before = base.get(file);
    const after = head.get(file);
    if (before && after && before.equals(after)) continue;
    const status = !before ? 'added' : !after ? 'removed' : 'modified';
    const patch = unifiedPatch(before?.toString('utf8') ?? '', after?.toString('utf8') ?? '');
    files.push({
      sha: after ? gitBlobSha(after) : '0'.repeat(40),
      filename: file,
      status,
      additions: patch.additions,
      deletions: patch.deletions,
      changes: patch.additions + patch.deletions,
      blob_url: `https://github.com/fake/blob/${file}`,
      raw_url: `https://github.com/fake/raw/${file}`,
      contents_url: `https://api.github.com/fake/contents/${file}`,
      patch: patch.text,
    });
  }
  return files;
}

/** A unified diff without file headers, as `pulls.listFiles` returns in `patch`. */
export function unifiedPatch(before: string, after: string, context = 3) {
  const a = splitLines(before);
  const b = splitLines(after);
  // Longest common subsequence table: fixture files are small.
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  type Op = { kind: ' ' | '-' | '+'; text: string; aLine: number; bLine: number };
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', text: a[i++]!, aLine: i, bLine: ++j });
    else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) ops.push({ kind: '+', text: b[j++]!, aLine: i, bLine: j });
    else ops.push({ kind: '-', text: a[i++]!, aLine: i, bLine: j });
  }
  const hunks: string[] = [];
  let additions = 0;
  let deletions = 0;
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // Extend while changes are within 2 * context of each other.
    while (end < ops.length) {
      if (ops[end]!.kind !== ' ') {
        end++;
        continue;
      }
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const slice = ops.slice(start, stop);
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    const first = slice[0]!;
    // A side with no lines in the hunk is numbered by the line before it (GitHub's "-0,0").
    const aStart = first.kind === '+' && aCount > 0 ? first.aLine + 1 : first.aLine;
    const bStart = first.kind === '-' && bCount > 0 ? first.bLine + 1 : first.bLine;
    hunks.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const op of slice) {
      hunks.push(op.kind + op.text);
      if (op.kind === '+') additions++;
      if (op.kind === '-') deletions++;
    }
    k = stop;
  }
  return { text: hunks.join('\n'), additions, deletions };
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
