/** The one comment that reports a command's outcome. Built from value-free texts only. */
import type { FixPlan } from '../../fix/index.ts';

const MAX_COMMENT = 60_000;

export type FixResult =
  { kind: 'pushed'; sha: string } | { kind: 'suggested'; reason: string } | { kind: 'moved'; reviewedSha: string; headSha?: string } | { kind: 'nothing' };

export function outcomeComment(plan: FixPlan, result: FixResult, requestedBy: string): string {
  const lines: string[] = [];
  switch (result.kind) {
    case 'pushed':
      lines.push(
        `@${requestedBy} bplus pushed ${result.sha.slice(0, 7)} with ${count(plan.applied.length, 'fix', 'fixes')} (${plan.edits.size} ${plan.edits.size === 1 ? 'file' : 'files'}).`,
      );
      break;
    case 'suggested':
      lines.push(`@${requestedBy} bplus cannot push to this branch (${result.reason}): the fixes are in a review with suggestions instead.`);
      break;
    case 'moved':
      lines.push(
        `@${requestedBy} the branch moved on since the reviewed commit ${result.reviewedSha.slice(0, 7)}${result.headSha ? ` (it is at ${result.headSha.slice(0, 7)} now)` : ''}: bplus pushed nothing, so no newer commit is overwritten. Run \`/bplus fix\` again on the new head.`,
      );
      break;
    case 'nothing':
      lines.push(`@${requestedBy} nothing could be fixed automatically.`);
      break;
  }
  if (plan.applied.length > 0 && result.kind !== 'moved') {
    lines.push('', '**Fixed**', '');
    for (const a of plan.applied) lines.push(`- \`${a.ruleId}\` \`${a.path}:${a.line}\`: ${a.description}`);
  }
  if (plan.skipped.length > 0) {
    lines.push('', '**Not fixed**', '');
    for (const s of plan.skipped) lines.push(`- \`${s.finding.ruleId}\` \`${s.finding.path}:${s.finding.line}\`: ${s.reason}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', '**Please note**', '');
    for (const n of plan.notes) lines.push(`- ⚠️ ${n}`);
  }
  if (result.kind !== 'moved') {
    const failures = plan.remaining.filter((f) => f.level === 'failure');
    lines.push(
      '',
      failures.length === 0
        ? 'After these fixes no failing finding remains.'
        : `After these fixes ${count(failures.length, 'failing finding remains', 'failing findings remain')}.`,
    );
  }
  const body = lines.join('\n');
  return body.length > MAX_COMMENT ? `${body.slice(0, MAX_COMMENT)}\n\n… (cut)` : body;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
