/**
 * `bplus fix [DIR] [--rule ID ...] [--cert FILE | --cert ENV=FILE ...] [--config FILE] [--dry-run]`:
 * reviews DIR, plans the fixes (src/fix), writes the changed files (or prints a unified diff
 * with --dry-run), and says what was fixed, what was not and why. The dry-run output is a patch
 * `git apply` accepts; a file that held clear-text values (a Secret being sealed) is not part of
 * it, since its removed lines would repeat the values: a comment line, which `git apply` skips,
 * says so. Exit codes: 0 when no failing finding
 * remains, 1 otherwise, 2 on usage errors.
 */
import { parseAllDocuments } from 'yaml';
import { reviewRepository } from '../engine/review.ts';
import { loadRules } from '../engine/registry.ts';
import { failing, planFixes, unifiedDiff, type FixPlan } from '../fix/index.ts';
import { jailIfExists, readNamedFile } from '../source/jail.ts';
import { LocalSource } from '../source/local.ts';
import { UsageError, closest, parseCommandArgs, stringList, stringValue, usageFailure } from './args.ts';
import type { CliIO } from './io.ts';
import { packageVersion } from './version.ts';

export const FIX_USAGE = `Usage: bplus fix [DIR] [--rule ID ...] [--cert FILE | --cert ENV=FILE ...] [--config FILE] [--dry-run]

Fixes what can be fixed safely in DIR (default: .): default resources (TR-K8S-3/4), autoscaling
(TR-K8S-5), ClusterIP services (TR-K8S-6), the default-deny NetworkPolicy (TR-K8S-7), plain
Secrets sealed into SealedSecrets and credentials moved out of values (TR-K8S-9).
  --rule ID        only fix findings of this rule (repeatable)
  --cert FILE      sealing certificate (kubeseal --fetch-cert) for every environment
  --cert ENV=FILE  sealing certificate for one environment or namespace (repeatable)
  --config FILE    configuration instead of DIR/.github/bplus.yml
  --dry-run        print a patch (git apply accepts it) instead of writing the files
Exit codes: 0 nothing failing remains, 1 failures remain, 2 usage error.
`;

