/**
 * `bplus fix [DIR] [--rule ID ...] [--cert FILE | --cert ENV=FILE ...] [--config FILE] [--dry-run]`:
 * reviews DIR, plans the fixes (src/fix), writes the changed files (or prints a unified diff
 * with --dry-run), and says what was fixed, what was not and why. The diff never shows the
 * removed lines of a file that held clear-text values. Exit codes: 0 when no failing finding
 * remains, 1 otherwise, 2 on usage errors.
 */
import { parseArgs } from 'node:util';
import { reviewRepository } from '../engine/review.ts';
import { failing, planFixes, unifiedDiff, type FixPlan } from '../fix/index.ts';
import { jailIfExists, readNamedFile } from '../source/jail.ts';
import { LocalSource } from '../source/local.ts';
import type { CliIO } from './main.ts';

export const FIX_USAGE = `Usage: bplus fix [DIR] [--rule ID ...] [--cert FILE | --cert ENV=FILE ...] [--config FILE] [--dry-run]

Fixes what can be fixed safely in DIR (default: .): default resources (TR-K8S-3/4), autoscaling
(TR-K8S-5), ClusterIP services (TR-K8S-6), the default-deny NetworkPolicy (TR-K8S-7), plain
Secrets sealed into SealedSecrets and credentials moved out of values (TR-K8S-9).
  --rule ID        only fix findings of this rule (repeatable)
  --cert FILE      sealing certificate (kubeseal --fetch-cert) for every environment
  --cert ENV=FILE  sealing certificate for one environment or namespace (repeatable)
  --config FILE    configuration instead of DIR/.github/bplus.yml
  --dry-run        print a unified diff instead of writing the files
Exit codes: 0 nothing failing remains, 1 failures remain, 2 usage error.
`;

class UsageError extends Error {}

export async function runFixCommand(args: string[], io: CliIO): Promise<number> {
  let options;
  try {
    options = parse(args);
  } catch (error) {
    io.stderr(`bplus fix: ${(error as Error).message}\n\n${FIX_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.stdout(FIX_USAGE);
    return 0;
  }
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
      const before = await source.read(file).then((b) => b.toString('utf8'), () => undefined);
      const sensitive = plan.sensitivePaths.has(file);
      // No context around a change to a file that held values: a neighbouring line may hold another.
      io.stdout(unifiedDiff(file, before, content, { redactRemoved: sensitive, context: sensitive ? 0 : 3 }));
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
  lines.push('', `After the fixes: ${failures.length} failure${failures.length === 1 ? '' : 's'}, ${plan.remaining.filter((f) => f.level === 'warning').length} warning(s) remain.`);
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

function parse(args: string[]): FixArgs | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      rule: { type: 'string', multiple: true },
      cert: { type: 'string', multiple: true },
      config: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 1) throw new UsageError(`one directory at most (got ${positionals.length})`);
  const rules = (values.rule ?? []).flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean);
  for (const rule of rules) if (!/^[A-Za-z][\w-]*$/.test(rule)) throw new UsageError(`"${rule}" is not a rule id`);
  const certs: Array<[string, string]> = (values.cert ?? []).map((c) => {
    const eq = c.indexOf('=');
    // ENV=FILE, unless the "=" is part of a path (a FILE that exists is taken as is).
    if (eq > 0 && !c.slice(0, eq).includes('/')) return [c.slice(0, eq), c.slice(eq + 1)];
    return ['*', c];
  });
  for (const [key, file] of certs) if (!file) throw new UsageError(`--cert ${key}= needs a file`);
  return { dir: positionals[0] ?? '.', rules, certs, config: values.config, dryRun: values['dry-run'] ?? false };
}
