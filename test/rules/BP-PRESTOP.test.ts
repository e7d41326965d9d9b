import rule from '../../rules/BP-PRESTOP.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const api = (lifecycle: string, grace = '', component = 'api') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  template:
    metadata:
      labels: { app.kubernetes.io/component: ${component} }
    spec:
${grace}      containers:
        - name: orders
          image: orders:1.0.0
${lifecycle}`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'values: library default sleep (5 s) within the default grace',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'image: { tag: "1" }\n'),
    },
    {
      name: 'values: 10 s sleep, 45 s grace',
      files: serviceChart('orchestrator', 'python-fastapi-service', 'lifecycle:\n  preStopSleepSeconds: 10\nterminationGracePeriodSeconds: 45\n'),
    },
    {
      name: 'values: a Celery worker needs no preStop',
      files: serviceChart('condenser-worker', 'python-celery-worker', 'terminationGracePeriodSeconds: 600\n'),
    },
    {
      name: 'manifest: native sleep action',
      files: { 'manifests/orders.yaml': api('          lifecycle:\n            preStop:\n              sleep: { seconds: 5 }\n') },
    },
    {
      name: 'manifest: exec sleep',
      files: {
        'manifests/orders.yaml': api(
          '          lifecycle:\n            preStop:\n              exec: { command: [sh, -c, "sleep 10"] }\n',
          '      terminationGracePeriodSeconds: 40\n',
        ),
      },
    },
    { name: 'manifest: not an API pod', files: { 'manifests/orders.yaml': api('', '', 'frontend') } },
  ],
  invalid: [
    {
      name: 'values: sleep as long as the grace period',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'lifecycle:\n  preStopSleepSeconds: 30\n'),
      errors: [
        {
          messageId: 'tooLong',
          path: 'charts/api-gateway/values.yaml',
          line: 2,
          column: 3,
          message: 'the preStop sleep of 30 s in Deployment/api-gateway is not shorter than terminationGracePeriodSeconds (30 s)',
        },
      ],
    },
    {
      name: 'values: the prod overlay shortens the grace period under the default sleep',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'terminationGracePeriodSeconds: 30\n', 'terminationGracePeriodSeconds: 5\n'),
      errors: [{ messageId: 'tooLong', path: 'charts/api-gateway/values-prod.yaml', line: 1, column: 1, message: '(5 s)' }],
    },
    {
      name: 'manifest: no lifecycle at all',
      files: { 'manifests/orders.yaml': api('') },
      errors: [
        { messageId: 'missing', path: 'manifests/orders.yaml', line: 11, column: 11, message: 'container "orders" of Deployment/orders has no preStop sleep' },
      ],
    },
    {
      name: 'manifest: an httpGet preStop does not count',
      files: { 'manifests/orders.yaml': api('          lifecycle:\n            preStop:\n              httpGet: { path: /drain, port: 8000 }\n') },
      errors: [{ messageId: 'missing', path: 'manifests/orders.yaml', line: 13, column: 11 }],
    },
    {
      name: 'manifest: exec sleep 60 with a 30 s grace',
      files: { 'manifests/orders.yaml': api('          lifecycle:\n            preStop:\n              exec: { command: [sleep, "60"] }\n') },
      errors: [{ messageId: 'tooLong', path: 'manifests/orders.yaml', line: 15, column: 23, message: '60 s' }],
    },
  ],
};

ruleTester(rule, cases);
