import rule from '../../rules/BP-READONLY-ROOTFS.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const pod = (containerSc: string, init = '') => `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
${init}      containers:
        - name: db
          image: postgres:16.6
${containerSc}`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'values: read-only root filesystem',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'securityContext:\n  readOnlyRootFilesystem: true\n'),
    },
    {
      name: 'values: sidecars inherit it from the values securityContext',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'securityContext:\n  readOnlyRootFilesystem: true\nsidecars:\n  - name: otel\n    image: otel:1\n',
      ),
    },
    {
      name: 'manifest: every container read-only',
      files: {
        'manifests/db.yaml': pod(
          '          securityContext:\n            readOnlyRootFilesystem: true\n',
          '      initContainers:\n        - name: init\n          image: busybox:1.36\n          securityContext: { readOnlyRootFilesystem: true }\n',
        ),
      },
    },
    {
      name: 'chart template: templated value is not judged',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/db.yaml': pod('          securityContext:\n            readOnlyRootFilesystem: {{ .Values.readOnly }}\n'),
        'charts/platform/values.yaml': 'readOnly: true\n',
      },
    },
  ],
  invalid: [
    {
      name: 'values: the prod overlay turns it off',
      files: serviceChart(
        'api-gateway',
        'python-fastapi-service',
        'securityContext:\n  readOnlyRootFilesystem: true\n',
        '# prod\nsecurityContext:\n  readOnlyRootFilesystem: false\n',
      ),
      errors: [
        {
          messageId: 'writable',
          path: 'charts/api-gateway/values-prod.yaml',
          line: 3,
          column: 3,
          message: 'container "api-gateway" (containers) of Deployment/api-gateway has a writable root filesystem',
        },
      ],
    },
    {
      name: 'values: no securityContext at all',
      files: serviceChart('condenser-worker', 'python-celery-worker', 'image:\n  tag: "1.0"\n'),
      errors: [{ messageId: 'writable', path: 'charts/condenser-worker/values.yaml', line: 1, column: 1 }],
    },
    {
      name: 'manifest: init container and container',
      files: {
        'manifests/db.yaml': pod(
          '          securityContext:\n            runAsNonRoot: true\n',
          '      initContainers:\n        - name: init\n          image: busybox:1.36\n',
        ),
      },
      errors: [
        { messageId: 'writable', path: 'manifests/db.yaml', line: 9, column: 11, message: 'container "init" (initContainers)' },
        { messageId: 'writable', path: 'manifests/db.yaml', line: 14, column: 11, message: 'container "db" (containers) of StatefulSet/db' },
      ],
    },
  ],
};

ruleTester(rule, cases);
