/**
 * `--format github`: the runner's workflow commands (`::error file=…,line=…::message`), which
 * GitHub Actions turns into annotations on the pull request's lines, then a plain summary line.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Level } from '../types.ts';
import type { ReportView } from './view.ts';
import { countLevels, plural } from './view.ts';

const COMMAND: Record<Level, 'error' | 'warning' | 'notice'> = { failure: 'error', warning: 'warning', notice: 'notice' };

/** The escaping of a command's message (the runner's `escapeData`). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The escaping of a command's property values (`escapeProperty`): also `:` and `,`. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(view: ReportView): string {
  const lines = view.findings.map(({ finding: f }) => {
    const props = [`file=${escapeProperty(f.path)}`, `line=${f.line}`, `endLine=${Math.max(f.line, f.endLine)}`];
    // A column range means something to the runner only on a single line.
    if (f.line === f.endLine && f.endColumn > f.column) props.push(`col=${f.column}`, `endColumn=${f.endColumn}`);
    props.push(`title=${escapeProperty(`${f.ruleId}: ${f.title}`)}`);
    return `::${COMMAND[f.level]} ${props.join(',')}::${escapeData(f.fixable ? `${f.message} (fixable: bplus fix)` : f.message)}`;
  });
  const c = countLevels(view.findings);
  const extra = [
    view.waived.length ? `${view.waived.length} waived` : '',
    view.baselined ? `${view.baselined} in the baseline` : '',
    view.quieted ? `${view.quieted} hidden by --quiet` : '',
  ].filter(Boolean);
  lines.push(
    `bplus: ${plural(c.failure, 'failure')}, ${plural(c.warning, 'warning')}, ${plural(c.notice, 'notice')}${extra.length ? ` (${extra.join(', ')})` : ''}`,
  );
  return lines.join('\n') + '\n';
}
