/**
 * Violation variants of the example repository. `fixtures/violations/<variant>/` holds only the
 * files that differ from `fixtures/balance-plus/` (same relative paths), a `<name>.deleted` marker
 * for each file or directory the variant removes, and `expect.yaml`:
 *
 *   description: what the variant breaks and why the findings are where they are
 *   helmRenders: true          # false: `helm template` of some chart must fail (schema, bad YAML)
 *   helmError: limits          # optional: a substring of Helm's error when helmRenders is false
 *   exhaustive: true           # true: no other TR-K8S finding is expected; false: others may appear
 *   findings:
 *     - {ruleId: TR-K8S-3, path: charts/orchestrator/values-prod.yaml, line: 12, match: "limits: null"}
 *
 * `path` is relative to the repository root, `line` is 1-based and marks the line a person must
 * change (the key, or its nearest existing parent when the key is missing); `match` is a substring
 * of that line (absent for binary or non-UTF-8 files); `level` is `failure` unless stated.
 * Bad inputs use ruleId `input`, a broken `.github/bplus.yml` uses ruleId `config`.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = path.resolve(HERE, '..', '..', 'fixtures');
export const BALANCE_PLUS_DIR = path.join(FIXTURES_DIR, 'balance-plus');
export const VIOLATIONS_DIR = path.join(FIXTURES_DIR, 'violations');

const EXPECT_FILE = 'expect.yaml';
const DELETED_SUFFIX = '.deleted';

export type ExpectedLevel = 'failure' | 'warning' | 'notice';

export interface ExpectedFinding {
  ruleId: string;
  /** Relative to the repository root, `/`-separated. */
  path: string;
  /** 1-based. */
  line: number;
  level: ExpectedLevel;
  /** A substring of the line (when the file is text). */
  match?: string;
}

export interface VariantExpectations {
  variant: string;
  description: string;
  /** Whether `helm template` (values.yaml + values-prod.yaml) of every chart still succeeds. */
  helmRenders: boolean;
  /** With helmRenders false: a substring of the error Helm prints. */
  helmError?: string;
  /** True when the findings listed are all the TR-K8S findings the variant should produce. */
  exhaustive: boolean;
  findings: ExpectedFinding[];
}

/** The variant names (directories under fixtures/violations), sorted. */
export async function listVariants(): Promise<string[]> {
  const entries = await readdir(VIOLATIONS_DIR, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function variantDir(variant: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(variant)) throw new Error(`invalid variant name ${JSON.stringify(variant)}`);
  return path.join(VIOLATIONS_DIR, variant);
}

/** Every file of a directory, relative, `/`-separated, sorted. */
async function walk(root: string, rel = ''): Promise<string[]> {
  const entries = await readdir(path.join(root, rel), { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, child)));
    else if (e.isFile()) out.push(child);
  }
  return out.sort();
}

export interface OverlayChanges {
  /** Files the overlay adds or replaces (relative paths). */
  written: string[];
  /** Paths the overlay deletes (relative, without the `.deleted` suffix). */
  deleted: string[];
}

/** What a variant changes relative to balance-plus (expect.yaml excluded). */
export async function overlayChanges(variant: string): Promise<OverlayChanges> {
  const dir = variantDir(variant);
  const files = (await walk(dir)).filter((f) => f !== EXPECT_FILE);
  return {
    written: files.filter((f) => !f.endsWith(DELETED_SUFFIX)),
    deleted: files.filter((f) => f.endsWith(DELETED_SUFFIX)).map((f) => f.slice(0, -DELETED_SUFFIX.length)),
  };
}

/** Build output never belongs to a fixture copy. */
function isBuildOutput(rel: string): boolean {
  const parts = rel.split(path.sep);
  if (parts.at(-1) === 'Chart.lock') return true;
  // charts/<chart>/charts/...
  return parts.length >= 3 && parts[0] === 'charts' && parts[2] === 'charts';
}

/**
 * Copies balance-plus to a fresh temp dir, applies the variant's overlay and returns the dir.
 * `materialize('balance-plus')` returns a plain copy. The caller removes the dir when done
 * (`removeMaterialized`).
 */
