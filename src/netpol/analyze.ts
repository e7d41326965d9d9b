/**
 * The connectivity engine. A connection from A to B on a port is allowed when A's egress allows
 * it AND B's ingress allows it. Each side is unrestricted when no policy of the pod's namespace
 * selects the pod with that policy type, and otherwise allowed only by the union of the
 * matching rules of those policies (policies are additive; there is no deny rule).
 *
 * Work is done once per policy (which endpoints it selects) and once per rule (which endpoints
 * its peers match); a pair of endpoints then costs one pass over the rules that isolate it, and
 * ports are handled as ranges.
 */
import type { K8sObject } from '../types.ts';
import { matchesLabelSelector, type LabelSelector } from '../k8s/selector.ts';
import type { Connection, ConnectivityMatrix, DirectionVerdict, Endpoint, NetpolOptions, NetpolProblem, PolicyRef, PortRange, Protocol } from './model.ts';
import { cidrContains, cidrOverlaps, parseCidr, type CidrRange } from './cidr.ts';
import { buildEndpoints, buildNamespaceLabels, defaultIdentity } from './endpoints.ts';
import { ALL_PORT_RANGES, intersectRanges, MAX_PORT, MIN_PORT, mergeRanges } from './ports.ts';
import { compilePolicy, type CompiledPeer, type CompiledPolicy, type CompiledRule, type Direction } from './policy.ts';

/** A rule of a policy isolating some endpoint, ready to be tested against a peer and a port. */
interface ApplicableRule {
  policy: CompiledPolicy;
  rule: CompiledRule;
  /** The peer entry that matched the other end; undefined when the rule admits every peer. */
  peer: CompiledPeer | undefined;
  /** PolicyRefs made for this record, per matching port entry (`true`: no port list), shared by every connection. */
  refs?: Map<PolicyRef['portPath'] | true, PolicyRef>;
}

/**
 * One side of a pair, described rather than materialised: the endpoint whose policies decide
 * (`owner`) and the endpoint at the other end (`peer`). Listing the rules per pair would
 * allocate millions of short-lived arrays on a large cluster.
 */
interface Side {
  direction: Direction;
  owner: number;
  peer: number;
}

interface PairSides {
  egress: Side;
  ingress: Side;
}

const ALL_PORTS_OF_PROTOCOL = (protocol: Protocol): PortRange => ({ protocol, from: MIN_PORT, to: MAX_PORT });

function normaliseProtocol(protocol: string | undefined): Protocol {
  const upper = (protocol ?? 'TCP').toUpperCase();
  return upper === 'UDP' || upper === 'SCTP' ? upper : 'TCP';
}

function refOf(applicable: ApplicableRule, entry: PolicyRef['portPath'] | true): PolicyRef {
  applicable.refs ??= new Map();
  let ref = applicable.refs.get(entry);
  if (!ref) {
    const { policy, rule, peer } = applicable;
    ref = { policy: policy.name, namespace: policy.namespace, direction: rule.direction, object: policy.object, path: rule.path };
    if (peer) ref.peerPath = peer.path;
    if (entry !== true) ref.portPath = entry;
    applicable.refs.set(entry, ref);
  }
  return ref;
}

/**
 * Whether a rule's port list admits `port`/`protocol` toward `destination`: `false`, `true` (no
 * port list), or the matching entry's path. Named ports resolve on the destination pod, by name
 * AND protocol; a destination without that port gets nothing from the entry.
 */
function portEntryFor(rule: CompiledRule, destination: Endpoint, port: number, protocol: Protocol): PolicyRef['portPath'] | boolean {
  if (rule.ports === 'all') return true;
  for (const p of rule.ports) {
    if (p.protocol !== protocol) continue;
    if (p.port === undefined) return p.path;
    if (typeof p.port === 'number') {
      if (port >= p.port && port <= (p.endPort ?? p.port)) return p.path;
    } else {
      for (const cp of destination.ports) if (cp.name === p.port && cp.protocol === protocol && cp.port === port) return p.path;
    }
  }
  return false;
}

