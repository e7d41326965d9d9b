/** `bplus rules [--locale en|ru]`: every rule, its level, pack, autofix and page. */
import { loadRules } from '../engine/registry.ts';
import type { Rule } from '../engine/rule.ts';
import { docsUrl } from '../engine/rule.ts';
import type { Locale } from '../types.ts';
import { UsageError, oneOf, parseCommandArgs } from './args.ts';
import type { CliIO } from './io.ts';
import { packageVersion } from './version.ts';

const RULES_USAGE = `Usage: bplus rules [--locale en|ru]

Lists every rule: its level, pack, whether bplus fix can fix it, what it requires and its page.`;

export async function runRulesCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('rules', args, { locale: { type: 'string', default: 'en' } });
  if (parsed.help) return (io.stdout(`${RULES_USAGE}\n`), 0);
  if (parsed.version) return (io.stdout(`${packageVersion()}\n`), 0);
  if (parsed.positionals.length > 0) throw new UsageError(`rules: takes no arguments, got "${parsed.positionals[0]}"`);
  const locale = oneOf(String(parsed.values.locale), ['en', 'ru'] as const, '--locale');
  io.stdout(formatRulesText(await loadRules(), locale));
  return 0;
}

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
