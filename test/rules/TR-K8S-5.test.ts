import { expect, it } from 'vitest';
import rule from '../../rules/TR-K8S-5.ts';
import { findingsOf, fixesOf, ruleTester, serviceChart } from './rule-tester.ts';

const resources = 'resources:\n  requests: { cpu: 250m, memory: 256Mi }\n  limits: { cpu: "1", memory: 512Mi }\n';
const api = (values: string, prod?: string) => serviceChart('api-gateway', 'python-fastapi-service', values, prod);
const worker = (values: string, prod?: string) => serviceChart('condenser-worker', 'python-celery-worker', values, prod);
const keda = 'keda:\n  enabled: true\n  queueName: condense\n  authenticationRef:\n    secretName: rabbitmq-keda\n    hostKey: host\n';

/** A plain Deployment manifest (line 2: kind; line 8: replicas when given). */
const deployment = (
  name: string,
  labels: string,
  extra = '',
  container = '          resources:\n            requests: { cpu: 100m, memory: 128Mi }\n',
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: balance-plus
  labels: { ${labels} }
spec:
${extra}  template:
    spec:
      containers:
        - name: ${name}
          image: ${name}:1.0.0
${container}`;

const hpa = (name: string, spec: string, apiVersion = 'autoscaling/v2') => `apiVersion: ${apiVersion}
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: balance-plus
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: ${name} }
${spec}`;

const cpuMetric =
  '  minReplicas: 2\n  maxReplicas: 5\n  metrics:\n    - type: Resource\n      resource: { name: cpu, target: { type: Utilization, averageUtilization: 70 } }\n';

const scaledObject = (name: string, trigger: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: ${name}
  namespace: balance-plus
spec:
  scaleTargetRef: { name: ${name} }
  triggers:
${trigger}`;

const rabbitTrigger =
  '    - type: rabbitmq\n      metadata: { queueName: reports, mode: QueueLength, value: "10" }\n      authenticationRef: { name: rabbitmq-keda }\n';
const triggerAuth =
  'apiVersion: keda.sh/v1alpha1\nkind: TriggerAuthentication\nmetadata: { name: rabbitmq-keda, namespace: balance-plus }\nspec:\n  secretTargetRef: [{ parameter: host, name: rabbitmq-keda, key: host }]\n';

