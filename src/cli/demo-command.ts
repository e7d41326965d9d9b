/**
 * `bplus demo [DIR]`: the product in one command. Writes the bundled example GitOps repository
 * (fixtures/balance-plus, shipped in the package) to DIR with a few violations applied (the
 * overlays under fixtures/violations), checks it, and shows what `bplus fix --dry-run` would
 * change. DIR stays for the reader to run the commands themselves.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, oneOf, parseCommandArgs } from './args.ts';
import { runCheckCommand } from './check-command.ts';
import type { CliIO } from './io.ts';
import { packageVersion } from './version.ts';

export const DEMO_USAGE = `Usage: bplus demo [DIR] [--locale en|ru]

Writes an example Balance+ GitOps repository with violations to DIR (default: ./bplus-demo; it
must not exist or be empty), runs "bplus check" on it, then "bplus fix --dry-run".`;

/** The violations the demo repository carries: limits, autoscaling, default deny, a plain Secret. */
export const DEMO_VARIANTS = ['tr-k8s-3-no-limits', 'tr-k8s-5-fastapi-autoscaling-disabled', 'tr-k8s-7-no-default-deny', 'tr-k8s-9-plain-secret'];

/** fixtures/ from src/cli (a checkout) or dist/src/cli (an installed package). */
export function fixturesDirectory(): string {
  for (const up of ['../../fixtures', '../../../fixtures']) {
    const dir = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(path.join(dir, 'balance-plus'))) return dir;
  }
  throw new Error('the example repository (fixtures/balance-plus) is missing from this installation');
}

export async function materializeDemo(target: string): Promise<void> {
  const fixtures = fixturesDirectory();
  const base = path.join(fixtures, 'balance-plus');
  // Dependency builds (charts/<chart>/charts, Chart.lock) never belong to the example.
  await cp(base, target, {
    recursive: true,
    filter: (src) => {
      const parts = path.relative(base, src).split(path.sep);
      return parts.at(-1) !== 'Chart.lock' && !(parts.length >= 3 && parts[0] === 'charts' && parts[2] === 'charts');
    },
  });
  for (const variant of DEMO_VARIANTS) {
    const dir = path.join(fixtures, 'violations', variant);
    for (const rel of await filesUnder(dir)) {
      if (rel === 'expect.yaml') continue;
      if (rel.endsWith('.deleted')) await rm(path.join(target, rel.slice(0, -'.deleted'.length)), { recursive: true, force: true });
      else await cp(path.join(dir, rel), path.join(target, rel), { force: true });
    }
  }
}

async function filesUnder(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await filesUnder(root, child)));
    else if (entry.isFile()) out.push(child);
  }
  return out.sort();
}

export async function runDemoCommand(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('demo', args, { locale: { type: 'string', default: 'en' } });
  if (parsed.help) return (io.stdout(`${DEMO_USAGE}\n`), 0);
  if (parsed.version) return (io.stdout(`${packageVersion()}\n`), 0);
  if (parsed.positionals.length > 1) throw new UsageError(`demo: takes one directory, got ${parsed.positionals.length}`);
  const locale = oneOf(String(parsed.values.locale), ['en', 'ru'] as const, '--locale');
  const target = path.resolve(parsed.positionals[0] ?? 'bplus-demo');
  const existing = await stat(target).catch(() => undefined);
  if (existing && (!existing.isDirectory() || (await readdir(target)).length > 0)) {
    throw new UsageError(`demo: ${target} already exists and is not an empty directory; name another one`);
  }
  await mkdir(target, { recursive: true });
  await materializeDemo(target);
  const relative = path.relative(process.cwd(), target);
  const shown = relative === '' ? '.' : relative.startsWith('..') ? target : relative;
  io.stdout(`Wrote an example GitOps repository with violations to ${shown}/\n\n$ bplus check ${shown}\n`);
  const checked = await runCheckCommand([target, '--locale', locale], io);
  if (checked === 2) return 2;
  io.stdout(`\n$ bplus fix ${shown} --dry-run\n`);
  const fixed = await (await import('./fix-command.ts')).runFixCommand([target, '--dry-run'], io);
  if (fixed === 2) return 2;
  io.stdout(
    `\nNext: "bplus fix ${shown}" writes these changes; "bplus fix ${shown} --cert CERT.pem" also seals the plain Secret;\n` +
      `"bplus netpol ${shown}" shows who can reach whom. On your own repository: "bplus check ." in its root.\n`,
  );
  return 0;
}
