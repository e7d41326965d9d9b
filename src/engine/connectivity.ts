/**
 * Glue between the repository model and the NetworkPolicy connectivity engine (`src/netpol/`):
 * which objects make up the production namespace, the engine's options and the declared service
 * graph from the configuration, one matrix per model and environment (built once, shared by
 * TR-K8S-7, `bplus netpol` and the GitHub App), and the per-pull-request diff.
 *
 * Choices:
 *  - the matrix covers the production namespace: manifests and chart templates whose namespace
 *    is the production one, unset, or templated (`{{ .Release.Namespace }}`, which Argo CD / Helm
 *    fill in with the target namespace), plus the objects derived from the service charts' values
 *    for one production environment. Every Namespace object is kept for its labels; a Namespace
 *    whose name is templated is the production namespace. Workloads of other namespaces are not
 *    modelled; the peers outside the namespace are the engine's virtual peers (ingress controller
 *    and KEDA in the namespaces the configuration names, cluster DNS, the internet);
 *  - with several production environments there is one matrix per environment (each is its own
 *    deployment of the same charts); the default is the first one.
 */
import type { BplusConfig } from '../config/schema.ts';
import type { RepositoryModel } from '../model/repository.ts';
import type { K8sObject } from '../types.ts';
import {
  analyzeConnectivity,
  ANY_SERVICE,
  defaultServiceGraph,
  defaultVirtualPeers,
  describeDiff,
  diffConnectivity,
  type ConnectivityMatrix,
  type Connection,
  type Endpoint,
  type NetpolOptions,
  type Protocol,
  type ServiceEdge,
  type ServiceGraph,
  type VirtualPeer,
} from '../netpol/index.ts';

const TEMPLATE = '{{';

/** Whether a namespace (as written in a manifest) is the production namespace at deploy time. */
export function isProductionNamespace(namespace: string | undefined, config: BplusConfig): boolean {
  return namespace === undefined || namespace === '' || namespace === config.production.namespace || namespace.includes(TEMPLATE);
}

/** Engine options for the production namespace under this configuration. */
export function netpolOptionsOf(config: BplusConfig): NetpolOptions {
  const virtualPeers: VirtualPeer[] = defaultVirtualPeers.map((peer) => {
    if (peer.service === 'ingress-controller') return { ...peer, namespace: config.network.ingressControllerNamespace };
    if (peer.service === 'keda') return { ...peer, namespace: config.network.kedaNamespace };
    return { ...peer };
  });
  return { namespace: config.production.namespace, virtualPeers };
}

/** A copy of the object placed in `namespace` (metadata and raw), locating exactly as the original. */
function placedIn(object: K8sObject, field: 'namespace' | 'name', value: string): K8sObject {
  const rawMeta = (object.raw.metadata && typeof object.raw.metadata === 'object' ? object.raw.metadata : {}) as Record<string, unknown>;
  return {
    ...object,
    metadata: { ...object.metadata, [field]: value },
    raw: { ...object.raw, metadata: { ...rawMeta, [field]: value } },
    locate: (path) => object.locate(path),
  };
}

/**
 * The objects of the production namespace for one environment, with templated namespaces (and
 * the templated name of the namespace itself) replaced by the production namespace.
 */
export function productionObjects(model: RepositoryModel, environment = defaultEnvironment(model.config)): K8sObject[] {
  const config = model.config;
  const namespace = config.production.namespace;
  const out: K8sObject[] = [];
  for (const object of model.objects) {
    if (object.origin.type === 'rendered') {
      if (object.origin.environment !== environment) continue;
    }
    if (object.kind === 'Namespace') {
      const name = object.metadata.name;
      out.push(name.includes(TEMPLATE) ? placedIn(object, 'name', namespace) : object);
      continue;
    }
    const own = object.metadata.namespace;
    if (!isProductionNamespace(own, config)) continue;
    out.push(own === namespace ? object : placedIn(object, 'namespace', namespace));
  }
  return out;
}

export function defaultEnvironment(config: BplusConfig): string {
  return config.production.environments[0] ?? 'prod';
}

const matrices = new WeakMap<RepositoryModel, Map<string, ConnectivityMatrix>>();

/** The connectivity of the production namespace: built once per model and environment. */
export function connectivityOf(model: RepositoryModel, environment = defaultEnvironment(model.config)): ConnectivityMatrix {
  let perEnvironment = matrices.get(model);
  if (!perEnvironment) matrices.set(model, (perEnvironment = new Map<string, ConnectivityMatrix>()));
  let matrix = perEnvironment.get(environment);
  if (!matrix) {
    matrix = analyzeConnectivity(productionObjects(model, environment), netpolOptionsOf(model.config));
    perEnvironment.set(environment, matrix);
  }
  return matrix;
}