/** Port ranges a rule opens toward `destination`. */
function rulePortRanges(rule: CompiledRule, destination: Endpoint): PortRange[] {
  if (rule.ports === 'all') return [...ALL_PORT_RANGES];
  const out: PortRange[] = [];
  for (const p of rule.ports) {
    if (p.port === undefined) out.push(ALL_PORTS_OF_PROTOCOL(p.protocol));
    else if (typeof p.port === 'number') out.push({ protocol: p.protocol, from: p.port, to: p.endPort ?? p.port });
    else {
      for (const cp of destination.ports) {
        if (cp.name === p.port && cp.protocol === p.protocol) out.push({ protocol: p.protocol, from: cp.port, to: cp.port });
      }
    }
  }
  return out;
}

class Engine implements ConnectivityMatrix {
  readonly endpoints: readonly Endpoint[];
  readonly problems: NetpolProblem[] = [];
  readonly identity: (endpoint: Endpoint) => string;
  private readonly index = new Map<string, number>();
  private readonly namespaceLabels: Map<string, Record<string, string>>;
  /** Per endpoint and direction: the rules of the policies isolating it (empty: not isolated). */
  private readonly isolating: { ingress: CompiledPolicy[][]; egress: CompiledPolicy[][] };
  private readonly ownerRules: {
    ingress: Array<Array<ReturnType<Engine['matchesOf']>> | undefined>;
    egress: Array<Array<ReturnType<Engine['matchesOf']>> | undefined>;
  };
  /** Per rule: the applicable-rule record per endpoint index (one shared record when the rule admits every peer). */
  private readonly peerMatches = new Map<CompiledRule, Array<ApplicableRule | undefined> | ApplicableRule>();
  /** Selector results per endpoint, shared by every selector with the same text (repositories repeat them). */
  private readonly podSelectorMatches = new Map<string, Uint8Array>();
  private readonly namespaceMatches = new Map<string, Set<string>>();
  private readonly selectorKeys = new WeakMap<LabelSelector, string>();
  private readonly externalRanges: Array<CidrRange | undefined>;
  private cachedConnections: Connection[] | undefined;

  constructor(
    objects: readonly K8sObject[],
    private readonly opts: NetpolOptions,
  ) {
    this.identity = opts.identity ?? defaultIdentity;
    this.endpoints = buildEndpoints(objects, opts);
    this.endpoints.forEach((e, i) => this.index.set(e.id, i));
    this.namespaceLabels = buildNamespaceLabels(objects, opts, this.endpoints);
    this.externalRanges = this.endpoints.map((e) => (e.external && e.cidr ? parseCidr(e.cidr) : undefined));
    this.isolating = { ingress: this.endpoints.map(() => []), egress: this.endpoints.map(() => []) };
    this.ownerRules = { ingress: [], egress: [] };

    for (const object of objects) {
      if (object.kind !== 'NetworkPolicy') continue;
      const { policy, problems } = compilePolicy(object, opts.namespace);
      this.problems.push(...problems);
      if (!policy) continue;
      // A policy selects pods of its own namespace only; external peers are never selected.
      const selected = this.podsMatching(policy.podSelector);
      this.endpoints.forEach((e, i) => {
        if (e.external || e.namespace !== policy.namespace || !selected[i]) return;
        if (policy.isolates.ingress) this.isolating.ingress[i]?.push(policy);
        if (policy.isolates.egress) this.isolating.egress[i]?.push(policy);
      });
    }
  }

  // ---- selectors and peers -----------------------------------------------------------------

  /** The endpoint at an index this engine handed out (an index from elsewhere is a bug). */
  private endpointAt(i: number): Endpoint {
    const endpoint = this.endpoints[i];
    if (endpoint === undefined) throw new RangeError(`no endpoint at index ${i}`);
    return endpoint;
  }

  private keyOf(selector: LabelSelector): string {
    let key = this.selectorKeys.get(selector);
    if (key === undefined) {
      key = JSON.stringify(selector);
      this.selectorKeys.set(selector, key);
    }
    return key;
  }

  private podsMatching(selector: LabelSelector): Uint8Array {
    const key = this.keyOf(selector);
    let matches = this.podSelectorMatches.get(key);
    if (!matches) {
      const selected = new Uint8Array(this.endpoints.length);
      this.endpoints.forEach((e, i) => {
        if (!e.external && matchesLabelSelector(selector, e.labels)) selected[i] = 1;
      });
      this.podSelectorMatches.set(key, selected);
      matches = selected;
    }
    return matches;
  }

