/**
 * The Balance+ platform as the library charts render it (docs/values-contract.md labels), with
 * the policies a correct repository carries: default deny both ways, DNS for everyone, and one
 * allow per edge of the declared service graph.
 */
import type { K8sObject } from '../../src/types.ts';
import { deployment, netpol, type PortSpec } from './helpers.ts';

export const PROD = 'balance-plus';

function service(name: string, component: string, ports: PortSpec[], kind = 'Deployment'): K8sObject {
  return deployment(name, {
    namespace: PROD,
    kind,
    labels: {
      'app.kubernetes.io/name': name,
      'app.kubernetes.io/instance': name,
      'app.kubernetes.io/component': component,
      'balance-plus.io/service': name,
    },
    ports,
  });
}

const app = (name: string): Record<string, unknown> => ({ podSelector: { matchLabels: { 'app.kubernetes.io/name': name } } });
const fromNamespace = (ns: string): Record<string, unknown> => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

export function platformWorkloads(): K8sObject[] {
  return [
    service('api-gateway', 'api', [{ name: 'http', containerPort: 8000 }]),
    service('orchestrator', 'api', [{ name: 'http', containerPort: 8000 }]),
    service('condenser-worker', 'worker', []),
    service('frontend', 'frontend', [{ name: 'http', containerPort: 8080 }]),
    service('postgresql', 'database', [{ name: 'tcp-postgresql', containerPort: 5432 }], 'StatefulSet'),
    service(
      'rabbitmq',
      'broker',
      [
        { name: 'amqp', containerPort: 5672 },
        { name: 'management', containerPort: 15672 },
      ],
      'StatefulSet',
    ),
  ];
}

export function platformPolicies(): K8sObject[] {
  return [
    netpol('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, PROD),
    netpol(
      'allow-dns',
      {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ...fromNamespace('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
            ports: [
              { port: 53, protocol: 'UDP' },
              { port: 53, protocol: 'TCP' },
            ],
          },
        ],
      },
      PROD,
    ),
    netpol(
      'api-gateway',
      {
        ...app('api-gateway'),
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [fromNamespace('ingress-nginx')], ports: [{ port: 'http' }] }],
        egress: [{ to: [app('orchestrator')], ports: [{ port: 'http' }] }],
      },
      PROD,
    ),
    netpol(
      'orchestrator',
      {
        ...app('orchestrator'),
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [app('api-gateway')], ports: [{ port: 8000 }] }],
        egress: [
          { to: [app('postgresql')], ports: [{ port: 5432 }] },
          { to: [app('rabbitmq')], ports: [{ port: 5672 }] },
        ],
      },
      PROD,
    ),
    netpol(
      'condenser-worker',
      {
        ...app('condenser-worker'),
        policyTypes: ['Egress'],
        egress: [
          { to: [app('rabbitmq')], ports: [{ port: 5672 }] },
          { to: [app('postgresql')], ports: [{ port: 5432 }] },
        ],
      },
      PROD,
    ),
    netpol(
      'postgresql',
      {
        ...app('postgresql'),
        ingress: [{ from: [app('orchestrator'), app('condenser-worker')], ports: [{ port: 5432 }] }],
      },
      PROD,
    ),
    netpol(
      'rabbitmq',
      {
        ...app('rabbitmq'),
        ingress: [
          { from: [app('orchestrator'), app('condenser-worker')], ports: [{ port: 'amqp' }] },
          { from: [{ ...fromNamespace('keda'), podSelector: { matchLabels: { app: 'keda-operator' } } }], ports: [{ port: 'management' }] },
        ],
      },
      PROD,
    ),
    netpol('frontend', { ...app('frontend'), ingress: [{ from: [fromNamespace('ingress-nginx')], ports: [{ port: 8080 }] }] }, PROD),
  ];
}
