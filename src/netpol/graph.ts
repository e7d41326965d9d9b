/**
 * The declared service graph (TR-K8S-7) and its check against a connectivity matrix:
 * forbidden edges that some rule makes reachable, declared edges that policies block, and,
 * when the graph says so, reachable edges it does not declare at all.
 */
import type { Connection, ConnectivityMatrix, Endpoint, PolicyRef, Protocol } from './model.ts';

/** Any service, on either end of an edge. */
export const ANY_SERVICE = '*';

export interface ServiceEdge {
  from: string;
  to: string;
  /** The ports the edge is about. Allowed edge: blocked when none of them is open. Forbidden
   * edge: violated when any of them is open. Absent: any declared port of the destination
   * (any port at all when it declares none). */
  ports?: Array<{ port: number; protocol?: Protocol }>;
  /** Why the edge exists or is forbidden; carried into messages. */
  reason?: string;
}

export interface ServiceGraph {
  allow: ServiceEdge[];
  forbid: ServiceEdge[];
  /** What a reachable edge that the graph neither allows nor forbids is: `allow` (default) tolerates it. */
  undeclared?: 'forbid' | 'allow';
}

export type GraphViolationKind = 'forbidden-reachable' | 'undeclared-reachable' | 'declared-blocked';

export interface GraphViolation {
  kind: GraphViolationKind;
  /** Services (graph identities) and the endpoints that stand for them. */
  from: string;
  to: string;
  fromEndpoint: string;
  toEndpoint: string;
  edge?: ServiceEdge;
  /** Reachable kinds: one connection that is open, with the rules on both sides that open it. */
  connection?: Connection;
  /** Blocked kind: the policies that isolate the source's egress or the destination's ingress. */
  isolatedBy?: { egress: PolicyRef[]; ingress: PolicyRef[] };
  message: string;
}

/** The platform's deployment diagram (platform-rules.md, "The declared service graph"). */
export const defaultServiceGraph: ServiceGraph = {
  allow: [
    { from: 'ingress-controller', to: 'api-gateway', reason: 'external HTTP(S) enters through the Ingress controller' },
    { from: 'api-gateway', to: 'orchestrator' },
    { from: 'orchestrator', to: 'postgresql' },
    { from: 'orchestrator', to: 'rabbitmq' },
    { from: 'condenser-worker', to: 'rabbitmq' },
    { from: 'condenser-worker', to: 'postgresql', reason: 'stores condensation results' },
    { from: 'keda', to: 'rabbitmq', reason: 'KEDA reads the queue length' },
    {
      from: ANY_SERVICE,
      to: 'dns',
      ports: [
        { port: 53, protocol: 'UDP' },
        { port: 53, protocol: 'TCP' },
      ],
      reason: 'every pod resolves names through cluster DNS',
    },
  ],
  forbid: [{ from: 'api-gateway', to: 'postgresql', reason: 'the gateway reaches data only through the orchestrator' }],
  undeclared: 'allow',
};

function edgeMatches(edge: ServiceEdge, from: string, to: string): boolean {
  return (edge.from === ANY_SERVICE || edge.from === from) && (edge.to === ANY_SERVICE || edge.to === to);
}

/**
 * The first open connection from `a` to `b` among the edge's ports, else the destination's
 * declared ports; with `anyPort` (reachability questions), else any port at all, since a pod may
 * listen on ports it does not declare. A destination that declares none is always probed on any port.
 */
function openConnection(
  matrix: ConnectivityMatrix,
  a: Endpoint,
  b: Endpoint,
  edge: ServiceEdge | undefined,
  anyPort: boolean,
  listed?: Map<string, Connection>,
): Connection | undefined {
  if (listed && !edge?.ports?.length) {
    // The matrix already enumerated the declared ports: reuse it rather than asking again.
    const known = listed.get(`${a.id}\u0000${b.id}`);
    if (known || b.ports.length > 0) {
      if (known || !anyPort) return known;
      const first = matrix.allowedPorts(a.id, b.id)[0];
      return first ? matrix.explain(a.id, b.id, first.from, first.protocol) : undefined;
    }
  }
  const candidates = edge?.ports?.length
    ? edge.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }))
    : b.ports.map((p) => ({ port: p.port, protocol: p.protocol }));
  for (const c of candidates) {
    const connection = matrix.explain(a.id, b.id, c.port, c.protocol);
    if (connection) return connection;
  }
  if (edge?.ports?.length || (b.ports.length > 0 && !anyPort)) return undefined;
  const first = matrix.allowedPorts(a.id, b.id)[0];
  return first ? matrix.explain(a.id, b.id, first.from, first.protocol) : undefined;
}

