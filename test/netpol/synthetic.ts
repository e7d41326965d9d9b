/**
 * A deterministic generated cluster for the scale test and the benchmark: `workloads` workloads
 * over three namespaces and `policies` policies that mix every feature the engine handles
 * (default denies, AND/OR peers, namespace selectors, ipBlocks with except, named ports,
 * endPort ranges, UDP/SCTP, omitted policyTypes). No vitest import: bench/netpol.ts uses it.
 */
import type { K8sObject } from '../../src/types.ts';
import { deployment, namespace, netpol, type PortSpec } from './helpers.ts';

/** mulberry32: small, fast and reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SYNTHETIC_NAMESPACES = ['balance-plus', 'balance-plus-jobs', 'shared'];
const TIERS = ['web', 'api', 'db', 'worker', 'cache'];
const TEAMS = ['core', 'billing', 'data'];
const PORT_MENU: PortSpec[] = [
  { name: 'http', containerPort: 8000 },
  { name: 'http', containerPort: 8080 },
  { name: 'metrics', containerPort: 9090 },
  { name: 'grpc', containerPort: 50051 },
  { name: 'pg', containerPort: 5432 },
  { name: 'amqp', containerPort: 5672 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
  { name: 'gossip', containerPort: 7946, protocol: 'UDP' },
  { name: 'sig', containerPort: 3868, protocol: 'SCTP' },
  { containerPort: 32100 },
];

export function syntheticCluster(workloads = 200, policies = 300, seed = 42): K8sObject[] {
  const rnd = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const objects: K8sObject[] = [
    namespace('balance-plus', { env: 'prod', team: 'core' }),
    namespace('balance-plus-jobs', { env: 'prod', team: 'data' }),
    namespace('shared', { env: 'shared' }),
  ];
  for (let i = 0; i < workloads; i++) {
    const ports: PortSpec[] = [];
    const count = Math.floor(rnd() * 3);
    for (let p = 0; p < count; p++) {
      const port = pick(PORT_MENU);
      if (!ports.some((q) => q.name !== undefined && q.name === port.name)) ports.push(port);
    }
    objects.push(
      deployment(`svc-${i}`, {
        namespace: i % 5 === 0 ? pick(SYNTHETIC_NAMESPACES) : 'balance-plus',
        kind: pick(['Deployment', 'Deployment', 'StatefulSet', 'CronJob', 'DaemonSet']),
        labels: { app: `svc-${i}`, tier: pick(TIERS), team: pick(TEAMS), ...(rnd() < 0.3 ? { exposed: 'true' } : {}) },
        ports,
      }),
    );
  }

  // Mostly one application per selector, as service charts render them; some wider ones.
  const podSelector = (): Record<string, unknown> => {
    const r = rnd();
    if (r < 0.04) return {};
    if (r < 0.3) return { matchLabels: { tier: pick(TIERS) } };
    if (r < 0.85) return { matchLabels: { app: `svc-${Math.floor(rnd() * workloads)}` } };
    return { matchExpressions: [{ key: 'team', operator: pick(['In', 'NotIn']), values: [pick(TEAMS), pick(TEAMS)] }] };
  };
  const namespaceSelector = (): Record<string, unknown> => {
    const r = rnd();
    if (r < 0.15) return {};
    if (r < 0.6) return { matchLabels: { 'kubernetes.io/metadata.name': pick([...SYNTHETIC_NAMESPACES, 'ingress-nginx', 'kube-system', 'keda']) } };
    return { matchLabels: { env: pick(['prod', 'shared']) } };
  };
  const peer = (): Record<string, unknown> => {
    const r = rnd();
    if (r < 0.35) return { podSelector: podSelector() };
    if (r < 0.55) return { namespaceSelector: namespaceSelector() };
    if (r < 0.85) return { podSelector: podSelector(), namespaceSelector: namespaceSelector() };
    return rnd() < 0.5
      ? { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12'] } }
      : { ipBlock: { cidr: pick(['8.8.8.0/24', '10.20.0.0/16', '2001:db8::/32']) } };
  };
  const port = (): Record<string, unknown> => {
    const r = rnd();
    if (r < 0.3) return { port: pick([8000, 8080, 9090, 5432, 5672]) };
    if (r < 0.55) return { port: pick(['http', 'metrics', 'pg', 'amqp', 'grpc']) };
    if (r < 0.65) return { port: pick(['dns', 'gossip']), protocol: 'UDP' };
    if (r < 0.75) return { port: 32000, endPort: pick([32099, 32100, 32768]) };
    if (r < 0.85) return { protocol: pick(['UDP', 'SCTP']) };
    return { port: 3868, protocol: 'SCTP' };
  };
  const rule = (peerKey: 'from' | 'to'): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    const r = rnd();
    if (r < 0.85) out[peerKey] = Array.from({ length: 1 + Math.floor(rnd() * 3) }, peer);
    else if (r < 0.92) out[peerKey] = [];
    if (rnd() < 0.8) out.ports = Array.from({ length: 1 + Math.floor(rnd() * 2) }, port);
    return out;
  };

  for (let i = 0; i < policies; i++) {
    const ns = i % 7 === 0 ? pick(SYNTHETIC_NAMESPACES) : 'balance-plus';
    const spec: Record<string, unknown> = { podSelector: i < 3 ? {} : podSelector() };
    const shape = rnd();
    if (i < 3) spec.policyTypes = ['Ingress', 'Egress'];
    else if (shape < 0.4) spec.ingress = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => rule('from'));
    else if (shape < 0.7) {
      spec.policyTypes = ['Egress'];
      spec.egress = Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => rule('to'));
    } else if (shape < 0.9) {
      // policyTypes omitted on purpose: defaulted from the presence of egress rules.
      spec.ingress = [rule('from')];
      spec.egress = rnd() < 0.2 ? [] : [rule('to')];
    } else {
      spec.policyTypes = ['Ingress', 'Egress'];
      spec.ingress = rnd() < 0.5 ? [] : [{}];
      spec.egress = [rule('to')];
    }
    objects.push(netpol(`np-${i}`, spec, ns));
  }
  return objects;
}
