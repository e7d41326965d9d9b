import { describe, expect, it } from 'vitest';
import rule, { isExactVersion } from '../../rules/TR-K8S-2.ts';
import { ruleTester, serviceChart, type Files } from './rule-tester.ts';

const chartYaml = (name: string, dependencies: string, extra = '') =>
  `apiVersion: v2\nname: ${name}\nversion: 1.0.0\ntype: application\n${extra}dependencies:\n${dependencies}`;

const dep = (library: string, version?: string, repository = `file://../library/${library}`) =>
  `  - name: ${library}\n${version === undefined ? '' : `    version: ${version}\n`}    repository: ${repository}\n`;

const withChartYaml = (files: Files, name: string, content: string): Files => ({ ...files, [`charts/${name}/Chart.yaml`]: content });

const library = (name: string, version: string): Files => ({
  [`charts/library/${name}/Chart.yaml`]: `apiVersion: v2\nname: ${name}\nversion: ${version}\ntype: library\n`,
  [`charts/library/${name}/templates/_objects.tpl`]: `{{- define "${name}.all" -}}{{- end -}}\n`,
});

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Chart.Name }}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
`;

ruleTester(rule, {
  valid: [
    { name: 'thin service chart pinned at 1.0.0', files: serviceChart('api-gateway', 'python-fastapi-service', 'resources: {}\n') },
    {
      name: 'pinned with =, v prefix, pre-release and matching local library version',
      files: {
        ...withChartYaml(
          serviceChart('condenser-worker', 'python-celery-worker', 'keda: {}\n'),
          'condenser-worker',
          chartYaml('condenser-worker', dep('python-celery-worker', '"=v2.0.0-rc.1"')),
        ),
        ...library('python-celery-worker', '2.0.0-rc.1'),
      },
    },
    {
      name: 'service chart with its own ConfigMap, NetworkPolicy and a migration hook Job',
      files: {
        ...serviceChart('orchestrator', 'python-fastapi-service', 'resources: {}\n'),
        'charts/orchestrator/templates/extra.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: orchestrator-files }\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: { name: orchestrator-extra }\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations: { helm.sh/hook: pre-upgrade }\n',
      },
    },
    {
      name: 'infrastructure chart with a StatefulSet and no library',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.8.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n',
        'charts/platform/templates/postgresql.yaml': deployment.replace('Deployment', 'StatefulSet'),
      },
    },
    {
      name: 'application chart without workloads (only a ConfigMap)',
      files: {
        'charts/dashboards/Chart.yaml': 'apiVersion: v2\nname: dashboards\nversion: 1.0.0\n',
        'charts/dashboards/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: dashboards }\n',
      },
    },
    {
      name: 'library include through a helper in a .tpl file',
      files: {
        ...serviceChart('frontend', 'frontend-spa', 'resources: {}\n'),
        'charts/frontend/templates/all.yaml': '{{ include "frontend.render" . }}\n',
        'charts/frontend/templates/_helpers.tpl': '{{- define "frontend.render" -}}{{ include "frontend-spa.all" . }}{{- end -}}\n',
      },
    },
    {
      name: 'non-platform dependency beside the library (redis) is not checked',
      files: withChartYaml(
        serviceChart('orchestrator', 'python-fastapi-service', 'resources: {}\n'),
        'orchestrator',
        chartYaml('orchestrator', dep('python-fastapi-service', '1.3.0') + dep('redis', '^18.0.0', 'https://charts.bitnami.com/bitnami')),
      ),
    },
  ],
  invalid: [
    {
      name: 'caret range',
      files: withChartYaml(
        serviceChart('api-gateway', 'python-fastapi-service', ''),
        'api-gateway',
        chartYaml('api-gateway', dep('python-fastapi-service', '^1.3.0')),
      ),
      errors: [{ messageId: 'unpinnedVersion', path: 'charts/api-gateway/Chart.yaml', line: 7, column: 5, message: '"^1.3.0" is a range' }],
    },
    {
      name: 'tilde, >=, wildcard, x-range and partial versions in five charts',
      files: {
        ...withChartYaml(serviceChart('a', 'python-fastapi-service', ''), 'a', chartYaml('a', dep('python-fastapi-service', '~1'))),
        ...withChartYaml(serviceChart('b', 'python-fastapi-service', ''), 'b', chartYaml('b', dep('python-fastapi-service', '">= 1.0.0"'))),
        ...withChartYaml(serviceChart('c', 'python-fastapi-service', ''), 'c', chartYaml('c', dep('python-fastapi-service', '"*"'))),
        ...withChartYaml(serviceChart('d', 'python-fastapi-service', ''), 'd', chartYaml('d', dep('python-fastapi-service', '1.3.x'))),
        ...withChartYaml(serviceChart('e', 'python-fastapi-service', ''), 'e', chartYaml('e', dep('python-fastapi-service', '"1.3"'))),
      },
      errors: ['a', 'b', 'c', 'd', 'e'].map((c) => ({ messageId: 'unpinnedVersion', path: `charts/${c}/Chart.yaml`, line: 7, column: 5 })),
    },
    {
      name: 'no version: reported on the dependency',
      files: withChartYaml(serviceChart('api-gateway', 'python-fastapi-service', ''), 'api-gateway', chartYaml('api-gateway', dep('python-fastapi-service'))),
      errors: [{ messageId: 'missingVersion', path: 'charts/api-gateway/Chart.yaml', line: 6, column: 5 }],
    },
    {
      name: 'two platform libraries: the second is reported',
      files: withChartYaml(
        serviceChart('hybrid', 'python-fastapi-service', ''),
        'hybrid',
        chartYaml('hybrid', dep('python-fastapi-service', '1.3.0') + dep('python-celery-worker', '1.1.0')),
      ),
      errors: [
        { messageId: 'severalLibraries', path: 'charts/hybrid/Chart.yaml', line: 9, column: 5, message: 'second platform library python-celery-worker' },
      ],
    },
    {
      name: 'copied Deployment and HPA templates beside the include',
      files: {
        ...serviceChart('orchestrator', 'python-fastapi-service', ''),
        'charts/orchestrator/templates/deployment.yaml': `# copied from the library\n${deployment}`,
        'charts/orchestrator/templates/hpa.yaml':
          'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: { name: orchestrator }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: orchestrator }\n',
      },
      errors: [
        { messageId: 'copiedBoilerplate', path: 'charts/orchestrator/templates/deployment.yaml', line: 3, column: 1, message: 'Deployment/orchestrator' },
        { messageId: 'copiedBoilerplate', path: 'charts/orchestrator/templates/hpa.yaml', line: 2, column: 1, message: 'HorizontalPodAutoscaler/orchestrator' },
        { messageId: 'copiedBoilerplate', path: 'charts/orchestrator/templates/hpa.yaml', line: 6, column: 1, message: 'Service/orchestrator' },
      ],
    },
    {
      name: 'copied ScaledObject and Ingress in a worker chart',
      files: {
        ...serviceChart('condenser-worker', 'python-celery-worker', ''),
        'charts/condenser-worker/templates/keda.yaml':
          'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: { name: condenser-worker }\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: { name: flower }\n',
      },
      errors: [
        { messageId: 'copiedBoilerplate', path: 'charts/condenser-worker/templates/keda.yaml', line: 2, column: 1 },
        { messageId: 'copiedBoilerplate', path: 'charts/condenser-worker/templates/keda.yaml', line: 6, column: 1 },
      ],
    },
    {
      name: 'application chart with a Deployment and no library: on the name line',
      files: { 'charts/reporting/Chart.yaml': 'apiVersion: v2\nname: reporting\nversion: 0.1.0\n', 'charts/reporting/templates/deployment.yaml': deployment },
      errors: [{ messageId: 'noLibrary', path: 'charts/reporting/Chart.yaml', line: 2, column: 1, message: 'depends on no platform library' }],
    },
    {
      name: 'application chart with other dependencies: on the dependencies line',
      files: {
        'charts/reporting/Chart.yaml': chartYaml('reporting', dep('common', '2.0.0', 'https://charts.bitnami.com/bitnami')),
        'charts/reporting/templates/deployment.yaml': deployment,
        // Vendored, as rendering stays offline.
        'charts/reporting/charts/common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 2.0.0\ntype: library\n',
      },
      errors: [{ messageId: 'noLibrary', path: 'charts/reporting/Chart.yaml', line: 5, column: 1 }],
    },
    {
      name: 'pinned version differs from the local library chart',
      files: {
        ...withChartYaml(
          serviceChart('api-gateway', 'python-fastapi-service', ''),
          'api-gateway',
          chartYaml('api-gateway', dep('python-fastapi-service', '1.3.0')),
        ),
        ...library('python-fastapi-service', '1.4.0'),
      },
      errors: [{ messageId: 'versionMismatch', path: 'charts/api-gateway/Chart.yaml', line: 7, column: 5, message: 'is version 1.4.0' }],
    },
    {
      name: 'library never included by any template',
      files: {
        ...serviceChart('api-gateway', 'python-fastapi-service', ''),
        'charts/api-gateway/templates/all.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\n',
      },
      errors: [{ messageId: 'libraryNotIncluded', path: 'charts/api-gateway/Chart.yaml', line: 6, column: 5 }],
    },
  ],
});

describe('TR-K8S-2 isExactVersion', () => {
  it.each(['1.0.0', '=1.0.0', 'v1.2.3', '1.2.3-rc.1', '1.2.3+build.5', ' 1.2.3 '])('%s is exact', (v) => expect(isExactVersion(v)).toBe(true));
  it.each(['^1.0.0', '~1', '~1.2.3', '>=1.0.0', '*', 'x', '1.x', '1.2.x', '1.2', '1', '1.0.0 - 2.0.0', '1.0.0 || 2.0.0', '>1.0.0 <2.0.0', '01.0.0', ''])(
    '%s is a range',
    (v) => expect(isExactVersion(v)).toBe(false),
  );
});
