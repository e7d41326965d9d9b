/**
 * Serves a function built by `vercel build` (a `.func` directory) the way Vercel's Node runtime
 * does with NODEJS_HELPERS=0: the module named by `.vc-config.json`'s `handler` is imported and
 * its default export gets every (req, res). Vercel's request context is provided so that
 * `waitUntil` from @vercel/functions works; promises handed to it are counted, and
 * `GET /__launcher/wait-until` reports them. Prints `listening <port>` when ready.
 *
 * node vercel-launcher.mjs <funcDir> <port>
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [funcDir, port] = process.argv.slice(2);
const config = JSON.parse(readFileSync(path.join(funcDir, '.vc-config.json'), 'utf8'));
const waits = { registered: 0, settled: 0 };
globalThis[Symbol.for('@vercel/request-context')] = {
  get: () => ({
    waitUntil(promise) {
      waits.registered++;
      Promise.resolve(promise).finally(() => waits.settled++);
    },
  }),
};
process.chdir(funcDir);
const module = await import(pathToFileURL(path.join(funcDir, config.handler)).href);
const handler = module.default;
const server = createServer((req, res) => {
  if (req.url === '/__launcher/wait-until') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(waits));
    return;
  }
  Promise.resolve(handler(req, res)).catch((error) => {
    console.error('handler threw', error);
    if (!res.headersSent) res.writeHead(500).end();
  });
});
server.listen(Number(port), '127.0.0.1', () => console.log(`listening ${port} node ${process.version} runtime ${config.runtime}`));
