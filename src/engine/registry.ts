/**
 * Rules are discovered from the `rules/` directory: adding a rule is adding its file (and its test
 * table), nothing else. Each module's default export is a Rule whose id is its file name.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import type { Rule } from './rule.ts';

const RULES_DIRECTORY = fileURLToPath(new URL('../../rules/', import.meta.url));

let loaded: Promise<Rule[]> | undefined;

export function loadRules(directory = RULES_DIRECTORY): Promise<Rule[]> {
  if (directory === RULES_DIRECTORY && loaded) return loaded;
  const promise = importRules(directory);
  if (directory === RULES_DIRECTORY) loaded = promise;
  return promise;
}

async function importRules(directory: string): Promise<Rule[]> {
  const files = readdirSync(directory)
    .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !f.startsWith('_'))
    .sort(compareRuleFiles);
  const rules: Rule[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(directory, file)).href)) as { default?: Rule };
    const rule = module.default;
    if (!rule?.meta?.id || typeof rule.check !== 'function') throw new Error(`rules/${file} does not export a rule as default`);
    const expected = file.replace(/\.(ts|js)$/, '');
    if (rule.meta.id !== expected) throw new Error(`rules/${file} exports rule ${rule.meta.id}; the file must be named after its id`);
    rules.push(rule);
  }
  return rules;
}

/** TR-K8S-2 before TR-K8S-10; the platform rules before the recommended pack. */
function compareRuleFiles(a: string, b: string): number {
  const rank = (f: string): [number, string] => [f.startsWith('TR-') ? 0 : 1, f.replace(/\d+/g, (n) => n.padStart(4, '0'))];
  const [ra, ka] = rank(a);
  const [rb, kb] = rank(b);
  return ra - rb || (ka < kb ? -1 : ka > kb ? 1 : 0);
}
