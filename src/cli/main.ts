/**
 * `bplus`: the engine on a local checkout. Exit codes: 0 no failure, 1 failures, 2 usage or
 * configuration errors. Every error is a message on stderr, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import { LocalSource } from '../source/local.ts';
import { jailIfExists, readNamedFile } from '../source/jail.ts';
import { reviewRepository } from '../engine/review.ts';
import { loadRules } from '../engine/registry.ts';
import { formatJson } from '../report/json.ts';
import { formatSarif } from '../report/sarif.ts';
import { formatText } from '../report/text.ts';
import { formatRulesText } from './rules-text.ts';
import { changedFilesSince } from './git.ts';
import { reviewBudget, type ReviewBudget } from '../engine/budget.ts';
import type { Locale } from '../types.ts';

export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const USAGE = `Usage:
  bplus check [DIR] [--config FILE] [--format text|json|sarif] [--locale en|ru] [--changed-since REF] [--timeout S] [--max-memory MB]
  bplus fix [DIR] [--rule ID ...] [--cert FILE] [--dry-run]
  bplus seal SECRET.yaml --cert CERT.pem [--scope strict|namespace-wide|cluster-wide] [--namespace NS] [--merge-into FILE] [--in-place] [-o OUT]
  bplus netpol [DIR] [--format text|json|mermaid]
  bplus rules [--locale en|ru]

Exit codes: 0 no failure, 1 failures found, 2 usage or configuration error.`;

export class UsageError extends Error {}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(rest, io);
      case 'fix':
        return await (await import('./fix-command.ts')).runFixCommand(rest, io);
      case 'seal':
        return await (await import('../seal/cli.ts')).runSealCommand(rest, defaultFileIO(io));
      case 'netpol':
        return await (await import('./netpol-command.ts')).runNetpolCommand(rest, io);
      case 'rules':
        return await rules(rest, io);
      case '--version':
      case 'version':
        io.stdout(`${packageVersion()}\n`);
        return 0;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`bplus: ${(error as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`bplus: ${(error as Error).message ?? String(error)}\n`);
    return 2;
  }
}

async function check(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      format: { type: 'string', default: 'text' },
      locale: { type: 'string', default: 'en' },
      'changed-since': { type: 'string' },
      timeout: { type: 'string' },
      'max-memory': { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new UsageError(`check takes one directory, got ${positionals.length}`);
  const dir = positionals[0] ?? '.';
  const format = oneOf(values.format!, ['text', 'json', 'sarif'] as const, '--format');
  const locale = oneOf(values.locale!, ['en', 'ru'] as const, '--locale') as Locale;
  let configText: string | undefined;
  if (values.config !== undefined) {
    try {
      // Inside DIR through the jail (the repository's links are its author's); outside, the operator's file.
      configText = readNamedFile(jailIfExists(dir), values.config).toString('utf8');
    } catch (error) {
      throw new UsageError(`--config ${values.config}: ${(error as Error).message}`);
    }
  }
  const onlyPaths = values['changed-since'] === undefined ? undefined : new Set(await changedFilesSince(dir, values['changed-since']));
  const budget = budgetFromFlags(values.timeout, values['max-memory']);
  const result = await reviewRepository(new LocalSource(dir), { locale, configText, configPath: values.config, onlyPaths, budget });
  if (format === 'json') io.stdout(formatJson(result));
  else if (format === 'sarif') io.stdout(formatSarif(result, await loadRules(), packageVersion()));
  else io.stdout(formatText(result, locale));
  if (result.findings.some((f) => f.ruleId === 'config' && f.level === 'failure')) return 2;
  return result.summary.failures > 0 ? 1 : 0;
}

async function rules(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: { locale: { type: 'string', default: 'en' } } });
  const locale = oneOf(values.locale!, ['en', 'ru'] as const, '--locale');
  io.stdout(formatRulesText(await loadRules(), locale));
  return 0;
}

/** `--timeout SECONDS` and `--max-memory MB`: the review's budget (src/engine/budget.ts). */
export function budgetFromFlags(timeout: string | undefined, maxMemory: string | undefined): ReviewBudget | undefined {
  const positive = (value: string | undefined, flag: string): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number, not "${value}"`);
    return n;
  };
  const seconds = positive(timeout, '--timeout');
  const megabytes = positive(maxMemory, '--max-memory');
  if (seconds === undefined && megabytes === undefined) return undefined;
  return reviewBudget({ timeoutMs: seconds === undefined ? undefined : seconds * 1000, maxRssBytes: megabytes === undefined ? undefined : megabytes * 1024 * 1024 });
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export function packageVersion(): string {
  // From src/cli (sources) or dist/src/cli (compiled): the package root is two or three levels up.
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'bplus' && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
}

/**
 * seal names its files itself: inside the working directory (the checkout it is run from) they are
 * read and written through its jail, so a link committed there cannot lead a write outside.
 */
function defaultFileIO(io: CliIO) {
  const jail = jailIfExists(process.cwd());
  return {
    ...io,
    readFile: async (p: string) => readNamedFile(jail, p).toString('utf8'),
    writeFile: async (p: string, s: string) => {
      if (jail?.names(p)) return jail.writeFile(path.resolve(p), s);
      await writeFile(p, s);
    },
  };
}
