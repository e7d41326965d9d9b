/**
 * The check run's "Fix" button. GitHub shows `actions` only on a completed run (at most 3; label
 * and identifier ≤ 20 characters, description ≤ 40); a click sends `check_run.requested_action`
 * with the identifier. The review code adds `fixActionsFor(findings)` to the completing update.
 */
import type { Finding } from '../../types.ts';

export const FIX_ACTION_IDENTIFIER = 'bplus-fix';

export interface CheckRunAction {
  label: string;
  description: string;
  identifier: string;
}

export const FIX_ACTION: CheckRunAction = { label: 'Fix', description: 'Push a commit with the safe fixes', identifier: FIX_ACTION_IDENTIFIER };

/** The button, when a failing finding is fixable; nothing otherwise. */
export function fixActionsFor(findings: readonly Finding[]): CheckRunAction[] {
  return findings.some((f) => f.level === 'failure' && f.fixable) ? [FIX_ACTION] : [];
}
