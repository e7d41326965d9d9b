/** Layered values: every value traced to the file and line that set it, as Helm merges them. */
import { describe, expect, it } from 'vitest';
import { describeTrace, LayeredValues, readValuesLayer } from '../../src/model/values.ts';
import { parseYaml } from '../../src/yaml/parse.ts';

const BASE = `# {{ a comment that opens an action and never closes it
defaults: &containerDefaults
  resources:
    requests: {cpu: 50m, memory: 64Mi}
    limits: {cpu: 100m, memory: 128Mi}
initContainers:
  - name: migrate
    <<: *containerDefaults
    image: migrate:1
sidecars:
  - name: otel
    resources:
      requests: {cpu: 50m, memory: 64Mi}
      limits: {cpu: 200m, memory: 128Mi}
  - name: proxy
    resources:
      requests: {cpu: 10m, memory: 32Mi}
resources:
  requests: {cpu: 250m}
  limits: {cpu: "1", memory: 1Gi}
networkPolicy:
  enabled: yes
`;
const PROD = `sidecars:
  - name: otel
    image: otel:2
resources:
  limits: null
networkPolicy:
  enabled: off
`;

function layered(): LayeredValues {
  return new LayeredValues([readValuesLayer('c/values.yaml', BASE).layer, readValuesLayer('c/values-prod.yaml', PROD).layer]);
}

describe('LayeredValues with values read as Helm reads them', () => {
  const values = layered();

  it('merges maps, replaces lists whole, deletes on null and reads YAML 1.1 booleans', () => {
    expect(values.get(['sidecars'])).toEqual([{ name: 'otel', image: 'otel:2' }]);
    expect(values.get(['resources'])).toEqual({ requests: { cpu: '250m' } });
    expect(values.get(['networkPolicy', 'enabled'])).toBe(false);
    expect(values.get(['initContainers', 0, 'resources', 'limits', 'memory'])).toBe('128Mi');
  });

  it('traces an item of a replaced list to the overlay, never to the replaced lines', () => {
    expect(values.trace(['sidecars', 0, 'name'])).toMatchObject({ path: 'c/values-prod.yaml', line: 2, layer: 1 });
    // The overlay's item has no resources: nothing sets them (values.yaml's lines 12-14 are replaced).
    expect(values.trace(['sidecars', 0, 'resources'])).toBeUndefined();
    expect(values.locate(['sidecars', 0, 'resources', 'limits'])).toMatchObject({ path: 'c/values-prod.yaml', line: 2 });
    expect(values.locate(['sidecars', 1, 'resources'])).toMatchObject({ path: 'c/values-prod.yaml', line: 1 });
  });

  it('points at the line that deleted a key with null, and at the overlay line that switched a feature off', () => {
    expect(values.trace(['resources', 'limits'])).toMatchObject({ path: 'c/values-prod.yaml', line: 5, deleted: true });
    expect(values.locate(['resources', 'limits', 'memory'])).toMatchObject({ path: 'c/values-prod.yaml', line: 5 });
    expect(values.trace(['networkPolicy', 'enabled'])).toMatchObject({ path: 'c/values-prod.yaml', line: 7, deleted: false });
    expect(values.trace(['resources', 'requests', 'cpu'])).toMatchObject({ path: 'c/values.yaml', line: 19 });
  });

  it('traces values that come through a merge key to the anchor, naming the merge key', () => {
    const trace = values.trace(['initContainers', 0, 'resources', 'limits', 'memory'])!;
    expect(trace).toMatchObject({ path: 'c/values.yaml', line: 5 });
    expect(trace.via.map((v) => [v.kind, v.span.line])).toEqual([
      ['merge', 8],
      ['alias', 8],
    ]);
    expect(values.trace(['initContainers', 0, 'image'])).toMatchObject({ line: 9, via: [] });
    expect(describeTrace(trace)).toBe('c/values.yaml:5 (in the anchor &containerDefaults, merged by "<<" on line 8)');
    expect(describeTrace(values.trace(['resources', 'limits'])!)).toBe('c/values-prod.yaml:5 (set to null here, which deletes it)');
    // A key missing under a merged map locates on the anchor's key that holds it.
    expect(values.locate(['initContainers', 0, 'resources', 'limits', 'ephemeral-storage'])).toMatchObject({ path: 'c/values.yaml', line: 5 });
  });

  it('locates the same way with plain YAML documents (the comment with `{{` swallows nothing)', () => {
    const plain = new LayeredValues([
      { path: 'c/values.yaml', doc: parseYaml(BASE).docs[0] },
      { path: 'c/values-prod.yaml', doc: parseYaml(PROD).docs[0] },
    ]);
    expect(plain.get(['initContainers', 0, 'resources', 'limits', 'memory'])).toBe('128Mi');
    expect(plain.locate(['sidecars', 0, 'resources', 'limits'])).toMatchObject({ path: 'c/values-prod.yaml', line: 2 });
    expect(plain.locate(['defaults'])).toMatchObject({ path: 'c/values.yaml', line: 2 });
  });
});
