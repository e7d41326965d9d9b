/**
 * docs/contributing.md's worked example, run: its rule file is written next to rules/ (so that its
 * `../src/engine/rule-kit.ts` import is the one a real rule has), discovered by the registry, its
 * table run by the rule tester, the engine and the fix engine run with it, its docs generated;
 * then it is removed. Nothing else is registered anywhere: that is what adding a rule takes.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { staleDocs } from '../../scripts/gen-docs.ts';
import { parseConfig } from '../../src/config/load.ts';
import { loadRules } from '../../src/engine/registry.ts';
import { runRules } from '../../src/engine/review.ts';
import { ruleDocPage } from '../../src/engine/rule-docs.ts';
import type { RuleFix } from '../../src/engine/rule.ts';
import { planFixes } from '../../src/fix/index.ts';
import { loadRepository } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';
import type { Finding } from '../../src/types.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const guide = readFileSync(path.join(root, 'docs/contributing.md'), 'utf8');

function block(marker: string): string {
  const at = guide.indexOf(`<!-- worked-example:${marker} -->`);
  const start = guide.indexOf('```ts\n', at);
  const end = guide.indexOf('\n```', start);
  if (at < 0 || start < 0 || end < 0) throw new Error(`docs/contributing.md has no worked-example:${marker} block`);
  return guide.slice(start + '```ts\n'.length, end + 1);
}

const ID = 'BP-EXAMPLE-PART-OF';
// A sibling of rules/: the rule's relative import of the kit resolves exactly as in rules/.
const directory = path.join(root, `.worked-example-${process.pid}`);
mkdirSync(directory, { recursive: true });
afterAll(() => rmSync(directory, { recursive: true, force: true }));
writeFileSync(path.join(directory, `${ID}.ts`), block('rule'));
writeFileSync(
  path.join(directory, `_${ID}.table.ts`),
  `import rule from './${ID}.ts';\nimport { ruleTester } from '../test/rules/rule-tester.ts';\n\n${block('table')}`,
);

async function discoverAndRegisterTable() {
  // (The registry skips `_` files: the table beside the rule is not taken for one.)
  const rules = await loadRules(directory);
  const found = rules.find((r) => r.meta.id === ID);
  if (!found) throw new Error(`the registry did not discover ${ID}`);
  // The table, run by the rule tester as test/rules/<ID>.test.ts would run it.
  await import(path.join(directory, `_${ID}.table.ts`));
  return { discovered: rules, rule: found };
}
const { discovered, rule } = await discoverAndRegisterTable().catch((error: unknown) => {
  rmSync(directory, { recursive: true, force: true });
  throw error;
});

describe('adding a fixable rule (docs/contributing.md)', () => {
  it('the registry discovers it from its file alone', () => {
    expect(discovered.map((r) => r.meta.id)).toEqual([ID]);
    expect(rule.meta.fixable).toBe(true);
  });

  it('the engine runs it beside the rules of rules/ and the fix engine applies its fix, with no other change', async () => {
    const files = new Map([
      ['manifests/web.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: balance-plus\nspec: {}\n'],
      ['.github/bplus.yml', 'recommended: true\n'],
    ]);
    const source = new MemorySource(files);
    const loaded = parseConfig(files.get('.github/bplus.yml')!);
    const model = await loadRepository(source, loaded.config);
    const fixes = new Map<Finding, RuleFix>();
    const findings = runRules(model, [...(await loadRules()), rule], loaded, 'en', undefined, undefined, fixes);
    const mine = findings.filter((f) => f.ruleId === ID);
    expect(mine.map((f) => [f.line, f.column, f.level, f.fixable])).toEqual([[4, 3, 'warning', true]]);
    const plan = await planFixes(source, { findings: mine, summary: {} as never, model, config: loaded, fixes }, {}, async (fixed) => {
      const again = await loadRepository(fixed, loaded.config);
      return { findings: runRules(again, [rule], loaded, 'en'), summary: {} as never };
    });
    expect(plan.applied.map((a) => [a.ruleId, a.path, a.description])).toEqual([[ID, 'manifests/web.yaml', 'added the app.kubernetes.io/part-of label']]);
    expect(plan.edits.get('manifests/web.yaml')).toContain('  labels:\n    app.kubernetes.io/part-of: balance-plus\n');
    expect(plan.remaining).toEqual([]);
  });

  it('its generated docs are its page and its row in README.md, and nothing else', async () => {
    expect(await staleDocs([rule])).toEqual([`docs/rules/${ID}.md`, 'README.md']);
    const page = ruleDocPage(rule);
    expect(page).toContain('Workloads say which system they belong to');
    expect(page).toContain('`bplus fix` adds the label');
  });
});
