import rule from '../../rules/TR-K8S-4.ts';
import { fixesOf, ruleTester, serviceChart } from './rule-tester.ts';
import { expect, it } from 'vitest';

/** A Deployment whose pod spec lines are given (indented under `spec:` of the template). */
const deployment = (podSpec: string, namespace = 'balance-plus') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  template:
    spec:
${podSpec}`;

const container = (resources = '') => `      containers:
        - name: web
          image: web:1.0.0
${resources}`;

ruleTester(rule, {
  valid: [
    {
      name: 'values with requests and limits (Burstable)',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'resources:\n  requests: { cpu: 250m, memory: 256Mi }\n  limits: { cpu: "1", memory: 512Mi }\n',
      ),
    },
    {
      name: 'only a memory limit: request defaulted to it, Burstable (TR-K8S-3 still fires)',
      files: { 'manifests/web.yaml': deployment(container('          resources:\n            limits: { memory: 128Mi }\n')) },
    },
    {
      name: 'main container bare but a sidecar sets a cpu request: Burstable',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'image: { tag: "1" }\nsidecars:\n  - name: proxy\n    image: envoy:1\n    resources:\n      requests: { cpu: 50m }\n',
      ),
    },
    {
      name: 'only an init container has resources: Burstable',
      files: {
        'manifests/web.yaml': deployment(
          `      initContainers:\n        - name: migrate\n          image: m:1\n          resources:\n            requests: { memory: 64Mi }\n${container()}`,
        ),
      },
    },
    {
      name: 'pod-level resources decide (PodLevelResources)',
      files: { 'manifests/web.yaml': deployment(`      resources:\n        limits: { cpu: "1", memory: 1Gi }\n${container()}`) },
    },
    { name: 'staging namespace is not production', files: { 'manifests/web.yaml': deployment(container(), 'staging') } },
    {
      name: 'resources templated by Helm are judged after rendering',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/web.yaml': deployment(container('          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n')),
        'charts/platform/values.yaml': 'resources:\n  requests: { cpu: 100m, memory: 64Mi }\n',
      },
    },
    {
      name: 'waived with a reason on the pod template',
      files: {
        'manifests/web.yaml': deployment(container()).replace(
          '  template:\n',
          '  template:\n    metadata:\n      annotations:\n        bplus.io/exception-TR-K8S-4: "batch scavenger, evictable by design (PLAT-9)"\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'values without any resources: first key of the prod overlay',
      output: {
        'charts/api-gateway/values-prod.yaml':
          '# prod\nreplicaCount: 3\nresources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 512Mi\n',
      },
      files: serviceChart('api-gateway', 'python-fastapi-service', '# api\nimage:\n  tag: "1"\n', '# prod\nreplicaCount: 3\n'),
      errors: [
        {
          messageId: 'bestEffort',
          path: 'charts/api-gateway/values-prod.yaml',
          line: 2,
          column: 1,
          message: 'Deployment/api-gateway would run as QoS BestEffort',
        },
      ],
    },
    {
      name: 'prod overlay nulls out both sections: on resources in the overlay',
      output: {
        'charts/api-gateway/values-prod.yaml':
          'image: { tag: "2" }\nresources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 512Mi\n',
      },
      files: serviceChart(
        'api-gateway',
        'python-fastapi-service',
        'resources:\n  requests: { cpu: 250m, memory: 256Mi }\n  limits: { cpu: "1", memory: 512Mi }\n',
        'image: { tag: "2" }\nresources:\n  requests: null\n  limits: null\n',
      ),
      errors: [{ messageId: 'bestEffort', path: 'charts/api-gateway/values-prod.yaml', line: 2, column: 1 }],
    },
    {
      name: 'only ephemeral-storage: still BestEffort',
      files: { 'manifests/web.yaml': deployment(container('          resources:\n            limits:\n              ephemeral-storage: 1Gi\n')) },
      errors: [{ messageId: 'bestEffortUncounted', path: 'manifests/web.yaml', line: 12, column: 11, message: 'only limits.ephemeral-storage' }],
    },
    {
      name: 'zero quantities do not count',
      files: { 'manifests/web.yaml': deployment(container('          resources:\n            requests: { cpu: "0", memory: 0 }\n')) },
      errors: [{ messageId: 'bestEffortUncounted', path: 'manifests/web.yaml', line: 12, column: 11, message: 'requests.cpu: 0, requests.memory: 0' }],
    },
    {
      name: 'no resources key: on the first container',
      files: { 'manifests/web.yaml': deployment(container()) },
      errors: [{ messageId: 'bestEffort', path: 'manifests/web.yaml', line: 10, column: 11 }],
    },
    {
      name: 'CronJob without namespace (Argo CD fills in production)',
      files: {
        'manifests/job.yaml':
          'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n              image: job:1\n              resources: {}\n',
      },
      errors: [{ messageId: 'bestEffort', path: 'manifests/job.yaml', line: 12, column: 15, message: 'CronJob/nightly' }],
    },
    {
      name: 'infrastructure StatefulSet template without resources',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/db.yaml':
          'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: postgresql\n  namespace: {{ .Release.Namespace }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: postgresql\n          image: postgres:16\n',
      },
      errors: [{ messageId: 'bestEffort', path: 'charts/platform/templates/db.yaml', line: 10, column: 11 }],
    },
    {
      name: 'waiver without a reason does not apply',
      files: {
        'manifests/web.yaml': deployment(container()).replace(
          '  namespace: balance-plus\n',
          '  namespace: balance-plus\n  annotations:\n    bplus.io/exception-TR-K8S-4: " "\n',
        ),
      },
      errors: [{ messageId: 'bestEffort', path: 'manifests/web.yaml', line: 12, column: 11 }],
    },
  ],
});

it('TR-K8S-4 fixes a Celery worker with the platform defaults for celery, where its values are', async () => {
  const { findings, fixable, plan } = await fixesOf(rule, serviceChart('condenser-worker', 'python-celery-worker', 'keda: { enabled: false }\n'));
  expect(findings).toHaveLength(1);
  expect(fixable).toEqual(findings);
  expect(findings[0]!.fixable).toBe(true);
  expect(plan.applied.map((a) => [a.path, a.description])).toEqual([
    [
      'charts/condenser-worker/values.yaml',
      'added requests.cpu 500m, requests.memory 512Mi, limits.cpu 1, limits.memory 1Gi to resources (the main container; platform defaults for celery)',
    ],
  ]);
  expect(plan.remaining).toEqual([]);
});