ruleTester(rule, {
  valid: [
    {
      name: 'an API served by an Argo Rollout with an HPA targeting the Rollout',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api').replace('apps/v1\nkind: Deployment', 'argoproj.io/v1alpha1\nkind: Rollout')}---\n${hpa('reports', cpuMetric).replace('{ apiVersion: apps/v1, kind: Deployment,', '{ apiVersion: argoproj.io/v1alpha1, kind: Rollout,')}`,
      },
    },
    {
      name: 'FastAPI values: HPA on cpu and memory with requests',
      files: api(
        `${resources}autoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 70\n  targetMemoryUtilizationPercentage: 80\n`,
      ),
    },
    {
      name: "FastAPI values: replicaCount beside enabled autoscaling is the library's fallback",
      files: api(`replicaCount: 3\n${resources}autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 70\n`),
    },
    {
      name: 'FastAPI values: no metric given renders the Kubernetes default (80 % cpu), cpu limit counts as request',
      files: api('resources:\n  limits: { cpu: "1", memory: 512Mi }\nautoscaling:\n  enabled: true\n'),
    },
    {
      name: 'FastAPI values: minReplicas 0 renders as the library default 2',
      files: api(`${resources}autoscaling:\n  enabled: true\n  minReplicas: 0\n  maxReplicas: 4\n  targetCPUUtilizationPercentage: 70\n`),
    },
    { name: 'Celery values: KEDA with queue and TriggerAuthentication', files: worker(`${resources}${keda}`) },
    { name: 'Celery values: KEDA min 0 (scale to zero) is allowed', files: worker(`${resources}${keda}  minReplicaCount: 0\n  maxReplicaCount: 5\n`) },
    {
      name: 'SPA values without autoscaling are not required to scale',
      files: serviceChart('frontend', 'frontend-spa', `${resources}autoscaling:\n  enabled: false\nreplicaCount: 2\n`),
    },
    {
      name: 'API manifest with an HPA on memory AverageValue (no request needed)',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api', '', '')}---\n${hpa('reports', '  maxReplicas: 4\n  metrics:\n    - type: Resource\n      resource: { name: memory, target: { type: AverageValue, averageValue: 300Mi } }\n')}`,
      },
    },
    {
      name: 'API manifest scaled by a KEDA cpu trigger',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api')}---\n${scaledObject('reports', '    - type: cpu\n      metricType: Utilization\n      metadata: { value: "70" }\n')}`,
      },
    },
    {
      name: 'worker detected by its celery command, scaled by KEDA with a TriggerAuthentication',
      files: {
        'manifests/reports-worker.yaml': `${deployment('reports-worker', 'app: reports', '', '          command: [celery, -A, reports.app, worker, -Q, reports]\n          resources: { requests: { cpu: 100m, memory: 128Mi } }\n')}---\n${scaledObject('reports-worker', rabbitTrigger)}---\n${triggerAuth}`,
      },
    },
    {
      name: 'host without credentials and a ClusterTriggerAuthentication',
      files: {
        'manifests/w.yaml': `${deployment('w', 'app.kubernetes.io/component: worker')}---\n${scaledObject('w', '    - type: rabbitmq\n      metadata: { host: "amqp://rabbitmq.balance-plus:5672/", queueName: w }\n      authenticationRef: { name: rabbit, kind: ClusterTriggerAuthentication }\n')}---\napiVersion: keda.sh/v1alpha1\nkind: ClusterTriggerAuthentication\nmetadata: { name: rabbit }\nspec: {}\n`,
      },
    },
    {
      name: 'chart template: replicas guarded by if not autoscaling.enabled',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/api.yaml': `${deployment('admin', 'app.kubernetes.io/component: api', '  {{- if not .Values.autoscaling.enabled }}\n  replicas: 2\n  {{- end }}\n')}---\n${hpa('admin', cpuMetric)}`,
        'charts/platform/values.yaml': 'autoscaling:\n  enabled: true\n',
      },
    },
    {
      name: 'API without HPA in staging is not production',
      files: { 'manifests/reports.yaml': deployment('reports', 'app.kubernetes.io/component: api').replace('namespace: balance-plus', 'namespace: staging') },
    },
    {
      name: 'HPA in another namespace does not pair with the production Deployment',
      files: {
        'manifests/db.yaml': `${deployment('db', 'app: db', '  replicas: 1\n')}---\n${hpa('db', cpuMetric).replace('namespace: balance-plus', 'namespace: staging')}`,
      },
    },
  ],
  invalid: [
    {
      name: 'FastAPI values: autoscaling disabled: on autoscaling.enabled',
      output: {
        'charts/api-gateway/values.yaml':
          'resources:\n  requests: { cpu: 250m, memory: 256Mi }\n  limits: { cpu: "1", memory: 512Mi }\nreplicaCount: 2\nautoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 70\nimage:\n  repository: registry.example/api-gateway\n  tag: "1.0.0"\n',
      },
      files: api(`${resources}replicaCount: 2\nautoscaling:\n  enabled: false\n`),
      errors: [
        {
          messageId: 'apiNoHpa',
          path: 'charts/api-gateway/values.yaml',
          line: 6,
          column: 3,
          message: 'API service Deployment/api-gateway has no HorizontalPodAutoscaler',
        },
      ],
    },
    {
      name: 'FastAPI values: autoscaling switched off in the prod overlay',
      output: { 'charts/api-gateway/values-prod.yaml': '# prod\nautoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 10\n' },
      files: api(`${resources}autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 70\n`, '# prod\nautoscaling:\n  enabled: false\n'),
      errors: [{ messageId: 'apiNoHpa', path: 'charts/api-gateway/values-prod.yaml', line: 3, column: 3 }],
    },
    {
      name: 'FastAPI values: no autoscaling key anywhere: first key of the prod overlay',
      output: {
        'charts/api-gateway/values-prod.yaml':
          '# prod\nimage:\n  tag: "2"\nautoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 70\n',
      },
      files: api(resources, '# prod\nimage:\n  tag: "2"\n'),
      errors: [{ messageId: 'apiNoHpa', path: 'charts/api-gateway/values-prod.yaml', line: 2, column: 1 }],
    },
    {
      name: 'FastAPI values: minReplicas above maxReplicas',
      output: {},
      files: api(`${resources}autoscaling:\n  enabled: true\n  minReplicas: 5\n  maxReplicas: 3\n  targetCPUUtilizationPercentage: 70\n`),
      errors: [{ messageId: 'minAboveMax', path: 'charts/api-gateway/values.yaml', line: 6, column: 3, message: 'minimum 5 is above maximum 3' }],
    },
    {
      name: 'FastAPI values: negative minReplicas in prod',
      output: { 'charts/api-gateway/values-prod.yaml': 'autoscaling:\n  minReplicas: -1\n  maxReplicas: 10\n' },
      afterFix: ['minBelowOne'],
      files: api(`${resources}autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 70\n`, 'autoscaling:\n  minReplicas: -1\n'),
      errors: [{ messageId: 'minBelowOne', path: 'charts/api-gateway/values-prod.yaml', line: 2, column: 3 }],
    },
    {
      name: 'FastAPI values: cpu target without a cpu request or limit',
      files: api(
        'resources:\n  requests:\n    memory: 256Mi\n  limits:\n    memory: 512Mi\nautoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 70\n',
      ),
      errors: [
        {
          messageId: 'missingRequestForMetric',
          path: 'charts/api-gateway/values.yaml',
          line: 2,
          column: 3,
          message: 'container "api-gateway" of Deployment/api-gateway has no cpu request',
        },
      ],
    },
    {
      name: 'Celery values: KEDA disabled in prod',
      output: {
        'charts/condenser-worker/values-prod.yaml':
          'keda:\n  enabled: true\n  mode: QueueLength\n  value: "20"\n  protocol: http\n  minReplicaCount: 1\n  maxReplicaCount: 20\n',
      },
      files: worker(`${resources}${keda}`, 'keda:\n  enabled: false\n'),
      errors: [{ messageId: 'workerNoScaledObject', path: 'charts/condenser-worker/values-prod.yaml', line: 2, column: 3 }],
    },
    // (The bundled library never renders keda.password or keda.host into the trigger: Helm's
    // render has no inline credential; TR-K8S-9 still reports them in the values file.)
    {
      name: 'an API served by an Argo Rollout needs an autoscaler as a Deployment does; an HPA aimed at the Deployment kind does not count',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api').replace('apps/v1\nkind: Deployment', 'argoproj.io/v1alpha1\nkind: Rollout')}---\n${hpa('reports', cpuMetric)}`,
      },
      errors: [
        { messageId: 'apiNoHpa', path: 'manifests/reports.yaml', line: 2, column: 1, message: 'API service Rollout/reports has no HorizontalPodAutoscaler' },
      ],
    },
    {
      name: 'API manifest without any autoscaler: on its kind line',
      files: { 'manifests/reports.yaml': deployment('reports', 'app.kubernetes.io/component: api') },
      errors: [{ messageId: 'apiNoHpa', path: 'manifests/reports.yaml', line: 2, column: 1 }],
    },
    {
      name: 'autoscaling/v1 HPA on a container without cpu request',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api', '', '          resources: { requests: { memory: 128Mi } }\n')}---\n${hpa('reports', '  maxReplicas: 4\n  targetCPUUtilizationPercentage: 70\n', 'autoscaling/v1')}`,
      },
      errors: [
        { messageId: 'missingRequestForMetric', path: 'manifests/reports.yaml', line: 13, column: 24 },
        { messageId: 'hpaApiVersion', path: 'manifests/reports.yaml', line: 15, column: 1, message: 'uses autoscaling/v1' },
      ],
    },
    {
      name: 'API HPA on an External metric only',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api')}---\n${hpa('reports', '  maxReplicas: 4\n  metrics:\n    - type: External\n      external: { metric: { name: rps }, target: { type: AverageValue, averageValue: "100" } }\n')}`,
      },
      errors: [{ messageId: 'hpaNoResourceMetric', path: 'manifests/reports.yaml', line: 24, column: 3 }],
    },
    {
      name: 'HPA with minReplicas 0 and no maxReplicas',
      files: { 'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api')}---\n${hpa('reports', '  minReplicas: 0\n')}` },
      errors: [
        { messageId: 'noMaxReplicas', path: 'manifests/reports.yaml', line: 21, column: 1 },
        { messageId: 'minBelowOne', path: 'manifests/reports.yaml', line: 23, column: 3 },
      ],
    },
    {
      name: 'fixed replicas on a Deployment an HPA owns',
      files: { 'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api', '  replicas: 3\n')}---\n${hpa('reports', cpuMetric)}` },
      errors: [
        {
          messageId: 'replicasWithAutoscaler',
          path: 'manifests/reports.yaml',
          line: 8,
          column: 3,
          message: 'fixes replicas: 3 while HorizontalPodAutoscaler/reports',
        },
      ],
    },
    {
      name: 'an HPA and a ScaledObject on one worker: the HPA is reported',
      files: {
        'manifests/w.yaml': `${deployment('w', 'app.kubernetes.io/component: worker')}---\n${hpa('w', cpuMetric)}---\n${scaledObject('w', rabbitTrigger)}---\n${triggerAuth}`,
      },
      errors: [
        {
          messageId: 'hpaAndScaledObject',
          path: 'manifests/w.yaml',
          line: 22,
          column: 3,
          message: 'HorizontalPodAutoscaler/w and ScaledObject/w both scale Deployment/w',
        },
      ],
    },
    {
      name: 'a hand-written HPA beside the library HPA of a service chart',
      files: {
        ...api(`${resources}autoscaling:\n  enabled: true\n  targetCPUUtilizationPercentage: 70\n`),
        'manifests/hpa.yaml': hpa('api-gateway', cpuMetric),
      },
      errors: [{ messageId: 'twoAutoscalers', path: 'manifests/hpa.yaml', line: 7, column: 3 }],
    },
    {
      name: 'worker labelled component worker with an HPA and no ScaledObject',
      files: { 'manifests/w.yaml': `${deployment('w', 'app.kubernetes.io/component: worker')}---\n${hpa('w', cpuMetric)}` },
      errors: [{ messageId: 'workerNoScaledObject', path: 'manifests/w.yaml', line: 2, column: 1 }],
    },
    {
      name: 'worker ScaledObject on cpu only, another with an unknown TriggerAuthentication',
      files: {
        'manifests/w.yaml': `${deployment('w', 'app.kubernetes.io/component: worker')}---\n${scaledObject('w', '    - type: cpu\n      metadata: { value: "60" }\n')}`,
        'manifests/v.yaml': `${deployment('v', 'app.kubernetes.io/component: worker')}---\n${scaledObject('v', rabbitTrigger)}`,
      },
      errors: [
        { messageId: 'unknownAuthenticationRef', path: 'manifests/v.yaml', line: 26, column: 28, message: 'TriggerAuthentication "rabbitmq-keda"' },
        { messageId: 'noRabbitmqTrigger', path: 'manifests/w.yaml', line: 23, column: 3 },
      ],
    },
    {
      name: 'KEDA minReplicaCount above maxReplicaCount in a manifest',
      files: {
        'manifests/w.yaml': `${deployment('w', 'app.kubernetes.io/component: worker')}---\n${scaledObject('w', rabbitTrigger).replace('  triggers:', '  minReplicaCount: 5\n  maxReplicaCount: 2\n  triggers:')}---\n${triggerAuth}`,
      },
      errors: [{ messageId: 'minAboveMax', path: 'manifests/w.yaml', line: 23, column: 3 }],
    },
    {
      name: 'ContainerResource metric: only the measured sidecar needs the request',
      files: {
        'manifests/reports.yaml': `${deployment('reports', 'app.kubernetes.io/component: api', '', '          resources: { requests: { cpu: 100m } }\n        - name: proxy\n          image: envoy:1\n')}---\n${hpa('reports', '  maxReplicas: 4\n  metrics:\n    - type: ContainerResource\n      containerResource: { name: memory, container: proxy, target: { type: Utilization, averageUtilization: 80 } }\n')}`,
      },
      errors: [{ messageId: 'missingRequestForMetric', path: 'manifests/reports.yaml', line: 14, column: 11, message: 'container "proxy"' }],
    },
  ],
});

