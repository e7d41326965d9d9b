/** The fix engine: ports only (a RepositorySource in, edits out). */
export { planFixes, failing, type ReviewFn } from './plan.ts';
export { OverlaySource } from './overlay.ts';
export { diffLines, changeHunks, unifiedDiff, type Hunk } from './line-diff.ts';
export { REPOSITORY_CERTIFICATE_PATHS } from './certificates.ts';
export type { AppliedFix, FixOptions, FixPlan, SkippedFix } from './types.ts';
