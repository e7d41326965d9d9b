/**
 * The hostile corpus (test/security/hostile-corpus.ts) against the real CLI, each command a child
 * process of the compiled CLI: every case within 5 s and 300 MB, an exit code that is a verdict and
 * never a crash, JSON that parses, and nothing outside the repository read or written (the
 * sentinel next to it keeps its content and mtime, no file appears beside it, and its text never
 * shows in any output).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { hostileCases, SENTINEL_TEXT, SENTINEL_YAML, wrongConfigTypes, writeBase, type Command, type HostileCase } from './hostile-corpus.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Compiled once for the corpus, inside node_modules so that packages resolve from it. */
const BUILD = path.join(ROOT, 'node_modules/.cache/bplus-hostile-corpus', String(process.pid));
const USAGE_HOOK = path.join(ROOT, 'bench/usage-hook.mjs');
const CERT = path.join(ROOT, 'fixtures/keys/sealing-4096.crt');
/**
 * 5 s of CPU time per command: the work a case costs, measured the same on an idle CI machine and
 * on a developer's machine busy with other things. Wall time is held to a looser bound that still
 * catches a process that blocks (a FIFO, a lock) rather than computes.
 */
const MAX_CPU_MS = 5_000;
const MAX_WALL_MS = 30_000;
const MAX_RSS_MB = 300;
const CONCURRENCY = Math.max(2, Math.min(4, os.availableParallelism?.() ?? 2));

interface Run {
  command: Command;
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  cpuMs: number;
  peakMb: number;
}

function runCli(args: string[], cwd: string): Promise<Omit<Run, 'command'>> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', USAGE_HOOK, path.join(BUILD, 'src/cli/run.js'), ...args],
      { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const ms = performance.now() - started;
        const usage = /bplus-usage rss-kb=(\d+) cpu-us=(\d+)/.exec(stderr);
        const code = error ? ((error as { code?: number | string }).code as number | null) : 0;
        resolve({
          code: typeof code === 'number' ? code : null,
          stdout,
          stderr: stderr.replace(/\nbplus-usage [^\n]*\n$/, ''),
          ms,
          cpuMs: usage ? Number(usage[2]) / 1000 : NaN,
          peakMb: usage ? Number(usage[1]) / 1024 : NaN,
        });
      },
    );
  });
}

function argsFor(command: Command, repo: string, extra: string[]): string[] {
  switch (command) {
    case 'check':
      return ['check', repo, '--format', 'json', ...extra];
    case 'fix-dry-run':
      return ['fix', repo, '--dry-run', ...extra];
    case 'fix':
      return ['fix', repo, ...extra];
    case 'netpol':
      return ['netpol', repo, '--format', 'json', ...extra];
    case 'seal':
      return ['seal', '--cert', CERT, ...extra];
  }
}

interface Outcome {
  runs: Run[];
  sentinelBefore: { text: string; mtimeMs: number };
  sentinelAfter: { text: string; mtimeMs: number };
  outsideAfter: string[];
}

async function runCase(c: HostileCase, base: string, index: number): Promise<Outcome> {
  const dir = path.join(base, String(index));
  const repo = path.join(dir, 'repo');
  const outside = path.join(dir, 'outside');
  mkdirSync(repo, { recursive: true });
  mkdirSync(outside);
  const sentinel = path.join(outside, 'sentinel.yaml');
  writeFileSync(sentinel, SENTINEL_YAML);
  const sentinelBefore = { text: readFileSync(sentinel, 'utf8'), mtimeMs: statSync(sentinel).mtimeMs };
  writeBase(repo);
  c.build(repo, outside);
  const runs: Run[] = [];
  // fix writes: it runs last, after the commands that only read.
  for (const command of c.commands ?? (['check', 'fix-dry-run', 'netpol', 'fix'] as Command[])) {
    const result = await runCli(argsFor(command, repo, c.args?.[command] ?? []), repo);
    runs.push({ command, ...result });
  }
  return {
    runs,
    sentinelBefore,
    sentinelAfter: { text: readFileSync(sentinel, 'utf8'), mtimeMs: statSync(sentinel).mtimeMs },
    outsideAfter: readdirSync(outside),
  };
}

const cases = hostileCases();
const outcomes = new Map<string, Promise<Outcome>>();
let base: string;

