/**
 * The App's work that needs the repository model, done where the model is: in this thread, or
 * in a review thread (review-worker.ts runs these same functions). A model cannot cross a
 * thread, so each job does everything that uses it there (the connectivity diff against the
 * base commit, the fix planning) and returns only what can be copied back.
 */
import { portableResult, type ReviewOptions, type ReviewResult } from '../engine/api.ts';
import { reviewRepository } from '../engine/review.ts';
import { planFixes, type FixPlan } from '../fix/index.ts';
import type { RepositorySource } from '../source/types.ts';
import { networkChanges } from './network-changes.ts';

/** A pull request's review: the findings, and what the change does to the connectivity. */
export interface ChangeReview extends ReviewResult {
  /**
   * "now allowed: …" lines against the base commit; absent when no base was given (the change
   * cannot move connectivity) or when the base could not be read (the summary then says nothing).
   */
  connectivity?: string[];
}

/** Reviews `head` once; with `base`, also compares connectivity using the head's own model. */
export type ReviewFunction = (head: RepositorySource, options?: ReviewOptions, base?: RepositorySource) => Promise<ChangeReview>;

export interface FixJob {
  /** Only these rules' findings (all fixable ones when empty). */
  rules: string[];
  /** Sealing certificates (PEM) by environment or namespace, `*` for any. */
  certificates?: Readonly<Record<string, string>>;
}

/** Reviews `head` once and plans the fixes from that review (its model and configuration). */
export type PlanFixFunction = (head: RepositorySource, options: ReviewOptions, job: FixJob) => Promise<FixPlan>;

export const reviewChange: ReviewFunction = async (head, options = {}, base) => {
  const review = await reviewRepository(head, options);
  const connectivity = base ? await networkChanges(base, review).catch(() => undefined) : undefined;
  return { ...portableResult(review), ...(connectivity ? { connectivity } : {}) };
};

export const planFix: PlanFixFunction = async (head, options, job) => {
  const review = await reviewRepository(head, options);
  return planFixes(head, review, { rules: job.rules, review: options, certificates: job.certificates }, reviewRepository);
};

/**
 * The options as they can be posted to a thread: a configuration parsed from text keeps a
 * function that locates its keys, which stays behind (findings about it then point at line 1).
 */
export function postableOptions(options: ReviewOptions): ReviewOptions {
  if (!options.config?.locateConfig) return options;
  const { config, problems } = options.config;
  return { ...options, config: { config, problems } };
}
