/**
 * The engine in a worker thread (see off-thread.ts): it lists and reads files through a
 * MessagePort back to the main thread, where the GitHub sources (head and, for the connectivity
 * diff, base) and their requests stay. It runs the App's jobs (engine-jobs.ts) here, where the
 * model is, and returns what they return: a review with its connectivity, or a fix plan. Loaded by URL, and imported by off-thread.ts for that URL, so
 * that a bundler that follows imports (Vercel's) ships this file compiled with the rest.
 */
import { isMainThread, parentPort, type MessagePort } from 'node:worker_threads';
import type { ReviewOptions } from '../engine/api.ts';
import type { RepositorySource, SourceEntry } from '../source/types.ts';
import type { FixJob } from './engine-jobs.ts';

export const WORKER_URL = import.meta.url;

export interface JobMessage {
  job: number;
  /** The head's name, and the base's when the connectivity diff reads it. */
  name: string;
  baseName?: string;
  options: ReviewOptions;
  /** Present for a fix: plan the fixes from the review instead of returning it. */
  fix?: FixJob;
  port: MessagePort;
}

/** Which tree a request reads: the head (reviewed) or the base commit (connectivity only). */
export type Tree = 'head' | 'base';
export type SourceRequest = { id: number; tree: Tree; op: 'list' } | { id: number; tree: Tree; op: 'read'; path: string };
export type SourceReply = { id: number; ok: true; value: SourceEntry[] | Uint8Array } | { id: number; ok: false; message: string };

/** The main thread's sources, over one port: every call carries its tree and is answered by its id. */
function remoteSources(port: MessagePort): (name: string, tree: Tree) => RepositorySource {
  let next = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  port.on('message', (reply: SourceReply) => {
    const waiter = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(reply.message));
  });
  const call = <T>(request: { tree: Tree; op: 'list' } | { tree: Tree; op: 'read'; path: string }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      port.postMessage({ ...request, id });
    });
  return (name, tree) => ({
    name,
    list: () => call<SourceEntry[]>({ tree, op: 'list' }),
    read: async (path) => {
      const bytes = await call<Uint8Array>({ tree, op: 'read', path });
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  });
}

async function serve(): Promise<void> {
  const { planFix, reviewChange } = await import('./engine-jobs.ts');
  parentPort!.on('message', (message: JobMessage) => {
    const sourceOf = remoteSources(message.port);
    const head = sourceOf(message.name, 'head');
    const work = message.fix
      ? planFix(head, message.options, message.fix)
      : reviewChange(head, message.options, message.baseName === undefined ? undefined : sourceOf(message.baseName, 'base'));
    work
      .then((result) => parentPort!.postMessage({ job: message.job, ok: true, result }))
      .catch((error: unknown) => parentPort!.postMessage({ job: message.job, ok: false, message: error instanceof Error ? error.message : String(error) }))
      .finally(() => message.port.close());
  });
}

if (!isMainThread && parentPort) void serve();
