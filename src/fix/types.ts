/** The fix engine's vocabulary. Nothing here knows about GitHub, the CLI or the file system. */
import type { ReviewOptions } from '../engine/api.ts';
import type { FixChange } from '../engine/rule.ts';
import type { Finding } from '../types.ts';

export interface FixOptions {
  /** Only findings of these rule ids are fixed (all fixable findings when absent or empty). */
  rules?: readonly string[];
  /**
   * Sealing certificates (PEM, the output of `kubeseal --fetch-cert`), keyed by environment or
   * namespace; `*` is used for any. Certificates found in the repository (see certificates.ts)
   * are used when none is given here.
   */
  certificates?: Readonly<Record<string, string>>;
  /** The review options of the review that produced the findings (configuration text...); the fixed tree is reviewed with them. */
  review?: ReviewOptions;
  /** Clock for certificate validity (tests). */
  now?: Date;
}

/** A change a fix made, with the rule whose finding it fixed. */
export interface AppliedFix extends FixChange {
  ruleId: string;
}

export interface SkippedFix {
  finding: Finding;
  /** Why it was not fixed, or the precise instruction for a person; never a secret value. */
  reason: string;
}

export interface FixPlan {
  /** path → new content, for every file the fixes change or create. */
  edits: Map<string, string>;
  applied: AppliedFix[];
  skipped: SkippedFix[];
  /** What the author must still know (rotate a value that was pushed in clear text...). */
  notes: string[];
  /** Files whose previous content held clear-text values: diffs must not show their removed lines. */
  sensitivePaths: Set<string>;
  /** Findings of the reviewed tree the fixes addressed and that are gone in the fixed tree. */
  fixed: Finding[];
  /** Findings of the fixed tree (the engine run again over the edits). */
  remaining: Finding[];
}

export type { CertificateChoice, FixChange, FixOutcome, Fixer, RuleFix, WorkingTree } from '../engine/rule.ts';
