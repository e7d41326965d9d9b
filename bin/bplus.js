#!/usr/bin/env node
// An installed package has only the compiled JavaScript (dist/, built by `prepack`) and runs it.
// A checkout runs the compiled CLI when it is at least as new as the sources (`npm run build`),
// and the TypeScript sources through tsx (a dev dependency) otherwise, so a stale build is never
// what answers.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiled = `${root}dist/src/cli/run.js`;
const checkout = existsSync(`${root}src/cli/run.ts`);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(compiled) && (!checkout || statSync(compiled).mtimeMs >= Math.max(newestSource(`${root}src`), newestSource(`${root}rules`)));
if (fresh) {
  await import(new URL('../dist/src/cli/run.js', import.meta.url).href);
} else if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/run.ts', import.meta.url).href);
} else {
  process.stderr.write('bplus: the compiled CLI (dist/) is missing from this package; reinstall it, or run `npm run build` in a checkout\n');
  process.exitCode = 2;
}
