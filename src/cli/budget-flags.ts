/** `--timeout SECONDS` and `--max-memory MB`: the review's budget (src/engine/budget.ts). */
import { reviewBudget, type ReviewBudget } from '../engine/budget.ts';
import { UsageError } from './args.ts';

export function budgetFromFlags(timeout: string | undefined, maxMemory: string | undefined): ReviewBudget | undefined {
  const positive = (value: string | undefined, flag: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, not "${value}"`);
    return n;
  };
  const seconds = positive(timeout, '--timeout');
  const megabytes = positive(maxMemory, '--max-memory');
  if (seconds === undefined && megabytes === undefined) return undefined;
  return reviewBudget({
    timeoutMs: seconds === undefined ? undefined : seconds * 1000,
    maxRssBytes: megabytes === undefined ? undefined : megabytes * 1024 * 1024,
  });
}
