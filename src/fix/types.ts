/** The fix engine's vocabulary. Nothing here knows about GitHub, the CLI or the file system. */
import type { BplusConfig } from '../config/schema.ts';
import type { ReviewOptions } from '../engine/api.ts';
import type { RepositoryModel } from '../model/repository.ts';
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
  /** The review options of the review that produced the findings (configuration text...). */
  review?: ReviewOptions;
  /** Clock for certificate validity (tests). */
  now?: Date;
}

export interface AppliedFix {
  ruleId: string;
  /** The fixer's kind (`default-resources`, `seal-secret`...). */
  kind: string;
  /** File changed or created, and the first line of the change in the new file. */
  path: string;
  line: number;
  /** What was done; never a secret value. */
  description: string;
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

/** The tree being edited: original contents, with the edits made so far on top. */
export interface WorkingTree {
  exists(path: string): boolean;
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string, options?: { sensitive?: boolean }): void;
}

export interface FixContext {
  model: RepositoryModel;
  config: BplusConfig;
  tree: WorkingTree;
  options: FixOptions;
  /** A note for the outcome (deduplicated). */
  note(text: string): void;
  /** Per-run memory shared by the findings of one fixer (dedupe of the same target). */
  memo: Map<string, unknown>;
  certificateFor(scope: { namespace?: string; environment?: string }): Promise<CertificateChoice>;
}

export type CertificateChoice =
  | { ok: true; certificate: import('../seal/index.ts').SealingCertificate; source: string }
  | { ok: false; reason: string };

export type FixOutcome =
  | { status: 'applied'; changes: Array<{ path: string; line: number; description: string }> }
  /** Another finding's fix already covers this one. */
  | { status: 'covered' }
  | { status: 'skipped'; reason: string };

export interface Fixer {
  /** The FixHint kind it handles. */
  kind: string;
  fix(finding: Finding, context: FixContext): Promise<FixOutcome>;
}
