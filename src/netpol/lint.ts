/**
 * Checks on the policies themselves, independent of the workloads: over-broad peers and the
 * production namespace's default deny (TR-K8S-7).
 */
import type { K8sObject, PathSegment } from '../types.ts';
import { formatLabelSelector, selectsEverything } from '../k8s/selector.ts';
import { parseCidr } from './cidr.ts';
import { namespaceOf } from './endpoints.ts';
import { effectivePolicyTypes } from './policy.ts';
import { asArray, asRecord, hasKey } from './raw.ts';

export interface OverBroadRule {
  object: K8sObject;
  path: PathSegment[];
  reason: string;
}

function peerFindings(object: K8sObject, peer: Record<string, unknown>, path: PathSegment[], namespace: string): OverBroadRule[] {
  const out: OverBroadRule[] = [];
  const pods = peer.podSelector;
  const namespaces = peer.namespaceSelector;
  const hasPods = hasKey(peer, 'podSelector');
  const hasNamespaces = hasKey(peer, 'namespaceSelector');
  const allPods = hasPods && selectsEverything(pods);
  const allNamespaces = hasNamespaces && selectsEverything(namespaces);

  if (allNamespaces && (!hasPods || allPods)) {
    out.push({
      object,
      path: [...path, 'namespaceSelector'],
      reason: 'namespaceSelector {} with no pod restriction: every pod in every namespace of the cluster',
    });
  } else if (allNamespaces) {
    out.push({
      object,
      path: [...path, 'namespaceSelector'],
      reason: `namespaceSelector {}: pods labelled ${formatLabelSelector(pods)} in any namespace, including ones other teams control; name the namespace with kubernetes.io/metadata.name`,
    });
  } else if (allPods && hasNamespaces) {
    out.push({
      object,
      path: [...path, 'podSelector'],
      reason: `podSelector {} across namespaces: every pod of each namespace matching ${formatLabelSelector(namespaces)}`,
    });
  } else if (allPods) {
    out.push({ object, path: [...path, 'podSelector'], reason: `podSelector {}: every pod in namespace ${namespace}, not the services that need it` });
  }

  const block = asRecord(peer.ipBlock);
  if (block && typeof block.cidr === 'string') {
    const range = parseCidr(block.cidr);
    if (range && range.prefix === 0) {
      const except = (asArray(block.except) ?? []).length;
      out.push({
        object,
        path: [...path, 'ipBlock', 'cidr'],
        reason: `ipBlock ${block.cidr}: every ${range.family === 4 ? 'IPv4' : 'IPv6'} address${except ? ` but ${except} excepted range(s)` : ''}, in and out of the cluster`,
      });
    }
  }
  return out;
}

/** Peers and peer lists that open a direction to far more than a service graph edge needs. */
export function findOverBroadRules(policies: readonly K8sObject[], defaultNamespace = 'default'): OverBroadRule[] {
  const out: OverBroadRule[] = [];
  for (const object of policies) {
    if (object.kind !== 'NetworkPolicy') continue;
    const spec = asRecord(object.raw.spec);
    const types = effectivePolicyTypes(spec);
    const namespace = namespaceOf(object, defaultNamespace);
    for (const direction of ['ingress', 'egress'] as const) {
      // Rules of a direction the policy does not isolate are inert: nothing to report.
      if (!types[direction]) continue;
      const peerKey = direction === 'ingress' ? 'from' : 'to';
      (asArray(spec?.[direction]) ?? []).forEach((rawRule, i) => {
        const rule = asRecord(rawRule) ?? {};
        const rulePath: PathSegment[] = ['spec', direction, i];
        const peers = asArray(rule[peerKey]);
        if (!peers || peers.length === 0) {
          out.push({
            object,
            path: peers ? [...rulePath, peerKey] : rulePath,
            reason: `${peers ? `empty \`${peerKey}\`` : `no \`${peerKey}\``}: the rule ${direction === 'ingress' ? 'admits every source' : 'reaches every destination'}, all pods of all namespaces and every address outside the cluster`,
          });
          return;
        }
        peers.forEach((peer, j) => {
          const record = asRecord(peer);
          if (record) out.push(...peerFindings(object, record, [...rulePath, peerKey, j], namespace));
        });
      });
    }
  }
  return out;
}

/**
 * The policies that make every pod of `namespace` isolated for ingress and for egress. A pure
 * default deny (empty pod selector, the direction in its policyTypes, no rule for it) is
 * preferred; failing that, any policy selecting every pod with that policy type isolates them
 * all as well, its rules being the explicit allows. Egress must be in `policyTypes`: without it
 * an empty `egress` list does not isolate.
 */
export function findDefaultDeny(policies: readonly K8sObject[], namespace: string): { ingress?: K8sObject; egress?: K8sObject } {
  const result: { ingress?: K8sObject; egress?: K8sObject } = {};
  for (const direction of ['ingress', 'egress'] as const) {
    let pure: K8sObject | undefined;
    let isolatingAll: K8sObject | undefined;
    for (const object of policies) {
      if (object.kind !== 'NetworkPolicy' || namespaceOf(object, namespace) !== namespace) continue;
      const spec = asRecord(object.raw.spec);
      if (!spec) continue;
      const selector = spec.podSelector ?? {};
      if (!selectsEverything(selector) || !effectivePolicyTypes(spec)[direction]) continue;
      if ((asArray(spec[direction]) ?? []).length === 0) pure ??= object;
      else isolatingAll ??= object;
    }
    const found = pure ?? isolatingAll;
    if (found) result[direction] = found;
  }
  return result;
}
