import rule from '../../rules/TR-K8S-1.ts';
import { ruleTester, serviceChart } from './rule-tester.ts';

const deployment = (name: string, namespace = 'balance-plus') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  template:
    spec:
      containers:
        - name: ${name}
          image: ${name}:1.0.0
`;

const infraChart = {
  'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n',
  'charts/platform/values.yaml': 'postgresql:\n  image: postgres:16\n',
};

ruleTester(rule, {
  valid: [
    { name: 'service chart rendered by its library', files: serviceChart('api-gateway', 'python-fastapi-service', 'resources: {}\n') },
    {
      name: 'StatefulSet template of the infrastructure chart',
      files: {
        ...infraChart,
        'charts/platform/templates/postgresql.yaml':
          'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: postgresql\n  namespace: {{ .Release.Namespace }}\nspec:\n  template:\n    spec:\n      containers:\n        - name: postgresql\n          image: {{ .Values.postgresql.image }}\n',
      },
    },
    {
      name: 'Argo CD Application and Flux HelmRelease pointing at charts',
      files: {
        'argocd/api-gateway.yaml':
          'apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api-gateway\nspec:\n  source:\n    path: charts/api-gateway\n    helm:\n      valueFiles: [values.yaml, values-prod.yaml]\n',
        'flux/orchestrator.yaml':
          'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: orchestrator\nspec:\n  chart:\n    spec:\n      chart: ./charts/orchestrator\n',
      },
    },
    {
      name: 'plain non-workload manifests (Service, ConfigMap, NetworkPolicy) outside charts',
      files: {
        'manifests/base.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { A: "1" }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { selector: { app: web }, ports: [{ port: 80 }] }\n',
      },
    },
    {
      name: 'List without workloads',
      files: { 'manifests/list.yaml': 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n' },
    },
    {
      name: 'waived with a written reason',
      files: {
        'manifests/debug.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  annotations:\n    bplus.io/exception-TR-K8S-1: "break-glass toolbox pod, removed after INC-77"\nspec:\n  containers: [{ name: sh, image: busybox:1.36 }]\n',
      },
    },
  ],
  invalid: [
    {
      name: 'raw Deployment in manifests/',
      files: { 'manifests/reporting.yaml': `# applied by Argo CD as a directory\n${deployment('reporting')}` },
      errors: [{ messageId: 'rawWorkload', path: 'manifests/reporting.yaml', line: 3, column: 1, message: 'Deployment/reporting' }],
    },
    {
      name: 'every workload kind in a multi-document file, Service left alone',
      files: {
        'manifests/all.yaml': [
          'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db }\n',
          'apiVersion: v1\nkind: Service\nmetadata: { name: db }\n',
          'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\n',
          'apiVersion: apps/v1\nkind: DaemonSet\nmetadata: { name: agent }\n',
          'apiVersion: batch/v1\nkind: Job\nmetadata: { name: migrate }\n',
        ].join('---\n'),
      },
      errors: [
        { messageId: 'rawWorkload', path: 'manifests/all.yaml', line: 2, column: 1, message: 'StatefulSet/db' },
        { messageId: 'rawWorkload', path: 'manifests/all.yaml', line: 10, column: 1, message: 'CronJob/nightly' },
        { messageId: 'rawWorkload', path: 'manifests/all.yaml', line: 14, column: 1, message: 'DaemonSet/agent' },
        { messageId: 'rawWorkload', path: 'manifests/all.yaml', line: 18, column: 1, message: 'Job/migrate' },
      ],
    },
    {
      name: 'outside production too (staging namespace)',
      files: { 'manifests/staging/web.yaml': deployment('web', 'staging') },
      errors: [{ messageId: 'rawWorkload', path: 'manifests/staging/web.yaml', line: 2, column: 1 }],
    },
    {
      name: 'a chart-like folder without Chart.yaml is not a chart',
      files: { 'charts/reporting/values.yaml': 'replicaCount: 1\n', 'charts/reporting/templates/deployment.yaml': deployment('reporting') },
      errors: [{ messageId: 'rawWorkload', path: 'charts/reporting/templates/deployment.yaml', line: 2, column: 1 }],
    },
    {
      name: 'bare Pod and ReplicaSet next to a chart, not inside it',
      files: {
        ...infraChart,
        'manifests/pod.yaml':
          'apiVersion: v1\nkind: Pod\nmetadata: { name: toolbox }\nspec:\n  containers: [{ name: sh, image: busybox:1.36 }]\n---\napiVersion: apps/v1\nkind: ReplicaSet\nmetadata: { name: legacy }\n',
      },
      errors: [
        { messageId: 'rawWorkload', path: 'manifests/pod.yaml', line: 2, column: 1, message: 'Pod/toolbox' },
        { messageId: 'rawWorkload', path: 'manifests/pod.yaml', line: 8, column: 1, message: 'ReplicaSet/legacy' },
      ],
    },
    {
      name: 'workload inside a kind: List',
      files: {
        'manifests/list.yaml':
          'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata: { name: web }\n',
      },
      errors: [{ messageId: 'rawWorkloadInList', path: 'manifests/list.yaml', line: 8, column: 5, message: 'Deployment/web (item 2 of List/(unnamed))' }],
    },
    {
      name: 'waiver without a reason does not apply',
      files: { 'manifests/debug.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\n  annotations:\n    bplus.io/exception-TR-K8S-1: ""\n' },
      errors: [{ messageId: 'rawWorkload', path: 'manifests/debug.yaml', line: 2, column: 1 }],
    },
  ],
});
