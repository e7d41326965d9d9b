/**
 * A deliberately naive second implementation of the NetworkPolicy rules, straight from the API
 * reference: for one (source, destination, port, protocol) it walks every policy of the cluster.
 * Slow and obvious; the scale test compares the engine's precomputed answers against it.
 */
import type { INetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import type { INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort';
import type { K8sObject } from '../../src/types.ts';
import { matchesLabelSelector } from '../../src/k8s/selector.ts';
import type { Endpoint } from '../../src/netpol/index.ts';
import { parseCidr } from '../../src/netpol/index.ts';

export function oracleAllowed(
  policies: K8sObject[],
  namespaceLabels: (ns: string) => Record<string, string>,
  src: Endpoint,
  dst: Endpoint,
  port: number,
  protocol: string,
): boolean {
  return sideAllows('egress', src, dst) && sideAllows('ingress', dst, src);

  function sideAllows(direction: 'ingress' | 'egress', owner: Endpoint, other: Endpoint): boolean {
    if (owner.external) return true;
    let isolated = false;
    for (const policy of policies) {
      // The scale test writes these policies itself, in the API's shape: nothing to validate here.
      const spec = (policy.raw.spec ?? {}) as INetworkPolicySpec;
      const ns = policy.metadata.namespace ?? 'balance-plus';
      if (ns !== owner.namespace) continue;
      if (!matchesLabelSelector(spec.podSelector ?? {}, owner.labels)) continue;
      const types: string[] = spec.policyTypes?.length ? spec.policyTypes : ['Ingress', ...(spec.egress?.length ? ['Egress'] : [])];
      if (!types.includes(direction === 'ingress' ? 'Ingress' : 'Egress')) continue;
      isolated = true;
      const rules =
        direction === 'ingress'
          ? (spec.ingress ?? []).map((r) => ({ peers: r.from ?? [], ports: r.ports ?? [] }))
          : (spec.egress ?? []).map((r) => ({ peers: r.to ?? [], ports: r.ports ?? [] }));
      for (const { peers, ports } of rules) {
        const peerOk = peers.length === 0 || peers.some((p) => peerMatches(p, ns, other));
        const portOk = ports.length === 0 || ports.some((p) => portMatches(p));
        if (peerOk && portOk) return true;
      }
    }
    return !isolated;
  }

  function peerMatches(peer: INetworkPolicyPeer, policyNs: string, e: Endpoint): boolean {
    if (peer.ipBlock) {
      if (!e.external || !e.cidr) return false;
      const block = parseCidr(peer.ipBlock.cidr)!;
      const me = parseCidr(e.cidr)!;
      if (block.family !== me.family || me.first < block.first || me.last > block.last) return false;
      return !(peer.ipBlock.except ?? []).some((x) => {
        const r = parseCidr(x)!;
        return r.family === me.family && r.first <= me.last && me.first <= r.last;
      });
    }
    if (e.external) return false;
    const nsOk = peer.namespaceSelector ? matchesLabelSelector(peer.namespaceSelector, namespaceLabels(e.namespace)) : e.namespace === policyNs;
    const podOk = peer.podSelector ? matchesLabelSelector(peer.podSelector, e.labels) : true;
    return nsOk && podOk;
  }

  function portMatches(p: INetworkPolicyPort): boolean {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return port >= p.port && port <= (p.endPort ?? p.port);
    return dst.ports.some((cp) => cp.name === p.port && cp.protocol === protocol && cp.port === port);
  }
}
