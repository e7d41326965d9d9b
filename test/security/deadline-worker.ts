/**
 * Runs a regular expression (or an exported scan function) over an input in a worker thread, and
 * gives up on it after a deadline. A backtracking pattern blocks the thread that runs it for hours:
 * run on the test's own thread it would hang the suite; in a worker, the test's thread stays free
 * to notice the deadline, terminate the worker and report which pattern and which input.
 */
import { Worker } from 'node:worker_threads';

export type TimedOutcome = { ok: true; ms: number } | { ok: false; reason: 'deadline' | 'error'; ms: number; message: string };

type Job =
  | { kind: 'regex'; source: string; flags: string; input: string }
  | { kind: 'scan'; module: string; name: string; input: string }
  | { kind: 'load'; module: string };

/** Plain JavaScript (the worker runs without the test's TypeScript transform). */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const modules = new Map();
let tsx;
async function load(url) {
  if (!modules.has(url)) {
    if (!tsx) { tsx = await import('tsx/esm/api'); tsx.register(); }
    modules.set(url, await import(url));
  }
  return modules.get(url);
}
parentPort.on('message', async (job) => {
  try {
    if (job.kind === 'load') {
      await load(job.module);
      parentPort.postMessage({ ok: true, ms: 0 });
      return;
    }
    const fn = job.kind === 'scan' ? (await load(job.module))[job.name] : undefined;
    const started = performance.now();
    if (job.kind === 'regex') {
      // Every match from every start, as the costliest use does (a failing unanchored test() too).
      const global = new RegExp(job.source, job.flags.replace(/[gy]/g, '') + 'g');
      for (const match of job.input.matchAll(global)) void match;
    } else {
      fn(job.input);
    }
    parentPort.postMessage({ ok: true, ms: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ ok: false, reason: 'error', ms: 0, message: String(error && error.stack || error) });
  }
});
`;

/** One worker at a time, replaced when a job misses its deadline. */
export class DeadlineRunner {
  private worker: Worker | undefined;

  constructor(private readonly deadlineMs: number) {}

  /** Every match of `source`/`flags` over `input`, within the deadline. */
  regex(source: string, flags: string, input: string): Promise<TimedOutcome> {
    return this.run({ kind: 'regex', source, flags, input }, this.deadlineMs);
  }

  /** `module`'s export `name` called on `input`, within the deadline (the module is loaded first, untimed). */
  async scan(module: URL, name: string, input: string): Promise<TimedOutcome> {
    const loaded = await this.run({ kind: 'load', module: module.href }, 120_000);
    if (!loaded.ok) return loaded;
    return this.run({ kind: 'scan', module: module.href, name, input }, this.deadlineMs);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private run(job: Job, deadlineMs: number): Promise<TimedOutcome> {
    const worker = (this.worker ??= new Worker(WORKER_SOURCE, { eval: true }));
    const started = performance.now();
    return new Promise((resolve) => {
      const finish = (outcome: TimedOutcome) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(outcome);
      };
      const onMessage = (outcome: TimedOutcome) => finish(outcome);
      const onError = (error: Error) => {
        this.worker = undefined;
        finish({ ok: false, reason: 'error', ms: performance.now() - started, message: error.message });
      };
      const timer = setTimeout(() => {
        // The worker is stuck inside the match: only terminating it frees the thread.
        this.worker = undefined;
        void worker.terminate();
        finish({ ok: false, reason: 'deadline', ms: performance.now() - started, message: `still running after ${deadlineMs} ms` });
      }, deadlineMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(job);
    });
  }
}

/**
 * A few runners (one per spare core): the 1 MB runs of one pattern go to them at once. Each job's
 * deadline starts when a runner takes it, not while it waits for one.
 */
export class DeadlinePool {
  private readonly idle: DeadlineRunner[];
  private readonly waiting: Array<(runner: DeadlineRunner) => void> = [];

  constructor(deadlineMs: number, size: number) {
    this.idle = Array.from({ length: Math.max(1, size) }, () => new DeadlineRunner(deadlineMs));
  }

  regex(source: string, flags: string, input: string): Promise<TimedOutcome> {
    return this.with((runner) => runner.regex(source, flags, input));
  }

  scan(module: URL, name: string, input: string): Promise<TimedOutcome> {
    return this.with((runner) => runner.scan(module, name, input));
  }

  async close(): Promise<void> {
    await Promise.all(this.idle.map((runner) => runner.close()));
  }

  private async with(job: (runner: DeadlineRunner) => Promise<TimedOutcome>): Promise<TimedOutcome> {
    const runner = this.idle.pop() ?? (await new Promise<DeadlineRunner>((resolve) => this.waiting.push(resolve)));
    try {
      return await job(runner);
    } finally {
      const next = this.waiting.shift();
      if (next) next(runner);
      else this.idle.push(runner);
    }
  }
}
