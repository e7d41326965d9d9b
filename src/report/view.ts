/**
 * What every CLI output format is given: the findings to show (after the baseline and `--quiet`),
 * the waived ones, and the counts of what was left out, so that each format can say so.
 */
import type { ReviewResult, WaivedFinding } from '../engine/api.ts';
import type { Finding, Level, Locale } from '../types.ts';
import type { Fingerprinted } from './fingerprint.ts';

export interface ReportView {
  result: ReviewResult;
  findings: Array<Fingerprinted<Finding>>;
  waived: Array<Fingerprinted<WaivedFinding>>;
  /** Findings the baseline absorbed (not shown, not failing). */
  baselined: number;
  /** Warnings and notices `--quiet` left out. */
  quieted: number;
  locale: Locale;
}

export const LEVELS: readonly Level[] = ['failure', 'warning', 'notice'];

export function countLevels(findings: ReadonlyArray<Fingerprinted<Finding>>): Record<Level, number> {
  const counts: Record<Level, number> = { failure: 0, warning: 0, notice: 0 };
  for (const { finding } of findings) counts[finding.level]++;
  return counts;
}

/** Whether a finding at `level` reaches the `--fail-on` threshold. */
export function reaches(level: Level, threshold: Level): boolean {
  return LEVELS.indexOf(level) <= LEVELS.indexOf(threshold);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
