import type { ReportView } from './view.ts';
import { countLevels } from './view.ts';

/**
 * One object: the findings shown (paths relative to the reviewed directory, 1-based lines, a
 * fingerprint that survives line shifts), the waived findings with their reasons, and the summary
 * with the counts of waived and baseline findings.
 */
export function formatJson(view: ReportView): string {
  const counts = countLevels(view.findings);
  const findings = view.findings.map(({ finding: f, fingerprint }) => ({
    ruleId: f.ruleId,
    level: f.level,
    path: f.path,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    message: f.message,
    messageId: f.messageId,
    fingerprint,
    ...(f.fixable ? { fixable: true } : {}),
  }));
  const waived = view.waived.map(({ finding: f, fingerprint }) => ({
    ruleId: f.ruleId,
    level: f.level,
    path: f.path,
    line: f.line,
    message: f.message,
    fingerprint,
    waivedBy: f.waivedBy,
    reason: f.reason,
  }));
  const summary = {
    ...view.result.summary,
    failures: counts.failure,
    warnings: counts.warning,
    notices: counts.notice,
    waived: view.waived.length,
    baselined: view.baselined,
    quieted: view.quieted,
  };
  return JSON.stringify({ findings, waived, summary }, null, 2) + '\n';
}
