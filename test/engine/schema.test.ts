/** Objects the API server would reject (core rule `schema`), through a whole review so that validators load as in production. */
import { describe, expect, it } from 'vitest';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';

/** A matcher for a message that contains `text` (vitest's matchers are typed `any`). */
const containing = (text: string): unknown => expect.stringContaining(text);

async function schemaFindings(files: Record<string, string>, configText?: string) {
  const result = await reviewRepository(new MemorySource(new Map(Object.entries(files))), configText === undefined ? {} : { configText });
  return result.findings.filter((f) => f.ruleId === 'schema').map((f) => ({ path: f.path, line: f.line, level: f.level, message: f.message }));
}

const badDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  template:
    spec:
      containers:
        - image: web:1.0.0
          ports:
            - containerPort: 8080
              protocol: TCPX
          resources:
            requests: { cpu: 1, memory: 128Mi }
`;

describe('schema', () => {
  it('reports a wrong type, a value outside an enum and missing required fields on their lines, naming the field, never the value', async () => {
    expect(await schemaFindings({ 'manifests/web.yaml': badDeployment })).toEqual([
      { path: 'manifests/web.yaml', line: 5, level: 'failure', message: 'Deployment/web would be rejected by the API server: spec.selector is required' },
      { path: 'manifests/web.yaml', line: 6, level: 'failure', message: 'Deployment/web would be rejected by the API server: spec.replicas must be integer' },
      {
        path: 'manifests/web.yaml',
        line: 10,
        level: 'failure',
        message: 'Deployment/web would be rejected by the API server: spec.template.spec.containers[0].name is required',
      },
      {
        path: 'manifests/web.yaml',
        line: 13,
        level: 'failure',
        message: 'Deployment/web would be rejected by the API server: spec.template.spec.containers[0].ports[0].protocol must be one of SCTP, TCP, UDP',
      },
    ]);
  });

  it('reports fields the kind does not have (misspelt, misplaced), at any depth, on their lines', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  label: { app: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: web:1.0.0
          resource:
            limits: { memory: 128Mi }
          securityContext: { runAsNonroot: true }
          env:
            - { name: A, valu: "1" }
`;
    expect(await schemaFindings({ 'manifests/web.yaml': manifest })).toEqual([
      { path: 'manifests/web.yaml', line: 5, level: 'failure', message: containing('metadata.label is not a field of Deployment (ObjectMeta)') },
      {
        path: 'manifests/web.yaml',
        line: 15,
        level: 'failure',
        message: containing('spec.template.spec.containers[0].resource is not a field of Deployment (Container)'),
      },
      { path: 'manifests/web.yaml', line: 17, level: 'failure', message: containing('securityContext.runAsNonroot is not a field') },
      { path: 'manifests/web.yaml', line: 19, level: 'failure', message: containing('env[0].valu is not a field of Deployment (EnvVar)') },
    ]);
  });

  it('validates KEDA and Sealed Secrets objects against their CRDs, JSON manifests too', async () => {
    const scaledObject =
      '{\n  "apiVersion": "keda.sh/v1alpha1",\n  "kind": "ScaledObject",\n  "metadata": {"name": "worker"},\n  "spec": {\n    "scaleTargetRef": {"name": "worker"},\n    "triggers": [{"type": "rabbitmq", "metadata": {"queueName": "q", "value": 20}}]\n  }\n}\n';
    const sealed = 'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: s }\nspec:\n  encryptedData:\n    a: 1\n';
    expect(await schemaFindings({ 'manifests/so.json': scaledObject, 'manifests/ss.yaml': sealed })).toEqual([
      {
        path: 'manifests/so.json',
        line: 7,
        level: 'failure',
        message: 'ScaledObject/worker would be rejected by the API server: spec.triggers[0].metadata.value must be string',
      },
      {
        path: 'manifests/ss.yaml',
        line: 6,
        level: 'failure',
        message: 'SealedSecret/s would be rejected by the API server: spec.encryptedData.a must be string',
      },
    ]);
  });

  it('stays silent on valid objects, unmodelled kinds, template documents with actions and service-chart values', async () => {
    const chart = { 'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n' };
    const templated = badDeployment.replace('replicas: "3"', 'replicas: {{ .Values.replicas }}');
    const valid = 'apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec:\n  selector: { app: web }\n  ports: [{ port: 80, targetPort: http }]\n';
    const crd = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: { size: "big" }\n';
    // (A chart template is judged as Helm renders it: with `replicas` set in values it is the
    // bad Deployment below, so only its template action is silent here.)
    expect(
      await schemaFindings({
        ...chart,
        'charts/web/templates/d.yaml': templated,
        'charts/web/values.yaml': 'replicas: 3\n',
        'manifests/svc.yaml': valid,
        'manifests/crd.yaml': crd,
      }).then((f) => f.filter((x) => !x.path.startsWith('charts/web/'))),
    ).toEqual([]);
  });

  it('validates a chart template document without template actions, and can be waived by path', async () => {
    const chart = { 'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n', 'charts/web/templates/d.yaml': badDeployment };
    expect((await schemaFindings(chart)).map((f) => f.line)).toEqual([5, 6, 10, 13]);
    expect(await schemaFindings(chart, 'exceptions:\n  - rule: schema\n    path: charts/web/**\n    reason: "migrating (PLAT-9)"\n')).toEqual([]);
  });
});
