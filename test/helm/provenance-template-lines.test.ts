/**
 * Template lines for infrastructure and third-party charts (test/helm/charts/vendor-app): a
 * rendered field locates on the template line that wrote it, through the everyday Helm idioms
 * a static YAML reading breaks on. Rendered by the real Helm.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { locateHelmError, locateRenderedField } from '../../src/helm/provenance.ts';
import { LayeredValues, readValuesLayer } from '../../src/model/values.ts';
import { HelmError, runHelm } from '../helpers/helm.ts';
import type { ValuePath } from '../../src/types.ts';
import { traceChart, type TracedChart } from './provenance-harness.ts';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'charts');
const TEMPLATE = 'vendor-app/templates/deployment.yaml';
const pod = ['spec', 'template', 'spec'];

let chart: TracedChart;
beforeAll(async () => {
  chart = await traceChart(ROOT, path.join(ROOT, 'vendor-app'), []);
});

function at(objectPath: ValuePath, prefer: 'values' | 'template' = 'template'): { path: string; line: number } {
  const object = chart.objects.find((o) => o.kind === 'Deployment')!;
  const l = locateRenderedField({ object, path: objectPath, values: chart.values, templates: chart.templates, prefer });
  return { path: l.path, line: l.line };
}

describe('template lines of a third-party chart', () => {
  it('a literal key after `{{- include … | nindent 4 }}`', () => {
    expect(at(['metadata', 'labels', 'app.kubernetes.io/component'])).toEqual({ path: TEMPLATE, line: 7 });
  });

  it('if/else branches that set the same key: the branch Helm took', () => {
    expect(at(['spec', 'replicas'])).toEqual({ path: TEMPLATE, line: 12 });
  });

  it('a list item filled by toYaml, followed by literal keys', () => {
    expect(at([...pod, 'tolerations', 0, 'effect'])).toEqual({ path: TEMPLATE, line: 27 });
    expect(at([...pod, 'tolerations', 0, 'key'])).toEqual({ path: TEMPLATE, line: 26 });
  });

  it('an action inside a `|` block and two actions alone on one line', () => {
    expect(at(['spec', 'template', 'metadata', 'annotations', 'checksum/config'])).toEqual({ path: TEMPLATE, line: 22 });
    expect(at([...pod, 'containers', 1, 'image'])).toEqual({ path: TEMPLATE, line: 41 });
    expect(at([...pod, 'containers', 0, 'args', 0])).toEqual({ path: TEMPLATE, line: 31 });
  });

  it('a missing field: the template key under its guard, or with values preferred the values key behind the guard', () => {
    expect(at([...pod, 'containers', 0, 'resources', 'limits'])).toEqual({ path: TEMPLATE, line: 34 });
    expect(at([...pod, 'containers', 0, 'resources', 'limits'], 'values')).toEqual({ path: 'vendor-app/values.yaml', line: 11 });
    expect(at([...pod, 'containers', 0, 'securityContext', 'readOnlyRootFilesystem'])).toEqual({ path: TEMPLATE, line: 37 });
  });
});

describe('values the templates compare keep their real value in the marker render', () => {
  it('finds `eq .Values.service.type "NodePort"` and keeps the NodePort branch', async () => {
    expect(chart.templates.comparedValues()).toContainEqual(['service', 'type']);
    const service = (c: TracedChart) => c.objects.find((o) => o.kind === 'Service')!;
    const nodePort = ['spec', 'ports', 0, 'nodePort'];
    const traced = (c: TracedChart) => service(c).fields.some((f) => !f.derived && f.objectPath.join('.') === nodePort.join('.'));
    expect(traced(chart)).toBe(true);
    // Markers everywhere: the marked render loses the branch, so no marker reaches nodePort …
    const unkept = await traceChart(ROOT, path.join(ROOT, 'vendor-app'), [], { keepCompared: false });
    expect(traced(unkept)).toBe(false);
    // … and the template fallback still finds the values line.
    const l = locateRenderedField({ object: service(unkept), path: nodePort, values: unkept.values, templates: unkept.templates });
    expect({ path: l.path, line: l.line, via: l.via }).toEqual({ path: 'vendor-app/values.yaml', line: 20, via: 'template-values' });
  });
});

describe('errors Helm places in a template', () => {
  it('`required` lands on the values key the failing line reads', async () => {
    const error = await runHelm([
      'template',
      'vendor-app',
      path.join(ROOT, 'vendor-app'),
      '-f',
      path.join(ROOT, 'vendor-app', 'values.yaml'),
      '-f',
      path.join(ROOT, 'vendor-app', 'values-strict.yaml'),
    ]).then(
      () => undefined,
      (e: HelmError) => e,
    );
    expect(error?.stderr).toContain('extraConfig.endpoint is required');
    const strict = await traceChart(ROOT, path.join(ROOT, 'vendor-app'), []);
    const values = new LayeredValues([
      ...strict.values.layers,
      readValuesLayer('vendor-app/values-strict.yaml', await readFile(path.join(ROOT, 'vendor-app', 'values-strict.yaml'), 'utf8')).layer,
    ]);
    const located = locateHelmError(error!.stderr, values, strict.templates, 'vendor-app');
    expect(located?.map((l) => [l.location.path, l.location.line])).toEqual([['vendor-app/values-strict.yaml', 2]]);
    expect(located?.[0]?.message).toContain('extraConfig.endpoint is required');
    // Without values behind the line, the template line itself.
    const bare = locateHelmError(error!.stderr, new LayeredValues([]), strict.templates, 'vendor-app');
    expect(bare?.map((l) => [l.location.path, l.location.line])).toEqual([['vendor-app/templates/configmap.yaml', 7]]);
  });
});
