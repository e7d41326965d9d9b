/**
 * The engine in a worker thread (see off-thread.ts): it lists and reads files through a
 * MessagePort back to the main thread, where the GitHub source and its requests stay, and
 * returns the review's result. Loaded by URL, and imported by off-thread.ts for that URL, so
 * that a bundler that follows imports (Vercel's) ships this file compiled with the rest.
 */
import { isMainThread, parentPort, type MessagePort } from 'node:worker_threads';
import type { ReviewOptions } from '../engine/api.ts';
import type { RepositorySource, SourceEntry } from '../source/types.ts';

export const WORKER_URL = import.meta.url;

export interface JobMessage {
  job: number;
  name: string;
  options: ReviewOptions;
  port: MessagePort;
}

export type SourceRequest = { id: number; op: 'list' } | { id: number; op: 'read'; path: string };
export type SourceReply = { id: number; ok: true; value: SourceEntry[] | Uint8Array } | { id: number; ok: false; message: string };

function remoteSource(name: string, port: MessagePort): RepositorySource {
  let next = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  port.on('message', (reply: SourceReply) => {
    const waiter = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) waiter?.resolve(reply.value);
    else waiter?.reject(new Error(reply.message));
  });
  const call = <T>(request: { op: 'list' } | { op: 'read'; path: string }): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      port.postMessage({ ...request, id });
    });
  return {
    name,
    list: () => call<SourceEntry[]>({ op: 'list' }),
    read: async (path) => {
      const bytes = await call<Uint8Array>({ op: 'read', path });
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },
  };
}

async function serve(): Promise<void> {
  const { reviewRepository } = await import('../engine/review.ts');
  const { portableResult } = await import('../engine/api.ts');
  parentPort!.on('message', (message: JobMessage) => {
    const source = remoteSource(message.name, message.port);
    reviewRepository(source, message.options)
      .then((review) => parentPort!.postMessage({ job: message.job, ok: true, result: portableResult(review) }))
      .catch((error: unknown) => parentPort!.postMessage({ job: message.job, ok: false, message: error instanceof Error ? error.message : String(error) }))
      .finally(() => message.port.close());
  });
}

if (!isMainThread && parentPort) void serve();
