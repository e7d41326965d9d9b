/**
 * `planFixes`: from a review's findings to the edits that fix them, computed on the reviewed
 * tree and written nowhere. Each fix hint kind has its fixer (fixers/); this module picks the
 * findings (`rules`), runs the fixers in a fixed order over one working tree, and then runs the
 * engine again on the fixed tree (an overlay of the edits over the reviewed source) to report
 * which findings are fixed and which remain.
 */
import { CONFIG_PATH, parseConfig, type LoadedConfig } from '../config/load.ts';
import { defaultConfig } from '../config/schema.ts';
import type { ReviewOptions, ReviewResult } from '../engine/api.ts';
import { reviewRepository } from '../engine/review.ts';
import { loadRepository } from '../model/repository.ts';
import type { RepositorySource } from '../source/types.ts';
import type { Finding } from '../types.ts';
import { chooseCertificate } from './certificates.ts';
import { FIXERS, fixerFor } from './fixers/index.ts';
import { OverlaySource } from './overlay.ts';
import type { AppliedFix, CertificateChoice, FixContext, FixOptions, FixPlan, SkippedFix, WorkingTree } from './types.ts';
import { YamlEditError } from './yaml-text.ts';

export type ReviewFn = (source: RepositorySource, options?: ReviewOptions) => Promise<ReviewResult>;

export async function planFixes(source: RepositorySource, review: ReviewResult, options: FixOptions = {}, reviewFn: ReviewFn = reviewRepository): Promise<FixPlan> {
  const loaded = await readConfig(source, options.review);
  const model = await loadRepository(source, loaded.config);
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
  const context: FixContext = {
    model,
    config: loaded.config,
    tree,
    options,
    memo: new Map(),
    note: (text) => {
      if (!notes.includes(text)) notes.push(text);
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
  const selected = review.findings.filter((f) => (f.level === 'failure' || f.level === 'warning') && (!wanted || wanted.has(f.ruleId.toUpperCase())));
  const applied: AppliedFix[] = [];
  const skipped: SkippedFix[] = [];
  const addressed: Finding[] = [];
  const order = (f: Finding): number => {
    const index = FIXERS.findIndex((x) => x.kind === f.fix?.kind);
    return index < 0 ? FIXERS.length : index;
  };
  for (const finding of [...selected].sort((a, b) => order(a) - order(b))) {
    const fixer = finding.fix ? fixerFor(finding.fix.kind) : undefined;
    if (!fixer) {
      skipped.push({ finding, reason: finding.fix ? `no fixer for "${finding.fix.kind}" in this version of bplus` : 'no automatic fix: this needs a decision by a person (see the rule\'s documentation)' });
      continue;
    }
    let outcome;
    try {
      outcome = await fixer.fix(finding, context);
    } catch (error) {
      // Messages of our own errors are value-free; anything else is reported by type only.
      const reason = error instanceof YamlEditError ? error.message : `the ${fixer.kind} fix failed (${error instanceof Error ? error.name : 'error'})`;
      outcome = { status: 'skipped' as const, reason };
    }
    if (outcome.status === 'skipped') skipped.push({ finding, reason: outcome.reason });
    else {
      addressed.push(finding);
      if (outcome.status === 'applied') for (const change of outcome.changes) applied.push({ ruleId: finding.ruleId, kind: fixer.kind, ...change });
    }
  }

  // The engine again, on the fixed tree: what the fixes really achieved.
  const after = edits.size > 0 ? await reviewFn(new OverlaySource(source, edits), options.review) : review;
  const remainingKeys = new Set(after.findings.map(identity));
  const fixed = addressed.filter((f) => !remainingKeys.has(identity(f)));
  for (const finding of addressed) {
    if (remainingKeys.has(identity(finding))) skipped.push({ finding, reason: 'a fix was applied but the finding is still reported on the fixed tree' });
  }
  return { edits, applied, skipped, notes, sensitivePaths, fixed, remaining: after.findings };
}

/** Lines move when lines are added: a finding is the same finding by rule, file and message. */
function identity(f: Finding): string {
  return `${f.ruleId}\u0000${f.messageId}\u0000${f.path}\u0000${f.message}`;
}

async function readConfig(source: RepositorySource, options: ReviewOptions | undefined): Promise<LoadedConfig> {
  if (options?.config) return options.config;
  if (options?.configText !== undefined) return parseConfig(options.configText, options.configPath ?? CONFIG_PATH);
  const listed = await source.list();
  if (!listed.some((f) => f.path === CONFIG_PATH)) return { config: defaultConfig, problems: [] };
  return parseConfig((await source.read(CONFIG_PATH)).toString('utf8'), CONFIG_PATH);
}

/** Remaining findings that fail a check (what decides the CLI's exit code). */
export function failing(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.level === 'failure');
}
