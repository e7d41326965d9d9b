/**
 * Russian is complete: every message id of every rule and core rule has a Russian text with the
 * same placeholders, and the configuration's errors and the input problems read in Russian.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { coreRules, configRule, inputRule } from '../../src/engine/core-rules.ts';
import { loadRules } from '../../src/engine/registry.ts';
import type { Rule } from '../../src/engine/rule.ts';

const CYRILLIC = /[а-яё]/i;
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

/** The configuration rule's one message is the loader's sentence, phrased in the review's locale. */
const PHRASED_ELSEWHERE = new Set([`${configRule.meta.id}/problem`]);

describe('Russian texts', async () => {
  const rules: Rule[] = [...(await loadRules()), ...coreRules];

  it('cover every rule', () => {
    expect(rules.length).toBeGreaterThanOrEqual(20);
  });

  for (const rule of rules) {
    it(`${rule.meta.id}: title, description and every message id`, () => {
      expect(rule.meta.title.ru).toMatch(CYRILLIC);
      expect(rule.meta.description.ru).toMatch(CYRILLIC);
      const ids = Object.keys(rule.meta.messages);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) {
        const text = (rule.meta.messages as Record<string, { en: string; ru: string }>)[id]!;
        expect(placeholders(text.ru), `${rule.meta.id}/${id}`).toEqual(placeholders(text.en));
        if (PHRASED_ELSEWHERE.has(`${rule.meta.id}/${id}`)) continue;
        expect(text.ru, `${rule.meta.id}/${id} has no Russian text`).toMatch(CYRILLIC);
      }
    });
  }

  it('every kind of input problem has its own Russian message', () => {
    const codes = [
      'yaml-syntax',
      'yaml-duplicate-key',
      'yaml-alias-bomb',
      'file-too-large',
      'binary-file',
      'not-utf8',
      'chart-missing-chart-yaml',
      'chart-invalid',
      'config-invalid',
      'read-error',
    ];
    for (const code of codes) expect(Object.keys(inputRule.meta.messages), code).toContain(code);
  });

  it('configuration errors are Russian sentences, English ones say what to write', () => {
    const text = 'rules:\n  TR-K8S-3: error\nrecommended: yes please\ncolour: blue\nlimits:\n  maxFileBytes: -5\n';
    const ru = parseConfig(text, '.github/bplus.yml', 'ru').problems.map((p) => p.message);
    const en = parseConfig(text, '.github/bplus.yml', 'en').problems.map((p) => p.message);
    expect(ru).toHaveLength(4);
    for (const message of ru) {
      expect(message).toMatch(/^конфигурация: /);
      expect(
        message.replace(/"[^"]*"|\b[\w.-]*[A-Z0-9][\w.-]*\b|\b(off|notice|warning|failure|boolean|number|rules|recommended|limits|maxFileBytes|README)\b/g, ''),
      ).not.toMatch(/\b(must|expected|received|invalid|unknown|Too)\b/i);
    }
    expect(en).toContain('configuration: rules.TR-K8S-3 is "error"; write one of off, notice, warning, failure; bplus calls that level failure');
    expect(en).toContain('configuration: recommended must be a boolean, not "yes please"');
    expect(en).toContain('configuration: the top level has no key "colour"; remove it or fix its spelling (the keys are listed in the README)');
  });

  it('an unknown key close to a known one gets it suggested, each on its own line', () => {
    const loaded = parseConfig('recomended: true\nnetwork:\n  undeclred: forbid\ncolour: x\n', '.github/bplus.yml', 'en');
    expect(loaded.problems.map((p) => `${p.line}: ${p.message}`).sort()).toEqual([
      '1: configuration: the top level has no key "recomended"; did you mean "recommended"?',
      '3: configuration: network has no key "undeclred"; did you mean "undeclared"?',
      '4: configuration: the top level has no key "colour"; remove it or fix its spelling (the keys are listed in the README)',
    ]);
  });
});
