/**
 * A library chart written for this test, with a values layout unlike the bundled libraries'
 * (`app.container.*`, `expose.*`, `scale.*`), reaches the same verdicts as the bundled
 * python-fastapi-service library on the same situations, finding by finding (rule, message id),
 * and each lands on the values line that sets the field in that library's own layout. Nothing
 * in bplus knows this layout: Helm renders it, the marker render traces it.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { loadRules } from '../../src/engine/registry.ts';
import { runRules } from '../../src/engine/review.ts';
import { loadRepository } from '../../src/model/repository.ts';
import { MemorySource } from '../../src/source/local.ts';
import { serviceChart, type Files } from '../helpers/service-chart.ts';

const FRESH = 'acme-web';
const freshLibrary: Files = {
  [`charts/library/${FRESH}/Chart.yaml`]: `apiVersion: v2\nname: ${FRESH}\nversion: 0.3.0\ntype: library\n`,
  [`charts/library/${FRESH}/templates/_all.tpl`]: `{{- define "${FRESH}.all" -}}
{{- $c := .Values.app.container -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Chart.Name }}
  labels: { app.kubernetes.io/name: {{ .Chart.Name }}, app.kubernetes.io/component: api }
spec:
  {{- if not .Values.scale.enabled }}
  replicas: {{ .Values.app.count }}
  {{- end }}
  selector: { matchLabels: { app.kubernetes.io/name: {{ .Chart.Name }} } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: {{ .Chart.Name }}, app.kubernetes.io/component: api }
    spec:
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ $c.image }}"
          {{- with $c.limits }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ .Chart.Name }}
spec:
  type: {{ .Values.expose.type | default "ClusterIP" }}
  selector: { app.kubernetes.io/name: {{ .Chart.Name }} }
  ports: [{ port: 80 }]
{{- if .Values.scale.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ .Chart.Name }}
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: {{ .Chart.Name }} }
  minReplicas: {{ .Values.scale.min }}
  maxReplicas: {{ .Values.scale.max }}
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } } }]
{{- end }}
{{- end }}
`,
};

function freshChart(values: string): Files {
  return {
    ...freshLibrary,
    'charts/web/Chart.yaml': `apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: ${FRESH}\n    version: 0.3.0\n    repository: file://../library/${FRESH}\n`,
    'charts/web/templates/all.yaml': `{{ include "${FRESH}.all" . }}\n`,
    'charts/web/values.yaml': values,
  };
}

const CONFIG = `libraries:\n  python-fastapi-service: fastapi\n  ${FRESH}: fastapi\nrecommended: false\n`;
const RULES = /^TR-K8S-[3-6]$/;

async function findings(files: Files): Promise<Array<{ ruleId: string; messageId: string; path: string; line: number; text: string }>> {
  const loaded = parseConfig(CONFIG);
  const model = await loadRepository(new MemorySource(new Map(Object.entries(files))), loaded.config);
  expect(model.problems.filter((p) => p.code !== 'unknown-kind')).toEqual([]);
  const rules = (await loadRules()).filter((r) => RULES.test(r.meta.id));
  return runRules(model, rules, loaded, 'en').map((f) => ({
    ruleId: f.ruleId,
    messageId: f.messageId,
    path: f.path,
    line: f.line,
    text: (files[f.path] ?? '').split('\n')[f.line - 1]?.trim() ?? '',
  }));
}

const resources = 'requests: { cpu: 100m, memory: 64Mi }';
const limits = 'limits: { cpu: 200m, memory: 128Mi }';

/** The same situations in both layouts, and the line each finding must land on. */
const cases = [
  {
    name: 'limits missing, autoscaled',
    bundled: `resources:\n  ${resources}\nautoscaling: { enabled: true, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 }\n`,
    fresh: `app:\n  count: 2\n  container:\n    image: registry.example/web:1.0.0\n    limits:\n      ${resources}\nscale: { enabled: true, min: 2, max: 4 }\nexpose: {}\n`,
    lines: { bundled: 'resources:', fresh: 'limits:' },
  },
  {
    name: 'a LoadBalancer Service, autoscaled, full resources',
    bundled: `resources:\n  ${resources}\n  ${limits}\nautoscaling: { enabled: true, minReplicas: 2, maxReplicas: 4, targetCPUUtilizationPercentage: 70 }\nservice:\n  type: LoadBalancer\n`,
    fresh: `app:\n  count: 2\n  container:\n    image: registry.example/web:1.0.0\n    limits:\n      ${resources}\n      ${limits}\nscale: { enabled: true, min: 2, max: 4 }\nexpose:\n  type: LoadBalancer\n`,
    lines: { bundled: 'type: LoadBalancer', fresh: 'type: LoadBalancer' },
  },
  {
    name: 'autoscaling switched off',
    bundled: `resources:\n  ${resources}\n  ${limits}\nautoscaling:\n  enabled: false\n`,
    fresh: `app:\n  count: 2\n  container:\n    image: registry.example/web:1.0.0\n    limits:\n      ${resources}\n      ${limits}\nscale:\n  enabled: false\nexpose: {}\n`,
    lines: { bundled: 'enabled: false', fresh: 'enabled: false' },
  },
];

describe('a fresh library with its own values layout gets the verdicts of the bundled one', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const bundled = await findings(serviceChart('web', 'python-fastapi-service', c.bundled));
    const fresh = await findings(freshChart(c.fresh));
    expect(bundled.length).toBeGreaterThan(0);
    // Finding by finding: the same rules and message ids…
    expect(fresh.map((f) => `${f.ruleId}/${f.messageId}`).sort()).toEqual(bundled.map((f) => `${f.ruleId}/${f.messageId}`).sort());
    // … each on the values line of its own layout.
    const onLine = (text: string): unknown => expect.stringContaining(text);
    for (const f of bundled) expect({ path: f.path, text: f.text }).toEqual({ path: 'charts/web/values.yaml', text: onLine(c.lines.bundled) });
    for (const f of fresh) expect({ path: f.path, text: f.text }).toEqual({ path: 'charts/web/values.yaml', text: onLine(c.lines.fresh) });
  });
});

describe('a field the fresh library writes that no value controls', () => {
  it('lands on the template line that writes it, not on a values line', async () => {
    const template = `charts/library/${FRESH}/templates/_all.tpl`;
    const files = freshChart(
      `app:\n  count: 2\n  container:\n    image: registry.example/web:1.0.0\n    limits:\n      ${resources}\n      ${limits}\nscale: { enabled: true, min: 2, max: 4 }\nexpose: {}\n`,
    );
    // The pod joins the node's network, whatever the values say.
    const text = (files[template] ?? '').replace('    spec:\n      containers:', '    spec:\n      hostNetwork: true\n      containers:');
    files[template] = text;
    expect(text).toContain('hostNetwork: true');
    const found = await findings(files);
    const onTemplate = found.filter((f) => f.ruleId === 'TR-K8S-6').map(({ path, line, text: written }) => ({ path, line, written }));
    expect(onTemplate).toEqual([{ path: template, line: text.split('\n').indexOf('      hostNetwork: true') + 1, written: 'hostNetwork: true' }]);
    // Nothing else: the values as written are compliant.
    expect(found.filter((f) => f.ruleId !== 'TR-K8S-6')).toEqual([]);
  });
});