it('TR-K8S-5 never repeats an inline credential and gives the enable-autoscaling hint on values', async () => {
  const leaked = await findingsOf(
    rule,
    worker(
      `${resources}keda:\n  enabled: true\n  queueName: condense\n  host: amqp://keda:hunter2@rabbitmq:5672/\n  password: hunter2\n  authenticationRef: { secretName: rabbitmq-keda }\n`,
    ),
  );
  for (const locale of ['en', 'ru'] as const) {
    const messages = (
      await findingsOf(
        rule,
        worker(`${resources}keda:\n  enabled: true\n  queueName: condense\n  password: hunter2\n  authenticationRef: { secretName: rabbitmq-keda }\n`),
        undefined,
        locale,
      )
    ).map((f) => f.message);
    expect(messages.join('\n')).not.toContain('hunter2');
  }
  expect(leaked.map((f) => f.message).join('\n')).not.toContain('hunter2');

  const fastapi = await fixesOf(rule, api(`${resources}autoscaling:\n  enabled: false\n`));
  expect(fastapi.fixable.map((f) => f.messageId)).toEqual(['apiNoHpa']);
  expect(fastapi.plan.applied.map((a) => a.description)).toEqual([
    'enabled autoscaling (HorizontalPodAutoscaler on CPU) with the platform defaults: minReplicas, maxReplicas, targetCPUUtilizationPercentage',
  ]);
  // With the RabbitMQ connection's SealedSecret in the repository, the fix refers to it.
  const kedaSecret =
    'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: rabbitmq-keda\n  namespace: balance-plus\nspec:\n  encryptedData:\n    host: AgB4\n';
  const celery = await fixesOf(rule, {
    ...worker(`${resources}celery:\n  app: condenser.worker\n  queues: [condense]\n`),
    'manifests/rabbitmq-keda.yaml': kedaSecret,
  });
  expect(celery.fixable.map((f) => f.messageId)).toEqual(['workerNoScaledObject']);
  expect(celery.plan.applied.map((a) => a.description)).toEqual([expect.stringContaining('enabled keda (KEDA ScaledObject on the RabbitMQ queue length)')]);
  expect(celery.plan.edits.get('charts/condenser-worker/values.yaml')).toMatch(/queueName: condense\n[^]*secretName: rabbitmq-keda/);
  expect(celery.plan.remaining).toEqual([]);
});
