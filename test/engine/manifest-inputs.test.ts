/**
 * What the model reads: JSON manifests wherever YAML ones are (with positions), JSON that is no
 * manifest skipped silently, every pod-bearing kind reviewed, unknown kinds a notice of rule `kind`.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { loadRules } from '../../src/engine/registry.ts';
import { runRules } from '../../src/engine/review.ts';
import { loadRepository } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';

async function review(files: Record<string, string>, config = '') {
  const loaded = parseConfig(config);
  const model = await loadRepository(new MemorySource(new Map(Object.entries(files))), loaded.config);
  const findings = runRules(model, await loadRules(), loaded, 'en');
  return { model, findings: findings.map((f) => ({ ruleId: f.ruleId, messageId: f.messageId, path: f.path, line: f.line, level: f.level })) };
}

const chart = { 'charts/edge/Chart.yaml': 'apiVersion: v2\nname: edge\nversion: 1.0.0\n' };

const jsonDeployment = `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "edge",
    "annotations": {
      "bplus.io/exception-BP-IMAGE-TAG": ""
    }
  },
  "spec": {
    "template": {
      "spec": {
\t\t"hostNetwork": true,
        "containers": [
          {
            "name": "edge",
            "image": "registry.balance-plus.io/edge:latest"
          }
        ]
      }
    }
  }
}
`;

describe('JSON manifests', () => {
  it('are reviewed in chart templates and as plain manifests, findings on their exact lines (annotations included)', async () => {
    const { findings } = await review({ ...chart, 'charts/edge/templates/edge.json': jsonDeployment, 'manifests/edge.json': jsonDeployment });
    const at = (path: string, ruleId: string) => findings.filter((f) => f.path === path && f.ruleId === ruleId).map((f) => [f.messageId, f.line]);
    expect(at('charts/edge/templates/edge.json', 'TR-K8S-6')).toEqual([['hostNetwork', 13]]);
    expect(at('charts/edge/templates/edge.json', 'exception')).toEqual([['annotation', 7]]);
    expect(at('charts/edge/templates/edge.json', 'BP-IMAGE-TAG').map(([, line]) => line)).toEqual([17]);
    expect(at('manifests/edge.json', 'TR-K8S-1')).toEqual([['rawWorkload', 3]]);
    expect(at('charts/edge/templates/edge.json', 'TR-K8S-3').length).toBeGreaterThan(0);
  });

  it('that is no manifest is skipped silently: package.json, JSONC settings, a lock file over the size cap', async () => {
    const lock = `{"name": "x", "lockfileVersion": 3, "packages": {${Array.from({ length: 400 }, (_, i) => `"node_modules/p${i}": {"version": "1.0.${i}"}`).join(',')}}}`;
    const { model, findings } = await review(
      {
        'package.json': '{"name": "x", "scripts": {"test": "vitest"}}',
        '.vscode/settings.json': '{\n  // editor\n  "editor.tabSize": 2,\n}\n',
        'package-lock.json': lock,
      },
      'limits:\n  maxFileBytes: 4096\n',
    );
    expect(findings).toEqual([]);
    expect([...model.yamlFiles.keys()]).toEqual([]);
  });

  it('that is a broken or oversized manifest is an input failure on its line', async () => {
    const broken = '{\n  "apiVersion": "v1",\n  "kind": "ConfigMap"\n  "metadata": {"name": "x"}\n}\n';
    const big = `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"}, "data": {"a": "${'x'.repeat(5000)}"}}`;
    const { findings } = await review({ 'manifests/broken.json': broken, 'manifests/big.json': big }, 'limits:\n  maxFileBytes: 4096\n');
    expect(findings.filter((f) => f.ruleId === 'input')).toEqual([
      // The input rule's message id is the kind of problem (a Russian text for each).
      { ruleId: 'input', messageId: 'file-too-large', path: 'manifests/big.json', line: 1, level: 'failure' },
      { ruleId: 'input', messageId: 'yaml-syntax', path: 'manifests/broken.json', line: 4, level: 'failure' },
    ]);
  });
});

describe('kinds', () => {
  it('a kind bplus does not know is a notice of rule kind, never unreadable input; it can be switched off', async () => {
    const widget = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n';
    const { findings } = await review({ ...chart, 'charts/edge/templates/widget.yaml': widget });
    expect(findings).toEqual([{ ruleId: 'kind', messageId: 'unknownKind', path: 'charts/edge/templates/widget.yaml', line: 2, level: 'notice' }]);
    expect((await review({ ...chart, 'charts/edge/templates/widget.yaml': widget }, 'rules:\n  kind: off\n')).findings).toEqual([]);
    const waived = await review(
      { ...chart, 'charts/edge/templates/widget.yaml': widget },
      'exceptions:\n  - rule: kind\n    path: charts/edge/**\n    reason: "our own operator (PLAT-7)"\n',
    );
    expect(waived.findings).toEqual([]);
  });

  it('a ReplicationController and an Argo Rollout have their pod templates reviewed', async () => {
    const pods = (kind: string, apiVersion: string) =>
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: legacy\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: registry.balance-plus.io/app:1.0.0\n`;
    const { findings } = await review({
      ...chart,
      'charts/edge/templates/rc.yaml': pods('ReplicationController', 'v1'),
      'charts/edge/templates/ro.yaml': pods('Rollout', 'argoproj.io/v1alpha1'),
    });
    for (const path of ['charts/edge/templates/rc.yaml', 'charts/edge/templates/ro.yaml']) {
      expect(findings).toContainEqual({ ruleId: 'TR-K8S-3', messageId: expect.any(String) as unknown, path, line: 9, level: 'failure' });
      expect(findings.some((f) => f.path === path && (f.ruleId === 'input' || f.ruleId === 'kind'))).toBe(false);
    }
  });
});
