/**
 * `bplus check`: the review of a local checkout, with the controls CI needs: the level that fails
 * (`--fail-on`), failures only (`--quiet`), a baseline so that only new findings fail, and SARIF
 * written next to another format for the GitHub Action.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { reviewRepository } from '../engine/review.ts';
import { loadRules } from '../engine/registry.ts';
import { applyBaseline, formatBaseline, parseBaseline } from '../report/baseline.ts';
import { fingerprintFindings } from '../report/fingerprint.ts';
import { formatGithub } from '../report/github.ts';
import { formatJson } from '../report/json.ts';
import { formatSarif } from '../report/sarif.ts';
import { formatText, wantsColor } from '../report/text.ts';
import { reaches, type ReportView } from '../report/view.ts';
import { LocalSource } from '../source/local.ts';
import type { Level, Locale } from '../types.ts';
import { UsageError, oneOf, parseCommandArgs, stringValue } from './args.ts';
import { changedFilesSince } from './git.ts';
import { budgetFromFlags } from './budget-flags.ts';
import { jailIfExists, readNamedFile } from '../source/jail.ts';
import type { CliIO } from './io.ts';
import { packageVersion } from './version.ts';

export const CHECK_USAGE = `Usage: bplus check [DIR] [options]

Reviews DIR (default: .) against the platform rules and the recommended pack.
  --config FILE          configuration instead of DIR/.github/bplus.yml
  --format FORMAT        text (default), json, sarif, or github (workflow-command annotations)
  --sarif FILE           also write SARIF 2.1.0 to FILE (for code scanning), whatever --format is
  --locale en|ru         language of the messages
  --changed-since REF    only findings in files changed since the git REF (committed, staged, unstaged, untracked)
  --fail-on LEVEL        the lowest level that fails: failure (default), warning or notice
  --quiet, -q            show failures only (warnings and notices are counted, not listed)
  --baseline FILE        findings recorded in FILE are known: not shown, not failing
  --write-baseline       write the current findings to the --baseline FILE and exit 0
  --timeout SECONDS      wall-clock budget of the review; what it did not reach is reported
  --max-memory MB        memory budget of the review (resident set); likewise
Exit codes: 0 nothing at the --fail-on level, 1 findings at that level, 2 usage or configuration error.`;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
const LEVEL_NAMES: readonly Level[] = ['failure', 'warning', 'notice'];

export async function runCheckCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('check', args, {
    config: { type: 'string' },
    format: { type: 'string', default: 'text' },
    sarif: { type: 'string' },
    locale: { type: 'string', default: 'en' },
    'changed-since': { type: 'string' },
    'fail-on': { type: 'string', default: 'failure' },
    quiet: { type: 'boolean', short: 'q', default: false },
    baseline: { type: 'string' },
    'write-baseline': { type: 'boolean', default: false },
    timeout: { type: 'string' },
    'max-memory': { type: 'string' },
  });
  if (parsed.help) return (io.stdout(`${CHECK_USAGE}\n`), 0);
  if (parsed.version) return (io.stdout(`${packageVersion()}\n`), 0);
  if (parsed.positionals.length > 1) throw new UsageError(`check: takes one directory, got ${parsed.positionals.length}`);
  const dir = parsed.positionals[0] ?? '.';
  const format = oneOf(String(parsed.values.format), FORMATS, '--format');
  const locale: Locale = oneOf(String(parsed.values.locale), ['en', 'ru'] as const, '--locale');
  const failOn = oneOf(String(parsed.values['fail-on']), LEVEL_NAMES, '--fail-on');
  const baselineFile = stringValue(parsed, 'baseline');
  const writeBaseline = parsed.values['write-baseline'] === true;
  if (writeBaseline && baselineFile === undefined) throw new UsageError('check: --write-baseline needs --baseline FILE (where to write it)');
  const configPath = stringValue(parsed, 'config');
  let configText: string | undefined;
  if (configPath !== undefined) {
    try {
      // Inside DIR through the jail (the repository's links are its author's); outside, the operator's file.
      configText = readNamedFile(jailIfExists(dir), configPath).toString('utf8');
    } catch (error) {
      throw new UsageError(`check: --config ${configPath}: ${(error as Error).message}`);
    }
  }
  const changedSince = stringValue(parsed, 'changed-since');
  const onlyPaths = changedSince === undefined ? undefined : new Set(await changedFilesSince(dir, changedSince));
  const budget = budgetFromFlags(stringValue(parsed, 'timeout'), stringValue(parsed, 'max-memory'));
  const source = new LocalSource(dir);

  const stopProgress = progress(io, dir);
  const result = await reviewRepository(source, { locale, configText, configPath, onlyPaths, budget }).finally(stopProgress);

  if (result.summary.yamlFiles === 0) {
    io.stderr(`bplus check: ${dir} holds no YAML file to review; run it in the root of a GitOps repository (or try "bplus demo")\n`);
  }
  const readText = (p: string): Promise<string | undefined> =>
    source.read(p).then(
      (b) => b.toString('utf8'),
      () => undefined,
    );
  const findings = await fingerprintFindings(result.findings, readText);
  const waived = await fingerprintFindings(result.waived ?? [], readText);

  if (writeBaseline) {
    await writeFile(baselineFile!, formatBaseline(findings));
    io.stderr(`bplus check: wrote ${findings.length} finding(s) to ${baselineFile}; later runs with --baseline ${baselineFile} fail only on new ones\n`);
    return configFailed(result.findings) ? 2 : 0;
  }
  let shown = findings;
  let baselined = 0;
  if (baselineFile !== undefined) {
    const text = await readFile(baselineFile, 'utf8').catch((error: Error) => {
      throw new UsageError(`check: --baseline ${baselineFile}: ${error.message} (create it with --write-baseline)`);
    });
    let entries;
    try {
      entries = parseBaseline(text, baselineFile);
    } catch (error) {
      throw new UsageError(`check: --baseline ${(error as Error).message}`);
    }
    const split = applyBaseline(findings, entries);
    shown = split.fresh;
    baselined = split.known.length;
  }
  const quiet = parsed.values.quiet === true;
  const listed = quiet ? shown.filter((f) => f.finding.level === 'failure') : shown;
  const view: ReportView = { result, findings: listed, waived, baselined, quieted: shown.length - listed.length, locale };

  const sarifFile = stringValue(parsed, 'sarif');
  if (sarifFile !== undefined || format === 'sarif') {
    const sarif = formatSarif(view, await loadRules(), packageVersion(), path.resolve(dir));
    if (sarifFile !== undefined) {
      await mkdir(path.dirname(path.resolve(sarifFile)), { recursive: true });
      await writeFile(sarifFile, sarif);
    }
    if (format === 'sarif') io.stdout(sarif);
  }
  if (format === 'json') io.stdout(formatJson(view));
  else if (format === 'github') io.stdout(formatGithub(view));
  else if (format === 'text') io.stdout(formatText(view, { color: wantsColor(io.env ?? {}, io.stdoutIsTTY ?? false) }));

  if (configFailed(result.findings)) return 2;
  return shown.some((f) => reaches(f.finding.level, failOn)) ? 1 : 0;
}

function configFailed(findings: ReadonlyArray<{ ruleId: string; level: Level }>): boolean {
  return findings.some((f) => f.ruleId === 'config' && f.level === 'failure');
}

/** On a TTY, after a second, an elapsed-time line on stderr that is erased when the review ends. */
export function progress(io: Pick<CliIO, 'stderr' | 'stderrIsTTY'>, dir: string): () => void {
  if (!io.stderrIsTTY) return () => undefined;
  const started = Date.now();
  let shown = false;
  const timer = setInterval(() => {
    shown = true;
    io.stderr(`\r\u001b[2Kbplus: reviewing ${dir} … ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (shown) io.stderr('\r\u001b[2K');
  };
}
