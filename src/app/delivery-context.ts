/**
 * What every part of one webhook delivery may need to know without threading it through Probot:
 * its id (for logs when nothing else can be written) and its deadline, the moment after which
 * the platform may stop the function. Requests do not wait for a rate limit past it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface DeliveryContext {
  id: string;
  /** Epoch milliseconds. */
  deadline: number;
}

const storage = new AsyncLocalStorage<DeliveryContext>();

export function withDelivery<T>(context: DeliveryContext, work: () => Promise<T>): Promise<T> {
  return storage.run(context, work);
}

export function deliveryDeadline(): number | undefined {
  return storage.getStore()?.deadline;
}

export function deliveryId(): string | undefined {
  return storage.getStore()?.id;
}
