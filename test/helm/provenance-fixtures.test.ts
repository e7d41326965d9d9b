/**
 * The provenance of rendered fields, end to end with the real Helm, on every violation variant
 * whose finding concerns a chart: the query is the rendered field a rule reports (kind and object
 * path, found in the real render), the expected line is the one in the variant's expect.yaml.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateHelmError, locateMissingObject, locateRenderedField, type ObjectProvenance } from '../../src/helm/provenance.ts';
import { HelmError, renderChart } from '../helpers/helm.ts';
import type { ValuePath } from '../../src/types.ts';
import { loadExpectations, materialize, removeMaterialized } from '../helpers/overlay.ts';
import { findPath, traceChart, type TracedChart } from './provenance-harness.ts';

type Query = { kind: string; path: ValuePath | ((object: Record<string, unknown>) => ValuePath | undefined) } | { missingKind: string };

interface Case {
  variant: string;
  finding: number;
  chart: string;
  query: Query;
}

const pod = ['spec', 'template', 'spec'];
const leafEquals = (value: unknown) => (object: Record<string, unknown>) => findPath(object, (leaf) => leaf === value);
const dataKey = (key: string): Query => ({ kind: 'ConfigMap', path: ['data', key] });
const envKey = (key: string): Query => ({ kind: 'Deployment', path: (o) => envValuePath(o, key) });

const CASES: Case[] = [
  {
    variant: 'tr-k8s-3-init-no-requests',
    finding: 0,
    chart: 'orchestrator',
    query: { kind: 'Deployment', path: [...pod, 'initContainers', 0, 'resources', 'requests'] },
  },
  {
    variant: 'tr-k8s-3-invalid-quantity',
    finding: 0,
    chart: 'api-gateway',
    query: { kind: 'Deployment', path: [...pod, 'containers', 0, 'resources', 'limits', 'memory'] },
  },
  { variant: 'tr-k8s-3-no-limits', finding: 0, chart: 'api-gateway', query: { kind: 'Deployment', path: [...pod, 'containers', 0, 'resources', 'limits'] } },
  {
    variant: 'tr-k8s-3-prod-limits-null',
    finding: 0,
    chart: 'orchestrator',
    query: { kind: 'Deployment', path: [...pod, 'containers', 0, 'resources', 'limits'] },
  },
  {
    variant: 'tr-k8s-3-sidecar-request-over-limit',
    finding: 0,
    chart: 'orchestrator',
    query: { kind: 'Deployment', path: [...pod, 'containers', 1, 'resources', 'requests', 'memory'] },
  },
  { variant: 'tr-k8s-4-besteffort', finding: 0, chart: 'condenser-worker', query: { kind: 'Deployment', path: [...pod, 'containers', 0, 'resources'] } },
  {
    variant: 'tr-k8s-4-besteffort',
    finding: 1,
    chart: 'condenser-worker',
    query: { kind: 'Deployment', path: [...pod, 'containers', 0, 'resources', 'limits'] },
  },
  {
    variant: 'tr-k8s-5-celery-hpa-and-keda',
    finding: 0,
    chart: 'condenser-worker',
    query: { kind: 'HorizontalPodAutoscaler', path: ['spec', 'scaleTargetRef'] },
  },
  { variant: 'tr-k8s-5-celery-hpa-and-keda', finding: 1, chart: 'condenser-worker', query: { kind: 'HorizontalPodAutoscaler', path: ['kind'] } },
  { variant: 'tr-k8s-5-celery-hpa-instead-of-keda', finding: 0, chart: 'condenser-worker', query: { missingKind: 'ScaledObject' } },
  { variant: 'tr-k8s-5-celery-hpa-instead-of-keda', finding: 1, chart: 'condenser-worker', query: { kind: 'HorizontalPodAutoscaler', path: ['kind'] } },
  { variant: 'tr-k8s-5-fastapi-autoscaling-disabled', finding: 0, chart: 'orchestrator', query: { missingKind: 'HorizontalPodAutoscaler' } },
  {
    variant: 'tr-k8s-5-keda-inline-password',
    finding: 0,
    chart: 'condenser-worker',
    query: { kind: 'ScaledObject', path: (o) => findPath(o, (leaf, p) => p[p.length - 1] === 'host' && String(leaf).startsWith('http://keda:')) },
  },
  {
    variant: 'tr-k8s-5-keda-inline-password',
    finding: 1,
    chart: 'condenser-worker',
    query: { kind: 'ScaledObject', path: (o) => findPath(o, (leaf, p) => p[p.length - 1] === 'host' && String(leaf).startsWith('http://keda:')) },
  },
  { variant: 'tr-k8s-5-keda-inline-password', finding: 2, chart: 'condenser-worker', query: { kind: 'ScaledObject', path: ['kind'] } },
  { variant: 'tr-k8s-6-ingress-without-tls', finding: 0, chart: 'api-gateway', query: { kind: 'Ingress', path: ['spec', 'tls'] } },
  { variant: 'tr-k8s-6-nodeport', finding: 0, chart: 'api-gateway', query: { kind: 'Service', path: ['spec', 'type'] } },
  { variant: 'tr-k8s-7-egress-anywhere', finding: 0, chart: 'condenser-worker', query: { kind: 'NetworkPolicy', path: leafEquals('0.0.0.0/0') } },
  {
    variant: 'tr-k8s-7-forbidden-edge',
    finding: 0,
    chart: 'api-gateway',
    query: { kind: 'NetworkPolicy', path: (o) => findPath(o, (leaf, p) => leaf === 'postgresql' && p[1] === 'egress') },
  },
  {
    variant: 'tr-k8s-7-forbidden-edge',
    finding: 1,
    chart: 'platform',
    query: { kind: 'NetworkPolicy', path: (o) => findPath(o, (leaf, p) => leaf === 'api-gateway' && p[1] === 'ingress') },
  },
  { variant: 'tr-k8s-7-no-default-deny', finding: 0, chart: 'platform', query: { kind: 'Namespace', path: [] } },
  {
    variant: 'tr-k8s-7-overbroad-namespace-selector',
    finding: 0,
    chart: 'orchestrator',
    query: { kind: 'NetworkPolicy', path: (o) => findPath(o, (_leaf, p) => p[p.length - 1] === 'namespaceSelector') ?? findNamespaceSelector(o) },
  },
  ...[
    'LOG_LEVEL',
    'DATABASE_POOL_SIZE',
    'LOG_FORMAT',
    'UVICORN_WORKERS',
    'DATABASE_HOST',
    'DATABASE_PORT',
    'DATABASE_NAME',
    'BROKER_HOST',
    'BROKER_PORT',
    'BROKER_VHOST',
    'CONDENSE_QUEUE',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
  ].map((key, finding): Case => ({ variant: 'tr-k8s-8-env-literal-flood', finding, chart: 'orchestrator', query: envKey(key) })),
  { variant: 'tr-k8s-9-credential-in-configmap', finding: 0, chart: 'orchestrator', query: dataKey('DATABASE_PASSWORD') },
  { variant: 'tr-k8s-9-password-in-values-env', finding: 0, chart: 'api-gateway', query: { kind: 'Deployment', path: (o) => envValuePath(o, 'JWT_SECRET') } },
  { variant: 'tr-k8s-9-plain-secret', finding: 0, chart: 'platform', query: { kind: 'Secret', path: ['kind'] } },
  {
    variant: 'tr-k8s-9-sealedsecret-not-sealed',
    finding: 0,
    chart: 'platform',
    query: { kind: 'SealedSecret', path: ['spec', 'encryptedData', 'RABBITMQ_DEFAULT_PASS'] },
  },
  {
    variant: 'tr-k8s-9-sealedsecret-scope-mismatch',
    finding: 0,
    chart: 'platform',
    query: { kind: 'SealedSecret', path: (o) => findPath(o, (leaf, p) => leaf === 'keda' && p.includes('template')) },
  },
  { variant: 'tr-k8s-2-own-deployment', finding: 0, chart: 'api-gateway', query: { kind: 'Deployment', path: ['kind'] } },
];

/** An empty `namespaceSelector: {}` has no leaf: find the map itself. */
function findNamespaceSelector(o: Record<string, unknown>): ValuePath | undefined {
  const walk = (v: unknown, at: ValuePath): ValuePath | undefined => {
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...at, i])).find(Boolean);
    if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'namespaceSelector') return [...at, k];
        const found = walk(x, [...at, k]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return walk(o, []);
}

