import { existsSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/registry.ts';
import { staleDocs } from '../../scripts/gen-docs.ts';
import { readFileSync } from 'node:fs';
import { knownFieldsText } from '../../scripts/gen-known-fields.ts';

const rules = await loadRules();

describe('every rule', () => {
  it('is discovered from rules/ and the nine platform rules are all there', () => {
    const ids = rules.map((r) => r.meta.id);
    for (let n = 1; n <= 9; n++) expect(ids).toContain(`TR-K8S-${n}`);
  });

  it.each(rules.map((r) => [r.meta.id, r] as const))('%s has a test table, bilingual metadata and docs', (id, rule) => {
    expect(existsSync(`test/rules/${id}.test.ts`)).toBe(true);
    expect(rule.meta.title.en.length).toBeGreaterThan(3);
    expect(rule.meta.title.ru).toMatch(/[а-яё]/i);
    expect(rule.meta.description.ru).toMatch(/[а-яё]/i);
    expect(Object.keys(rule.meta.messages).length).toBeGreaterThan(0);
    for (const message of Object.values(rule.meta.messages)) {
      expect(message.en.trim()).not.toBe('');
      expect(message.ru).toMatch(/[а-яё]/i);
      // Both languages use the same placeholders.
      const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(placeholders(message.ru)).toEqual(placeholders(message.en));
    }
    expect(rule.meta.docs.details.length).toBeGreaterThan(20);
    expect(['platform', 'recommended']).toContain(rule.meta.pack);
    if (rule.meta.pack === 'recommended') expect(rule.meta.level).not.toBe('failure');
  });

  it('has no test table without a rule', () => {
    const ids = new Set(rules.map((r) => r.meta.id));
    const tables = readdirSync('test/rules').filter((f) => /^(TR|BP)-.*\.test\.ts$/.test(f));
    for (const table of tables) expect(ids.has(table.replace('.test.ts', ''))).toBe(true);
  });

  it('has generated docs that are up to date (npm run docs)', async () => {
    expect(await staleDocs()).toEqual([]);
  });

  it('has a known-fields map current with the installed models (npx tsx scripts/gen-known-fields.ts)', () => {
    expect(readFileSync('src/engine/known-fields.json', 'utf8') === knownFieldsText()).toBe(true);
  }, 120_000);
});