export async function materialize(variant: string): Promise<string> {
  const target = await mkdtemp(path.join(os.tmpdir(), `bplus-${variant}-`));
  await cp(BALANCE_PLUS_DIR, target, {
    recursive: true,
    filter: (src) => !isBuildOutput(path.relative(BALANCE_PLUS_DIR, src)),
  });
  if (variant === 'balance-plus') return target;
  const dir = variantDir(variant);
  const changes = await overlayChanges(variant);
  for (const rel of changes.deleted) {
    const victim = path.join(target, rel);
    const exists = await stat(victim).catch(() => undefined);
    if (!exists) throw new Error(`${variant}: ${rel}${DELETED_SUFFIX} deletes ${rel}, which balance-plus does not have`);
    await rm(victim, { recursive: true, force: true });
  }
  for (const rel of changes.written) {
    await cp(path.join(dir, rel), path.join(target, rel), { force: true });
  }
  return target;
}

/** Removes a directory made by `materialize` (refuses anything outside the OS temp dir). */
export async function removeMaterialized(dir: string): Promise<void> {
  const rel = path.relative(os.tmpdir(), dir);
  if (rel.startsWith('..') || path.isAbsolute(rel) || !path.basename(dir).startsWith('bplus-')) {
    throw new Error(`refusing to remove ${dir}: not a materialized variant`);
  }
  await rm(dir, { recursive: true, force: true });
}

function fail(variant: string, message: string): never {
  throw new Error(`fixtures/violations/${variant}/${EXPECT_FILE}: ${message}`);
}

/** Reads and validates a variant's expect.yaml. */
export async function loadExpectations(variant: string): Promise<VariantExpectations> {
  const file = path.join(variantDir(variant), EXPECT_FILE);
  const raw = yaml.load(await readFile(file, 'utf8'));
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(variant, 'must be a mapping');
  const doc = raw as Record<string, unknown>;
  const known = new Set(['description', 'helmRenders', 'helmError', 'exhaustive', 'findings']);
  for (const key of Object.keys(doc)) if (!known.has(key)) fail(variant, `unknown key ${key}`);
  if (typeof doc.description !== 'string' || !doc.description.trim()) fail(variant, 'description is required');
  const helmRenders = doc.helmRenders ?? true;
  if (typeof helmRenders !== 'boolean') fail(variant, 'helmRenders must be a boolean');
  if (doc.helmError !== undefined && typeof doc.helmError !== 'string') fail(variant, 'helmError must be a string');
  if (doc.helmError !== undefined && helmRenders) fail(variant, 'helmError only makes sense with helmRenders: false');
  const exhaustive = doc.exhaustive ?? true;
  if (typeof exhaustive !== 'boolean') fail(variant, 'exhaustive must be a boolean');
  if (!Array.isArray(doc.findings)) fail(variant, 'findings must be a list (possibly empty)');
  const findings = doc.findings.map((f: unknown, i: number): ExpectedFinding => {
    if (!f || typeof f !== 'object') fail(variant, `findings[${i}] must be a mapping`);
    const e = f as Record<string, unknown>;
    if (typeof e.ruleId !== 'string' || !/^(TR-K8S-[1-9]|input|config|[A-Z][A-Z0-9-]+)$/.test(e.ruleId)) {
      fail(variant, `findings[${i}].ruleId is missing or invalid`);
    }
    if (typeof e.path !== 'string' || e.path.startsWith('/') || e.path.includes('\\')) {
      fail(variant, `findings[${i}].path must be relative with / separators`);
    }
    if (typeof e.line !== 'number' || !Number.isInteger(e.line) || e.line < 1) {
      fail(variant, `findings[${i}].line must be a 1-based integer`);
    }
    const level = e.level ?? 'failure';
    if (level !== 'failure' && level !== 'warning' && level !== 'notice') fail(variant, `findings[${i}].level is invalid`);
    if (e.match !== undefined && typeof e.match !== 'string') fail(variant, `findings[${i}].match must be a string`);
    return { ruleId: e.ruleId, path: e.path, line: e.line, level, ...(e.match !== undefined ? { match: e.match } : {}) };
  });
  return {
    variant,
    description: doc.description,
    helmRenders,
    ...(doc.helmError !== undefined ? { helmError: doc.helmError } : {}),
    exhaustive,
    findings,
  };
}
