import { expect, it } from 'vitest';
import rule from '../../rules/TR-K8S-6.ts';
import { findingsOf, ruleTester, serviceChart } from './rule-tester.ts';

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

const rules = '  rules:\n    - host: app.balance-plus.io\n      http:\n        paths: [{ path: /, pathType: Prefix, backend: { service: { name: web, port: { number: 80 } } } }]\n';

ruleTester(rule, {
  valid: [
    { name: 'values: ClusterIP Service and Ingress with class and TLS', files: api(`service:\n  type: ClusterIP\n  port: 8000\n${ingressValues}`) },
    { name: 'values: no service.type renders ClusterIP; ingress disabled', files: api('service:\n  port: 8000\ningress:\n  enabled: false\n') },
    {
      name: 'values: LoadBalancer waived through service.annotations with a reason',
      files: api('service:\n  type: LoadBalancer\n  annotations:\n    bplus.io/exception-TR-K8S-6: "partner VPN terminates on an L4 balancer (PLAT-142)"\n'),
    },
    { name: 'manifest: headless and ExternalName Services', files: { 'manifests/s.yaml': `${service('  clusterIP: None\n')}---\n${service('  type: ExternalName\n  externalName: db.example.com\n').replace('name: sip', 'name: legacy-db')}` } },
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
        'manifests/class.yaml': 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata:\n  name: nginx\n  annotations:\n    ingressclass.kubernetes.io/is-default-class: "true"\nspec:\n  controller: k8s.io/ingress-nginx\n',
        'manifests/i.yaml': ingress(`  tls:\n    - hosts: [app.balance-plus.io]\n      secretName: app-tls\n${rules}`),
      },
    },
    {
      name: 'Gateway API HTTPRoute in front of a ClusterIP Service',
      files: {
        'manifests/route.yaml': `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: app }\nspec:\n  parentRefs: [{ name: platform-gateway, namespace: gateway }]\n  hostnames: [app.balance-plus.io]\n  rules:\n    - backendRefs: [{ name: sip, port: 5060 }]\n---\n${service('  type: ClusterIP\n')}`,
      },
    },
    { name: 'templated type and class are left to render time', files: { 'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\n', 'charts/platform/templates/s.yaml': `${service('  type: {{ .Values.service.type }}\n')}---\n${ingress(`  ingressClassName: {{ .Values.ingress.className }}\n  tls: {{ toYaml .Values.ingress.tls | nindent 4 }}\n${rules}`)}`, 'charts/platform/values.yaml': 'service:\n  type: ClusterIP\ningress:\n  className: nginx\n  tls:\n    - hosts: [app.balance-plus.io]\n      secretName: app-tls\n' } },
  ],
  invalid: [
    {
      name: 'values: NodePort in the prod overlay',
      files: api('service:\n  type: ClusterIP\n  port: 8000\n', '# prod\nservice:\n  type: NodePort\n'),
      errors: [{ messageId: 'exposedService', path: 'charts/api-gateway/values-prod.yaml', line: 3, message: 'Service/api-gateway is of type NodePort' }],
    },
    {
      name: 'values: LoadBalancer waiver without a reason does not apply',
      files: api('service:\n  type: LoadBalancer\n  annotations:\n    bplus.io/exception-TR-K8S-6: ""\n'),
      errors: [{ messageId: 'exposedService', path: 'charts/api-gateway/values.yaml', line: 2 }],
    },
    {
      name: 'values: ingress class unknown, TLS missing',
      files: api('ingress:\n  enabled: true\n  className: traefik\n  host: api.balance-plus.io\n'),
      errors: [
        { messageId: 'noTls', path: 'charts/api-gateway/values.yaml', line: 1 },
        { messageId: 'unknownIngressClass', path: 'charts/api-gateway/values.yaml', line: 3, message: '"traefik", not one of the platform\'s (nginx)' },
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
        { messageId: 'exposedService', path: 'manifests/s.yaml', line: 11, message: 'Service/sip is of type LoadBalancer' },
        { messageId: 'exposedService', path: 'manifests/s.yaml', line: 21, message: 'Service/debug is of type NodePort' },
      ],
    },
    {
      name: 'manifest: ClusterIP with externalIPs, in staging too',
      files: { 'manifests/s.yaml': service('  type: ClusterIP\n  externalIPs: [203.0.113.10]\n').replace('namespace: balance-plus', 'namespace: staging') },
      errors: [{ messageId: 'externalIPs', path: 'manifests/s.yaml', line: 10 }],
    },
    {
      name: 'manifest: deprecated class annotation alone, no TLS',
      files: { 'manifests/i.yaml': ingress(rules, '  annotations:\n    kubernetes.io/ingress.class: nginx\n') },
      errors: [
        { messageId: 'legacyClassAnnotation', path: 'manifests/i.yaml', line: 6 },
        { messageId: 'noTls', path: 'manifests/i.yaml', line: 7 },
      ],
    },
    {
      name: 'manifest: no class and no default IngressClass; one host outside the TLS entry',
      files: {
        'manifests/i.yaml': ingress(`  tls:\n    - hosts: [app.balance-plus.io]\n      secretName: app-tls\n${rules}    - host: admin.balance-plus.io\n      http:\n        paths: [{ path: /, pathType: Prefix, backend: { service: { name: admin, port: { number: 80 } } } }]\n`),
      },
      errors: [
        { messageId: 'noIngressClass', path: 'manifests/i.yaml', line: 5 },
        { messageId: 'hostWithoutTls', path: 'manifests/i.yaml', line: 13, message: 'host admin.balance-plus.io' },
      ],
    },
    {
      name: 'wildcard covers one label only',
      files: { 'manifests/i.yaml': ingress(`  ingressClassName: nginx\n  tls:\n    - hosts: ["*.balance-plus.io"]\n      secretName: wildcard-tls\n${rules.replace('app.balance-plus.io', 'eu.app.balance-plus.io')}`) },
      errors: [{ messageId: 'hostWithoutTls', path: 'manifests/i.yaml', line: 11 }],
    },
  ],
});

it('TR-K8S-6 gives the service-clusterip hint on values-derived Services only', async () => {
  const [fromValues] = await findingsOf(rule, api('service:\n  type: NodePort\n'));
  expect(fromValues!.fix).toEqual({ kind: 'service-clusterip', data: { chart: 'charts/api-gateway', environment: 'prod' } });
  const [fromManifest] = await findingsOf(rule, { 'manifests/s.yaml': service('  type: NodePort\n') });
  expect(fromManifest!.fix).toBeUndefined();
  const [ru] = await findingsOf(rule, api('service:\n  type: NodePort\n'), undefined, 'ru');
  expect(ru!.message).toContain('имеет тип NodePort');
});
