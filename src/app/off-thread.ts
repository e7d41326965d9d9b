/**
 * Reviews off the event loop: the engine runs in a small pool of worker threads, so that one
 * heavy repository cannot stop `/ping`, other deliveries or the timers that complete runs on
 * time. Each review has budgets: a wall-clock limit on the worker (the worker is terminated,
 * its CPU with it) and a heap limit (`resourceLimits`); either ends the review with an error,
 * which the caller turns into a neutral run saying why. Jobs wait in FIFO order for a thread,
 * so in a burst the first reviews finish first.
 */
import os from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { ReviewOptions } from '../engine/api.ts';
import type { FixPlan } from '../fix/index.ts';
import type { RepositorySource } from '../source/types.ts';
import { postableOptions, type ChangeReview, type FixJob, type PlanFixFunction, type ReviewFunction } from './engine-jobs.ts';
import { WORKER_URL, type SourceReply, type SourceRequest } from './review-worker.ts';

export interface OffThreadOptions {
  /** Worker threads; default min(2, available parallelism), BPLUS_REVIEW_THREADS. */
  threads?: number;
  /** Time one review may run in its thread; default 40 s, BPLUS_REVIEW_CPU_MS. */
  timeBudgetMs?: number;
  /** Old-generation heap of a thread; default 512 MB, BPLUS_REVIEW_MEMORY_MB. */
  memoryMb?: number;
}

interface Job {
  source: RepositorySource;
  /** The base commit, for the connectivity diff. */
  base?: RepositorySource;
  options: ReviewOptions;
  fix?: FixJob;
  resolve: (result: ChangeReview | FixPlan) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  job?: Job;
  timer?: NodeJS.Timeout;
}

export interface OffThreadReview {
  review: ReviewFunction;
  planFix: PlanFixFunction;
  close(): Promise<void>;
}

export function createOffThreadReview(options: OffThreadOptions = {}, env: NodeJS.ProcessEnv = process.env): OffThreadReview {
  const threads = options.threads ?? (Number(env.BPLUS_REVIEW_THREADS) || Math.min(2, os.availableParallelism()));
  const budgetMs = options.timeBudgetMs ?? (Number(env.BPLUS_REVIEW_CPU_MS) || 40_000);
  const memoryMb = options.memoryMb ?? (Number(env.BPLUS_REVIEW_MEMORY_MB) || 512);
  const queue: Job[] = [];
  const slots: Slot[] = [];
  let jobIds = 0;

  function spawn(): Slot {
    // In development the sources are TypeScript: the thread registers tsx before loading them
    // (a loader in execArgv is not applied to a worker's entry on Node 20).
    const limits = { resourceLimits: { maxOldGenerationSizeMb: memoryMb } };
    const worker = WORKER_URL.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); });`, { eval: true, ...limits })
      : new Worker(new URL(WORKER_URL), limits);
    const slot: Slot = { worker };
    worker.unref();
    worker.on('message', (message: { ok: boolean; result?: ChangeReview | FixPlan; message?: string }) => {
      const job = slot.job;
      finish(slot);
      if (!job) return;
      if (message.ok) job.resolve(message.result!);
      else job.reject(new Error(message.message));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const job = slot.job;
      replace(slot);
      job?.reject(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`the review needed more than its memory budget (${memoryMb} MB) and was stopped`) : error,
      );
    });
    worker.on('exit', () => {
      if (slots.includes(slot)) {
        const job = slot.job;
        replace(slot);
        job?.reject(new Error('the review thread stopped'));
      }
    });
    slots.push(slot);
    return slot;
  }

  function replace(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.job = undefined;
    const index = slots.indexOf(slot);
    if (index >= 0) slots.splice(index, 1);
    void slot.worker.terminate();
    pump();
  }

  function finish(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
    pump();
  }

  function pump(): void {
    while (queue.length > 0) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < threads ? spawn() : undefined);
      if (!slot) return;
      start(slot, queue.shift()!);
    }
  }

  function start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (request: SourceRequest) => {
      const reply = (message: SourceReply, transfer: ArrayBuffer[] = []) => port1.postMessage(message, transfer);
      const source = request.tree === 'base' ? job.base : job.source;
      const work = !source
        ? Promise.reject(new Error('this review has no base commit'))
        : request.op === 'list'
          ? source.list()
          : source.read(request.path).then((b) => new Uint8Array(b));
      work.then(
        (value) => reply({ id: request.id, ok: true, value }),
        (error: unknown) => reply({ id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) }),
      );
    });
    port1.unref();
    slot.timer = setTimeout(() => {
      job.reject(new Error(`the review ran longer than its time budget (${Math.round(budgetMs / 1000)} s) and was stopped`));
      replace(slot);
    }, budgetMs);
    const message = { job: ++jobIds, name: job.source.name, baseName: job.base?.name, options: postableOptions(job.options), fix: job.fix, port: port2 };
    slot.worker.postMessage(message, [port2]);
  }

  function submit<T extends ChangeReview | FixPlan>(job: Omit<Job, 'resolve' | 'reject'>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ ...job, resolve: resolve as (result: ChangeReview | FixPlan) => void, reject });
      pump();
    });
  }

  return {
    review: (source, reviewOptions = {}, base) => submit<ChangeReview>({ source, options: reviewOptions, ...(base ? { base } : {}) }),
    planFix: (source, reviewOptions, fix) => submit<FixPlan>({ source, options: reviewOptions, fix }),
    async close() {
      await Promise.all(slots.splice(0).map((slot) => slot.worker.terminate()));
    },
  };
}
