import rule from '../../rules/BP-PDB.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const api = (replicas: string, namespace = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
${namespace}spec:
${replicas}  selector:
    matchLabels: { app.kubernetes.io/name: orders }
  template:
    metadata:
      labels:
        app.kubernetes.io/name: orders
        app.kubernetes.io/component: api
    spec:
      containers:
        - name: orders
          image: orders:1.0.0
`;
const pdb = (selector: string, namespace = '') => `---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: orders
${namespace}spec:
  minAvailable: 1
  selector:
${selector}`;
const hpa = (min: number) => `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: orders }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: orders }
  minReplicas: ${min}
  maxReplicas: 10
`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'values: autoscaled service with the library PDB',
      files: serviceChart(
        'api-gateway',
        'python-fastapi-service',
        'autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6 }\npodDisruptionBudget: { enabled: true, minAvailable: 2 }\n',
      ),
    },
    {
      name: 'values: a single replica needs no PDB',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'replicaCount: 1\npodDisruptionBudget: { enabled: false }\n'),
    },
    {
      name: 'values: no replicaCount and no autoscaling renders one replica',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'image: { tag: "1" }\n'),
    },
    {
      name: 'values: workers and the SPA are not API services',
      files: {
        ...serviceChart('condenser-worker', 'python-celery-worker', 'replicaCount: 3\n'),
        ...serviceChart('frontend', 'frontend-spa', 'replicaCount: 3\n'),
      },
    },
    {
      name: 'values: PDB in an infrastructure chart selecting the service',
      files: {
        ...serviceChart('api-gateway', 'python-fastapi-service', 'replicaCount: 3\n'),
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/pdb.yaml': pdb('    matchLabels: { balance-plus.io/service: api-gateway }\n'),
      },
    },
    {
      name: 'manifest: replicas 3 and a PDB with matchExpressions',
      files: {
        'manifests/orders.yaml':
          api('  replicas: 3\n') + pdb('    matchExpressions:\n      - { key: app.kubernetes.io/name, operator: In, values: [orders, billing] }\n'),
      },
    },
    { name: 'manifest: HPA minReplicas 1 overrides replicas', files: { 'manifests/orders.yaml': api('  replicas: 3\n') + hpa(1) } },
  ],
  invalid: [
    {
      name: 'values: autoscaled from 3 with the PDB disabled in prod: on podDisruptionBudget.enabled',
      files: serviceChart(
        'api-gateway',
        'python-fastapi-service',
        'autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 6 }\npodDisruptionBudget:\n  enabled: true\n',
        '# prod\npodDisruptionBudget:\n  enabled: false\n',
      ),
      errors: [
        {
          messageId: 'missing',
          path: 'charts/api-gateway/values-prod.yaml',
          line: 3,
          column: 3,
          message: 'Deployment/api-gateway runs 3 replicas but no PodDisruptionBudget selects its pods',
        },
      ],
    },
    {
      name: 'values: autoscaling without minReplicas renders 2 replicas',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'autoscaling:\n  enabled: true\n  maxReplicas: 6\n'),
      errors: [{ messageId: 'missing', path: 'charts/api-gateway/values.yaml', line: 1, column: 1, message: 'runs 2 replicas' }],
    },
    {
      name: 'values: replicaCount 2 without podDisruptionBudget key',
      files: serviceChart('orchestrator', 'python-fastapi-service', 'replicaCount: 2\n'),
      errors: [{ messageId: 'missing', path: 'charts/orchestrator/values.yaml', line: 1, column: 1, message: 'runs 2 replicas' }],
    },
    {
      name: 'manifest: replicas 3, PDB selecting other pods',
      files: { 'manifests/orders.yaml': api('  replicas: 3\n') + pdb('    matchLabels: { app.kubernetes.io/name: billing }\n') },
      errors: [{ messageId: 'missing', path: 'manifests/orders.yaml', line: 6, column: 3 }],
    },
    {
      name: 'manifest: HPA minReplicas 2, PDB in another namespace',
      files: { 'manifests/orders.yaml': api('') + hpa(2) + pdb('    matchLabels: { app.kubernetes.io/name: orders }\n', '  namespace: other\n') },
      errors: [{ messageId: 'missing', path: 'manifests/orders.yaml', line: 2, column: 1, message: 'runs 2 replicas' }],
    },
  ],
};

ruleTester(rule, cases);
