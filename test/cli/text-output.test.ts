/** The text people read: grouped by file, aligned columns, colour only when wanted, fixable marks, counts. */
import { describe, expect, it } from 'vitest';
import type { ReviewResult } from '../../src/engine/api.ts';
import { formatText, wantsColor } from '../../src/report/text.ts';
import type { ReportView } from '../../src/report/view.ts';
import type { Finding } from '../../src/types.ts';

function finding(path: string, line: number, column: number, level: Finding['level'], ruleId: string, message: string, fixable = false): Finding {
  return {
    path,
    line,
    column,
    endLine: line,
    endColumn: column + 1,
    level,
    ruleId,
    message,
    messageId: 'm',
    title: 't',
    ...(fixable ? { fixable: true as const } : {}),
  };
}

function view(findings: Finding[], extra: Partial<ReportView> = {}): ReportView {
  const result = { findings, summary: { files: 7, durationMs: 12 } } as unknown as ReviewResult;
  return { result, findings: findings.map((f) => ({ finding: f, fingerprint: 'x' })), waived: [], baselined: 0, quieted: 0, locale: 'en', ...extra };
}

describe('text output', () => {
  const findings = [
    finding('charts/a/values.yaml', 9, 3, 'failure', 'TR-K8S-3', 'no limits', true),
    finding('charts/a/values.yaml', 120, 11, 'warning', 'BP-PROBES', 'no probe'),
    finding('charts/b/values-prod.yaml', 4, 1, 'notice', 'input', 'unknown kind'),
  ];

  it('groups by file and aligns position, level and rule columns; the message comes last', () => {
    const text = formatText(view(findings));
    expect(text).toBe(
      [
        'charts/a/values.yaml',
        '    9:3   failure  TR-K8S-3   no limits [fixable]',
        '  120:11  warning  BP-PROBES  no probe',
        '',
        'charts/b/values-prod.yaml',
        '    4:1   notice   input      unknown kind',
        '',
        '✖ 1 failure, 1 warning, 1 notice (1 fixable with `bplus fix`, 7 files, 12 ms)',
        '',
      ].join('\n'),
    );
  });

  it('counts waived, baseline and quieted findings at the end', () => {
    const text = formatText(
      view([], { waived: [{ finding: { ...findings[0]!, reason: 'r', waivedBy: 'annotation' }, fingerprint: 'y' }], baselined: 3, quieted: 2 }),
    );
    expect(text).toBe('✓ No findings (1 waived, 3 in the baseline, 2 warnings and notices hidden by --quiet, 7 files, 12 ms)\n');
  });

  it('colours levels only when asked', () => {
    const coloured = formatText(view(findings), { color: true });
    expect(coloured).toContain('\u001b[31mfailure\u001b[0m');
    expect(coloured).toContain('\u001b[33mwarning\u001b[0m');
    expect(formatText(view(findings))).not.toContain('\u001b[');
  });

  it('wants colour on a TTY, never with NO_COLOR, always with FORCE_COLOR', () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColor({ TERM: 'dumb' }, true)).toBe(false);
  });

  it('speaks Russian', () => {
    expect(formatText(view(findings, { locale: 'ru' }))).toContain('нарушений: 1, предупреждений: 1, замечаний: 1');
  });
});

describe('progress on stderr', () => {
  it('shows the elapsed time on a TTY after a second and erases it at the end; nothing otherwise', async () => {
    const { vi } = await import('vitest');
    const { progress } = await import('../../src/cli/check-command.ts');
    vi.useFakeTimers();
    try {
      let tty = '';
      const stop = progress({ stderr: (t) => (tty += t), stderrIsTTY: true }, 'repo');
      vi.advanceTimersByTime(900);
      expect(tty).toBe('');
      vi.advanceTimersByTime(2100);
      expect(tty).toContain('bplus: reviewing repo … 3 s');
      stop();
      expect(tty.endsWith('\r\u001b[2K')).toBe(true);
      let pipe = '';
      const stopPipe = progress({ stderr: (t) => (pipe += t), stderrIsTTY: false }, 'repo');
      vi.advanceTimersByTime(5000);
      stopPipe();
      expect(pipe).toBe('');
    } finally {
      vi.useRealTimers();
    }
  });
});
