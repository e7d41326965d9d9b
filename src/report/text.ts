import type { ReviewResult } from '../engine/api.ts';
import type { Locale } from '../types.ts';

const LABELS = {
  en: { failure: 'error', warning: 'warning', notice: 'notice', clean: 'No findings', summary: (f: number, w: number, n: number, files: number, ms: number) => `${f} failure(s), ${w} warning(s), ${n} notice(s) in ${files} files (${ms} ms)` },
  ru: { failure: 'ошибка', warning: 'предупреждение', notice: 'замечание', clean: 'Замечаний нет', summary: (f: number, w: number, n: number, files: number, ms: number) => `ошибок: ${f}, предупреждений: ${w}, замечаний: ${n}; файлов: ${files} (${ms} мс)` },
} as const;

/** Compiler-style lines (`path:line:column  level  message  rule`), grouped by file. */
export function formatText(result: ReviewResult, locale: Locale = 'en'): string {
  const labels = LABELS[locale];
  const lines: string[] = [];
  let current = '';
  for (const f of result.findings) {
    if (f.path !== current) {
      if (current) lines.push('');
      lines.push(f.path);
      current = f.path;
    }
    lines.push(`  ${f.line}:${f.column}  ${labels[f.level].padEnd(7)}  ${f.message}  ${f.ruleId}`);
  }
  if (lines.length) lines.push('');
  const s = result.summary;
  lines.push(result.findings.length === 0 ? `${labels.clean} (${s.files} files, ${s.durationMs} ms)` : labels.summary(s.failures, s.warnings, s.notices, s.files, s.durationMs));
  return lines.join('\n') + '\n';
}
