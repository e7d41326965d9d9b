import type { LoadedConfig } from '../config/load.ts';
import type { RepositoryModel } from '../model/repository.ts';
import type { Finding, Locale } from '../types.ts';
import type { ReviewBudget } from './budget.ts';
import type { RuleFix } from './rule.ts';

export interface ReviewOptions {
  locale?: Locale;
  /** Configuration text to use instead of `.github/bplus.yml` from the source (CLI `--config`). */
  configText?: string;
  /** Path the configuration text is reported under. */
  configPath?: string;
  /**
   * The configuration already parsed (the App validates the default branch's merged object once,
   * `validateConfig`): used as it is, neither `configText` nor the repository's file is read.
   * Crosses a thread when it has no `locateConfig` (an object has no lines to point into).
   */
  config?: LoadedConfig;
  /** When set, only findings in these paths are kept (CLI `--changed-since`, pull requests). */
  onlyPaths?: ReadonlySet<string>;
  /** Wall-clock and memory budget (src/engine/budget.ts); what it leaves unreached is reported. */
  budget?: ReviewBudget;
}

export interface RuleSummary {
  ruleId: string;
  title: string;
  level: string;
  count: number;
  docsUrl: string;
}

export interface ReviewSummary {
  files: number;
  yamlFiles: number;
  charts: number;
  serviceCharts: number;
  environments: string[];
  failures: number;
  warnings: number;
  notices: number;
  rules: RuleSummary[];
  durationMs: number;
  /** Findings a written waiver (annotation or `exceptions:` entry) suppressed. */
  waived?: number;
}

/** A finding a waiver suppressed, kept so that every output can say so (SARIF `suppressions`). */
export interface WaivedFinding extends Finding {
  /** The waiver's written reason. */
  reason: string;
  /** Where the waiver is written: an annotation on the object, or an `exceptions:` entry. */
  waivedBy: 'annotation' | 'configuration';
}

export interface ReviewResult {
  findings: Finding[];
  /** Waived findings (absent where the caller did not collect them). */
  waived?: WaivedFinding[];
  summary: ReviewSummary;
}

/**
 * A review together with what it was made from. Whoever acts on the findings (the fix flow, the
 * connectivity diff, the App's report) uses this model and this configuration instead of reading
 * the repository again. It stays in the process that made it: the model holds functions, so only
 * the `ReviewResult` part crosses a thread or the network.
 */
export interface Review extends ReviewResult {
  model: RepositoryModel;
  /** The configuration as parsed once for this review, with its problems. */
  config: LoadedConfig;
  /** The fix each fixable finding's rule gave (a function: it never leaves the process). */
  fixes: ReadonlyMap<Finding, RuleFix>;
}

/** The part of a review that can be copied to another thread or written out. */
export function portableResult(review: ReviewResult): ReviewResult {
  return { findings: review.findings, ...(review.waived ? { waived: review.waived } : {}), summary: review.summary };
}
