import rule from '../../rules/TR-K8S-8.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const deployment = (env: string, namespace = 'balance-plus') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ${namespace}
spec:
  template:
    spec:
      containers:
        - name: web
          image: web:1.0.0
          envFrom:
            - configMapRef: { name: web-config }
          env:
${env}`;

const literal = (name: string, value: string) => `            - name: ${name}\n              value: "${value}"\n`;
const four = literal('A', '1') + literal('B', '2') + literal('C', '3') + literal('D', '4');

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'option maxLiteralEnv: 5 tolerates four literals',
      config: 'rules:\n  TR-K8S-8: [warning, { maxLiteralEnv: 5 }]\n',
      files: { 'manifests/web.yaml': deployment(four) },
    },
    {
      name: 'values: config only, env empty',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'config:\n  LOG_LEVEL: info\n  ORCHESTRATOR_URL: http://orchestrator:8000\nenv: {}\n'),
    },
    {
      name: 'values: a credential in env is TR-K8S-9, not reported here',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'env:\n  DB_PASSWORD: hunter2\n'),
    },
    {
      name: 'values: env key removed with null in the prod overlay',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'env:\n  LOG_LEVEL: debug\n', 'env:\n  LOG_LEVEL: null\n'),
    },
    {
      name: 'manifest: three literals are within the threshold',
      files: { 'manifests/web.yaml': deployment(literal('A', '1') + literal('B', '2') + literal('C', '3')) },
    },
    {
      name: 'manifest: valueFrom entries are not literals',
      files: {
        'manifests/web.yaml': deployment(
          `${literal('A', '1')}            - name: POD_IP\n              valueFrom:\n                fieldRef: { fieldPath: status.podIP }\n            - name: LOG_LEVEL\n              valueFrom:\n                configMapKeyRef: { name: web-config, key: LOG_LEVEL }\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: { name: pg, key: password }\n${literal('B', '2')}`,
        ),
      },
    },
    {
      name: 'manifest: four literals of which one is a credential (TR-K8S-9) leave three',
      files: { 'manifests/web.yaml': deployment(literal('A', '1') + literal('B', '2') + literal('C', '3') + literal('API_TOKEN', 'tok-123')) },
    },
    { name: 'manifest outside production is not reviewed', files: { 'manifests/web.yaml': deployment(four, 'staging') } },
  ],
  invalid: [
    {
      name: 'values: every env literal is reported on its key, in the file that sets it',
      files: serviceChart(
        'api-gateway',
        'python-fastapi-service',
        '# api-gateway\nconfig:\n  LOG_LEVEL: info\nenv:\n  FEATURE_X: "true"\n  DB_PASSWORD: hunter2\n',
        'env:\n  ORCHESTRATOR_URL: http://orchestrator:8000\n',
      ),
      errors: [
        {
          messageId: 'valuesEnv',
          path: 'charts/api-gateway/values-prod.yaml',
          line: 2,
          column: 3,
          message:
            'env "ORCHESTRATOR_URL" is a literal in the pod spec: move it under config: so that it reaches the pod from the ConfigMap api-gateway-config',
        },
        { messageId: 'valuesEnv', path: 'charts/api-gateway/values.yaml', line: 5, column: 3, message: 'FEATURE_X' },
      ],
    },
    {
      name: 'values: a Celery worker with nameOverride',
      files: serviceChart('condenser-worker', 'python-celery-worker', 'nameOverride: condenser\nenv:\n  CELERY_CONCURRENCY: 4\n'),
      errors: [{ messageId: 'valuesEnv', path: 'charts/condenser-worker/values.yaml', line: 3, column: 3, message: 'ConfigMap condenser-config' }],
    },
    {
      name: 'option maxLiteralEnv: 1 reports two literals, and the message names the configured threshold',
      config: 'rules:\n  TR-K8S-8: [warning, { maxLiteralEnv: 1 }]\n',
      files: { 'manifests/web.yaml': deployment('            - name: A\n              value: "1"\n            - name: B\n              value: "2"\n') },
      errors: [{ messageId: 'manifestEnv', path: 'manifests/web.yaml', line: 14, column: 11, message: 'sets 2 env values as literals (A, B), more than 1' }],
    },
    {
      name: 'manifest: four literals on one container, reported once on env',
      files: { 'manifests/web.yaml': deployment(four) },
      errors: [
        {
          messageId: 'manifestEnv',
          path: 'manifests/web.yaml',
          line: 14,
          column: 11,
          message: 'container "web" (containers) of Deployment/web sets 4 env values as literals (A, B, C, D), more than 3',
        },
      ],
    },
    {
      name: 'chart template StatefulSet without namespace: init container and container',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/db.yaml': `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: init\n          image: busybox:1.36\n          env:\n${four.replace(/^ {12}/gm, '            ')}      containers:\n        - name: db\n          image: postgres:16\n          env:\n${four}${literal('E', '{{ .Values.e }}')}`,
      },
      errors: [
        { messageId: 'manifestEnv', path: 'charts/platform/templates/db.yaml', line: 11, column: 11, message: 'container "init" (initContainers)' },
        { messageId: 'manifestEnv', path: 'charts/platform/templates/db.yaml', line: 23, column: 11, message: 'sets 5 env values' },
      ],
    },
  ],
};

ruleTester(rule, cases);
