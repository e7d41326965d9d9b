/**
 * `npm start`: the App as a plain Node server for self-hosting, with the same webhook handler
 * as the Vercel function. It reads the environment like Probot does: PORT (3000), HOST,
 * APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, WEBHOOK_PATH
 * (/api/github/webhooks), GHE_HOST and GHE_PROTOCOL for GitHub Enterprise Server, REDIS_URL,
 * LOG_LEVEL, LOG_FORMAT. `GET /ping` answers PONG. Without APP_ID it starts Probot's setup
 * page, which registers the App from app.yml.
 */
import { createServer } from 'node:http';
import { run } from 'probot';
import { createApp } from './index.ts';
import { reviewBudgetMs } from './budget.ts';
import { createOffThreadReview } from './off-thread.ts';
import { createRuntime } from './runtime.ts';
import { createWebhookHandler } from './webhook-handler.ts';

if (!process.env.APP_ID) {
  await run(createApp());
} else {
  const runtime = createRuntime();
  // The engine runs in worker threads: a heavy repository does not block other deliveries.
  const offThread = createOffThreadReview();
  await runtime.probot.load(createApp({ locks: runtime.locks, review: offThread.review, planFix: offThread.planFix }));
  const handler = createWebhookHandler({
    probot: runtime.probot,
    secret: process.env.WEBHOOK_SECRET ?? '',
    path: process.env.WEBHOOK_PATH ?? '/api/github/webhooks',
    budgetMs: reviewBudgetMs(),
  });
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      runtime.probot.log.error({ err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const port = Number(process.env.PORT) || 3000;
  const host = process.env.HOST || undefined;
  server.listen(port, host, () => runtime.probot.log.info(`listening on ${host ?? '0.0.0.0'}:${port}`));
  const stop = () => {
    server.close();
    void Promise.all([runtime.close(), offThread.close()]).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