  private namespacesMatching(selector: LabelSelector): Set<string> {
    const key = this.keyOf(selector);
    let names = this.namespaceMatches.get(key);
    if (!names) {
      names = new Set();
      for (const [name, labels] of this.namespaceLabels) if (matchesLabelSelector(selector, labels)) names.add(name);
      this.namespaceMatches.set(key, names);
    }
    return names;
  }

  private peerMatchesEndpoint(peer: CompiledPeer, policy: CompiledPolicy, i: number): boolean {
    const e = this.endpointAt(i);
    if (peer.kind === 'ipBlock') {
      // Pod IPs are not modelled, so an ipBlock only ever matches external peers, and only
      // when the peer's whole address range lies in the block and outside every except.
      const range = this.externalRanges[i];
      if (!range) return false;
      return cidrContains(peer.cidr, range) && !peer.except.some((x) => cidrOverlaps(x, range));
    }
    if (e.external) return false;
    const namespaceOk = peer.namespaceSelector ? this.namespacesMatching(peer.namespaceSelector).has(e.namespace) : e.namespace === policy.namespace;
    return namespaceOk && (!peer.podSelector || this.podsMatching(peer.podSelector)[i] === 1);
  }

  /**
   * For each endpoint index, the rule as it applies to that peer (with the first peer entry that
   * matches it), undefined when no entry does; a single record when the rule admits every peer.
   * Computed once per rule, and only for rules of policies that select some endpoint.
   */
  private matchesOf(rule: CompiledRule, policy: CompiledPolicy): Array<ApplicableRule | undefined> | ApplicableRule {
    let matches = this.peerMatches.get(rule);
    if (!matches) {
      const peers = rule.peers;
      if (peers === 'all') matches = { policy, rule, peer: undefined };
      else {
        const records = new Map<CompiledPeer, ApplicableRule>(peers.map((peer) => [peer, { policy, rule, peer }]));
        matches = this.endpoints.map((_, i) => {
          const peer = peers.find((candidate) => this.peerMatchesEndpoint(candidate, policy, i));
          return peer ? records.get(peer) : undefined;
        });
      }
      this.peerMatches.set(rule, matches);
    }
    return matches;
  }

  // ---- sides -------------------------------------------------------------------------------

  /** Per rule isolating `owner` in `direction`: its applicable records per peer (see matchesOf). */
  private rulesIsolating(direction: Direction, owner: number): Array<ReturnType<Engine['matchesOf']>> {
    let rules = this.ownerRules[direction][owner];
    if (!rules) {
      rules = [];
      for (const policy of this.isolating[direction][owner] ?? []) {
        for (const rule of policy[direction]) rules.push(this.matchesOf(rule, policy));
      }
      this.ownerRules[direction][owner] = rules;
    }
    return rules;
  }

  private isUnrestricted(side: Side): boolean {
    return (this.isolating[side.direction][side.owner] ?? []).length === 0;
  }

  /** Calls `visit` with every rule of the side whose peers admit the other end. */
  private forEachApplicable(side: Side, visit: (record: ApplicableRule) => void): void {
    for (const matches of this.rulesIsolating(side.direction, side.owner)) {
      const record = Array.isArray(matches) ? matches[side.peer] : matches;
      if (record) visit(record);
    }
  }

  /** Whether some rule of an isolated side admits the other end on at least one port entry. */
  private admitsPeer(side: Side): boolean {
    if (this.isUnrestricted(side)) return true;
    for (const matches of this.rulesIsolating(side.direction, side.owner)) {
      if (Array.isArray(matches) ? matches[side.peer] : matches) return true;
    }
    return false;
  }

  private sides(from: number, to: number): PairSides {
    return { egress: { direction: 'egress', owner: from, peer: to }, ingress: { direction: 'ingress', owner: to, peer: from } };
  }

  // ---- queries -----------------------------------------------------------------------------

  endpoint(ref: string): Endpoint | undefined {
    const byId = this.index.get(ref);
    if (byId !== undefined) return this.endpoints[byId];
    const byName = this.endpoints.filter((e) => e.name === ref);
    if (byName.length === 1) return byName[0];
    const byIdentity = this.endpoints.filter((e) => this.identity(e) === ref);
    return byIdentity.length === 1 ? byIdentity[0] : undefined;
  }

  private indexOf(ref: string): number {
    const endpoint = this.endpoint(ref);
    const i = endpoint ? this.index.get(endpoint.id) : undefined;
    if (i === undefined) throw new Error(`no single endpoint is called ${JSON.stringify(ref)}`);
    return i;
  }