export async function runFixCommand(args: string[], io: CliIO): Promise<number> {
  try {
    return await fix(args, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailure(io, 'fix', error);
  }
}

async function fix(args: string[], io: CliIO): Promise<number> {
  const options = parse(args);
  if (options === 'help') {
    io.stdout(FIX_USAGE);
    return 0;
  }
  if (options === 'version') {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  await refuseUnknownRules(options.rules);
  const certificates: Record<string, string> = {};
  // Files named inside DIR are read through its jail: their links belong to the repository's author.
  const jail = jailIfExists(options.dir);
  try {
    for (const [key, file] of options.certs) certificates[key] = readNamedFile(jail, file).toString('utf8');
  } catch (error) {
    io.stderr(`bplus fix: cannot read certificate: ${(error as Error).message}\n`);
    return 2;
  }
  let configText: string | undefined;
  if (options.config) {
    try {
      configText = readNamedFile(jail, options.config).toString('utf8');
    } catch (error) {
      io.stderr(`bplus fix: cannot read configuration: ${(error as Error).message}\n`);
      return 2;
    }
  }
  const source = new LocalSource(options.dir);
  const reviewOptions = configText === undefined ? {} : { configText, configPath: options.config };
  let plan: FixPlan;
  try {
    const review = await reviewRepository(source, reviewOptions);
    plan = await planFixes(source, review, { rules: options.rules, certificates, review: reviewOptions });
  } catch (error) {
    io.stderr(`bplus fix: ${(error as Error).message}\n`);
    return 2;
  }

  try {
    // Every target checked before the first is written: a refusal leaves the repository unchanged.
    for (const file of plan.edits.keys()) source.jail.checkWritable(file);
  } catch (error) {
    io.stderr(`bplus fix: refusing to ${options.dryRun ? 'plan a write' : 'write'}: ${(error as Error).message}\n`);
    return 2;
  }
  if (options.dryRun) {
    for (const [file, content] of [...plan.edits].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const before = await source.read(file).then(
        (b) => b.toString('utf8'),
        () => undefined,
      );
      if (plan.sensitivePaths.has(file)) io.stdout(sensitiveNote(file, before, content));
      else io.stdout(unifiedDiff(file, before, content));
    }
  } else {
    try {
      for (const [file, content] of plan.edits) source.jail.writeFile(file, content);
    } catch (error) {
      io.stderr(`bplus fix: refusing to write: ${(error as Error).message}\n`);
      return 2;
    }
  }
  io.stdout(formatPlan(plan, options.dryRun));
  return failing(plan.remaining).length === 0 ? 0 : 1;
}

/** A changed file that held clear-text values, as comment lines outside the patch. */
function sensitiveNote(file: string, before: string | undefined, after: string): string {
  const removed = before === undefined ? 0 : before.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length;
  const added = after.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').length;
  const note = `# ${file}: left out of this patch because it held clear-text values, which a diff would repeat; "bplus fix" without --dry-run rewrites it (${removed} line(s) now, ${added} after)`;
  // The new content is shown only when it is nothing but SealedSecrets (ciphertext); anything else
  // may still hold a value that no fixer could move.
  if (!onlySealedSecrets(after)) return `${note}.\n`;
  return `${note} as:\n${after
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `#   ${l}`)
    .join('\n')}\n`;
}

function onlySealedSecrets(text: string): boolean {
  try {
    const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
    return (
      docs.length > 0 &&
      docs.every((d) => {
        const o = d as { kind?: unknown; data?: unknown; stringData?: unknown } | null;
        return o !== null && typeof o === 'object' && o.kind === 'SealedSecret' && o.data === undefined && o.stringData === undefined;
      })
    );
  } catch {
    return false;
  }
}

/** `--rule` names a rule that exists and has a fixer, or the command stops with the nearest id. */
async function refuseUnknownRules(ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const rules = await loadRules();
  const fixable = rules.filter((r) => r.meta.fixable).map((r) => r.meta.id);
  for (const id of ids) {
    const rule = rules.find((r) => r.meta.id === id);
    if (!rule) {
      const guess = closest(
        id,
        rules.map((r) => r.meta.id),
      );
      throw new UsageError(`fix: --rule ${id}: no such rule${guess ? `; did you mean ${guess}?` : ''} (bplus rules lists them)`);
    }
    if (!rule.meta.fixable) throw new UsageError(`fix: --rule ${id}: ${id} has no automatic fix; the fixable rules are ${fixable.join(', ')}`);
  }
}

export function formatPlan(plan: FixPlan, dryRun: boolean): string {
  const lines: string[] = [];
  const verb = dryRun ? 'would change' : 'changed';
  if (plan.applied.length > 0) {
    lines.push(`Fixed (${verb} ${plan.edits.size} file${plan.edits.size === 1 ? '' : 's'}):`);
    for (const a of plan.applied) lines.push(`  ✓ ${a.ruleId} ${a.path}:${a.line} ${a.description}`);
  } else lines.push('Nothing to fix automatically.');
  if (plan.skipped.length > 0) {
    lines.push('', 'Not fixed:');
    for (const s of plan.skipped) lines.push(`  ✗ ${s.finding.ruleId} ${s.finding.path}:${s.finding.line} ${s.reason}`);
  }
  if (plan.notes.length > 0) {
    lines.push('', 'Notes:');
    for (const n of plan.notes) lines.push(`  ! ${n}`);
  }
  const failures = failing(plan.remaining);
  lines.push(
    '',
    `After the fixes: ${failures.length} failure${failures.length === 1 ? '' : 's'}, ${plan.remaining.filter((f) => f.level === 'warning').length} warning(s) remain.`,
  );
  for (const f of failures) lines.push(`  ${f.ruleId} ${f.path}:${f.line} ${f.message}`);
  return lines.join('\n') + '\n';
}

interface FixArgs {
  dir: string;
  rules: string[];
  certs: Array<[string, string]>;
  config?: string;
  dryRun: boolean;
}

function parse(args: string[]): FixArgs | 'help' | 'version' {
  const parsed = parseCommandArgs('fix', args, {
    rule: { type: 'string', multiple: true },
    cert: { type: 'string', multiple: true },
    config: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
  });
  if (parsed.help) return 'help';
  if (parsed.version) return 'version';
  const positionals = parsed.positionals;
  if (positionals.length > 1) throw new UsageError(`fix: one directory at most (got ${positionals.length})`);
  const rules = stringList(parsed, 'rule')
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  for (const rule of rules) if (!/^[A-Za-z][\w-]*$/.test(rule)) throw new UsageError(`fix: "${rule}" is not a rule id`);
  const certs: Array<[string, string]> = stringList(parsed, 'cert').map((c) => {
    const eq = c.indexOf('=');
    // ENV=FILE, unless the "=" is part of a path (a FILE that exists is taken as is).
    if (eq > 0 && !c.slice(0, eq).includes('/')) return [c.slice(0, eq), c.slice(eq + 1)];
    return ['*', c];
  });
  for (const [key, file] of certs) if (!file) throw new UsageError(`fix: --cert ${key}= needs a file`);
  return { dir: positionals[0] ?? '.', rules, certs, config: stringValue(parsed, 'config'), dryRun: parsed.values['dry-run'] === true };
}
