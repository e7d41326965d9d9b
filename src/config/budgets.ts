/**
 * Budgets on the configuration itself: every environment multiplies the work per service chart,
 * every exception is tried against every finding. Past the limit, the first entries are kept and
 * the rest is a finding on the first entry left out.
 */
import type { FileProblem, Location, ValuePath } from '../types.ts';
import type { BplusConfig } from './schema.ts';

export function applyConfigBudgets(
  config: BplusConfig,
  path: string,
  locate: ((at: ValuePath) => Location) | undefined,
): { config: BplusConfig; problems: FileProblem[] } {
  const problems: FileProblem[] = [];
  const { maxEnvironments, maxExceptions } = config.limits;
  const over = (at: ValuePath, count: number, limit: number, name: string, what: string): void => {
    const where = locate?.(at) ?? { path, line: 1, column: 1, endLine: 1, endColumn: 1 };
    problems.push({ ...where, path, code: 'limit-exceeded', message: `configuration: ${count} ${what}, over the limit of ${limit} (limits.${name}); only the first ${limit} are used` });
  };
  let production = config.production;
  if (production.environments.length > maxEnvironments) {
    over(['production', 'environments', maxEnvironments], production.environments.length, maxEnvironments, 'maxEnvironments', 'production environments');
    production = { ...production, environments: production.environments.slice(0, maxEnvironments) };
  }
  let exceptions = config.exceptions;
  if (exceptions.length > maxExceptions) {
    over(['exceptions', maxExceptions], exceptions.length, maxExceptions, 'maxExceptions', 'exceptions');
    exceptions = exceptions.slice(0, maxExceptions);
  }
  return problems.length === 0 ? { config, problems } : { config: { ...config, production, exceptions }, problems };
}
