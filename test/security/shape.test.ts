/** Files that decide what is reviewed have their shape checked: a wrong shape is a finding, never silence. */
import { describe, expect, it } from 'vitest';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';

const SERVICE_CHART = 'apiVersion: v2\nname: api\nversion: 1.0.0\ndependencies:\n  - name: python-fastapi-service\n    version: 1.0.0\n';

async function inputFindings(files: Record<string, string>) {
  const result = await reviewRepository(new MemorySource(new Map(Object.entries(files))));
  return result.findings.filter((f) => f.ruleId === 'input').map((f) => ({ path: f.path, line: f.line, message: f.message }));
}

describe('shape of Chart.yaml, values and overlays', () => {
  it.each([
    ['a list', '- apiVersion: v2\n- name: x\n', /is a list, not a mapping/, 1],
    ['a scalar', 'just text\n', /is a string, not a mapping/, 1],
    ['a number', '42\n', /is a number, not a mapping/, 1],
    [
      'dependencies as a string',
      'apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies: python-fastapi-service\n',
      /dependencies is invalid: expected array/,
      4,
    ],
    ['a dependency without a name', 'apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - version: 1.0.0\n', /dependencies\.0\.name is invalid/, 5],
    ['a dependency that is a string', 'apiVersion: v2\nname: x\nversion: 1.0.0\ndependencies:\n  - python-fastapi-service\n', /dependencies\.0 is invalid/, 5],
    ['annotations as a list', 'apiVersion: v2\nname: x\nversion: 1.0.0\nannotations: [a, b]\n', /annotations is invalid/, 4],
    ['type neither application nor library', 'apiVersion: v2\nname: x\nversion: 1.0.0\ntype: service\n', /type is invalid/, 4],
    ['a name that is a list', 'apiVersion: v2\nname: [x]\nversion: 1.0.0\n', /name is invalid/, 2],
  ])('Chart.yaml that is %s is a finding on its line', async (_what, chartYaml, message, line) => {
    const findings = await inputFindings({ 'charts/x/Chart.yaml': chartYaml, 'charts/x/values.yaml': 'a: 1\n' });
    const finding = findings.find((f) => f.path === 'charts/x/Chart.yaml');
    expect(finding?.message).toMatch(message);
    expect(finding?.line).toBe(line);
  });

  it.each([
    ['values.yaml', '- a\n- b\n', /is a list/],
    ['values.yaml', 'text\n', /is a string/],
    ['values-prod.yaml', '- a\n', /is a list/],
    ['values-prod.yaml', 'true\n', /is a boolean/],
    ['values-prod.yaml', 'a: 1\n---\nb: 2\n', /2 YAML documents; Helm reads only the first/],
  ])('%s of the wrong shape (%j) is a finding on its first line', async (file, text, message) => {
    const findings = await inputFindings({ 'charts/api/Chart.yaml': SERVICE_CHART, 'charts/api/values.yaml': 'a: 1\n', [`charts/api/${file}`]: text });
    const finding = findings.find((f) => f.path === `charts/api/${file}`);
    expect(finding?.message).toMatch(message);
    expect(finding?.line).toBeGreaterThanOrEqual(1);
  });

  it('well-formed charts and values give no shape finding (empty values files included)', async () => {
    const findings = await inputFindings({
      'charts/api/Chart.yaml': SERVICE_CHART,
      'charts/api/values.yaml': '# nothing yet\n',
      'charts/api/values-prod.yaml': 'replicaCount: 2\n',
    });
    // The only finding left is that the library dependency cannot be resolved offline (Helm path): no shape finding.
    expect(findings.filter((f) => !/is neither a file:\/\/ chart nor vendored/.test(f.message))).toEqual([]);
  });

  it('a chart with a broken Chart.yaml is a finding on its first line, never a chart quietly skipped', async () => {
    const result = await reviewRepository(
      new MemorySource(
        new Map([
          ['charts/x/Chart.yaml', '- broken\n'],
          ['charts/x/values.yaml', 'a: 1\n'],
          ['charts/x/templates/svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n'],
        ]),
      ),
    );
    // Helm cannot render it, so its templates are not judged; the broken file itself is reported.
    expect(result.findings.some((f) => f.ruleId === 'input' && f.path === 'charts/x/Chart.yaml' && f.line === 1)).toBe(true);
  });
});