/** The connection and (the first few of) the rules opening it, for a message a person reads. */
function describe(connection: Connection): string {
  const MAX_LISTED = 3;
  const side = (v: Connection['allowedBy']['egress'], what: string): string => {
    if (v === 'unrestricted') return `${what} unrestricted (no policy isolates it)`;
    const listed = v.slice(0, MAX_LISTED).map((r) => `${r.namespace}/${r.policy} ${r.path.join('.')}`);
    if (v.length > MAX_LISTED) listed.push(`${v.length - MAX_LISTED} more`);
    return `${what} opened by ${listed.join(', ')}`;
  };
  return `${connection.protocol} ${connection.port}; ${side(connection.allowedBy.egress, 'egress')}; ${side(connection.allowedBy.ingress, 'ingress')}`;
}

/** Violations of `graph` by the connectivity in `matrix`, in a stable order. */
export function checkServiceGraph(matrix: ConnectivityMatrix, graph: ServiceGraph): GraphViolation[] {
  const violations: GraphViolation[] = [];
  const endpoints = matrix.endpoints;
  const serviceOf = new Map(endpoints.map((e) => [e.id, matrix.identity(e)]));
  const service = (e: Endpoint): string => serviceOf.get(e.id) ?? e.name;
  // Grouped once: looking a service's endpoints up by filtering every endpoint, inside the loop
  // over sources, made the check quadratic in the number of workloads.
  const ours = endpoints.filter((e) => !e.virtual);
  const members = new Map<string, Endpoint[]>();
  for (const e of endpoints) {
    const list = members.get(service(e));
    if (list) list.push(e);
    else members.set(service(e), [e]);
  }
  // A wildcard means the repository's own workloads: the peers outside it are not ours to fix.
  const bySource = (name: string): Endpoint[] => (name === ANY_SERVICE ? ours : (members.get(name) ?? []));
  const byDestination = bySource;

  for (const edge of graph.forbid) {
    const destinations = byDestination(edge.to);
    for (const a of bySource(edge.from)) {
      for (const b of destinations) {
        if (a.id === b.id || (a.external && b.external)) continue;
        const connection = openConnection(matrix, a, b, edge, true);
        if (!connection) continue;
        violations.push({
          kind: 'forbidden-reachable',
          from: service(a),
          to: service(b),
          fromEndpoint: a.id,
          toEndpoint: b.id,
          edge,
          connection,
          message: `${service(a)} can reach ${service(b)}, which the service graph forbids${edge.reason ? ` (${edge.reason})` : ''}: ${describe(connection)}`,
        });
      }
    }
  }

  for (const edge of graph.allow) {
    const destinations = byDestination(edge.to);
    for (const a of bySource(edge.from)) {
      for (const b of destinations) {
        if (a.id === b.id || (a.external && b.external)) continue;
        if (service(a) === service(b)) continue;
        if (openConnection(matrix, a, b, edge, false)) continue;
        const isolatedBy = { egress: matrix.isolation(a.id).egress, ingress: matrix.isolation(b.id).ingress };
        const where = edge.ports?.length
          ? edge.ports.map((p) => `${p.protocol ?? 'TCP'} ${p.port}`).join(', ')
          : b.ports.length
            ? b.ports.map((p) => `${p.protocol} ${p.port}`).join(', ')
            : 'any port';
        violations.push({
          kind: 'declared-blocked',
          from: service(a),
          to: service(b),
          fromEndpoint: a.id,
          toEndpoint: b.id,
          edge,
          isolatedBy,
          message: `${service(a)} → ${service(b)} is declared in the service graph but no policy allows it (${where})`,
        });
      }
    }
  }

  if (graph.undeclared === 'forbid') {
    const listed = new Map<string, Connection>();
    for (const c of matrix.connections) {
      const key = `${c.from}\u0000${c.to}`;
      if (!listed.has(key)) listed.set(key, c);
    }
    const declared = new Map<string, boolean>();
    const isDeclared = (from: string, to: string): boolean => {
      const key = `${from}\u0000${to}`;
      let known = declared.get(key);
      if (known === undefined) {
        known = graph.allow.some((e) => edgeMatches(e, from, to)) || graph.forbid.some((e) => edgeMatches(e, from, to));
        declared.set(key, known);
      }
      return known;
    };
    for (const a of endpoints) {
      for (const b of endpoints) {
        if (a.id === b.id || service(a) === service(b)) continue;
        // Between peers that are both outside the repository, its policies decide nothing.
        if (a.virtual && b.virtual) continue;
        const from = service(a);
        const to = service(b);
        if (isDeclared(from, to)) continue;
        const connection = openConnection(matrix, a, b, undefined, true, listed);
        if (!connection) continue;
        violations.push({
          kind: 'undeclared-reachable',
          from,
          to,
          fromEndpoint: a.id,
          toEndpoint: b.id,
          connection,
          message: `${from} can reach ${to}, an edge the service graph does not declare: ${describe(connection)}`,
        });
      }
    }
  }
  return violations;
}
