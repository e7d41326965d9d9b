/**
 * `bplus`: the engine on a local checkout. Exit codes: 0 nothing at the `--fail-on` level,
 * 1 findings at that level, 2 usage or configuration errors. Every error is a message on stderr,
 * never a stack trace; a mistyped command or option gets a suggestion.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { jailIfExists, readNamedFile } from '../source/jail.ts';
import { UsageError, closest, refuseUnknownOptions, usageFailure, type OptionSpecs } from './args.ts';
import { runCheckCommand } from './check-command.ts';
import { packageVersion } from './version.ts';

import type { CliFileIO, CliIO } from './io.ts';

export type { CliIO } from './io.ts';
export { packageVersion } from './version.ts';

export const USAGE = `bplus — the Balance+ platform rules for Kubernetes/Helm GitOps repositories

Usage:
  bplus demo [DIR]                  write an example repository with violations to DIR (default ./bplus-demo), check it and show the fix
  bplus check [DIR] [options]       review DIR (default .)
  bplus fix [DIR] [options]         fix what can be fixed safely (--dry-run prints a patch)
  bplus seal SECRET.yaml --cert CERT.pem [options]   seal a Secret into a SealedSecret, offline
  bplus netpol [DIR] [options]      who can reach whom under the NetworkPolicies
  bplus rules [--locale en|ru]      the rules, their levels and what they require

Every command takes -h/--help and -v/--version. Exit codes: 0 nothing at the failing level,
1 findings at the failing level (or a violated service graph for netpol), 2 usage or configuration error.
Documentation: docs/cli.md`;

const COMMANDS = ['demo', 'check', 'fix', 'seal', 'netpol', 'rules', 'help', 'version'] as const;

/** seal parses its own arguments; these are its options, for suggestions and --version. */
const SEAL_OPTIONS: OptionSpecs = {
  cert: { type: 'string' },
  scope: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'merge-into': { type: 'string' },
  'in-place': { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await runCheckCommand(rest, io);
      case 'fix':
        return await (await import('./fix-command.ts')).runFixCommand(rest, io);
      case 'seal':
        refuseUnknownOptions('seal', rest, SEAL_OPTIONS);
        if (wantsVersion(rest)) return version(io);
        return await (await import('./seal-command.ts')).runSealCommand(rest, defaultFileIO(io));
      case 'netpol':
        return await (await import('./netpol-command.ts')).runNetpolCommand(rest, io);
      case 'rules':
        return await (await import('./rules-command.ts')).runRulesCommand(rest, io);
      case 'demo':
        return await (await import('./demo-command.ts')).runDemoCommand(rest, io);
      case '--version':
      case '-v':
      case 'version':
        return version(io);
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        if (command === 'help' && rest[0] && rest[0] !== 'help') return await main([rest[0], '--help'], io);
        io.stdout(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default: {
        const guess = command.startsWith('-') ? undefined : closest(command, COMMANDS);
        throw new UsageError(`unknown command "${command}"${guess ? `; did you mean "bplus ${guess}"?` : ''} (bplus --help lists them)`);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      if (command && (COMMANDS as readonly string[]).includes(command)) return usageFailure(io, command, error);
      io.stderr(`bplus: ${error.message}\n`);
      return 2;
    }
    io.stderr(`bplus: ${(error as Error).message ?? String(error)}\n`);
    return 2;
  }
}

function wantsVersion(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--version' || a === '-v');
}

function version(io: CliIO): number {
  io.stdout(`${packageVersion()}\n`);
  return 0;
}

/**
 * seal names its files itself: inside the working directory (the checkout it is run from) they are
 * read and written through its jail, so a link committed there cannot lead a write outside.
 */
function defaultFileIO(io: CliIO): CliFileIO {
  const jail = jailIfExists(process.cwd());
  return {
    ...io,
    // Read inside a promise, so that a refused name is a rejection like any other read error.
    readFile: (p: string) => Promise.resolve().then(() => readNamedFile(jail, p).toString('utf8')),
    writeFile: async (p: string, s: string) => {
      if (jail?.names(p)) return jail.writeFile(path.resolve(p), s);
      await writeFile(p, s);
    },
  };
}
