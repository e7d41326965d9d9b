/**
 * `npm start`: the app as a plain Node server for self-hosting. Probot's `run` reads the
 * environment: PORT (3000), HOST, APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET,
 * WEBHOOK_PATH (/api/github/webhooks), GHE_HOST and GHE_PROTOCOL for GitHub Enterprise Server,
 * LOG_LEVEL, and a `.env` file in the working directory. Without APP_ID it starts Probot's setup
 * page, which registers the App from app.yml.
 */
import { run } from 'probot';
import app from './index.ts';

await run(app);
