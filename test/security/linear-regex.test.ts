/**
 * Every regular expression in src/ and rules/ runs in time linear in its input.
 *
 * The inventory comes from the TypeScript parser (test/security/regex-inventory.ts), so a new
 * pattern is checked the day it is written. Each pattern is (1) analysed by recheck, a ReDoS
 * checker that proves a pattern safe or finds the string that makes it backtrack, and (2) fed
 * 1 MB of its worst case: recheck's attack string when it has one, and a run of each character
 * the pattern itself names, so that a wrong verdict still shows as time. Both must hold. There is
 * no list of tolerated exceptions: a super-linear pattern on repository text fails this test.
 *
 * The 1 MB runs happen in a worker thread that the test terminates at the deadline (2 s), so a
 * backtracking pattern fails with its file:line and the input's shape instead of hanging the
 * suite. The deadline is generous on purpose: a backtracking pattern takes hours on 1 MB, a linear
 * one milliseconds. Speed itself is measured in the benchmarks.
 *
 * The scans that replaced backtracking patterns (test/security/replaced-patterns.ts) get the same
 * treatment: the inputs that were worst for the pattern they replaced, 1 MB each, under the deadline.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, checkSync, type Diagnostics } from 'recheck';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import { DeadlinePool, DeadlineRunner, type TimedOutcome } from './deadline-worker.ts';
import { regexInventory, type RegexSite } from './regex-inventory.ts';
import { REPLACED } from './replaced-patterns.ts';

const ONE_MEGABYTE = 1024 * 1024;
const BOUND_MS = 2000;

/** Patterns never applied to repository text (nor to anything an outsider writes), with the reason. */
const NOT_REPOSITORY_TEXT: Record<string, string> = {
  'src/app/check-run.ts /(\\d+)$/': 'the number at the end of a rule id of the registry',
};

/** The `new RegExp` call sites, with the values they are built from in the worst case. */
const CONSTRUCTED: Record<string, (escape: (s: string) => string) => RegExp> = {
  // A configured library chart name escaped into a pattern applied to a template.
  'rules/TR-K8S-2.ts': (escape) => new RegExp(`\\b(include|template)\\s+"${escape('python-fastapi-service')}\\.`),
  // A marker of the provenance render (letters and digits, made by bplus) matched case-blind.
  'src/helm/provenance.ts': () => new RegExp('zq123qz'.replace('.', '\\.'), 'i'),
};

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const { literals, constructed } = regexInventory();

function key(site: RegexSite): string {
  return `${site.file} /${site.source}/${site.flags}`;
}

/** Representative characters of the pattern: its literal characters and one of each class it uses. */
function charactersOf(source: string): string[] {
  const chars = new Set<string>(['a', ' ', '0']);
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[++i] ?? '';
      const classes: Record<string, string[]> = { s: [' ', '\t'], d: ['0'], w: ['a', '_'], S: ['x'], D: ['x'], W: ['-'], n: ['\n'], t: ['\t'], r: ['\r'] };
      for (const c of classes[next] ?? [next]) chars.add(c);
    } else if (!'^$()[]{}?*+|'.includes(ch)) {
      chars.add(ch);
    }
  }
  return [...chars].filter((c) => c.length === 1);
}

const CHECK_OPTIONS = { timeout: 20_000, randomSeed: 1 } as const;

/**
 * recheck's verdicts, kept between runs: a verdict is a function of the checker's version, the
 * pattern, its flags and the options (the random seed is fixed), and the checker needs tens of
 * seconds for all of them. Only final verdicts are kept (a timed-out analysis is asked again); the
 * 1 MB runs below happen on every run whatever the verdict.
 */
const VERDICT_CACHE = path.join(
  fileURLToPath(new URL('../..', import.meta.url)),
  'node_modules/.cache/bplus-recheck',
  `verdicts-${(createRequire(import.meta.url)('recheck/package.json') as { version: string }).version}.json`,
);

function cachedVerdicts(): Map<string, Diagnostics> {
  try {
    return new Map(Object.entries(JSON.parse(readFileSync(VERDICT_CACHE, 'utf8')) as Record<string, Diagnostics>));
  } catch {
    return new Map();
  }
}

