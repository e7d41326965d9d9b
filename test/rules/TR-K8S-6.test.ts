import { expect, it } from 'vitest';
import rule from '../../rules/TR-K8S-6.ts';
import { findingsOf, fixesOf, ruleTester, serviceChart } from './rule-tester.ts';

const api = (values: string, prod?: string) => serviceChart('api-gateway', 'python-fastapi-service', values, prod);
const ingressValues = 'ingress:\n  enabled: true\n  className: nginx\n  host: api.balance-plus.io\n  tls:\n    secretName: api-gateway-tls\n';

const service = (spec: string, annotations = '') => `apiVersion: v1
kind: Service
metadata:
  name: sip
  namespace: balance-plus
${annotations}spec:
  selector: { app: sip }
  ports: [{ port: 5060 }]
${spec}`;

const ingress = (spec: string, annotations = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
${annotations}spec:
${spec}`;

/** A pod-bearing object: `kind` with the pod spec lines (indented for a template) under it. */
const workload = (kind: string, podSpec: string, extra = '') => {
  const meta = `apiVersion: ${kind === 'Rollout' ? 'argoproj.io/v1alpha1' : kind === 'Pod' || kind === 'ReplicationController' ? 'v1' : kind === 'CronJob' || kind === 'Job' ? 'batch/v1' : 'apps/v1'}\nkind: ${kind}\nmetadata:\n  name: edge\n  namespace: balance-plus\n${extra}`;
  if (kind === 'Pod') return `${meta}  labels: { app: edge }\nspec:\n${podSpec}`;
  const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));
  if (kind === 'CronJob')
    return `${meta}spec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          labels: { app: edge }\n        spec:\n${indent(podSpec, 8)}`;
  return `${meta}spec:\n  selector: { matchLabels: { app: edge } }\n  template:\n    metadata:\n      labels: { app: edge }\n    spec:\n${indent(podSpec, 4)}`;
};
const container = (ports: string) => `  containers:\n    - name: edge\n      image: registry.balance-plus.io/edge:1.0.0\n      ports:\n${ports}`;
const chart = (file: string, text: string) => ({
  'charts/edge/Chart.yaml': 'apiVersion: v2\nname: edge\nversion: 1.0.0\n',
  [`charts/edge/templates/${file}`]: text,
});

const rules =
  '  rules:\n    - host: app.balance-plus.io\n      http:\n        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]\n';

ruleTester(rule, {
  valid: [
    { name: 'values: ClusterIP Service and Ingress with class and TLS', files: api(`service:\n  type: ClusterIP\n  port: 8000\n${ingressValues}`) },
    { name: 'values: no service.type renders ClusterIP; ingress disabled', files: api('service:\n  port: 8000\ningress:\n  enabled: false\n') },
    {
      name: 'values: LoadBalancer waived through service.annotations with a reason',
      files: api('service:\n  type: LoadBalancer\n  annotations:\n    bplus.io/exception-TR-K8S-6: "partner VPN terminates on an L4 balancer (PLAT-142)"\n'),
    },
    {
      name: 'manifest: headless and ExternalName Services',
      files: {
        'manifests/s.yaml': `${service('  clusterIP: None\n')}---\n${service('  type: ExternalName\n  externalName: db.example.com\n').replace('name: sip', 'name: legacy-db')}`,
      },
    },
    {
      name: 'manifest: Ingress with class and a wildcard TLS entry',
      files: { 'manifests/i.yaml': ingress(`  ingressClassName: nginx\n  tls:\n    - hosts: ["*.balance-plus.io"]\n      secretName: wildcard-tls\n${rules}`) },
    },
    {
      name: 'configured class list and TLS not required',
      config: 'ingress:\n  classNames: [haproxy, nginx-internal]\n  requireTls: false\n',
      files: { 'manifests/i.yaml': ingress(`  ingressClassName: haproxy\n${rules}`) },
    },
    {
      name: 'no class, but the repository defines an allowed default IngressClass',
      files: {
        'manifests/class.yaml':
          'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  annotations:\n    ingressclass.kubernetes.io/is-default-class: "true"\nspec:\n  controller: k8s.io/ingress-nginx\n',
        'manifests/i.yaml': ingress(`  tls:\n    - hosts: [app.balance-plus.io]\n      secretName: app-tls\n${rules}`),
      },
    },
    {
      name: 'Gateway API HTTPRoute in front of a ClusterIP Service',
      files: {
        'manifests/route.yaml': `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: app }\nspec:\n  parentRefs: [{ name: platform-gateway, namespace: gateway }]\n  hostnames: [app.balance-plus.io]\n  rules:\n    - backendRefs: [{ name: sip, port: 5060 }]\n---\n${service('  type: ClusterIP\n')}`,
      },
    },
    {
      name: 'templated type and class are left to render time',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n',
        'charts/platform/templates/s.yaml': `${service('  type: {{ .Values.service.type }}\n')}---\n${ingress(`  ingressClassName: {{ .Values.ingress.className }}\n  tls: {{ toYaml .Values.ingress.tls | nindent 4 }}\n${rules}`)}`,
        'charts/platform/values.yaml':
          'service:\n  type: ClusterIP\ningress:\n  className: nginx\n  tls:\n    - hosts: [app.balance-plus.io]\n      secretName: app-tls\n',
      },
    },
    {
      name: 'pod spec: containerPort only, hostNetwork false, hostPort 0 (the API server\'s "unset")',
      files: chart(
        'd.yaml',
        workload('Deployment', `  hostNetwork: false\n${container('        - containerPort: 8080\n        - containerPort: 9090\n          hostPort: 0\n')}`),
      ),
    },
    {
      name: 'hostNetwork DaemonSet waived on its pod template with a reason',
      files: chart(
        'ds.yaml',
        workload('DaemonSet', `  hostNetwork: true\n${container('        - containerPort: 9100\n')}`).replace(
          '      labels: { app: edge }\n',
          '      labels: { app: edge }\n      annotations:\n        bplus.io/exception-TR-K8S-6: "node-exporter reads the node\'s own network statistics (PLAT-210)"\n',
        ),
      ),
    },
    {
      name: 'hostPort waived by a configured exception for its path',
      config: 'exceptions:\n  - rule: TR-K8S-6\n    path: charts/edge/templates/**\n    reason: "SIP media relay needs the node\'s UDP ports (PLAT-142)"\n',
      files: chart('d.yaml', workload('Deployment', container('        - containerPort: 5060\n          hostPort: 5060\n          protocol: UDP\n'))),
    },
    {
      name: 'hostPort and hostNetwork left to render time',
      files: chart(
        'd.yaml',
        workload(
          'Deployment',
          `  hostNetwork: {{ .Values.hostNetwork }}\n${container('        - containerPort: 8080\n          hostPort: {{ .Values.hostPort }}\n')}`,
        ),
      ),
    },
  ],
  invalid: [
    {
      name: 'a JSON manifest is read like a YAML one: hostPort and a LoadBalancer on their lines',
      files: {
        'manifests/edge.json': '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": []\n}\n',
        'manifests/pod.json':
          '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "edge"},\n  "spec": {\n    "containers": [\n      {"name": "edge", "ports": [\n        {"containerPort": 8080, "hostPort": 8080}\n      ]}\n    ]\n  }\n}\n',
        'manifests/svc.json':
          '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "edge"},\n "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]}}\n',
      },
      errors: [
        { messageId: 'hostPort', path: 'manifests/pod.json', line: 8, column: 33, message: 'container "edge" of Pod/edge binds hostPort 8080' },
        { messageId: 'exposedService', path: 'manifests/svc.json', line: 2, column: 11 },
      ],
    },
    {
      name: 'Pod on the host network',
      files: chart('p.yaml', workload('Pod', `  hostNetwork: true\n${container('        - containerPort: 8080\n')}`)),
      errors: [{ messageId: 'hostNetwork', path: 'charts/edge/templates/p.yaml', line: 8, column: 3, message: 'Pod/edge sets hostNetwork: true' }],
    },
    {
      name: 'hostPort on a container and on an init container, as a number and as a string',
      files: chart(
        'd.yaml',
        workload(
          'Deployment',
          `  initContainers:\n    - name: warm\n      image: registry.balance-plus.io/warm:1.0.0\n      ports:\n        - containerPort: 81\n          hostPort: "8081"\n${container('        - containerPort: 8080\n          hostPort: 80\n')}`,
        ),
      ),
      errors: [
        {
          messageId: 'hostPort',
          path: 'charts/edge/templates/d.yaml',
          line: 17,
          column: 15,
          message: 'container "warm" of Deployment/edge binds hostPort 8081',
        },
        { messageId: 'hostPort', path: 'charts/edge/templates/d.yaml', line: 23, column: 15, message: 'container "edge" of Deployment/edge binds hostPort 80' },
      ],
    },
    {
      name: 'every pod-bearing kind: ReplicationController, Rollout, CronJob, StatefulSet',
      files: {
        ...chart(
          'rc.yaml',
          workload('ReplicationController', container('        - containerPort: 8080\n          hostPort: 8080\n')).replace(
            '  selector: { matchLabels: { app: edge } }',
            '  selector: { app: edge }',
          ),
        ),
        'charts/edge/templates/ro.yaml': workload('Rollout', `  hostNetwork: true\n${container('        - containerPort: 8080\n')}`),
        'charts/edge/templates/cj.yaml': workload(
          'CronJob',
          `  restartPolicy: OnFailure\n${container('        - containerPort: 8080\n          hostPort: 8080\n')}`,
        ),
        'charts/edge/templates/sts.yaml': workload('StatefulSet', `  hostNetwork: true\n${container('        - containerPort: 8080\n')}`),
      },
      errors: [
        { messageId: 'hostPort', path: 'charts/edge/templates/cj.yaml', line: 20, column: 19, message: 'CronJob/edge' },
        { messageId: 'hostPort', path: 'charts/edge/templates/rc.yaml', line: 17, column: 15, message: 'ReplicationController/edge' },
        { messageId: 'hostNetwork', path: 'charts/edge/templates/ro.yaml', line: 12, column: 7, message: 'Rollout/edge' },
        { messageId: 'hostNetwork', path: 'charts/edge/templates/sts.yaml', line: 12, column: 7, message: 'StatefulSet/edge' },
      ],
    },
    {
      name: 'hostNetwork waiver without a reason does not apply; staging is reviewed too',
      files: chart(
        'ds.yaml',
        workload(
          'DaemonSet',
          `  hostNetwork: true\n${container('        - containerPort: 9100\n')}`,
          '  annotations:\n    bplus.io/exception-TR-K8S-6: ""\n',
        ).replace('namespace: balance-plus', 'namespace: staging'),
      ),
      errors: [{ messageId: 'hostNetwork', path: 'charts/edge/templates/ds.yaml', line: 14, column: 7 }],
    },
    {
      name: 'values: NodePort in the prod overlay',
      output: { 'charts/api-gateway/values-prod.yaml': '# prod\nservice:\n  type: ClusterIP\n' },
      files: api('service:\n  type: ClusterIP\n  port: 8000\n', '# prod\nservice:\n  type: NodePort\n'),
      errors: [
        { messageId: 'exposedService', path: 'charts/api-gateway/values-prod.yaml', line: 3, column: 3, message: 'Service/api-gateway is of type NodePort' },
      ],
    },
    {
      name: 'values: LoadBalancer waiver without a reason does not apply',
      output: {
        'charts/api-gateway/values.yaml':
          'service:\n  type: ClusterIP\n  annotations:\n    bplus.io/exception-TR-K8S-6: ""\nimage:\n  repository: registry.example/api-gateway\n  tag: "1.0.0"\n',
      },
      files: api('service:\n  type: LoadBalancer\n  annotations:\n    bplus.io/exception-TR-K8S-6: ""\n'),
      errors: [{ messageId: 'exposedService', path: 'charts/api-gateway/values.yaml', line: 2, column: 3 }],
    },
    {
      name: 'values: ingress class unknown, TLS missing',
      files: api('ingress:\n  enabled: true\n  className: traefik\n  host: api.balance-plus.io\n'),
      errors: [
        { messageId: 'noTls', path: 'charts/api-gateway/values.yaml', line: 1, column: 1 },
        {
          messageId: 'unknownIngressClass',
          path: 'charts/api-gateway/values.yaml',
          line: 3,
          column: 3,
          message: '"traefik", not one of the platform\'s (nginx)',
        },
      ],
    },
    // (The bundled library renders `ingressClassName: nginx` when values set no className: what
    // Helm renders is compliant, so that former values-level case is gone.)
    {
      name: 'manifest: LoadBalancer and NodePort Services, internal LB annotation is no exception',
      files: {
        'manifests/s.yaml': `${service('  type: LoadBalancer\n', '  annotations:\n    service.beta.kubernetes.io/aws-load-balancer-internal: "true"\n')}---\n${service('  type: NodePort\n').replace('name: sip', 'name: debug')}`,
      },
      errors: [
        { messageId: 'exposedService', path: 'manifests/s.yaml', line: 11, column: 3, message: 'Service/sip is of type LoadBalancer' },
        { messageId: 'exposedService', path: 'manifests/s.yaml', line: 21, column: 3, message: 'Service/debug is of type NodePort' },
      ],
    },
    {
      name: 'manifest: ClusterIP with externalIPs, in staging too',
      files: { 'manifests/s.yaml': service('  type: ClusterIP\n  externalIPs: [203.0.113.10]\n').replace('namespace: balance-plus', 'namespace: staging') },
      errors: [{ messageId: 'externalIPs', path: 'manifests/s.yaml', line: 10, column: 3 }],
    },
    {
      name: 'manifest: deprecated class annotation alone, no TLS',
      files: { 'manifests/i.yaml': ingress(rules, '  annotations:\n    kubernetes.io/ingress.class: nginx\n') },
      errors: [
        { messageId: 'legacyClassAnnotation', path: 'manifests/i.yaml', line: 6, column: 5 },
        { messageId: 'noTls', path: 'manifests/i.yaml', line: 7, column: 1 },
      ],
    },
    {
      name: 'manifest: no class and no default IngressClass; one host outside the TLS entry',
      files: {
        'manifests/i.yaml': ingress(
          `  tls:\n    - hosts: [app.balance-plus.io]\n      secretName: app-tls\n${rules}    - host: admin.balance-plus.io\n      http:\n        paths: [{ path: /, pathType: Prefix, backend: { service: { name: admin, port: { number: 80 } } } }]\n`,
        ),
      },
      errors: [
        { messageId: 'noIngressClass', path: 'manifests/i.yaml', line: 5, column: 1 },
        { messageId: 'hostWithoutTls', path: 'manifests/i.yaml', line: 13, column: 7, message: 'host admin.balance-plus.io' },
      ],
    },
    {
      name: 'wildcard covers one label only',
      files: {
        'manifests/i.yaml': ingress(
          `  ingressClassName: nginx\n  tls:\n    - hosts: ["*.balance-plus.io"]\n      secretName: wildcard-tls\n${rules.replace('app.balance-plus.io', 'eu.app.balance-plus.io')}`,
        ),
      },
      errors: [{ messageId: 'hostWithoutTls', path: 'manifests/i.yaml', line: 11, column: 7 }],
    },
  ],
});

it('TR-K8S-6 fixes the type of values-derived Services only', async () => {
  const fromValues = await fixesOf(rule, api('service:\n  type: NodePort\n'));
  expect(fromValues.fixable.map((f) => f.messageId)).toEqual(['exposedService']);
  expect(fromValues.plan.applied.map((a) => [a.path, a.description])).toEqual([['charts/api-gateway/values.yaml', 'service.type: ClusterIP']]);
  const [fromManifest] = await findingsOf(rule, { 'manifests/s.yaml': service('  type: NodePort\n') });
  expect(fromManifest!.fixable).toBeUndefined();
  const [ru] = await findingsOf(rule, api('service:\n  type: NodePort\n'), undefined, 'ru');
  expect(ru!.message).toContain('имеет тип NodePort');
});
