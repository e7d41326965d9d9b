/**
 * Vercel entry point: the App's webhook handler at /api/github/webhooks (see
 * src/app/webhook-handler.ts). It reads the raw body itself, so it works whether or not Vercel's
 * Node helpers are on (`NODEJS_HELPERS=0` is still recommended: nothing parses the body twice).
 * A review that outlives the answer (GitHub waits 10 s) keeps the function alive through
 * `waitUntil`, up to `maxDuration` in vercel.json; the review's own budget ends before that,
 * so the check run is always completed. docs/github-app.md has the limits.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { waitUntil } from '@vercel/functions';
import type { VercelApiHandler } from '@vercel/node';
import { createApp } from '../../../src/app/index.ts';
import { createOffThreadReview } from '../../../src/app/off-thread.ts';
import { createRuntime } from '../../../src/app/runtime.ts';
import { createWebhookHandler } from '../../../src/app/webhook-handler.ts';
import { reviewBudgetMs } from '../../../src/app/budget.ts';

const missing = ['APP_ID', 'WEBHOOK_SECRET'].filter((name) => !process.env[name]);
if (!process.env.PRIVATE_KEY && !process.env.PRIVATE_KEY_PATH) missing.push('PRIVATE_KEY');

async function createHandler() {
  const runtime = createRuntime();
  // The engine runs in worker threads: a heavy repository does not block other deliveries.
  const offThread = createOffThreadReview();
  await runtime.probot.load(createApp({ locks: runtime.locks, review: offThread.review }));
  return createWebhookHandler({
    probot: runtime.probot,
    secret: process.env.WEBHOOK_SECRET!,
    path: '/api/github/webhooks',
    budgetMs: reviewBudgetMs(),
    waitUntil,
  });
}

/** Without its credentials the App cannot work: every request says which are missing. */
function misconfigured(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = JSON.stringify({ message: `The App is not configured: set ${missing.join(', ')} in the project's environment variables and redeploy.` });
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8' }).end(body);
  return Promise.resolve();
}

// Vercel calls the default export as a VercelApiHandler; with its Node helpers off the request and
// the response are the plain Node objects, which is all these handlers use.
export default (missing.length > 0 ? misconfigured : await createHandler()) satisfies VercelApiHandler;