/** The verdicts of every `[source, flags]`, analysed together (the checker answers many at once). */
async function analyse(patterns: Array<[string, string]>): Promise<Map<string, Diagnostics>> {
  const cached = cachedVerdicts();
  const idOf = (source: string, flags: string) => JSON.stringify([source, flags, CHECK_OPTIONS]);
  const verdicts = new Map<string, Diagnostics>();
  await Promise.all(
    patterns.map(async ([source, flags]) => {
      const id = idOf(source, flags);
      verdicts.set(id, cached.get(id) ?? (await check(source, flags, CHECK_OPTIONS)));
    }),
  );
  const final = [...verdicts].filter(([, verdict]) => verdict.status === 'safe' || verdict.status === 'vulnerable');
  if (final.some(([id]) => !cached.has(id))) {
    mkdirSync(path.dirname(VERDICT_CACHE), { recursive: true });
    const temporary = `${VERDICT_CACHE}.${process.pid}`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries([...cached, ...final])));
    renameSync(temporary, VERDICT_CACHE);
  }
  return new Map(patterns.map(([source, flags]) => [`${source}/${flags}`, verdicts.get(idOf(source, flags))!]));
}

interface Attack {
  shape: string;
  text: string;
}

/** recheck's attack string grown to about 1 MB. */
function grownAttack(attack: { pattern: string; pumps: Array<{ prefix: string; pump: string }>; suffix: string }, size = ONE_MEGABYTE): Attack {
  const pumped = attack.pumps.reduce((n, p) => n + p.pump.length, 0) || 1;
  const times = Math.max(1, Math.floor(size / pumped));
  const text = attack.pumps.map((p) => p.prefix + p.pump.repeat(times)).join('') + attack.suffix;
  return { shape: `recheck's attack ${attack.pattern} pumped ${times} times`, text };
}

/** In this thread, for the short inputs of the checker's own test: the time every match takes. */
function timeInThread(pattern: RegExp, input: string): number {
  const global = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '') + 'g');
  const started = performance.now();
  for (const _match of input.matchAll(global)) void _match;
  return performance.now() - started;
}

function worstCases(pattern: RegExp): Attack[] {
  const chars = charactersOf(pattern.source);
  const inputs = chars.map((c) => ({ shape: `${JSON.stringify(c)} × ${ONE_MEGABYTE} + "\\0"`, text: c.repeat(ONE_MEGABYTE) + '\u0000' }));
  // Pairs of characters the pattern names: alternations of two classes are the other classic trap.
  for (let i = 0; i + 1 < Math.min(chars.length, 4); i++) {
    const pair = chars[i]! + chars[i + 1]!;
    inputs.push({ shape: `${JSON.stringify(pair)} × ${ONE_MEGABYTE / 2} + "\\0"`, text: pair.repeat(ONE_MEGABYTE / 2) + '\u0000' });
  }
  return inputs;
}

/** Why an outcome failed, for the assertion's message. */
function failure(where: string, attack: Attack, outcome: TimedOutcome): string {
  return outcome.ok ? '' : `${where} on ${attack.shape}: ${outcome.message}`;
}

