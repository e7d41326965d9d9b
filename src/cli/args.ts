/**
 * Argument parsing every command shares: node's parseArgs, plus `-h/--help` and `-v/--version`
 * on every command, and "did you mean" for a mistyped command or option, so that a typo is one
 * short message instead of a usage dump.
 */
import { parseArgs } from 'node:util';
import type { CliIO } from './io.ts';

/** A command used wrongly: every command throws this one, and `usageFailure` reports it. */
export class UsageError extends Error {}

/**
 * A usage error as every command reports it: `bplus COMMAND: what is wrong`, then the command's
 * usage (when given) or where to find it; exit code 2.
 */
export function usageFailure(io: Pick<CliIO, 'stderr'>, command: string, error: Error, usage?: string): number {
  const message = error.message.startsWith(`${command}: `) ? error.message.slice(command.length + 2) : error.message;
  io.stderr(`bplus ${command}: ${message}\n${usage === undefined ? `Run "bplus ${command} --help" for its options.\n` : `\n${usage.trimEnd()}\n`}`);
  return 2;
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  default?: string | boolean;
}

export type OptionSpecs = Record<string, OptionSpec>;

const COMMON: OptionSpecs = {
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
};

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  help: boolean;
  version: boolean;
}

/** Parses `args` of `command`; unknown options are refused with the nearest known one suggested. */
export function parseCommandArgs(command: string, args: readonly string[], options: OptionSpecs): Parsed {
  const all = { ...COMMON, ...options };
  refuseUnknownOptions(command, args, all);
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: all, allowPositionals: true, strict: true });
    const typed = values as Parsed['values'];
    return { values: typed, positionals, help: typed.help === true, version: typed.version === true };
  } catch (error) {
    if (typeof (error as { code?: unknown }).code === 'string' && String((error as { code: string }).code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(`${command}: ${(error as Error).message.replace(/\. To specify a positional argument.*$/s, '')}`);
    }
    throw error;
  }
}

/** Checks every `--name`/`-x` before `--` against the known options. */
export function refuseUnknownOptions(command: string, args: readonly string[], options: OptionSpecs): void {
  const longs = Object.keys(options);
  const shorts = new Map(Object.entries(options).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return;
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0]!;
      if (!(name in options)) {
        throw new UsageError(`${command}: unknown option --${name}${suggestion(name, longs, '--')}`);
      }
      if (options[name]!.type === 'string' && !arg.includes('=')) i++;
    } else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const letter = arg[1]!;
      const long = shorts.get(letter);
      if (long === undefined) throw new UsageError(`${command}: unknown option -${letter}${suggestion(letter, longs, '--')}`);
      if (options[long]!.type === 'string' && arg.length === 2) i++;
    }
  }
}

/** `; did you mean --format?` for the closest candidate within a small edit distance, else ''. */
export function suggestion(word: string, candidates: readonly string[], prefix = ''): string {
  const best = closest(word, candidates);
  return best === undefined ? '' : `; did you mean ${prefix}${best}?`;
}

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Up to a third of the word may be wrong (two edits at most): "chek", "--frmat", "netpl".
  const allowed = Math.min(2, Math.max(1, Math.floor(word.length / 3)));
  return bestDistance <= allowed ? best : undefined;
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${value}"${suggestion(value, allowed)}`);
}

export function stringValue(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringList(parsed: Parsed, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}
