/**
 * A NetworkPolicy (networking.k8s.io/v1) read into a normalised form: the defaults the API
 * server applies (policyTypes, protocol TCP) made explicit, "missing or empty list" folded into
 * `'all'`, and every part remembering its value path so findings can `locate()` it.
 *
 * Objects the API server would reject (ValidateNetworkPolicy) are reported as problems and left
 * out: a rejected policy never reaches the cluster, so it opens and isolates nothing.
 */
import type { K8sObject, ValuePath } from '../types.ts';
import { validateLabelSelector, type LabelSelector } from '../k8s/selector.ts';
import type { NetpolProblem, Protocol } from './model.ts';
import { cidrContains, parseCidr, type CidrRange } from './cidr.ts';
import { isProtocol, isValidPortName, MAX_PORT, MIN_PORT } from './ports.ts';
import { asArray, asRecord, hasKey } from './raw.ts';
import { namespaceOf } from './endpoints.ts';

export type Direction = 'ingress' | 'egress';

export interface CompiledPort {
  path: ValuePath;
  protocol: Protocol;
  /** Absent: every port of the protocol. A string is a named port, resolved on the destination pod. */
  port?: number | string;
  endPort?: number;
}

export type CompiledPeer =
  | {
      kind: 'pods';
      path: ValuePath;
      /** Absent: every pod of the namespaces the namespaceSelector picks. */
      podSelector?: LabelSelector;
      /** Absent: the policy's own namespace only. */
      namespaceSelector?: LabelSelector;
    }
  | { kind: 'ipBlock'; path: ValuePath; cidr: CidrRange; except: CidrRange[] };

export interface CompiledRule {
  direction: Direction;
  path: ValuePath;
  /** `'all'`: `from`/`to` missing or empty, every source/destination (in and out of the cluster). */
  peers: CompiledPeer[] | 'all';
  /** `'all'`: `ports` missing or empty, every port of every protocol. */
  ports: CompiledPort[] | 'all';
}

export interface CompiledPolicy {
  object: K8sObject;
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  /** Effective policyTypes: the pods selected are isolated for these directions. */
  isolates: { ingress: boolean; egress: boolean };
  ingress: CompiledRule[];
  egress: CompiledRule[];
}

/**
 * policyTypes as the API server defaults them (SetDefaults_NetworkPolicy): when the list is
 * absent or empty, Ingress always, plus Egress only when `egress` holds at least one rule. So
 * `egress: []` without policyTypes isolates nothing for egress.
 */
export function effectivePolicyTypes(spec: Record<string, unknown> | undefined): { ingress: boolean; egress: boolean } {
  const declared = asArray(spec?.policyTypes) ?? [];
  if (declared.length === 0) return { ingress: true, egress: (asArray(spec?.egress) ?? []).length > 0 };
  return { ingress: declared.includes('Ingress'), egress: declared.includes('Egress') };
}

interface Collector {
  object: K8sObject;
  problems: NetpolProblem[];
  rejected: boolean;
}

function reject(c: Collector, path: ValuePath, message: string): void {
  c.rejected = true;
  c.problems.push({ object: c.object, path, message, severity: 'error' });
}

function readSelector(c: Collector, value: unknown, path: ValuePath): LabelSelector | undefined {
  const errors = validateLabelSelector(value);
  for (const error of errors) reject(c, path, `invalid label selector: ${error}`);
  return errors.length === 0 ? (asRecord(value) ?? {}) : undefined;
}

function readPort(c: Collector, value: unknown, path: ValuePath): CompiledPort | undefined {
  const entry = asRecord(value) ?? {};
  const protocol = entry.protocol ?? 'TCP';
  if (!isProtocol(protocol)) {
    reject(c, [...path, 'protocol'], `protocol ${JSON.stringify(protocol)} is not one of TCP, UDP, SCTP`);
    return undefined;
  }
  const out: CompiledPort = { path, protocol };
  const port = entry.port;
  if (port !== undefined && port !== null) {
    if (typeof port === 'number') {
      if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
        reject(c, [...path, 'port'], `port ${port} is not between ${MIN_PORT} and ${MAX_PORT}`);
        return undefined;
      }
    } else if (typeof port !== 'string' || !isValidPortName(port)) {
      // A quoted number ("8080") is a string, so a port *name*, and not a valid one.
      reject(c, [...path, 'port'], `port ${JSON.stringify(port)} is neither a number nor a valid port name`);
      return undefined;
    }
    out.port = port;
  }
  const endPort = entry.endPort;
  if (endPort !== undefined && endPort !== null) {
    if (typeof out.port !== 'number') {
      reject(c, [...path, 'endPort'], 'endPort may only be set together with a numeric port');
      return undefined;
    }
    if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < out.port || endPort > MAX_PORT) {
      reject(c, [...path, 'endPort'], `endPort ${JSON.stringify(endPort)} must be a port number not below port ${out.port}`);
      return undefined;
    }
    out.endPort = endPort;
  }
  return out;
}

