import { describe, expect, it } from 'vitest';
import rule, { parseImage } from '../../rules/BP-IMAGE-TAG.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const pod = (images: string[]) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
      containers:
${images.map((image, i) => `        - name: c${i}\n          image: ${image}\n`).join('')}`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'values: pinned tag',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'image:\n  repository: registry.balance-plus.internal/api-gateway\n  tag: "1.4.2"\n'),
    },
    {
      name: 'values: sidecar pinned',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'image: { repository: r/o, tag: "2.3.0" }\nsidecars:\n  - name: otel\n    image: otel/collector:0.119.0\n',
      ),
    },
    {
      name: 'manifest: tags, registry port, digests (even with latest)',
      files: { 'manifests/app.yaml': pod(['nginx:1.27', 'registry:5000/team/app:1.0', `app@${DIGEST}`, `app:latest@${DIGEST}`]) },
    },
    {
      name: 'chart template: templated image not judged',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/app.yaml': pod(['{{ .Values.postgresql.image }}']),
        'charts/platform/values.yaml': 'postgresql:\n  image: postgres:16.4\n',
      },
    },
    { name: 'manifest outside production', files: { 'manifests/app.yaml': pod(['nginx']).replace('  name: app\n', '  name: app\n  namespace: dev\n') } },
  ],
  invalid: [
    {
      name: 'values: latest in the prod overlay, on the tag line',
      files: serviceChart('api-gateway', 'python-fastapi-service', 'image:\n  repository: r/api-gateway\n  tag: "1.4.2"\n', 'image:\n  tag: latest\n'),
      errors: [
        {
          messageId: 'latest',
          path: 'charts/api-gateway/values-prod.yaml',
          line: 2,
          column: 3,
          message: 'container "api-gateway" (containers) of Deployment/api-gateway uses the tag latest',
        },
      ],
    },
    {
      name: 'values: no tag, and an init container without tag',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'image:\n  repository: r/orchestrator\ninitContainers:\n  - name: migrate\n    image: r/migrate\n',
      ),
      errors: [
        { messageId: 'missingTag', path: 'charts/orchestrator/values.yaml', line: 2, column: 3, message: 'container "orchestrator"' },
        { messageId: 'missingTag', path: 'charts/orchestrator/values.yaml', line: 5, column: 5, message: 'container "migrate" (initContainers)' },
      ],
    },
    {
      name: 'manifest: missing tag with a registry port, and latest',
      files: { 'manifests/app.yaml': pod(['registry:5000/team/app', 'nginx:latest', 'nginx:1.27']) },
      errors: [
        { messageId: 'missingTag', path: 'manifests/app.yaml', line: 10, column: 11, message: '"c0"' },
        { messageId: 'latest', path: 'manifests/app.yaml', line: 12, column: 11, message: '"c1"' },
      ],
    },
  ],
};

ruleTester(rule, cases);

describe('parseImage', () => {
  it.each([
    ['nginx', undefined, false],
    ['nginx:1.27', '1.27', false],
    ['registry:5000/a/b', undefined, false],
    ['registry:5000/a/b:v1', 'v1', false],
    [`b@${DIGEST}`, undefined, true],
    ['b@sha256:short', undefined, false],
  ])('%s', (image, tag, digest) => expect(parseImage(image)).toEqual({ tag, digest }));
});
