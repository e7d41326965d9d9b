/**
 * Vercel entry point: Probot's middleware at /api/github/webhooks. Set NODEJS_HELPERS=0 in the
 * project's environment so Vercel hands over the raw body: the signature is computed over the
 * exact bytes GitHub sent. The middleware answers when the review is done (202 after 9 s), so the
 * function stays alive for the whole review; see docs/github-app.md for the time limits.
 */
import { createNodeMiddleware, createProbot } from 'probot';
import app from '../../../src/app/index.ts';

export default await createNodeMiddleware(app, {
  probot: createProbot(),
  webhooksPath: '/api/github/webhooks',
});
