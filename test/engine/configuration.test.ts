/** Configuration checks that need the rules and the repository: rule ids, rule options, patterns that match nothing. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { defaultConfig } from '../../src/config/schema.ts';
import { loadRules } from '../../src/engine/registry.ts';
import { runRules } from '../../src/engine/review.ts';
import { loadRepository } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';

/** A matcher for a message that contains `text` (vitest's matchers are typed `any`). */
const containing = (text: string): unknown => expect.stringContaining(text);

const files = {
  'manifests/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: balance-plus\ndata:\n  LOG_LEVEL: info\n',
  'charts/third-party/values.yaml': 'a: 1\n',
};

async function configFindings(config: string) {
  const loaded = parseConfig(config);
  const model = await loadRepository(new MemorySource(new Map(Object.entries(files))), loaded.config);
  return runRules(model, await loadRules(), loaded, 'en')
    .filter((f) => f.ruleId === 'config')
    .map((f) => ({ line: f.line, level: f.level, message: f.message }));
}

describe('rule settings', () => {
  it("accept a level or ESLint's [level, options]; levels stay in rules, options go to ruleOptions", () => {
    const { config, problems } = parseConfig('rules:\n  BP-IMAGE-TAG: failure\n  TR-K8S-8: [notice, { maxLiteralEnv: 5 }]\n  BP-PDB: [off]\n');
    expect(problems).toEqual([]);
    expect(config.rules).toEqual({ 'BP-IMAGE-TAG': 'failure', 'TR-K8S-8': 'notice', 'BP-PDB': 'off' });
    expect(config.ruleOptions).toEqual({ 'TR-K8S-8': { maxLiteralEnv: 5 } });
    expect(defaultConfig.ruleOptions).toEqual({});
  });

  it('valid options and known ids give no finding', async () => {
    expect(
      await configFindings(
        'rules:\n  TR-K8S-8: [warning, { maxLiteralEnv: 5 }]\n  BP-CELERY-GRACE: [warning, { minimumGraceSeconds: 600 }]\n  kind: off\nignore: [charts/third-party/**]\nexceptions:\n  - rule: TR-K8S-9\n    path: manifests/cm.yaml\n    reason: "reviewed (PLAT-1)"\n',
      ),
    ).toEqual([]);
  });

  it('rejects unknown rule ids, under rules and in exceptions, on their lines', async () => {
    expect(await configFindings('rules:\n  TR-K8S-10: warning\nexceptions:\n  - rule: TR-K8S-66\n    reason: "typo"\n')).toEqual([
      { line: 2, level: 'failure', message: containing('rules: unknown rule id "TR-K8S-10" (known: BP-CELERY-GRACE,') },
      { line: 4, level: 'failure', message: containing('exceptions: unknown rule id "TR-K8S-66"') },
    ]);
  });

  it("validates each rule's options with its own schema, on the option's line, and runs the rule with its defaults", async () => {
    expect(await configFindings('rules:\n  TR-K8S-8:\n    - warning\n    - maxLiteralEnv: many\n      verbose: true\n  BP-PDB: [warning, { x: 1 }]\n')).toEqual(
      [
        { line: 4, level: 'failure', message: containing('rules.TR-K8S-8.maxLiteralEnv:') },
        { line: 5, level: 'failure', message: containing('rules.TR-K8S-8: unknown option(s) "verbose"; the rule runs with its defaults') },
        { line: 6, level: 'failure', message: 'configuration: rules.BP-PDB: this rule takes no options' },
      ],
    );
  });

  it('warns about ignore patterns and exceptions that match nothing', async () => {
    expect(
      await configFindings(
        'ignore:\n  - charts/third-party/**\n  - charts/thrid-party/**\nexceptions:\n  - rule: TR-K8S-6\n    path: charts/sip-gateway/**\n    reason: "SIP (PLAT-142)"\n  - rule: TR-K8S-9\n    object: ConfigMap/cfg\n    reason: "reviewed"\n  - rule: TR-K8S-9\n    object: ConfigMap/gone\n    reason: "stale"\n',
      ),
    ).toEqual([
      { line: 3, level: 'warning', message: 'configuration: ignore: pattern "charts/thrid-party/**" matches no file of the repository' },
      {
        line: 6,
        level: 'warning',
        message: 'configuration: exceptions: path "charts/sip-gateway/**" matches no file of the repository, so this waiver waives nothing',
      },
      {
        line: 12,
        level: 'warning',
        message: 'configuration: exceptions: object "ConfigMap/gone" names no object of the repository, so this waiver waives nothing',
      },
    ]);
  });
});
