/**
 * Budgets on the configuration itself: every environment multiplies the work per service chart,
 * every exception is tried against every finding. Past the limit, the first entries are kept and
 * the rest is a finding on the first entry left out. Applied to the parsed YAML before the schema
 * validates it, so that validating 10,000 entries is not itself the cost.
 */
import type { FileProblem, Location, ValuePath } from '../types.ts';
import { LIMIT_CEILINGS } from './schema.ts';

const DEFAULTS = { maxEnvironments: 20, maxExceptions: 1_000 } as const;

export function trimConfigToBudget(raw: unknown, path: string, locate: ((at: ValuePath) => Location) | undefined): { value: unknown; problems: FileProblem[] } {
  if (!isRecord(raw)) return { value: raw, problems: [] };
  const problems: FileProblem[] = [];
  const limits = isRecord(raw.limits) ? raw.limits : {};
  const limitOf = (name: keyof typeof DEFAULTS): number => {
    const configured = limits[name];
    // An invalid value is the schema's to report; the default applies meanwhile.
    return Number.isInteger(configured) && (configured as number) > 0 && (configured as number) <= LIMIT_CEILINGS[name]
      ? (configured as number)
      : DEFAULTS[name];
  };
  const trim = (list: unknown, at: ValuePath, name: keyof typeof DEFAULTS, what: string): unknown => {
    const limit = limitOf(name);
    if (!Array.isArray(list) || list.length <= limit) return list;
    const where = locate?.([...at, limit]) ?? { path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    problems.push({
      ...where,
      path,
      code: 'limit-exceeded',
      message: `configuration: ${list.length} ${what}, over the limit of ${limit} (limits.${name}); only the first ${limit} are used`,
    });
    return list.slice(0, limit);
  };
  let value: Record<string, unknown> = raw;
  if (isRecord(raw.production)) {
    const environments = trim(raw.production.environments, ['production', 'environments'], 'maxEnvironments', 'production environments');
    if (environments !== raw.production.environments) value = { ...value, production: { ...raw.production, environments } };
  }
  const exceptions = trim(raw.exceptions, ['exceptions'], 'maxExceptions', 'exceptions');
  if (exceptions !== raw.exceptions) value = { ...value, exceptions };
  return { value, problems };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
