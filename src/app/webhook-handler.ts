/**
 * The HTTP side of the App, for Vercel's function and the plain Node server alike. It replaces
 * Probot's middleware, which on these points does not fit a production deployment:
 *
 * - a path it does not own answers 404 at once (the middleware waited for a `next` that a
 *   serverless function does not have, until the platform's limit);
 * - bodies over GitHub's 25 MB are refused while they arrive (413);
 * - the signature is checked over the raw bytes; then the body must be a JSON object with the
 *   fields the handlers read, or the answer is 400 with the reason; nothing on input answers 500;
 * - events the App does not act on are accepted (202) and ignored;
 * - the answer comes when the work is done, or after `answerWithinMs` (GitHub gives up after
 *   10 s) with 202 while the work goes on: on Vercel through `waitUntil`, which keeps the
 *   function alive until the work ends or `maxDuration` is reached;
 * - one delivery id is worked on once at a time (GitHub's redelivery keeps the id).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { verify } from '@octokit/webhooks-methods';
import type { Probot } from 'probot';
import { judgeDelivery } from './delivery.ts';
import { withDelivery } from './delivery-context.ts';

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_BODY_BYTES = 25 * 1024 * 1024;
/** GitHub.com waits 10 s for the answer. */
export const ANSWER_WITHIN_MS = 9_000;

export interface WebhookHandlerOptions {
  probot: Probot;
  secret: string;
  /** Where GitHub posts, `/api/github/webhooks`. */
  path: string;
  /** From the delivery's arrival to the moment the platform may stop the work. */
  budgetMs: number;
  answerWithinMs?: number;
  maxBodyBytes?: number;
  /** Keeps the platform alive for work that outlives the answer (Vercel's `waitUntil`). */
  waitUntil?: (work: Promise<unknown>) => void;
}

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function createWebhookHandler(options: WebhookHandlerOptions): NodeHandler {
  const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const answerWithin = options.answerWithinMs ?? ANSWER_WITHIN_MS;
  const log = options.probot.log.child({ name: 'webhooks' });
  const inFlight = new Map<string, Promise<void>>();

  return async (req, res) => {
    const arrived = Date.now();
    const pathname = withoutTrailingSlashes(new URL(req.url ?? '/', 'http://localhost').pathname) || '/';
    if (pathname === '/ping' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('PONG');
      return;
    }
    if (pathname !== options.path) return answer(res, 404, `Nothing here: GitHub webhooks go to ${options.path}`, true);
    if (req.method !== 'POST') return answer(res, 405, 'Webhooks are POSTed', true);

    const event = header(req, 'x-github-event');
    const id = header(req, 'x-github-delivery');
    const signature = header(req, 'x-hub-signature-256');
    const missing = [!event && 'x-github-event', !id && 'x-github-delivery', !signature && 'x-hub-signature-256'].filter(Boolean);
    if (missing.length) return answer(res, 400, `Missing header ${missing.join(', ')}`, true);
    if (Number(req.headers['content-length']) > maxBody)
      return answer(res, 413, `Payloads over ${maxBody} bytes are refused (GitHub sends at most 25 MB)`, true);

    const raw = await readBody(req, maxBody);
    if (raw === 'too-large') return answer(res, 413, `Payloads over ${maxBody} bytes are refused (GitHub sends at most 25 MB)`, true);
    if (raw === 'aborted') return;
    const text = raw.toString('utf8');
    if (!(await verify(options.secret, text, signature!).catch(() => false))) {
      log.warn({ id, event }, 'delivery refused: signature does not match');
      return answer(res, 400, 'Signature does not match the body and the webhook secret');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(text);
    } catch {
      return answer(res, 400, 'The body is not JSON');
    }
    const verdict = judgeDelivery(event!, payload);
    if (verdict.kind === 'reject') {
      log.warn({ id, event, reason: verdict.reason }, 'delivery refused');
      return answer(res, 400, verdict.reason);
    }
    if (verdict.kind === 'ignore') return answer(res, 202, `Ignored: ${verdict.reason}`);

    let work = inFlight.get(id!);
    if (!work) {
      const deadline = arrived + options.budgetMs;
      work = withDelivery({ id: id!, deadline }, () => options.probot.receive({ id: id!, name: event as never, payload: payload as never }))
        .catch((error: unknown) => log.error({ err: error, id, event }, 'delivery failed'))
        .finally(() => inFlight.delete(id!));
      inFlight.set(id!, work);
      options.waitUntil?.(work);
    }
    const done = await Promise.race([work.then(() => true), delay(answerWithin).then(() => false)]);
    answer(res, done ? 200 : 202, done ? 'Done' : 'Accepted: the review goes on');
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function answer(res: ServerResponse, status: number, message: string, close = false): void {
  if (res.headersSent) return;
  const body = JSON.stringify({ message });
  // A body we did not read stays on the connection: close it rather than read 25 MB for nothing.
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        resolve('too-large');
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** `/x///` → `/x`, by index: `/\/+$/` is quadratic on a request path of many slashes and one letter. */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  return path.slice(0, end);
}
