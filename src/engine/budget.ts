/**
 * A review's wall-clock and memory budget (docs/security.md). The engine checks it between files
 * and between rules; past it, nothing more is read or run, and the review reports what it did not
 * reach as findings instead of running on until a platform kills it without a word.
 *
 * The CLI sets it from `--timeout` and `--max-memory`; the GitHub App from its serverless
 * function's limits (`reviewBudget({ timeoutMs, maxRssBytes })` with a margin for posting).
 */
import type { RepositorySource, SourceEntry } from '../source/types.ts';
import type { FileProblem } from '../types.ts';

export interface ReviewBudget {
  /** `Date.now()` past which nothing more is started. */
  deadline?: number;
  /** Resident set size past which nothing more is started. */
  maxRssBytes?: number;
  /** What was asked, for the message. */
  timeoutMs?: number;
}

export function reviewBudget(options: { timeoutMs?: number; maxRssBytes?: number; now?: number }): ReviewBudget {
  return {
    ...(options.timeoutMs !== undefined ? { deadline: (options.now ?? Date.now()) + options.timeoutMs, timeoutMs: options.timeoutMs } : {}),
    ...(options.maxRssBytes !== undefined ? { maxRssBytes: options.maxRssBytes } : {}),
  };
}

/** Why the budget is spent, or undefined while it is not. */
export function budgetSpent(budget: ReviewBudget | undefined): string | undefined {
  if (!budget) return undefined;
  if (budget.deadline !== undefined && Date.now() > budget.deadline)
    return `the review's time budget (${Math.round((budget.timeoutMs ?? 0) / 1000)} s) ran out`;
  if (budget.maxRssBytes !== undefined) {
    const rss = process.memoryUsage.rss();
    if (rss > budget.maxRssBytes) return `the review's memory budget (${Math.round(budget.maxRssBytes / 1024 / 1024)} MB) ran out`;
  }
  return undefined;
}

export class BudgetSpentError extends Error {
  readonly code = 'budget-spent';
}

/** A source that refuses reads once the budget is spent, and remembers which files it refused. */
export class BudgetedSource implements RepositorySource {
  readonly unread: string[] = [];
  reason?: string;

  constructor(
    private readonly inner: RepositorySource,
    private readonly budget: ReviewBudget,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  list(): Promise<SourceEntry[]> {
    return this.inner.list();
  }

  async read(path: string): Promise<Buffer> {
    const spent = budgetSpent(this.budget);
    if (spent) {
      this.reason ??= spent;
      this.unread.push(path);
      throw new BudgetSpentError(spent);
    }
    return this.inner.read(path);
  }
}

/**
 * The problems the budget caused, folded into one per kind: the files left unread (their own read
 * errors dropped) and the rules not run.
 */
export function unreachedProblems(
  problems: FileProblem[],
  source: BudgetedSource | undefined,
  skippedRules: string[],
  reason: string | undefined,
): FileProblem[] {
  const unread = new Set(source?.unread ?? []);
  const kept = unread.size === 0 ? problems : problems.filter((p) => !(p.code === 'read-error' && unread.has(p.path)));
  const why = source?.reason ?? reason ?? 'the review budget ran out';
  const at = { line: 1, column: 1, endLine: 1, endColumn: 1 };
  if (unread.size > 0) {
    const files = [...unread].sort();
    const listed = files.slice(0, 20).join(', ');
    kept.push({
      ...at,
      path: files[0]!,
      code: 'limit-exceeded',
      message: `${why}: ${files.length} file(s) were not reviewed: ${listed}${files.length > 20 ? ', …' : ''}`,
    });
  }
  if (skippedRules.length > 0) {
    kept.push({ ...at, path: '.', code: 'limit-exceeded', message: `${why}: rule(s) not run: ${skippedRules.join(', ')}` });
  }
  return kept;
}
