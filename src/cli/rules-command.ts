import type { Rule } from '../engine/rule.ts';
import { docsUrl } from '../engine/rule.ts';
import type { Locale } from '../types.ts';

/** `bplus rules`: every rule with its level, pack, whether it is fixable, and its description. */
export function formatRulesText(rules: readonly Rule[], locale: Locale): string {
  return (
    rules
      .map((r) => {
        const flags = [r.meta.level, r.meta.pack, r.meta.fixable ? 'fixable' : ''].filter(Boolean).join(', ');
        return `${r.meta.id}  ${r.meta.title[locale]}  (${flags})\n  ${r.meta.description[locale]}\n  ${docsUrl(r.meta.id)}`;
      })
      .join('\n\n') + '\n'
  );
}
