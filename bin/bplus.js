#!/usr/bin/env node
// Runs the compiled CLI when it exists (npm ci builds it), the TypeScript sources otherwise.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/src/cli/run.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/run.ts', import.meta.url).href);
}
