/**
 * The text people read in a terminal: findings grouped by file, positions, levels and rule ids in
 * aligned columns with the message last (so a narrow terminal wraps the message, not the rule id),
 * a mark on what `bplus fix` can fix, and the counts per level at the end. Colour only when asked
 * (a TTY without NO_COLOR, or FORCE_COLOR).
 */
import type { Level, Locale } from '../types.ts';
import type { ReportView } from './view.ts';
import { countLevels } from './view.ts';

export interface TextOptions {
  color?: boolean;
}

const LABELS: Record<
  Locale,
  Record<Level, string> & { fixable: string; clean: string; summary: (c: Record<Level, number>) => string; tail: (t: Tail) => string[] }
> = {
  en: {
    failure: 'failure',
    warning: 'warning',
    notice: 'notice',
    fixable: 'fixable',
    clean: 'No findings',
    summary: (c) =>
      `${c.failure} failure${c.failure === 1 ? '' : 's'}, ${c.warning} warning${c.warning === 1 ? '' : 's'}, ${c.notice} notice${c.notice === 1 ? '' : 's'}`,
    tail: (t) => [
      t.fixable ? `${t.fixable} fixable with \`bplus fix\`` : '',
      t.waived ? `${t.waived} waived` : '',
      t.baselined ? `${t.baselined} in the baseline` : '',
      t.quieted ? `${t.quieted} warnings and notices hidden by --quiet` : '',
      `${t.files} files`,
      `${t.ms} ms`,
    ],
  },
  ru: {
    failure: 'нарушение',
    warning: 'предупреждение',
    notice: 'замечание',
    fixable: 'исправимо',
    clean: 'Замечаний нет',
    summary: (c) => `нарушений: ${c.failure}, предупреждений: ${c.warning}, замечаний: ${c.notice}`,
    tail: (t) => [
      t.fixable ? `исправимых командой \`bplus fix\`: ${t.fixable}` : '',
      t.waived ? `исключено по обоснованию: ${t.waived}` : '',
      t.baselined ? `в базовой линии: ${t.baselined}` : '',
      t.quieted ? `скрыто --quiet: ${t.quieted}` : '',
      `файлов: ${t.files}`,
      `${t.ms} мс`,
    ],
  },
};

interface Tail {
  fixable: number;
  waived: number;
  baselined: number;
  quieted: number;
  files: number;
  ms: number;
}

const SGR = { bold: '1', dim: '2', underline: '4', red: '31', yellow: '33', cyan: '36', green: '32' } as const;
type Style = keyof typeof SGR;

export function formatText(view: ReportView, options: TextOptions = {}): string {
  const paint = (style: Style, text: string): string => (options.color ? `\u001b[${SGR[style]}m${text}\u001b[0m` : text);
  const levelStyle: Record<Level, Style> = { failure: 'red', warning: 'yellow', notice: 'cyan' };
  const labels = LABELS[view.locale];
  // Lines right-aligned and columns left-aligned, so the colons line up.
  const lineWidth = Math.max(0, ...view.findings.map(({ finding: f }) => String(f.line).length));
  const columnWidth = Math.max(0, ...view.findings.map(({ finding: f }) => String(f.column).length));
  const rows = view.findings.map(({ finding: f }) => ({ f, position: `${String(f.line).padStart(lineWidth)}:${String(f.column).padEnd(columnWidth)}` }));
  const width = {
    position: lineWidth + 1 + columnWidth,
    level: Math.max(0, ...rows.map((r) => labels[r.f.level].length)),
    rule: Math.max(0, ...rows.map((r) => r.f.ruleId.length)),
  };
  const lines: string[] = [];
  let current: string | undefined;
  for (const { f, position } of rows) {
    if (f.path !== current) {
      if (current !== undefined) lines.push('');
      lines.push(paint('underline', f.path));
      current = f.path;
    }
    const mark = f.fixable ? ` ${paint('green', `[${labels.fixable}]`)}` : '';
    lines.push(
      `  ${paint('dim', position.padStart(width.position))}  ${paint(levelStyle[f.level], labels[f.level].padEnd(width.level))}  ${paint('dim', f.ruleId.padEnd(width.rule))}  ${f.message}${mark}`,
    );
  }
  if (lines.length) lines.push('');
  const counts = countLevels(view.findings);
  const s = view.result.summary;
  const tail = labels
    .tail({
      fixable: view.findings.filter((f) => f.finding.fixable).length,
      waived: view.waived.length,
      baselined: view.baselined,
      quieted: view.quieted,
      files: s.files,
      ms: s.durationMs,
    })
    .filter(Boolean)
    .join(', ');
  if (view.findings.length === 0) lines.push(`${paint('green', `✓ ${labels.clean}`)} (${tail})`);
  else {
    const headline = counts.failure > 0 ? paint('red', `✖ ${labels.summary(counts)}`) : paint('yellow', `! ${labels.summary(counts)}`);
    lines.push(`${paint('bold', headline)} (${tail})`);
  }
  return lines.join('\n') + '\n';
}

/** Colour on a TTY unless NO_COLOR is set; FORCE_COLOR (other than 0/false) forces it on. */
export function wantsColor(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY && env.TERM !== 'dumb';
}
