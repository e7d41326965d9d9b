import rule from '../../rules/TR-K8S-3.ts';
import { ruleTester, serviceChart } from './rule-tester.ts';

const fullResources = `resources:
  requests:
    cpu: 250m
    memory: 256Mi
  limits:
    cpu: "1"
    memory: 512Mi
`;

const deployment = (resources: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: balance-plus
spec:
  template:
    spec:
${extra}      containers:
        - name: web
          image: web:1.0.0
${resources}`;

ruleTester(rule, {
  valid: [
    { name: 'values with requests and limits', files: serviceChart('orchestrator', 'python-fastapi-service', fullResources) },
    {
      name: 'limits in values.yaml, requests from the prod overlay',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'resources:\n  limits: { cpu: 1, memory: 1Gi }\n',
        'resources:\n  requests: { cpu: 500m, memory: 1Gi }\n',
      ),
    },
    {
      name: 'exotic but valid quantities (.5, 5e-1, 1Ki, 1e6)',
      files: serviceChart('orchestrator', 'python-fastapi-service', 'resources:\n  requests: { cpu: .5, memory: 1Ki }\n  limits: { cpu: 5e-1, memory: 1e6 }\n'),
    },
    {
      name: 'manifest with full resources',
      files: {
        'manifests/web.yaml': deployment(
          '          resources:\n            requests: { cpu: 100m, memory: 64Mi }\n            limits: { cpu: 100m, memory: 64Mi }\n',
        ),
      },
    },
    {
      name: 'manifest in another namespace is not production',
      files: { 'manifests/web.yaml': deployment('').replace('namespace: balance-plus', 'namespace: staging') },
    },
    {
      name: 'templated quantity is left to render time',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/web.yaml': deployment(
          '          resources:\n            requests: { cpu: "{{ .Values.cpu }}", memory: 64Mi }\n            limits: { cpu: 100m, memory: 64Mi }\n',
        ),
        'charts/platform/values.yaml': 'cpu: 100m\n',
      },
    },
    {
      // The engine leaves blocks Helm fills in at render time out for every rule: no false "no resources".
      name: 'resources filled in by a template action on the next line (a manifest with Helm actions)',
      files: { 'manifests/web.yaml': deployment('          resources:\n            {{- toYaml .Values.resources | nindent 12 }}\n') },
    },
    {
      name: 'request equal to limit (1Gi vs 1073741824)',
      files: {
        'manifests/web.yaml': deployment(
          '          resources:\n            requests: { cpu: "1", memory: 1Gi }\n            limits: { cpu: 1000m, memory: "1073741824" }\n',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'no limits in values: reported on resources in the file that sets it',
      output: {
        'charts/orchestrator/values.yaml':
          '# orchestrator\nimage:\n  tag: "1.0"\nresources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 512Mi\n',
      },
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        '# orchestrator\nimage:\n  tag: "1.0"\nresources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n',
      ),
      errors: [
        { messageId: 'missing', path: 'charts/orchestrator/values.yaml', line: 4, column: 1, message: 'limits.cpu' },
        { messageId: 'missing', path: 'charts/orchestrator/values.yaml', line: 4, column: 1, message: 'limits.memory' },
      ],
    },
    {
      name: 'prod overlay removes the memory limit with null: reported on that null, and the null replaced',
      output: { 'charts/orchestrator/values-prod.yaml': 'replicaCount: 3\nresources:\n  limits:\n    memory: 512Mi\n' },
      files: serviceChart('orchestrator', 'python-fastapi-service', fullResources, 'replicaCount: 3\nresources:\n  limits:\n    memory: null\n'),
      errors: [{ messageId: 'missing', path: 'charts/orchestrator/values-prod.yaml', line: 4, column: 5, message: 'limits.memory' }],
    },
    {
      name: 'no resources at all: reported on the first key of the prod overlay',
      output: {
        'charts/orchestrator/values-prod.yaml':
          '# prod\nreplicaCount: 3\nresources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 512Mi\n',
      },
      files: serviceChart('orchestrator', 'python-fastapi-service', 'image:\n  tag: "1.0"\n', '# prod\nreplicaCount: 3\n'),
      errors: [{ messageId: 'missingResources', path: 'charts/orchestrator/values-prod.yaml', line: 2, column: 1 }],
    },
    {
      name: 'init container without requests',
      output: {
        'charts/orchestrator/values.yaml':
          'resources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 512Mi\ninitContainers:\n  - name: migrate\n    image: migrate:1\n    resources:\n      limits: { cpu: 200m, memory: 128Mi }\n      requests:\n        cpu: 200m\n        memory: 128Mi\nimage:\n  repository: registry.example/orchestrator\n  tag: "1.0.0"\n',
      },
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        `${fullResources}initContainers:\n  - name: migrate\n    image: migrate:1\n    resources:\n      limits: { cpu: 200m, memory: 128Mi }\n`,
      ),
      errors: [
        { messageId: 'missing', path: 'charts/orchestrator/values.yaml', line: 11, column: 5, message: 'init container "migrate" has no requests.cpu' },
        { messageId: 'missing', path: 'charts/orchestrator/values.yaml', line: 11, column: 5, message: 'requests.memory' },
      ],
    },
    {
      name: 'sidecar with request above limit',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        `${fullResources}sidecars:\n  - name: proxy\n    image: proxy:1\n    resources:\n      requests: { cpu: 500m, memory: 64Mi }\n      limits: { cpu: 200m, memory: 64Mi }\n`,
      ),
      errors: [
        { messageId: 'requestAboveLimit', path: 'charts/orchestrator/values.yaml', line: 12, column: 19, message: 'cpu request 500m is above its limit 200m' },
      ],
    },
    {
      name: 'invalid quantity 1.5Gb',
      files: serviceChart('orchestrator', 'python-fastapi-service', fullResources.replace('memory: 512Mi', 'memory: 1.5Gb')),
      errors: [{ messageId: 'invalidQuantity', path: 'charts/orchestrator/values.yaml', line: 7, column: 5, message: '"1.5Gb"' }],
    },
    {
      name: 'a mapping where a quantity goes is shown as YAML, not [object Object]',
      files: {
        'manifests/web.yaml': deployment(
          '          resources:\n            requests: { cpu: { x: 1 }, memory: 64Mi }\n            limits: { cpu: 100m, memory: 64Mi }\n',
        ),
      },
      errors: [
        { messageId: 'invalidQuantity', path: 'manifests/web.yaml', line: 13, column: 25, message: 'requests.cpu "{x: 1}" is not a Kubernetes quantity' },
      ],
    },
    {
      name: 'plain manifest container without resources',
      files: { 'manifests/web.yaml': deployment('') },
      errors: [{ messageId: 'missingResources', path: 'manifests/web.yaml', line: 10, column: 11 }],
    },
    {
      name: 'CronJob container without limits',
      files: {
        'manifests/job.yaml':
          'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\nspec:\n  schedule: "0 1 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: job\n              image: job:1\n              resources:\n                requests: { cpu: 100m, memory: 64Mi }\n',
      },
      errors: [
        { messageId: 'missing', path: 'manifests/job.yaml', line: 13, column: 15, message: 'limits.cpu' },
        { messageId: 'missing', path: 'manifests/job.yaml', line: 13, column: 15, message: 'limits.memory' },
      ],
    },
  ],
});
