/**
 * Everyday Helm idioms, rendered by the real Helm through bplus's own render path: each chart
 * renders, nothing is called unreadable, and only what Helm rendered is judged (a disabled
 * template's object is absent, a subchart switched off by its condition renders nothing). A second
 * review of the same content runs no Helm at all (the render cache).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { loadRepository, type RepositoryModel } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';

const chart = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n${extra}`;
const infra = 'annotations:\n  balance-plus.io/chart-role: infrastructure\n';

/** A CRD over 1 MiB (bplus' own size cap for files it reads): Helm reads it, so bplus does too. */
function bigCrd(): string {
  const properties = Array.from(
    { length: 9000 },
    (_, i) => `                field${i}:\n                  type: string\n                  description: "${'x'.repeat(80)}"\n`,
  ).join('');
  return `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\nspec:\n  group: example.com\n  names: { kind: Widget, plural: widgets }\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n${properties}`;
}

const idioms: Record<string, string> = {
  'charts/idioms/Chart.yaml': chart(
    'idioms',
    `${infra}dependencies:\n  - name: common\n    version: 1.0.0\n    repository: file://../common\n  - name: cache\n    version: 1.0.0\n    repository: https://charts.example.com\n    condition: cache.enabled\n  - name: queue\n    version: 1.0.0\n    repository: https://charts.example.com\n`,
  ),
  'charts/idioms/values.yaml': [
    'global:\n  registry: registry.example',
    'labels:\n  team: payments',
    'ports:\n  - name: http\n    port: 8080\n  - name: metrics\n    port: 9090',
    'resources:\n  requests: { cpu: 100m, memory: 64Mi }\n  limits: { cpu: 200m, memory: 128Mi }',
    'extraContainers:\n  - name: proxy\n    image: registry.example/proxy:1.2.3\n    resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { cpu: 10m, memory: 16Mi } }',
    'greeting: "hello {{ .Release.Name }}"',
    'canary:\n  enabled: false',
    'cache:\n  enabled: false',
    'strict: true',
    '',
  ].join('\n'),
  // include … | nindent followed by literal keys; if/else setting the same key; toYaml into a list
  // item followed by more keys; an action alone inside a | block; two actions on one line; range; with.
  'charts/idioms/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
    tier: backend
spec:
  {{- if .Values.strict }}
  replicas: 2
  {{- else }}
  replicas: 1
  {{- end }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
      annotations:
        script: |
          #!/bin/sh
          {{ .Values.greeting }}
          exit 0
    spec:
      containers:
        - {{- toYaml (index .Values.extraContainers 0) | nindent 10 }}
          securityContext: { runAsNonRoot: true }
        - name: app
          image: {{ .Values.global.registry }}/app:{{ .Chart.Version }}
          ports:
            {{- range .Values.ports }}
            - name: {{ .name }}
              containerPort: {{ .port }}
            {{- end }}
          {{- with .Values.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
`,
  // tpl of values, lookup (empty offline), .Capabilities.APIVersions.Has, a disabled template.
  'charts/idioms/templates/config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  greeting: {{ tpl .Values.greeting . | quote }}
  existing: {{ (lookup "v1" "ConfigMap" .Release.Namespace "x") | len | quote }}
  keda: {{ .Capabilities.APIVersions.Has "keda.sh/v1alpha1" | quote }}
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
`,
  'charts/idioms/templates/canary.yaml': `{{- if .Values.canary.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: canary
spec:
  type: LoadBalancer
  ports: [{ port: 80 }]
{{- end }}
`,
  'charts/idioms/crds/widgets.yaml': bigCrd(),
  // A library chart through file://.
  'charts/common/Chart.yaml': chart('common', 'type: library\n'),
  'charts/common/templates/_labels.tpl':
    '{{- define "common.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\napp.kubernetes.io/instance: {{ .Release.Name }}\n{{- end }}\n',
  // Vendored subcharts: one switched off by its condition (a LoadBalancer that must not be judged) …
  'charts/idioms/charts/cache/Chart.yaml': chart('cache'),
  'charts/idioms/charts/cache/templates/svc.yaml':
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: cache\nspec:\n  type: LoadBalancer\n  ports: [{ port: 6379 }]\n',
  // … and one that renders, reading global.
  'charts/idioms/charts/queue/Chart.yaml': chart('queue'),
  'charts/idioms/charts/queue/values.yaml': 'port: 5672\n',
  'charts/idioms/charts/queue/templates/cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: queue\ndata:\n  image: "{{ .Values.global.registry }}/rabbitmq"\n  port: {{ .Values.port | quote }}\n',
};

let cacheDir = '';
const previous = process.env.BPLUS_CACHE_DIR;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'bplus-idioms-cache-'));
  process.env.BPLUS_CACHE_DIR = cacheDir;
});
afterAll(async () => {
  if (previous === undefined) delete process.env.BPLUS_CACHE_DIR;
  else process.env.BPLUS_CACHE_DIR = previous;
  await rm(cacheDir, { recursive: true, force: true });
});

async function review(files: Record<string, string>): Promise<RepositoryModel> {
  return loadRepository(new MemorySource(new Map(Object.entries(files))), parseConfig('').config);
}

