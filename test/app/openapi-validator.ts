/**
 * Checks every request the app sends against GitHub's REST description (`@octokit/openapi`,
 * api.github.com, dereferenced): the method and path template exist, query parameters are
 * declared, and the JSON body matches the operation's request schema. On top of the schema, the
 * Checks API rules the description does not encode (Octokit's copy of the check-run schema drops
 * upstream's broken `anyOf`, so "conclusion is required when completed" must be tested here), and
 * GitHub's documented size limits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: object }> };
}

interface Route {
  template: string;
  pattern: RegExp;
  literalSegments: number;
  methods: Record<string, Operation>;
}

export interface ValidatedRequest {
  method: string;
  /** Path without the GHES `/api/v3` prefix and without the query string. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

let shared: OpenApiValidator | undefined;

export class OpenApiValidator {
  private readonly routes: Route[];
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  /** The description is 70 MB: load it once per process. */
  static shared(): OpenApiValidator {
    shared ??= new OpenApiValidator();
    return shared;
  }

  private constructor() {
    const file = path.join(path.dirname(require.resolve('@octokit/openapi/package.json')), 'generated', 'api.github.com.deref.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
    this.routes = Object.entries(spec.paths).map(([template, methods]) => ({
      template,
      pattern: new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$'),
      literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')).length,
      methods,
    }));
    // `/repos/{o}/{r}/check-runs/{id}` must win over a template with more parameters.
    this.routes.sort((a, b) => b.literalSegments - a.literalSegments);
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
  }

  /** The problems with one request; empty when it is valid. */
  validate(request: ValidatedRequest): string[] {
    const method = request.method.toLowerCase();
    const label = `${request.method} ${request.path}`;
    if (request.path === '/graphql' || request.path === '/api/graphql') return validateGraphql(request, label);
    // Octokit appends path segments verbatim for `{path}` parameters (contents API).
    const route = this.routes.find((r) => r.pattern.test(request.path) || matchesGreedyPath(r, request.path));
    if (!route) return [`${label}: no such path in GitHub's REST description`];
    const operation = route.methods[method];
    if (!operation) return [`${label}: ${route.template} has no ${request.method} operation`];
    const problems: string[] = [];
    const declared = new Set((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of request.query.keys()) {
      if (!declared.has(name)) problems.push(`${label}: query parameter "${name}" is not declared by ${operation.operationId}`);
    }
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    const hasBody = request.body !== undefined && request.body !== null && request.body !== '';
    if (schema && (hasBody || operation.requestBody?.required)) {
      const validate = this.compile(operation.operationId, schema);
      if (!validate(request.body)) {
        for (const error of validate.errors ?? []) {
          problems.push(`${label} (${operation.operationId}): body${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
        }
      }
    } else if (!schema && hasBody) {
      problems.push(`${label}: ${operation.operationId} takes no body`);
    }
    if (operation.operationId === 'checks/create' || operation.operationId === 'checks/update') {
      problems.push(...checkRunRules(label, request.body as CheckRunBody));
    }
    return problems;
  }

  private compile(operationId: string, schema: object): ValidateFunction {
    let validate = this.compiled.get(operationId);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(operationId, validate);
    }
    return validate;
  }
}

function matchesGreedyPath(route: Route, requestPath: string): boolean {
  if (!route.template.endsWith('/contents/{path}')) return false;
  const prefix = new RegExp('^' + route.template.slice(0, -'{path}'.length).replace(/\{[^}]+\}/g, '[^/]+') + '.+$');
  return prefix.test(requestPath);
}

interface CheckRunBody {
  status?: string;
  conclusion?: string;
  output?: {
    title?: string;
    summary?: string;
    text?: string;
    annotations?: Array<{ title?: string; message?: string; start_line: number; end_line: number; start_column?: number; end_column?: number }>;
  };
  actions?: unknown[];
}

/** What GitHub enforces on check runs beyond the schema (422s seen in the field). */
function checkRunRules(label: string, body: CheckRunBody): string[] {
  const problems: string[] = [];
  if (body.status === 'completed' && !body.conclusion) problems.push(`${label}: status "completed" requires a conclusion`);
  const output = body.output;
  if (output) {
    if (output.annotations && output.annotations.length > 50) problems.push(`${label}: ${output.annotations.length} annotations (max 50 per request)`);
    if ((output.summary?.length ?? 0) > 65_535) problems.push(`${label}: output.summary has ${output.summary!.length} characters (max 65535)`);
    if ((output.text?.length ?? 0) > 65_535) problems.push(`${label}: output.text has ${output.text!.length} characters (max 65535)`);
    if (output.annotations && (output.title === undefined || output.summary === undefined)) {
      problems.push(`${label}: annotations need output.title and output.summary`);
    }
    for (const a of output.annotations ?? []) {
      if ((a.title?.length ?? 0) > 255) problems.push(`${label}: annotation title over 255 characters`);
      if ((a.message?.length ?? 0) > 65_536) problems.push(`${label}: annotation message over 64 KB`);
      if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
        problems.push(`${label}: annotation columns on a multi-line range (${a.start_line}-${a.end_line})`);
      }
      if (a.end_line < a.start_line) problems.push(`${label}: annotation ends before it starts`);
    }
  }
  if ((body.actions?.length ?? 0) > 3) problems.push(`${label}: more than 3 actions`);
  return problems;
}

/** GraphQL is not in the REST description: check the envelope, and that the app only reads. */
function validateGraphql(request: ValidatedRequest, label: string): string[] {
  if (request.method !== 'POST') return [`${label}: GraphQL takes POST`];
  const body = request.body as { query?: unknown; variables?: unknown } | undefined;
  if (!body || typeof body.query !== 'string') return [`${label}: body has no "query" string`];
  const problems: string[] = [];
  if (!/^\s*query\b/.test(body.query)) problems.push(`${label}: only queries are expected, got: ${body.query.slice(0, 60)}`);
  if (body.variables !== undefined && (typeof body.variables !== 'object' || body.variables === null)) {
    problems.push(`${label}: "variables" must be an object`);
  }
  const aliases = body.query.match(/\bf\d+:/g)?.length ?? 0;
  if (aliases > 100) problems.push(`${label}: ${aliases} blob aliases in one query (the app promises at most 100)`);
  return problems;
}
