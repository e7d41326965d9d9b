import rule from '../../rules/BP-NON-ROOT.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const secure = 'podSecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\nsecurityContext:\n  readOnlyRootFilesystem: true\n  allowPrivilegeEscalation: false\n';
const pod = (podSc: string, containerSc: string, init = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
${podSc}${init}      containers:
        - name: app
          image: app:1.0.0
${containerSc}`;
const okContainer = '          securityContext:\n            allowPrivilegeEscalation: false\n';

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: 'values: pod runAsNonRoot and container allowPrivilegeEscalation false', files: serviceChart('api-gateway', 'python-fastapi-service', secure) },
    { name: 'values: sidecars and init containers inherit the values securityContext', files: serviceChart('orchestrator', 'python-fastapi-service', `${secure}sidecars:\n  - name: otel\n    image: otel:1\ninitContainers:\n  - name: migrate\n    image: m:1\n`) },
    { name: 'manifest: pod level non-root, container no escalation', files: { 'manifests/app.yaml': pod('      securityContext:\n        runAsNonRoot: true\n', okContainer) } },
    { name: 'manifest: container level non-root without pod securityContext', files: { 'manifests/app.yaml': pod('', '          securityContext:\n            runAsNonRoot: true\n            allowPrivilegeEscalation: false\n') } },
    { name: 'manifest outside production', files: { 'manifests/app.yaml': pod('', '').replace('  name: app\n', '  name: app\n  namespace: dev\n') } },
  ],
  invalid: [
    {
      name: 'values: no podSecurityContext, escalation not disabled',
      files: serviceChart('api-gateway', 'python-fastapi-service', '# api-gateway\nimage:\n  tag: "1.0"\nsecurityContext:\n  readOnlyRootFilesystem: true\n'),
      errors: [
        { messageId: 'runsAsRoot', path: 'charts/api-gateway/values.yaml', line: 2, message: '"api-gateway"' },
        { messageId: 'privilegeEscalation', path: 'charts/api-gateway/values.yaml', line: 4, message: 'container "api-gateway" of Deployment/api-gateway can gain privileges' },
      ],
    },
    {
      name: 'values: prod overlay sets runAsUser 0 and privileged',
      files: serviceChart('api-gateway', 'python-fastapi-service', secure, 'podSecurityContext:\n  runAsUser: 0\nsecurityContext:\n  privileged: true\n'),
      errors: [
        { messageId: 'rootUser', path: 'charts/api-gateway/values-prod.yaml', line: 2 },
        { messageId: 'privileged', path: 'charts/api-gateway/values-prod.yaml', line: 4 },
      ],
    },
    {
      name: 'manifest: nothing set, init container too: one grouped root finding, two escalation findings',
      files: { 'manifests/app.yaml': pod('', '', '      initContainers:\n        - name: init\n          image: busybox:1.36\n') },
      errors: [
        { messageId: 'runsAsRoot', path: 'manifests/app.yaml', line: 7, message: 'container(s) "init", "app" of Deployment/app may run as root' },
        { messageId: 'privilegeEscalation', path: 'manifests/app.yaml', line: 9, message: '"init"' },
        { messageId: 'privilegeEscalation', path: 'manifests/app.yaml', line: 12, message: '"app"' },
      ],
    },
    {
      name: 'manifest: container overrides the pod with runAsNonRoot false',
      files: { 'manifests/app.yaml': pod('      securityContext:\n        runAsNonRoot: true\n', '          securityContext:\n            runAsNonRoot: false\n            allowPrivilegeEscalation: false\n') },
      errors: [{ messageId: 'runsAsRoot', path: 'manifests/app.yaml', line: 14 }],
    },
    {
      name: 'manifest: privileged container with explicit escalation true',
      files: { 'manifests/app.yaml': pod('      securityContext:\n        runAsNonRoot: true\n', '          securityContext:\n            privileged: true\n            allowPrivilegeEscalation: true\n') },
      errors: [
        { messageId: 'privileged', path: 'manifests/app.yaml', line: 14 },
        { messageId: 'privilegeEscalation', path: 'manifests/app.yaml', line: 15 },
      ],
    },
  ],
};

ruleTester(rule, cases);