describe('Helm idioms render and are judged as Helm renders them', () => {
  let model: RepositoryModel;
  beforeAll(async () => {
    model = await review(idioms);
  });

  it('reports nothing unreadable and no refusal', () => {
    expect(model.problems.filter((p) => p.code !== 'unknown-kind').map((p) => p.message)).toEqual([]);
    expect(model.renderedCharts.has('charts/idioms')).toBe(true);
  });

  it('renders the idioms into the objects Helm gives', () => {
    const deployment = model.objects.find((o) => o.kind === 'Deployment')!;
    const spec = deployment.raw.spec as {
      replicas: number;
      template: { spec: { containers: Array<Record<string, unknown>> }; metadata: { annotations: Record<string, string> } };
    };
    expect(deployment.metadata.labels).toEqual({ 'app.kubernetes.io/name': 'idioms', 'app.kubernetes.io/instance': 'idioms', tier: 'backend' });
    expect(spec.replicas).toBe(2);
    expect(spec.template.spec.containers.map((c) => c.name)).toEqual(['proxy', 'app']);
    expect(spec.template.spec.containers[0]!.securityContext).toEqual({ runAsNonRoot: true });
    expect(spec.template.spec.containers[1]!.ports).toEqual([
      { name: 'http', containerPort: 8080 },
      { name: 'metrics', containerPort: 9090 },
    ]);
    expect(spec.template.spec.containers[1]!.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    expect(spec.template.metadata.annotations.script).toContain('hello {{ .Release.Name }}');
    const config = model.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'idioms-config')!;
    expect(config.raw.data).toEqual({ greeting: 'hello idioms', existing: '0', keda: 'true', kube: 'v1.31.0' });
    expect(model.objects.find((o) => o.metadata.name === 'queue')?.raw.data).toEqual({ image: 'registry.example/rabbitmq', port: '5672' });
  });

  it('judges nothing Helm did not render: the disabled template and the switched-off subchart', () => {
    expect(model.objects.filter((o) => o.kind === 'Service')).toEqual([]);
  });

  it('reads the CRD over 1 MiB that Helm reads, and locates on the repository files', () => {
    const crd = model.objects.find((o) => o.kind === 'CustomResourceDefinition');
    expect(crd?.metadata.name).toBe('widgets.example.com');
    expect(idioms['charts/idioms/crds/widgets.yaml']!.length).toBeGreaterThan(1024 * 1024);
    expect(crd?.locate(['kind']).path).toBe('charts/idioms/crds/widgets.yaml');
    const queue = model.objects.find((o) => o.metadata.name === 'queue')!;
    expect(queue.locate(['data', 'port'])).toMatchObject({ path: 'charts/idioms/charts/queue/templates/cm.yaml', line: 7 });
  });

  it('a second review of the same content runs no Helm (the render cache)', async () => {
    const again = await review(idioms);
    expect(again.renders).toEqual({ helm: 0, cached: model.renders!.helm + model.renders!.cached });
    expect(again.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(model.objects.map((o) => `${o.kind}/${o.metadata.name}`));
  });
});

describe('what Helm refuses or cannot resolve offline', () => {
  it("a required value: one finding with Helm's message; the rest is still reviewed", async () => {
    const model = await review({
      'charts/broken/Chart.yaml': chart('broken', infra),
      'charts/broken/templates/x.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required "db.host is required" .Values.db.host }}\n',
      'charts/broken/values.yaml': 'db:\n  port: 5432\n',
      'manifests/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: plain }\n',
    });
    const refusals = model.problems.filter((p) => p.code === 'helm-render');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.message).toContain('db.host is required');
    expect(refusals[0]!.path).toMatch(/^charts\/broken\//);
    expect(model.objects.map((o) => o.metadata.name)).toEqual(['plain']);
  });

  it('a dependency neither file:// nor vendored: a finding on its line in Chart.yaml', async () => {
    const model = await review({
      'charts/app/Chart.yaml': chart('app', 'dependencies:\n  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n'),
      'charts/app/templates/x.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
    });
    expect(model.problems.map((p) => [p.code, p.path, p.line])).toEqual([['helm-dependency', 'charts/app/Chart.yaml', 7]]);
  });

  it('a vendored subchart (directory) renders and its templates are repository files', async () => {
    const model = await review({
      'charts/umbrella/Chart.yaml': chart('umbrella', 'dependencies:\n  - name: redis\n    version: 19.0.0\n    repository: https://charts.example.com\n'),
      'charts/umbrella/charts/redis/Chart.yaml': chart('redis'),
      'charts/umbrella/charts/redis/templates/svc.yaml':
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\nspec:\n  type: NodePort\n  ports: [{ port: 6379 }]\n',
    });
    expect(model.problems).toEqual([]);
    const svc = model.objects.find((o) => o.kind === 'Service')!;
    expect(svc.origin).toMatchObject({ type: 'rendered', chart: 'charts/umbrella', template: 'charts/umbrella/charts/redis/templates/svc.yaml' });
    expect(svc.locate(['spec', 'type'])).toMatchObject({ path: 'charts/umbrella/charts/redis/templates/svc.yaml', line: 6 });
  });
});