/**
 * Configured ports: `5432` (TCP), `"53/UDP"`, `"UDP/53"`, `"udp 53"`, or a port name (`"amqp"`)
 * resolved on the destination's declared container ports.
 */
function parsePort(value: number | string): { port: number; protocol: Protocol } | { name: string } | undefined {
  if (typeof value === 'number') return { port: value, protocol: 'TCP' };
  const text = value.trim();
  // Split on separators instead of one pattern with optional blanks on both sides of them, which
  // backtracks polynomially on a long run of blanks.
  const parts = text.split(/[\s/:]+/);
  const isProtocol = (s: string | undefined) => s !== undefined && /^(?:tcp|udp|sctp)$/i.test(s);
  const isPort = (s: string | undefined) => s !== undefined && /^\d{1,5}$/.test(s);
  let port: string | undefined;
  let protocol: string | undefined;
  if (parts.length === 1 && isPort(parts[0])) port = parts[0];
  else if (parts.length === 2 && isProtocol(parts[0]) && isPort(parts[1])) [protocol, port] = parts;
  else if (parts.length === 2 && isPort(parts[0]) && isProtocol(parts[1])) [port, protocol] = parts;
  if (port !== undefined) {
    const number = Number(port);
    if (number < 1 || number > 65535) return undefined;
    return { port: number, protocol: (protocol ?? 'TCP').toUpperCase() as Protocol };
  }
  return text ? { name: text } : undefined;
}

type ConfiguredEdge = NonNullable<BplusConfig['network']['allow']>[number];

function toServiceEdges(edges: readonly ConfiguredEdge[], matrix: ConnectivityMatrix | undefined): ServiceEdge[] {
  const out: ServiceEdge[] = [];
  for (const edge of edges) {
    if (!edge.ports || edge.ports.length === 0) {
      out.push({ from: edge.from, to: edge.to });
      continue;
    }
    const ports: Array<{ port: number; protocol: Protocol }> = [];
    for (const raw of edge.ports) {
      const parsed = parsePort(raw);
      if (!parsed) continue;
      if ('port' in parsed) {
        ports.push(parsed);
        continue;
      }
      // A named port means whatever the destination's containers call that name.
      const destinations = (matrix?.endpoints ?? []).filter((e: Endpoint) => edge.to === ANY_SERVICE || matrix!.identity(e) === edge.to);
      for (const e of destinations) {
        for (const p of e.ports) if (p.name === parsed.name) ports.push({ port: p.port, protocol: p.protocol });
      }
    }
    const unique = [...new Map(ports.map((p) => [`${p.protocol}/${p.port}`, p])).values()];
    // Only names nothing declares: the edge is about a port no destination has; nothing to check.
    if (unique.length === 0) continue;
    out.push({ from: edge.from, to: edge.to, ports: unique });
  }
  return out;
}

/**
 * The declared service graph: the platform diagram, with `network.allow` / `network.forbid`
 * replacing its allowed / forbidden edges when the configuration sets them, and
 * `network.undeclared` deciding what an edge neither list mentions is.
 */
export function serviceGraphOf(config: BplusConfig, matrix?: ConnectivityMatrix): ServiceGraph {
  const network = config.network;
  return {
    allow: network.allow ? toServiceEdges(network.allow, matrix) : defaultServiceGraph.allow,
    forbid: network.forbid ? toServiceEdges(network.forbid, matrix) : defaultServiceGraph.forbid,
    undeclared: network.undeclared,
  };
}

/**
 * What a change does to the production namespace's connectivity, one line per connection:
 * `now allowed: api-gateway → postgresql TCP 5432`, then `no longer allowed: …`. Connections
 * between two peers outside the repository (ingress controller → DNS) are left out: the
 * repository's policies decide nothing there.
 */
export function connectivityDiff(baseModel: RepositoryModel, headModel: RepositoryModel, environment?: string): string[] {
  const base = connectivityOf(baseModel, environment ?? defaultEnvironment(baseModel.config));
  const head = connectivityOf(headModel, environment ?? defaultEnvironment(headModel.config));
  const diff = diffConnectivity(base, head);
  const ours =
    (matrix: ConnectivityMatrix) =>
    (c: Connection): boolean =>
      !(matrix.endpoint(c.from)?.virtual === true && matrix.endpoint(c.to)?.virtual === true);
  const names = {
    endpoint: (id: string) => head.endpoint(id) ?? base.endpoint(id),
    identity: head.identity,
  };
  const lines = describeDiff({ added: diff.added.filter(ours(head)), removed: diff.removed.filter(ours(base)) }, names);
  return [...new Set(lines)];
}

/** Connections of the matrix that involve at least one workload of the repository. */
export function repositoryConnections(matrix: ConnectivityMatrix): Connection[] {
  return matrix.connections.filter((c) => !(matrix.endpoint(c.from)?.virtual === true && matrix.endpoint(c.to)?.virtual === true));
}