describe('linear-time matching', () => {
  /** Each distinct pattern once, with every place it is written. */
  const unique = new Map<string, { site: RegexSite; places: string[] }>();
  for (const site of literals) {
    const id = `${site.source}/${site.flags}`;
    const entry = unique.get(id) ?? { site, places: [] };
    entry.places.push(`${site.file}:${site.line}`);
    unique.set(id, entry);
  }
  // The test's own thread only waits, so every core can run a pattern.
  const pool = new DeadlinePool(BOUND_MS, Math.min(4, os.availableParallelism()));
  const runner = new DeadlineRunner(BOUND_MS);
  afterAll(() => Promise.all([pool.close(), runner.close()]));

  // Analysed together up front: the checker answers many patterns at once.
  let verdicts = new Map<string, Diagnostics>();
  const built = Object.fromEntries(Object.entries(CONSTRUCTED).map(([file, build]) => [file, build(escapeRegExp)]));
  beforeAll(async () => {
    const literal = [...unique.values()].map(({ site }): [string, string] => [site.source, site.flags.replace(/[gy]/g, '')]);
    verdicts = await analyse([...literal, ...Object.values(built).map((pattern): [string, string] => [pattern.source, pattern.flags])]);
  }, 120_000);

  it('finds the patterns (the inventory is not empty, and every `new RegExp` is one listed here)', () => {
    expect(literals.length).toBeGreaterThan(50);
    expect([...new Set(constructed.map((c) => c.file))].sort()).toEqual(Object.keys(CONSTRUCTED).sort());
  });

  it.each([...unique.values()].map((entry) => [`${entry.places.join(', ')} /${entry.site.source}/${entry.site.flags}`, entry] as const))(
    '%s',
    async (where, { site }) => {
      if (NOT_REPOSITORY_TEXT[key(site)]) return;
      const pattern = new RegExp(site.source, site.flags);
      const verdict = verdicts.get(`${site.source}/${site.flags.replace(/[gy]/g, '')}`)!;
      const inputs = worstCases(pattern);
      if (verdict.status === 'vulnerable') inputs.unshift(grownAttack(verdict.attack));
      // A proof from the automaton checker is final; a string the fuzzer found costly in recheck's
      // own matcher is judged by what V8 makes of it, 1 MB of it, below.
      const proven = verdict.status === 'vulnerable' && !verdict.complexity.isFuzz;
      expect(proven, `${where}: ${verdict.status === 'vulnerable' ? verdict.attack.pattern : ''}`).toBe(false);
      const outcomes = await Promise.all(inputs.map((input) => pool.regex(pattern.source, pattern.flags, input.text)));
      inputs.forEach((input, i) => expect(outcomes[i]!.ok, failure(where, input, outcomes[i]!)).toBe(true));
    },
  );

  it.each(Object.keys(CONSTRUCTED))('new RegExp in %s', async (file) => {
    const pattern = built[file]!;
    const verdict = verdicts.get(`${pattern.source}/${pattern.flags}`)!;
    expect(verdict.status === 'vulnerable' && !verdict.complexity.isFuzz).toBe(false);
    const inputs = worstCases(pattern);
    if (verdict.status === 'vulnerable') inputs.unshift(grownAttack(verdict.attack));
    const outcomes = await Promise.all(inputs.map((input) => pool.regex(pattern.source, pattern.flags, input.text)));
    inputs.forEach((input, i) => expect(outcomes[i]!.ok, failure(`new RegExp in ${file}`, input, outcomes[i]!)).toBe(true));
  });

  it.each(REPLACED.map((replaced) => [`${replaced.scan}, which replaced ${replaced.was}`, replaced] as const))('scan %s', async (where, replaced) => {
    const inputs = [...replaced.hostile, ...worstCases(replaced.pattern)];
    const outcomes = await Promise.all(inputs.map((input) => pool.scan(replaced.module, replaced.scan, input.text)));
    inputs.forEach((input, i) => expect(outcomes[i]!.ok, failure(where, input, outcomes[i]!)).toBe(true));
  });

  it('the allow-list names only patterns that exist', () => {
    const keys = new Set(literals.map(key));
    for (const listed of Object.keys(NOT_REPOSITORY_TEXT)) expect(keys.has(listed), listed).toBe(true);
  });

  it('the checker itself catches a backtracking pattern (a check that cannot fail is no check)', () => {
    const verdict = checkSync('\\s+$', '');
    expect(verdict.status).toBe('vulnerable');
    if (verdict.status !== 'vulnerable') return;
    // 20 KB of the attack already costs a hundred times what 20 KB of plain text does.
    const attack = grownAttack(verdict.attack, 20_000).text;
    expect(timeInThread(/\s+$/, attack)).toBeGreaterThan(100 * timeInThread(/\s+$/, 'a'.repeat(attack.length)));
  });

  it('an exponential pattern fails at the deadline instead of hanging the suite, and the next pattern still runs', async () => {
    // Built here, at run time, so that the inventory of src/ never holds it.
    const exponential = new RegExp(['^(', 'a', '|', 'a', ')+$'].join(''));
    const [worst] = worstCases(exponential);
    expect(worst!.shape).toContain('"a"');
    const started = performance.now();
    const outcome = await runner.regex(exponential.source, exponential.flags, worst!.text);
    const waited = performance.now() - started;
    expect(outcome).toMatchObject({ ok: false, reason: 'deadline' });
    expect(failure('the exponential pattern', worst!, outcome)).toMatch(/^the exponential pattern on "a" × 1048576 \+ "\\0": still running after 2000 ms$/);
    // Reported at the deadline (not after the hours the match would take), with slack for a busy machine.
    expect(waited).toBeGreaterThanOrEqual(BOUND_MS);
    expect(waited).toBeLessThan(BOUND_MS + 10_000);
    expect(await runner.regex('a', '', 'a'.repeat(ONE_MEGABYTE))).toMatchObject({ ok: true });
  });
});