beforeAll(async () => {
  rmSync(BUILD, { recursive: true, force: true });
  // Asynchronously: a worker blocked for the length of a compile misses the runner's heartbeats.
  // Emitted without type-checking (`--noCheck`: the same JavaScript, less than half the time):
  // `npm test` type-checks the sources before the tests run.
  await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', BUILD, '--sourceMap', 'false', '--noCheck'],
    { cwd: ROOT },
  );
  base = mkdtempSync(path.join(os.tmpdir(), 'bplus-hostile-'));
  // Cases run a few at a time; each test awaits its own.
  let next = 0;
  for (let slot = 0; slot < CONCURRENCY; slot++) {
    void (async () => {
      while (next < cases.length) {
        const index = next++;
        const outcome = runCase(cases[index]!, base, index);
        outcomes.set(cases[index]!.name, outcome);
        await outcome.catch(() => undefined);
      }
    })();
  }
}, 180_000);

/** The costliest runs, printed once: the numbers docs/security.md and the README quote. */
const measured: Array<{ label: string; cpuMs: number; peakMb: number }> = [];

afterAll(() => {
  if (measured.length > 0) {
    const byCpu = [...measured].sort((a, b) => b.cpuMs - a.cpuMs)[0]!;
    const byRss = [...measured].sort((a, b) => b.peakMb - a.peakMb)[0]!;
    console.log(
      `hostile corpus: ${measured.length} runs; most CPU ${Math.round(byCpu.cpuMs)} ms (${byCpu.label}); most memory ${Math.round(byRss.peakMb)} MB (${byRss.label})`,
    );
  }
  if (base) rmSync(base, { recursive: true, force: true });
  rmSync(BUILD, { recursive: true, force: true });
});

async function outcomeOf(name: string): Promise<Outcome> {
  for (let waited = 0; !outcomes.has(name); waited += 50) {
    if (waited > 600_000) throw new Error(`case ${name} never started`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return outcomes.get(name)!;
}

describe('the hostile corpus', () => {
  it('has the cases the issue lists, and more', () => {
    const names = cases.map((c) => c.name).join('\n');
    for (const needed of [
      /billion laughs/,
      /deep flow nesting/,
      /900 KB line/,
      /NUL bytes/,
      /UTF-16/,
      /invalid UTF-8/,
      /merge-key loop/,
      /configuration limits = /,
      /symlink loop/,
      /that is a directory/,
      /linked outside/,
      /fix target/,
    ]) {
      expect(names).toMatch(needed);
    }
    expect(cases.length).toBeGreaterThan(70);
  });

  it.each(wrongConfigTypes())('configuration %s is a problem on that key (in-process)', (name, text) => {
    const key = name.split(' = ')[0]!;
    const loaded = parseConfig(text);
    expect(loaded.problems.length, name).toBeGreaterThan(0);
    expect(loaded.problems.map((p) => p.message).join('\n'), name).toContain(key.split('.')[0]!);
    expect(loaded.problems[0]!.line, name).toBe(key.split('.').length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const outcome = await outcomeOf(name);
    for (const run of outcome.runs) {
      measured.push({ label: `${name}: ${run.command}`, cpuMs: run.cpuMs, peakMb: run.peakMb });
      const label = `${name}: ${run.command} (exit ${run.code}, ${Math.round(run.cpuMs)} ms CPU, ${Math.round(run.ms)} ms wall, ${Math.round(run.peakMb)} MB)\n${run.stderr.slice(0, 2000)}`;
      expect(run.code, label).not.toBeNull();
      expect(c.exit?.[run.command] ?? [0, 1, 2], label).toContain(run.code);
      expect(run.cpuMs, label).toBeLessThan(MAX_CPU_MS);
      expect(run.ms, label).toBeLessThan(MAX_WALL_MS);
      expect(run.peakMb, label).toBeLessThan(MAX_RSS_MB);
      // A message, never a stack trace.
      expect(run.stderr, label).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
      expect(run.stdout + run.stderr, label).not.toContain(SENTINEL_TEXT);
      if ((run.command === 'check' || run.command === 'netpol') && run.code !== 2) expect((): unknown => JSON.parse(run.stdout), label).not.toThrow();
    }
    const check = outcome.runs.find((r) => r.command === 'check');
    if (c.reported && check) expect(check.stdout + check.stderr, name).toMatch(c.reported);
    expect(outcome.sentinelAfter).toEqual(outcome.sentinelBefore);
    expect(outcome.outsideAfter).toEqual(['sentinel.yaml']);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });
});