function envValuePath(o: Record<string, unknown>, name: string): ValuePath | undefined {
  const nameAt = findPath(o, (leaf, p) => leaf === name && p[p.length - 1] === 'name' && p.includes('env'));
  return nameAt ? [...nameAt.slice(0, -1), 'value'] : undefined;
}

const materialized = new Map<string, Promise<string>>();
const traced = new Map<string, Promise<TracedChart>>();
afterAll(async () => {
  for (const dir of materialized.values()) await removeMaterialized(await dir);
});

async function trace(variant: string, chart: string, skipSchema: boolean, withoutMarkers = false): Promise<TracedChart> {
  if (!materialized.has(variant)) materialized.set(variant, materialize(variant));
  const root = await materialized.get(variant)!;
  const key = `${variant}/${chart}/${withoutMarkers}`;
  if (!traced.has(key)) traced.set(key, traceChart(root, path.join(root, 'charts', chart), ['prod'], { skipSchema, withoutMarkers }));
  return traced.get(key)!;
}

function objectOf(t: TracedChart, kind: string, chart: string, query: Query): ObjectProvenance {
  let candidates = t.objects.filter((o) => o.kind === kind);
  const find = 'path' in query && typeof query.path === 'function' ? query.path : undefined;
  if (find) candidates = candidates.filter((o) => find(o.value!) !== undefined);
  const object = candidates.find((o) => o.source.includes(`/${kind.toLowerCase()}`)) ?? candidates.find((o) => o.name === chart) ?? candidates[0];
  if (!object) throw new Error(`no ${kind} rendered in ${chart}`);
  return object;
}

