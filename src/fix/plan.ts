/**
 * `planFixes`: from a review to the edits that fix its findings, computed on the reviewed tree
 * and written nowhere. The fixes are the rules' own (`Report.fix`, kept on the in-process
 * `Review`); this module only picks the findings (`rules`), orders the fixes (those that seal or
 * move clear-text values first), gives each the working tree, the configuration, the sealing
 * certificates and a place for notes, collects what they did, and runs the engine again on the
 * fixed tree (an overlay of the edits over the reviewed source) to report which findings are
 * fixed and which remain.
 */
import type { Review, ReviewOptions, ReviewResult } from '../engine/api.ts';
import type { CertificateChoice, FixOutcome, Fixer, RuleFix, WorkingTree } from '../engine/rule.ts';
import { reviewRepository } from '../engine/review.ts';
import type { RepositorySource } from '../source/types.ts';
import type { Finding } from '../types.ts';
import { YamlEditError } from '../yaml/edit.ts';
import { chooseCertificate } from './certificates.ts';
import { OverlaySource } from './overlay.ts';
import type { AppliedFix, FixOptions, FixPlan, SkippedFix } from './types.ts';

export type ReviewFn = (source: RepositorySource, options?: ReviewOptions) => Promise<ReviewResult>;

const NO_FIX = "no automatic fix: this needs a decision by a person (see the rule's documentation)";

/**
 * `review` is the review whose findings are fixed: an in-process `Review` (its model, its
 * configuration and its fixes are used as they are), or a portable result from another thread,
 * in which case the tree is reviewed here once more to get them. `reviewFn` reviews the fixed tree.
 */
export async function planFixes(
  source: RepositorySource,
  review: Review | ReviewResult,
  options: FixOptions = {},
  reviewFn: ReviewFn = reviewRepository,
): Promise<FixPlan> {
  const reviewed = isInProcess(review) ? review : await reviewRepository(source, options.review);
  const { model } = reviewed;
  const listed = new Set(model.files.map((f) => f.path));
  const edits = new Map<string, string>();
  const sensitivePaths = new Set<string>();
  const tree: WorkingTree = {
    exists: (path) => edits.has(path) || listed.has(path),
    read: async (path) => {
      const edited = edits.get(path);
      if (edited !== undefined) return edited;
      const parsed = model.yamlFiles.get(path);
      if (parsed) return parsed.text;
      if (!listed.has(path)) return undefined;
      return (await source.read(path)).toString('utf8');
    },
    write: (path, text, opts) => {
      edits.set(path, text);
      if (opts?.sensitive) sensitivePaths.add(path);
    },
  };
  const notes: string[] = [];
  const certificates = new Map<string, Promise<CertificateChoice>>();
  const claimed = new Set<string>();
  const fixer: Fixer = {
    tree,
    config: reviewed.config.config,
    model,
    memo: new Map(),
    note: (text) => {
      if (!notes.includes(text)) notes.push(text);
    },
    claim: (key) => {
      if (claimed.has(key)) return false;
      claimed.add(key);
      return true;
    },
    certificateFor: (scope) => {
      const key = `${scope.namespace ?? ''}\u0000${scope.environment ?? ''}`;
      let choice = certificates.get(key);
      if (!choice) {
        choice = chooseCertificate(scope, options, tree);
        certificates.set(key, choice);
      }
      return choice;
    },
  };

  const wanted = options.rules && options.rules.length > 0 ? new Set(options.rules.map((r) => r.toUpperCase())) : undefined;
  const selected = reviewed.findings.filter((f) => (f.level === 'failure' || f.level === 'warning') && (!wanted || wanted.has(f.ruleId.toUpperCase())));
  const applied: AppliedFix[] = [];
  const skipped: SkippedFix[] = [];
  const addressed: Finding[] = [];
  for (const finding of orderForFixing(selected, reviewed.fixes)) {
    const fix = reviewed.fixes.get(finding);
    if (!fix) {
      skipped.push({ finding, reason: NO_FIX });
      continue;
    }
    const outcome = await run(fix, fixer, finding.ruleId);
    if (outcome.status === 'skipped') skipped.push({ finding, reason: outcome.reason });
    else {
      addressed.push(finding);
      if (outcome.status === 'applied') for (const change of outcome.changes) applied.push({ ruleId: finding.ruleId, ...change });
    }
  }

  // The engine again, on the fixed tree: what the fixes really achieved.
  const after = edits.size > 0 ? await reviewFn(new OverlaySource(source, edits), options.review) : reviewed;
  const remainingKeys = new Set(after.findings.map(identity));
  const fixed = addressed.filter((f) => !remainingKeys.has(identity(f)));
  for (const finding of addressed) {
    if (remainingKeys.has(identity(finding))) skipped.push({ finding, reason: 'a fix was applied but the finding is still reported on the fixed tree' });
  }
  return { edits, applied, skipped, notes, sensitivePaths, fixed, remaining: after.findings };
}

function isInProcess(review: Review | ReviewResult): review is Review {
  return 'fixes' in review && 'model' in review;
}

/** Fixes that seal or move clear-text values first (no other fix may rewrite a file that held them), then by rule. */
export function orderForFixing(findings: readonly Finding[], fixes: ReadonlyMap<Finding, RuleFix>): Finding[] {
  const phase = (f: Finding): number => (fixes.get(f)?.handlesSecrets ? 0 : 1);
  const rank = (id: string): string => id.replace(/\d+/g, (n) => n.padStart(4, '0'));
  return [...findings].sort((a, b) => phase(a) - phase(b) || (rank(a.ruleId) < rank(b.ruleId) ? -1 : rank(a.ruleId) > rank(b.ruleId) ? 1 : 0));
}

/** A fix's own errors are value-free; anything else is reported by type only (it might quote a value). */
async function run(fix: RuleFix, fixer: Fixer, ruleId: string): Promise<FixOutcome> {
  try {
    return await fix(fixer);
  } catch (error) {
    const reason = error instanceof YamlEditError ? error.message : `the ${ruleId} fix failed (${error instanceof Error ? error.name : 'error'})`;
    return { status: 'skipped', reason };
  }
}

/** Lines move when lines are added: a finding is the same finding by rule, file and message. */
function identity(f: Finding): string {
  return `${f.ruleId}\u0000${f.messageId}\u0000${f.path}\u0000${f.message}`;
}

/** Remaining findings that fail a check (what decides the CLI's exit code). */
export function failing(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.level === 'failure');
}
