import rule from '../../rules/BP-PROBES.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const probes = '          readinessProbe: { httpGet: { path: /ready, port: 8000 } }\n          livenessProbe: { httpGet: { path: /live, port: 8000 } }\n';
const workload = (kind: string, component: string, main: string, extra = '', annotations = '') => `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: app
spec:
  template:
    metadata:
      labels:
        app.kubernetes.io/component: ${component}
${annotations}    spec:
      containers:
        - name: app
          image: app:1.0.0
${main}${extra}`;
const proxy = '        - name: proxy\n          image: envoy:1.31\n';

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'values: FastAPI service (the library renders both probes)',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'image: { tag: "1.0" }\n'),
    },
    {
      name: 'values: Celery worker with a liveness command',
      files: serviceChart('condenser-worker', 'python-celery-worker', 'probes:\n  liveness:\n    command: [celery-healthcheck]\n'),
    },
    { name: 'values: SPA without probes key', files: serviceChart('frontend', 'frontend-spa', 'image: { tag: "1.0" }\n') },
    { name: 'manifest: API with both probes, sidecar without', files: { 'manifests/app.yaml': workload('Deployment', 'api', probes, proxy) } },
    {
      name: 'manifest: worker needs liveness only',
      files: { 'manifests/app.yaml': workload('Deployment', 'worker', '          livenessProbe: { exec: { command: [celery-healthcheck] } }\n') },
    },
    { name: 'manifest: Jobs and DaemonSets are not judged', files: { 'manifests/app.yaml': workload('DaemonSet', 'agent', '') } },
    {
      name: 'manifest outside production',
      files: { 'manifests/app.yaml': workload('Deployment', 'api', '').replace('  name: app\n', '  name: app\n  namespace: dev\n') },
    },
  ],
  invalid: [
    {
      name: 'an Argo Rollout of an API is judged as a Deployment',
      files: {
        'manifests/app.yaml': workload('Rollout', 'api', '          livenessProbe: { httpGet: { path: /live, port: 8000 } }\n').replace(
          'apps/v1',
          'argoproj.io/v1alpha1',
        ),
      },
      errors: [
        { messageId: 'missingReadiness', path: 'manifests/app.yaml', line: 12, column: 11, message: 'container "app" of Rollout/app has no readinessProbe' },
      ],
    },
    {
      name: 'manifest API without probes: both reported on the container',
      files: { 'manifests/app.yaml': workload('Deployment', 'api', '') },
      errors: [
        { messageId: 'missingReadiness', path: 'manifests/app.yaml', line: 12, column: 11, message: 'container "app" of Deployment/app has no readinessProbe' },
        { messageId: 'missingLiveness', path: 'manifests/app.yaml', line: 12, column: 11, message: 'livenessProbe' },
      ],
    },
    {
      name: 'StatefulSet without liveness',
      files: { 'manifests/db.yaml': workload('StatefulSet', 'database', '          readinessProbe: { exec: { command: [pg_isready] } }\n') },
      errors: [{ messageId: 'missingLiveness', path: 'manifests/db.yaml', line: 12, column: 11, message: 'a hung process is never restarted' }],
    },
    {
      name: 'worker without liveness (readiness not required)',
      files: { 'manifests/w.yaml': workload('Deployment', 'worker', '') },
      errors: [{ messageId: 'missingLiveness', path: 'manifests/w.yaml', line: 12, column: 11, message: 'livenessProbe' }],
    },
    {
      name: 'default-container annotation names the main container',
      files: {
        'manifests/app.yaml': workload(
          'Deployment',
          'api',
          probes,
          '        - name: web\n          image: web:1.0\n',
          '      annotations:\n        kubectl.kubernetes.io/default-container: web\n',
        ),
      },
      errors: [
        { messageId: 'missingReadiness', path: 'manifests/app.yaml', line: 18, column: 11, message: 'container "web"' },
        { messageId: 'missingLiveness', path: 'manifests/app.yaml', line: 18, column: 11, message: 'livenessProbe' },
      ],
    },
    {
      name: 'chart template Deployment without component label',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/app.yaml': workload('Deployment', 'x', '          livenessProbe: { tcpSocket: { port: 80 } }\n').replace(
          '      labels:\n        app.kubernetes.io/component: x\n',
          '      labels: {}\n',
        ),
      },
      errors: [{ messageId: 'missingReadiness', path: 'charts/platform/templates/app.yaml', line: 11, column: 11, message: 'readinessProbe' }],
    },
  ],
};

ruleTester(rule, cases);
