/**
 * A library chart written for these tests (test/helm/charts/acme-lib), with a values layout unlike
 * the bundled libraries: nested `app.containers.main.resources`, a sidecar list that production
 * replaces, init containers built with a merge key, a policy switched off in production. Nothing
 * in bplus knows this library: every line below comes from Helm's behaviour (real Helm).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { locateMissingObject, locateRenderedField, type ObjectProvenance } from '../../src/helm/provenance.ts';
import type { ValuePath } from '../../src/types.ts';
import { traceChart, type TracedChart } from './provenance-harness.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'charts');
const VALUES = 'billing/values.yaml';
const PROD = 'billing/values-prod.yaml';
const pod = ['spec', 'template', 'spec'];

let chart: TracedChart;
let bare: TracedChart;
beforeAll(async () => {
  [chart, bare] = await Promise.all([
    traceChart(ROOT, path.join(ROOT, 'billing'), ['prod']),
    traceChart(ROOT, path.join(ROOT, 'billing'), ['prod'], { withoutMarkers: true }),
  ]);
});

function object(kind: string): ObjectProvenance {
  const found = chart.objects.find((o) => o.kind === kind);
  if (!found) throw new Error(`${kind} not rendered`);
  return found;
}

function at(kind: string, objectPath: ValuePath): { path: string; line: number; via: string } {
  const l = locateRenderedField({ object: object(kind), path: objectPath, values: chart.values, templates: chart.templates });
  // The template fallback alone (no marker render) must land on the same line.
  const o = bare.objects.find((x) => x.kind === kind)!;
  const b = locateRenderedField({ object: o, path: objectPath, values: bare.values, templates: bare.templates });
  expect({ path: b.path, line: b.line }, `${objectPath.join('.')} without markers`).toEqual({ path: l.path, line: l.line });
  return { path: l.path, line: l.line, via: l.via };
}

describe('a library chart never seen before', () => {
  it('renders what the test relies on', () => {
    const deployment = object('Deployment').value as { spec: { template: { spec: { containers: unknown[] } } } };
    // values-prod.yaml replaces the sidecar list: log-shipper is gone in production.
    expect(deployment.spec.template.spec.containers).toHaveLength(2);
    expect(chart.objects.some((o) => o.kind === 'NetworkPolicy')).toBe(false);
  });

  it('locates the main container resources under app.containers.main', () => {
    expect(at('Deployment', [...pod, 'containers', 0, 'resources', 'limits', 'memory'])).toEqual({ path: VALUES, line: 23, via: 'values' });
    expect(at('Deployment', [...pod, 'containers', 0, 'resources', 'limits', 'ephemeral-storage'])).toEqual({ path: VALUES, line: 21, via: 'values-parent' });
  });

  it('locates the items of the sidecar list production replaces in values-prod.yaml', () => {
    expect(at('Deployment', [...pod, 'containers', 1, 'resources', 'requests', 'memory'])).toEqual({ path: PROD, line: 7, via: 'values' });
    expect(at('Deployment', [...pod, 'containers', 1, 'resources', 'limits', 'ephemeral-storage'])).toEqual({ path: PROD, line: 8, via: 'values-parent' });
    expect(at('Deployment', [...pod, 'containers', 1, 'securityContext'])).toEqual({ path: PROD, line: 4, via: 'values-parent' });
    expect(at('Deployment', [...pod, 'containers', 1, 'image'])).toEqual({ path: PROD, line: 5, via: 'values' });
  });

  it('locates init container values that come through a merge key in the anchor, and says so', () => {
    expect(at('Deployment', [...pod, 'initContainers', 0, 'resources', 'requests', 'cpu'])).toEqual({ path: VALUES, line: 4, via: 'values' });
    expect(at('Deployment', [...pod, 'initContainers', 0, 'resources', 'limits', 'ephemeral-storage'])).toEqual({
      path: VALUES,
      line: 5,
      via: 'values-parent',
    });
    const trace = chart.values.trace(['app', 'bootstrap', 0, 'resources', 'requests', 'cpu'])!;
    expect(trace.via.map((v) => [v.kind, v.span.line])).toEqual([
      ['merge', 25],
      ['alias', 25],
    ]);
    expect(at('Deployment', [...pod, 'initContainers', 0, 'name'])).toEqual({ path: VALUES, line: 26, via: 'values' });
  });

  it('blames a policy switched off in production on that values line', () => {
    expect(locateMissingObject('NetworkPolicy', chart.values, chart.templates)).toMatchObject({ path: PROD, line: 13, via: 'template-values' });
  });

  it('locates overlay scalars in the overlay and the rest in values.yaml', () => {
    expect(at('Service', ['spec', 'type'])).toEqual({ path: PROD, line: 10, via: 'values' });
    expect(at('HorizontalPodAutoscaler', ['spec', 'minReplicas'])).toEqual({ path: PROD, line: 16, via: 'values' });
    expect(at('HorizontalPodAutoscaler', ['spec', 'maxReplicas'])).toEqual({ path: VALUES, line: 46, via: 'values' });
  });

  it('locates a field missing because of a guard on the value behind the guard', () => {
    // `replicas` is not rendered while `scaling.hpa.active` is true (YAML 1.1 `yes`).
    expect(at('Deployment', ['spec', 'replicas'])).toEqual({ path: VALUES, line: 44, via: 'template-values' });
  });

  it('locates a field no value controls on the library template line', () => {
    expect(at('Deployment', ['metadata', 'labels', 'tier'])).toEqual({ path: 'acme-lib/templates/_workload.tpl', line: 10, via: 'template' });
  });
});
