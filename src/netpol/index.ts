/**
 * The NetworkPolicy connectivity engine (TR-K8S-7): who may reach whom, on which ports, because
 * of which rule, checked against the platform's declared service graph.
 *
 * Modelling decisions (see docs in each module):
 *  - one endpoint per workload (pod template labels and container ports), plus virtual peers:
 *    the ingress controller, KEDA, cluster DNS and one internet address, all configurable;
 *  - pod IPs are not modelled, so ipBlock peers only match the external peers; a real ipBlock
 *    that covers the pod network would also match pods, which this engine does not see;
 *  - policies the API server would reject are ignored and reported in `matrix.problems`;
 *  - traffic from a pod's own node (kubelet probes) and hostNetwork pods are out of scope.
 */
export type {
  Connection,
  ConnectivityMatrix,
  DirectionVerdict,
  Endpoint,
  EndpointPort,
  NetpolOptions,
  NetpolProblem,
  PolicyRef,
  PortRange,
  Protocol,
  VirtualPeer,
} from './model.ts';
export { analyzeConnectivity } from './analyze.ts';
export { buildEndpoints, defaultIdentity, defaultVirtualPeers, NAMESPACE_NAME_LABEL } from './endpoints.ts';
export { checkServiceGraph, defaultServiceGraph, ANY_SERVICE } from './graph.ts';
export type { GraphViolation, GraphViolationKind, ServiceEdge, ServiceGraph } from './graph.ts';
export { describeDiff, diffConnectivity } from './diff.ts';
export type { ConnectivityDiff } from './diff.ts';
export { formatMatrix } from './format.ts';
export type { MatrixFormat } from './format.ts';
export { findDefaultDeny, findOverBroadRules } from './lint.ts';
export type { OverBroadRule } from './lint.ts';
export { effectivePolicyTypes } from './policy.ts';
export { parseCidr, cidrContains, cidrOverlaps } from './cidr.ts';
