/**
 * `npm run docs`: writes docs/rules/<id>.md for every rule and the rules table between the
 * markers in README.md. `--check` fails when anything is out of date (run by the tests).
 */
import { readFileSync, writeFileSync, existsSync, readdirSync, unlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadRules } from '../src/engine/registry.ts';
import { coreRules } from '../src/engine/core-rules.ts';
import { ruleDocPage, rulesTable } from '../src/engine/rule-docs.ts';
import type { Rule } from '../src/engine/rule.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';

/** Every generated file with its expected text; `added` rules are documented as if they were under rules/ (tests). */
export async function expectedDocs(added: readonly Rule[] = []): Promise<Map<string, string>> {
  const rules = [...(await loadRules()), ...added];
  const files = new Map<string, string>();
  for (const rule of [...rules, ...coreRules]) files.set(`docs/rules/${rule.meta.id}.md`, ruleDocPage(rule));
  const readme = readFileSync(`${root}README.md`, 'utf8');
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start >= 0 && end > start) {
    files.set('README.md', `${readme.slice(0, start + START.length)}\n${rulesTable(rules)}\n${readme.slice(end)}`);
  }
  return files;
}

export async function staleDocs(added: readonly Rule[] = []): Promise<string[]> {
  const expected = await expectedDocs(added);
  const stale = [...expected].filter(([file, text]) => !existsSync(`${root}${file}`) || readFileSync(`${root}${file}`, 'utf8') !== text).map(([f]) => f);
  const orphaned = readdirSync(`${root}docs/rules`)
    .map((f) => `docs/rules/${f}`)
    .filter((f) => !expected.has(f));
  return [...stale, ...orphaned];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const stale = await staleDocs();
    if (stale.length) {
      console.error(`out of date (run npm run docs): ${stale.join(', ')}`);
      process.exit(1);
    }
  } else {
    const expected = await expectedDocs();
    for (const [file, text] of expected) writeFileSync(`${root}${file}`, text);
    for (const f of readdirSync(`${root}docs/rules`)) if (!expected.has(`docs/rules/${f}`)) unlinkSync(`${root}docs/rules/${f}`);
    console.log(`wrote ${expected.size} files`);
  }
}
