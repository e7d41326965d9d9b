import type { Finding, Locale } from '../types.ts';
import type { ReviewBudget } from './budget.ts';

export interface ReviewOptions {
  locale?: Locale;
  /** Configuration text to use instead of `.github/bplus.yml` from the source (CLI `--config`). */
  configText?: string;
  /** Path the configuration text is reported under. */
  configPath?: string;
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
}

export interface ReviewResult {
  findings: Finding[];
  summary: ReviewSummary;
}
