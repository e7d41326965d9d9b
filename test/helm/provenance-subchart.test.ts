/**
 * An umbrella chart with an application subchart (test/helm/charts/shop → cache): the subchart's
 * `.Values.x` is the umbrella's `cache.x`, its `.Values.global` the umbrella's `global`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ValuePath } from '../../src/types.ts';
import { traceChart, type TracedChart } from './provenance-harness.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'charts');
let chart: TracedChart;
beforeAll(async () => {
  chart = await traceChart(ROOT, path.join(ROOT, 'shop'), ['prod']);
});

function at(kind: string, objectPath: ValuePath): { path: string; line: number; via: string } {
  const object = chart.objects.find((o) => o.kind === kind)!;
  const l = chart.provenance.locate(object, objectPath);
  return { path: l.path, line: l.line, via: l.via };
}

const container = ['spec', 'template', 'spec', 'containers', 0];

describe('values of a vendored subchart, set in the umbrella', () => {
  it('the overlay line of the umbrella for a subchart value', () => {
    expect(at('StatefulSet', [...container, 'image'])).toEqual({ path: 'shop/values-prod.yaml', line: 2, via: 'values' });
    expect(at('StatefulSet', ['metadata', 'labels', 'team'])).toEqual({ path: 'shop/values.yaml', line: 2, via: 'values' });
  });

  it('a missing key under a subchart value: the umbrella key it belongs under', () => {
    expect(at('StatefulSet', [...container, 'resources', 'limits'])).toEqual({ path: 'shop/values.yaml', line: 5, via: 'values-parent' });
  });

  it('the same without markers: the subchart template reads `cache.resources` in the umbrella', async () => {
    const bare = await traceChart(ROOT, path.join(ROOT, 'shop'), ['prod'], { withoutMarkers: true });
    const object = bare.objects.find((o) => o.kind === 'StatefulSet')!;
    expect(object.fields).toEqual([]);
    const l = bare.provenance.locate(object, [...container, 'resources', 'limits']);
    expect({ path: l.path, line: l.line, via: l.via }).toEqual({ path: 'shop/values.yaml', line: 5, via: 'template-values' });
    const team = bare.provenance.locate(object, ['metadata', 'labels', 'team']);
    expect({ path: team.path, line: team.line }).toEqual({ path: 'shop/values.yaml', line: 2 });
  });
});