for (const mode of ['marker render', 'template fallback alone'] as const) {
  describe(`every finding on the line a person edits (fixture variants, real Helm, ${mode})`, () => {
    const withoutMarkers = mode !== 'marker render';
    const cases = CASES;
    const results: boolean[] = [];
    afterAll(() => {
      // The count the report quotes: every case below is one expected line of a variant.
      console.log(`provenance (${mode}): ${results.filter(Boolean).length}/${cases.length} expected lines reproduced exactly`);
    });

    it.each(cases.map((c) => [`${c.variant} #${c.finding}`, c] as const))('%s', async (_name, c) => {
      const expectations = await loadExpectations(c.variant);
      const expected = expectations.findings[c.finding]!;
      const t = await trace(c.variant, c.chart, !expectations.helmRenders, withoutMarkers);
      let located;
      if ('missingKind' in c.query) {
        expect(t.objects.some((o) => o.kind === (c.query as { missingKind: string }).missingKind)).toBe(false);
        located = locateMissingObject(c.query.missingKind, t.values, t.templates);
      } else {
        const object = objectOf(t, c.query.kind, c.chart, c.query);
        const objectPath = typeof c.query.path === 'function' ? c.query.path(object.value!) : c.query.path;
        expect(objectPath, 'the query finds its field in the real render').toBeDefined();
        located = locateRenderedField({ object, path: objectPath!, values: t.values, templates: t.templates });
      }
      const ok = located?.path === expected.path && located.line === expected.line;
      results.push(ok);
      expect({ path: located?.path, line: located?.line }).toEqual({ path: expected.path, line: expected.line });
    });
  });
}

/** Variants whose values the chart's schema refuses: Helm's own error, on the expected line. */
const REFUSED: Array<{ variant: string; chart: string }> = [
  { variant: 'tr-k8s-3-init-no-requests', chart: 'orchestrator' },
  { variant: 'tr-k8s-3-invalid-quantity', chart: 'api-gateway' },
  { variant: 'tr-k8s-3-no-limits', chart: 'api-gateway' },
  { variant: 'tr-k8s-3-prod-limits-null', chart: 'orchestrator' },
  { variant: 'tr-k8s-4-besteffort', chart: 'condenser-worker' },
];

describe('a schema Helm refuses the values with: the error on the values line', () => {
  it.each(REFUSED.map((r) => [r.variant, r] as const))('%s', async (_name, r) => {
    const expectations = await loadExpectations(r.variant);
    expect(expectations.helmRenders).toBe(false);
    const t = await trace(r.variant, r.chart, true);
    const root = await materialized.get(r.variant)!;
    const error = await renderChart(path.join(root, 'charts', r.chart), { valuesFiles: ['values.yaml', 'values-prod.yaml'] }).then(
      () => undefined,
      (e: HelmError) => e,
    );
    expect(error?.stderr).toContain(expectations.helmError!);
    const located = locateHelmError(error!.stderr, t.values, t.templates, r.chart);
    const expected = expectations.findings[0]!;
    expect(located?.map((l) => ({ path: l.location.path, line: l.location.line }))).toEqual([{ path: expected.path, line: expected.line }]);
  });
});
