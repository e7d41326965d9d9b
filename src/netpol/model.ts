/**
 * The vocabulary of the NetworkPolicy connectivity engine: endpoints (pods of a workload, or a
 * virtual peer outside the repository), the rules that open a connection, and the matrix that
 * answers "may A reach B on this port".
 */
import type { K8sObject, ValuePath } from '../types.ts';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

/**
 * The pods of one workload (all replicas share labels and ports, so one endpoint stands for all
 * of them), a virtual in-cluster peer (ingress controller, KEDA, cluster DNS) or an external
 * address (`external`, with `cidr`).
 */
export interface Endpoint {
  /** `namespace/name`; `namespace/Kind/name` when two workloads of different kinds share a name. */
  id: string;
  namespace: string;
  name: string;
  kind: string;
  /** Pod labels (the pod template's, not the workload's own metadata labels). */
  labels: Record<string, string>;
  /** Declared container ports: what named ports resolve against, and what the matrix probes. */
  ports: EndpointPort[];
  external?: boolean;
  cidr?: string;
  /** A peer that is not a workload of the reviewed repository. */
  virtual?: boolean;
  /** Service identity fixed by configuration (virtual peers), ahead of the identity function. */
  service?: string;
  /** The workload object this endpoint was read from. */
  object?: K8sObject;
}

/** The rule of one NetworkPolicy that allows (part of) a connection, precise enough to `locate()`. */
export interface PolicyRef {
  policy: string;
  namespace: string;
  direction: 'ingress' | 'egress';
  object: K8sObject;
  /** The rule: `['spec', 'ingress', 0]`. */
  path: ValuePath;
  /** The peer that matched (`[..., 'from', 1]`); absent when the rule has no peer list (all peers). */
  peerPath?: ValuePath;
  /** The port entry that matched (`[..., 'ports', 0]`); absent when the rule has no port list. */
  portPath?: ValuePath;
}

/** One direction of a connection: unrestricted (no policy isolates that side) or the rules that allow it. */
export type DirectionVerdict = PolicyRef[] | 'unrestricted';

export interface Connection {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  allowedBy: { egress: DirectionVerdict; ingress: DirectionVerdict };
}

export interface PortRange {
  protocol: Protocol;
  from: number;
  to: number;
}

/** Something the engine could not take into account (the API server would reject it), or a doubt. */
export interface NetpolProblem {
  object: K8sObject;
  path: ValuePath;
  message: string;
  /** `error`: the object would be rejected, so it is ignored; `warning`: used as written. */
  severity: 'error' | 'warning';
}

/** A peer that is not a workload in the repository but takes part in connectivity. */
export interface VirtualPeer {
  name: string;
  /** Graph identity (`ingress-controller`, `keda`, `dns`, `internet`). */
  service: string;
  kind?: string;
  /** In-cluster peers: their namespace and pod labels, which selectors see. */
  namespace?: string;
  namespaceLabels?: Record<string, string>;
  labels?: Record<string, string>;
  ports?: EndpointPort[];
  /** External peers: an address or CIDR outside the cluster; only ipBlock peers can match it. */
  cidr?: string;
}

export interface NetpolOptions {
  /** The production namespace: objects without `metadata.namespace` are placed there. */
  namespace: string;
  /** Namespaces that exist in the cluster but not in the repository (labels as the cluster has them). */
  extraNamespaces?: Array<{ name: string; labels?: Record<string, string> }>;
  /** More addresses outside the cluster (a managed database, a partner API). */
  externalPeers?: Array<{ name: string; cidr: string; ports?: EndpointPort[]; service?: string }>;
  /** Replaces `defaultVirtualPeers` (ingress controller, KEDA, cluster DNS, the internet); `[]` for none. */
  virtualPeers?: VirtualPeer[];
  /** The service an endpoint belongs to, for the service graph. Default: `defaultIdentity`. */
  identity?: (endpoint: Endpoint) => string;
  /** Also list connections from an endpoint to itself (replica to replica). Off by default, as in
   * the Kubernetes e2e truth tables, which ignore loopback because CNIs disagree on it. */
  includeSelf?: boolean;
}

export interface ConnectivityMatrix {
  readonly endpoints: readonly Endpoint[];
  /** Every allowed connection to a port the destination declares (container ports; for virtual peers, theirs). */
  readonly connections: readonly Connection[];
  readonly problems: readonly NetpolProblem[];
  readonly identity: (endpoint: Endpoint) => string;
  /** `from`/`to`: an endpoint id, or a name or service identity that designates one endpoint. */
  endpoint(ref: string): Endpoint | undefined;
  /** `protocol`: TCP (the default), UDP or SCTP, in any case. */
  allowed(from: string, to: string, port: number, protocol?: string): boolean;
  /** The connection with the rules that allow it, or undefined when it is blocked. */
  explain(from: string, to: string, port: number, protocol?: string): Connection | undefined;
  /** Every port (as merged ranges, per protocol) on which `from` may reach `to`, declared or not. */
  allowedPorts(from: string, to: string): PortRange[];
  /** Policies isolating the endpoint: the ones selecting it with that policy type. */
  isolation(endpoint: string): { ingress: PolicyRef[]; egress: PolicyRef[] };
}
