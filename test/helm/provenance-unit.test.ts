/** The pure parts of src/helm/provenance.ts on recorded inputs (no Helm). */
import { describe, expect, it } from 'vitest';
import { buildMarkerValues, splitRendered, TemplateIndex, traceMarkers, locateRenderedField } from '../../src/helm/provenance.ts';
import { LayeredValues, readValuesLayer } from '../../src/model/values.ts';

const VALUES = `name: web
replicas: 3
ratio: 0.5
enabled: true
zero: 0
empty: ""
none: {}
ports: [80, 0]
password: s3cret
service:
  type: NodePort
  annotations: {a: x}
`;

describe('buildMarkerValues', () => {
  const values = new LayeredValues([readValuesLayer('c/values.yaml', VALUES).layer]);
  const built = buildMarkerValues(values, { keep: [['service', 'type']] });
  const file = JSON.parse(built.text) as Record<string, unknown>;

  it('marks non-empty strings and positive numbers, keeping their kind', () => {
    expect(file.name).toMatch(/^zq\d+qz$/);
    expect(Number.isInteger(file.replicas)).toBe(true);
    expect(file.replicas).toBeGreaterThanOrEqual(610_000);
    expect(file.replicas).toBeLessThan(1_000_000); // Helm prints 1e+06 from a million on
    expect(Number.isInteger(file.ratio)).toBe(false);
    expect(built.markers.get(String(file.replicas))).toEqual(['replicas']);
    expect(built.originals.get(file.name as string)).toBe('web');
  });

  it('leaves what steers control flow alone: booleans, zero, empty values, kept paths', () => {
    for (const key of ['enabled', 'zero', 'empty', 'none']) expect(file).not.toHaveProperty(key);
    const marker: unknown = expect.stringMatching(/^zq\d+qz$/);
    expect(file.service).toEqual({ annotations: { a: marker } });
  });

  it('writes lists whole (an -f replaces a list), unmarked items as they are', () => {
    expect(file.ports).toEqual([expect.any(Number), 0]);
  });
});

describe('traceMarkers', () => {
  const values = new LayeredValues([readValuesLayer('c/values.yaml', VALUES).layer]);
  const mv = buildMarkerValues(values);
  const m = (path: string): string => [...mv.markers].find(([, p]) => p.join('.') === path)![0];
  const marked = splitRendered(`---
# Source: c/templates/a.yaml
apiVersion: v1
kind: Secret
metadata:
  name: ${m('name')}-db
data:
  password: ${Buffer.from(m('password')).toString('base64')}
  cut: ${m('name').slice(0, 3)}
---
# Source: c/templates/a.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${m('name')}
spec:
  replicas: ${m('replicas')}
  surge: ${m('replicas')}
`);
  const real = splitRendered(`---
# Source: c/templates/a.yaml
apiVersion: v1
kind: Secret
metadata:
  name: web-db
data:
  password: ${Buffer.from('s3cret').toString('base64')}
  cut: zq0
---
# Source: c/templates/a.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  surge: 4
`);
  const traced = traceMarkers(marked, real, mv);
  const fields = (kind: string) =>
    Object.fromEntries(
      traced
        .find((o) => o.kind === kind)!
        .fields.filter((f) => !f.derived)
        .map((f) => [f.objectPath.join('.'), f.valuesPaths.map((p) => p.join('.'))]),
    );

  it('maps every marked scalar, base64 included, and names objects by their real name', () => {
    expect(traced.map((o) => `${o.kind}/${o.name}`)).toEqual(['Secret/web-db', 'Deployment/web']);
    expect(fields('Secret')).toMatchObject({ 'metadata.name': ['name'], 'data.password': ['password'] });
    expect(fields('Deployment')).toMatchObject({ 'metadata.name': ['name'], 'spec.replicas': ['replicas'] });
  });

  it('trusts a marker only where the originals reproduce the real scalar', () => {
    expect(fields('Secret')).not.toHaveProperty(['data.cut']); // a marker cut by trunc
    expect(fields('Deployment')).not.toHaveProperty(['spec.surge']); // a value that met arithmetic
  });

  it('gives no mapping for an object whose twin has another kind (markers changed the control flow)', () => {
    const swapped = traceMarkers([marked[1]!, marked[0]!], real, mv);
    expect(swapped.every((o) => o.fields.length === 0)).toBe(true);
  });

  it('never locates on the rendered output, even for an object no template is known for', () => {
    const object = traced.find((o) => o.kind === 'Deployment')!;
    const located = locateRenderedField({ object, path: ['spec', 'strategy'], values, templates: new TemplateIndex([]) });
    expect(located.path).toBe('c/templates/a.yaml');
    expect(located.via).toBe('template');
  });
});

describe('splitRendered', () => {
  it('survives broken documents and keeps the rest', () => {
    const docs = splitRendered('---\n# Source: c/templates/a.yaml\nkind: [\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\n');
    expect(docs.map((d) => d.source)).toEqual(['c/templates/b.yaml']);
  });
});
