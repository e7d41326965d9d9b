/**
 * The time budget of one delivery. Vercel stops the function at `maxDuration` (60 s in
 * vercel.json); the review gives up at BPLUS_REVIEW_TIMEOUT_MS (50 s) and completes the run as
 * neutral, and requests stop waiting for rate limits at BPLUS_TIME_BUDGET_MS (58 s), keeping
 * the last seconds for that final write.
 */
export const DEFAULT_TIME_BUDGET_MS = 58_000;
export const DEFAULT_REVIEW_TIMEOUT_MS = 50_000;

export function reviewBudgetMs(env: NodeJS.ProcessEnv = process.env): number {
  return positive(env.BPLUS_TIME_BUDGET_MS) ?? DEFAULT_TIME_BUDGET_MS;
}

export function reviewTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  return positive(env.BPLUS_REVIEW_TIMEOUT_MS) ?? Math.min(DEFAULT_REVIEW_TIMEOUT_MS, reviewBudgetMs(env) - 8_000);
}

function positive(text: string | undefined): number | undefined {
  const value = Number(text);
  return text && Number.isFinite(value) && value > 0 ? value : undefined;
}
