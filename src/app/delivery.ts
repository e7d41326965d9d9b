/**
 * What a signed delivery must carry before a handler sees it. GitHub's payloads are far richer;
 * these are only the fields the handlers read, so a malformed body is refused with a reason
 * (400) instead of failing inside a handler (500). Events the App does not act on are accepted
 * and ignored.
 */
import { z } from 'zod';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'expected a 40-character commit SHA');
const login = z.object({ login: z.string().min(1) });
const installation = z.object({ id: z.number().int().positive() });
const repository = z.object({ name: z.string().min(1), owner: login });
const pullRef = z.object({ number: z.number().int().positive(), head: z.object({ sha }) });
const user = z.object({ login: z.string(), type: z.string().optional() });
const repositoryRef = z.object({ name: z.string().min(1), full_name: z.string().min(1) });

const withRepository = z.object({ installation, repository });

/** Event → (action → schema). `*` is every action. */
const SCHEMAS: Record<string, Record<string, z.ZodType>> = {
  ping: { '*': z.object({}) },
  pull_request: {
    '*': withRepository.extend({
      pull_request: z.object({ number: z.number().int().positive(), head: z.object({ sha }), base: z.object({ sha }).optional() }),
    }),
  },
  check_suite: {
    '*': withRepository.extend({ check_suite: z.object({ head_sha: sha, pull_requests: z.array(pullRef) }) }),
  },
  check_run: {
    '*': withRepository.extend({
      check_run: z.object({
        id: z.number().int(),
        name: z.string(),
        head_sha: sha,
        app: z.object({ id: z.number() }).nullish(),
        pull_requests: z.array(pullRef),
      }),
      sender: user,
    }),
  },
  issue_comment: {
    '*': withRepository.extend({
      issue: z.object({ number: z.number().int().positive() }),
      comment: z.object({ id: z.number().int(), body: z.string().nullable(), user: user.nullable() }),
      sender: user,
    }),
  },
  installation: {
    created: z.object({ installation: installation.extend({ account: login }), repositories: z.array(repositoryRef).optional() }),
    '*': z.object({ installation }),
  },
  installation_repositories: {
    added: z.object({ installation: installation.extend({ account: login }), repositories_added: z.array(repositoryRef) }),
    '*': z.object({ installation }),
  },
};

export type DeliveryVerdict = { kind: 'handle' } | { kind: 'ignore'; reason: string } | { kind: 'reject'; reason: string };

export function judgeDelivery(event: string, payload: unknown): DeliveryVerdict {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return {
      kind: 'reject',
      reason: `the body is ${payload === null ? 'null' : Array.isArray(payload) ? 'an array' : `a ${typeof payload}`}, not a JSON object`,
    };
  }
  const schemas = SCHEMAS[event];
  if (!schemas) return { kind: 'ignore', reason: `the App does not act on ${event} events` };
  const action = (payload as { action?: unknown }).action;
  const schema = (typeof action === 'string' ? schemas[action] : undefined) ?? schemas['*']!;
  const result = schema.safeParse(payload);
  if (result.success) return { kind: 'handle' };
  const issue = result.error.issues[0]!;
  const where = issue.path.length ? issue.path.join('.') : 'the body';
  return { kind: 'reject', reason: `${event}${typeof action === 'string' ? `.${action}` : ''}: ${where}: ${issue.message}` };
}