  private verdict(side: Side, destination: Endpoint, port: number, protocol: Protocol): DirectionVerdict {
    if (this.isUnrestricted(side)) return 'unrestricted';
    const refs: PolicyRef[] = [];
    // The hot loop of enumeration: written out rather than through forEachApplicable's callback.
    for (const matches of this.rulesIsolating(side.direction, side.owner)) {
      const applicable = Array.isArray(matches) ? matches[side.peer] : matches;
      if (!applicable) continue;
      const entry = portEntryFor(applicable.rule, destination, port, protocol);
      if (entry !== false) refs.push(refOf(applicable, entry));
    }
    return refs;
  }

  private connectionAt(from: number, to: number, port: number, protocol: Protocol, sides = this.sides(from, to)): Connection | undefined {
    const destination = this.endpointAt(to);
    const egress = this.verdict(sides.egress, destination, port, protocol);
    if (egress !== 'unrestricted' && egress.length === 0) return undefined;
    const ingress = this.verdict(sides.ingress, destination, port, protocol);
    if (ingress !== 'unrestricted' && ingress.length === 0) return undefined;
    return { from: this.endpointAt(from).id, to: destination.id, port, protocol, allowedBy: { egress, ingress } };
  }

  explain(from: string, to: string, port: number, protocol?: string): Connection | undefined {
    return this.connectionAt(this.indexOf(from), this.indexOf(to), port, normaliseProtocol(protocol));
  }

  allowed(from: string, to: string, port: number, protocol?: string): boolean {
    return this.explain(from, to, port, protocol) !== undefined;
  }

  allowedPorts(from: string, to: string): PortRange[] {
    const to_ = this.indexOf(to);
    const sides = this.sides(this.indexOf(from), to_);
    const destination = this.endpointAt(to_);
    const rangesOf = (side: Side): PortRange[] => {
      if (this.isUnrestricted(side)) return [...ALL_PORT_RANGES];
      const ranges: PortRange[] = [];
      this.forEachApplicable(side, (a) => ranges.push(...rulePortRanges(a.rule, destination)));
      return ranges;
    };
    return intersectRanges(mergeRanges(rangesOf(sides.egress)), mergeRanges(rangesOf(sides.ingress)));
  }

  isolation(endpoint: string): { ingress: PolicyRef[]; egress: PolicyRef[] } {
    const i = this.indexOf(endpoint);
    const refs = (direction: Direction): PolicyRef[] =>
      (this.isolating[direction][i] ?? []).map((p) => ({
        policy: p.name,
        namespace: p.namespace,
        direction,
        object: p.object,
        path: ['spec', 'podSelector'],
      }));
    return { ingress: refs('ingress'), egress: refs('egress') };
  }

  get connections(): readonly Connection[] {
    if (!this.cachedConnections) this.cachedConnections = this.enumerate();
    return this.cachedConnections;
  }

  private enumerate(): Connection[] {
    const out: Connection[] = [];
    const n = this.endpoints.length;
    for (let to = 0; to < n; to++) {
      const destination = this.endpointAt(to);
      const probes = uniquePorts(destination);
      if (probes.length === 0) continue;
      for (let from = 0; from < n; from++) {
        if (from === to && !this.opts.includeSelf) continue;
        // Between two addresses outside the cluster no policy has a say.
        if (destination.external && this.endpoints[from]?.external) continue;
        const sides = this.sides(from, to);
        if (!this.admitsPeer(sides.egress) || !this.admitsPeer(sides.ingress)) continue;
        for (const probe of probes) {
          const connection = this.connectionAt(from, to, probe.port, probe.protocol, sides);
          if (connection) out.push(connection);
        }
      }
    }
    return out;
  }
}

function uniquePorts(endpoint: Endpoint): Array<{ port: number; protocol: Protocol }> {
  const seen = new Set<string>();
  const out: Array<{ port: number; protocol: Protocol }> = [];
  for (const p of endpoint.ports) {
    const key = `${p.protocol}/${p.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ port: p.port, protocol: p.protocol });
  }
  return out;
}

/** Connectivity that all NetworkPolicies in `objects` allow between workloads and virtual peers. */
export function analyzeConnectivity(objects: readonly K8sObject[], opts: NetpolOptions): ConnectivityMatrix {
  return new Engine(objects, opts);
}
