/**
 * Which configuration a pull request is reviewed with.
 *
 * The configuration that decides the verdict is the default branch's `.github/bplus.yml`, read by
 * Probot's `context.config` (so `_extends` and the organisation's `.github` repository work).
 * A pull request that edits `.github/bplus.yml` does not review itself with its own edit: that
 * would let a change waive the rules it breaks. Its edited file is validated instead, with the
 * engine's own `parseConfig`, and every problem is reported on the line of that file.
 */
import { CONFIG_PATH, parseConfig, validateConfig, type LoadedConfig } from '../config/load.ts';
import type { Finding } from '../types.ts';
import type { FailOn } from './check-run.ts';
import type { RepositorySource } from '../source/types.ts';

/** Where findings about the applied (default-branch, merged) configuration are reported. */
export const APPLIED_CONFIG_PATH = `${CONFIG_PATH} (default branch)`;

export interface AppliedConfig {
  /**
   * The merged default-branch configuration, validated once here and handed to the engine as it
   * is (`ReviewOptions.config`): the engine neither reads the head's file nor parses text again.
   */
  loaded: LoadedConfig;
  failOn: FailOn;
  /** `review.neutral`: report, but never fail the check (observation mode). */
  neutral: boolean;
}

/** `loaded` is what `context.config('bplus.yml')` returned (null when there is none). */
export function appliedConfig(loaded: Record<string, unknown> | null): AppliedConfig {
  const merged = { ...(loaded ?? {}) };
  // Already resolved by Probot; the schema does not know it.
  delete merged._extends;
  // An empty object, not "no configuration": the engine must not fall back to the head's file.
  const config = validateConfig(merged, APPLIED_CONFIG_PATH);
  return { loaded: config, failOn: config.config.review.failOn, neutral: config.config.review.neutral };
}

/** Problems in the pull request's own edit of `.github/bplus.yml`, as findings on its lines. */
export async function validateEditedConfig(source: RepositorySource, changedPaths: ReadonlySet<string>): Promise<Finding[]> {
  if (!changedPaths.has(CONFIG_PATH)) return [];
  let text: string;
  try {
    text = (await source.read(CONFIG_PATH)).toString('utf8');
  } catch {
    return []; // Renamed away or deleted: nothing left to validate.
  }
  return parseConfig(text, CONFIG_PATH).problems.map((problem) => ({
    path: CONFIG_PATH,
    line: problem.line,
    column: problem.column,
    endLine: problem.endLine,
    endColumn: problem.endColumn,
    ruleId: 'config',
    level: 'failure',
    messageId: 'problem',
    title: 'Invalid bplus configuration',
    message: `${problem.message} (this edit takes effect once merged; the check used the default branch's configuration)`,
  }));
}
