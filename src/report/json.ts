import type { ReviewResult } from '../engine/api.ts';

/** One object: findings (paths relative to the reviewed directory, 1-based lines) and the summary. */
export function formatJson(result: ReviewResult): string {
  const findings = result.findings.map((f) => ({
    ruleId: f.ruleId,
    level: f.level,
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    ...(f.fix ? { fixable: true } : {}),
  }));
  return JSON.stringify({ findings, summary: result.summary }, null, 2) + '\n';
}