function readPeer(c: Collector, value: unknown, path: ValuePath): CompiledPeer | undefined {
  const peer = asRecord(value) ?? {};
  const hasPods = hasKey(peer, 'podSelector');
  const hasNamespaces = hasKey(peer, 'namespaceSelector');
  const hasIpBlock = hasKey(peer, 'ipBlock');
  if (!hasPods && !hasNamespaces && !hasIpBlock) {
    reject(c, path, 'a peer must specify podSelector, namespaceSelector or ipBlock');
    return undefined;
  }
  if (hasIpBlock && (hasPods || hasNamespaces)) {
    reject(c, path, 'ipBlock may not be combined with podSelector or namespaceSelector in one peer');
    return undefined;
  }
  if (hasIpBlock) {
    const block = asRecord(peer.ipBlock) ?? {};
    const cidrText = typeof block.cidr === 'string' ? block.cidr : '';
    const cidr = parseCidr(cidrText);
    if (!cidr || !cidrText.includes('/')) {
      reject(c, [...path, 'ipBlock', 'cidr'], `ipBlock.cidr ${JSON.stringify(block.cidr ?? null)} is not a CIDR`);
      return undefined;
    }
    const except: CidrRange[] = [];
    for (const [i, text] of (asArray(block.except) ?? []).entries()) {
      const range = typeof text === 'string' && text.includes('/') ? parseCidr(text) : undefined;
      if (typeof text !== 'string' || !range) {
        reject(c, [...path, 'ipBlock', 'except', i], `except ${JSON.stringify(text)} is not a CIDR`);
        continue;
      }
      if (!cidrContains(cidr, range) || range.prefix <= cidr.prefix) {
        reject(c, [...path, 'ipBlock', 'except', i], `except ${text} must be a strict subset of ${cidrText}`);
        continue;
      }
      except.push(range);
    }
    return { kind: 'ipBlock', path, cidr, except };
  }
  const out: CompiledPeer = { kind: 'pods', path };
  if (hasPods) {
    const selector = readSelector(c, peer.podSelector, [...path, 'podSelector']);
    if (selector) out.podSelector = selector;
  }
  if (hasNamespaces) {
    const selector = readSelector(c, peer.namespaceSelector, [...path, 'namespaceSelector']);
    if (selector) out.namespaceSelector = selector;
  }
  return out;
}

function readRule(c: Collector, direction: Direction, value: unknown, path: ValuePath): CompiledRule {
  // A null rule (`- ` in YAML) decodes to the empty rule: every peer, every port.
  const rule = asRecord(value) ?? {};
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const peerList = asArray(rule[peerKey]) ?? [];
  const portList = asArray(rule.ports) ?? [];
  const peers: CompiledPeer[] = [];
  peerList.forEach((peer, i) => {
    const compiled = readPeer(c, peer, [...path, peerKey, i]);
    if (compiled) peers.push(compiled);
  });
  const ports: CompiledPort[] = [];
  portList.forEach((port, i) => {
    const compiled = readPort(c, port, [...path, 'ports', i]);
    if (compiled) ports.push(compiled);
  });
  return {
    direction,
    path,
    peers: peerList.length === 0 ? 'all' : peers,
    ports: portList.length === 0 ? 'all' : ports,
  };
}

export function compilePolicy(object: K8sObject, defaultNamespace: string): { policy?: CompiledPolicy; problems: NetpolProblem[] } {
  const c: Collector = { object, problems: [], rejected: false };
  const spec = asRecord(object.raw.spec);
  if (!spec) {
    reject(c, ['spec'], 'a NetworkPolicy needs a spec');
    return { problems: c.problems };
  }
  if (!hasKey(spec, 'podSelector')) {
    // Struct-typed in the API: absent decodes to {} and selects every pod of the namespace.
    c.problems.push({
      object,
      path: ['spec'],
      message: 'spec.podSelector is missing; Kubernetes reads it as {} (every pod in the namespace)',
      severity: 'warning',
    });
  }
  const podSelector = readSelector(c, spec.podSelector ?? {}, ['spec', 'podSelector']) ?? {};
  const declaredTypes = asArray(spec.policyTypes) ?? [];
  declaredTypes.forEach((type, i) => {
    if (type !== 'Ingress' && type !== 'Egress') {
      reject(c, ['spec', 'policyTypes', i], `policyType ${JSON.stringify(type)} is neither Ingress nor Egress`);
    }
  });
  const ingress = (asArray(spec.ingress) ?? []).map((rule, i) => readRule(c, 'ingress', rule, ['spec', 'ingress', i]));
  const egress = (asArray(spec.egress) ?? []).map((rule, i) => readRule(c, 'egress', rule, ['spec', 'egress', i]));
  if (c.rejected) return { problems: c.problems };
  return {
    policy: {
      object,
      name: object.metadata.name,
      namespace: namespaceOf(object, defaultNamespace),
      podSelector,
      isolates: effectivePolicyTypes(spec),
      ingress,
      egress,
    },
    problems: c.problems,
  };
}
