/**
 * Endpoints: what NetworkPolicies select and connect. One endpoint per workload (its pod
 * template's labels and container ports), plus the virtual peers that live outside the
 * repository, plus the namespaces with the labels namespaceSelectors see.
 */
import { WORKLOAD_KINDS } from '../model/objects.ts';
import type { K8sObject } from '../types.ts';
import type { Endpoint, EndpointPort, NetpolOptions, VirtualPeer } from './model.ts';
import { isProtocol } from './ports.ts';
import { asArray, asRecord, asString, asStringMap } from './raw.ts';

/** Set by the API server on every namespace since Kubernetes 1.21 (NamespaceDefaultLabelName). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Graph identity: the `app.kubernetes.io/name` label the library charts render, else the workload name. */
export function defaultIdentity(endpoint: Endpoint): string {
  return endpoint.service ?? endpoint.labels['app.kubernetes.io/name'] ?? endpoint.name;
}

/**
 * The platform's peers that are not in the repository, with the labels their upstream charts
 * give them: ingress-nginx's controller, the KEDA operator, CoreDNS (which keeps the `kube-dns`
 * label and port names), and one public address standing for "the internet".
 */
export const defaultVirtualPeers: readonly VirtualPeer[] = [
  {
    name: 'ingress-nginx-controller',
    service: 'ingress-controller',
    kind: 'IngressController',
    namespace: 'ingress-nginx',
    labels: {
      'app.kubernetes.io/name': 'ingress-nginx',
      'app.kubernetes.io/instance': 'ingress-nginx',
      'app.kubernetes.io/component': 'controller',
    },
    ports: [
      { name: 'http', port: 80, protocol: 'TCP' },
      { name: 'https', port: 443, protocol: 'TCP' },
    ],
  },
  {
    name: 'keda-operator',
    service: 'keda',
    kind: 'Operator',
    namespace: 'keda',
    labels: { app: 'keda-operator', 'app.kubernetes.io/name': 'keda-operator', 'app.kubernetes.io/part-of': 'keda-operator' },
    ports: [],
  },
  {
    name: 'kube-dns',
    service: 'dns',
    kind: 'ClusterDNS',
    namespace: 'kube-system',
    labels: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
  },
  {
    name: 'internet',
    service: 'internet',
    kind: 'External',
    cidr: '8.8.8.8/32',
    ports: [
      { name: 'https', port: 443, protocol: 'TCP' },
      { name: 'http', port: 80, protocol: 'TCP' },
    ],
  },
];

/** The pod template (metadata + spec) of a workload, or the Pod itself. */
function podTemplateOf(object: K8sObject): Record<string, unknown> | undefined {
  const spec = asRecord(object.raw.spec);
  if (object.kind === 'Pod') return object.raw;
  if (object.kind === 'CronJob') return asRecord(asRecord(asRecord(spec?.jobTemplate)?.spec)?.template);
  return asRecord(spec?.template);
}

function containerPorts(podSpec: Record<string, unknown> | undefined): EndpointPort[] {
  const ports: EndpointPort[] = [];
  const containers = [...(asArray(podSpec?.containers) ?? [])];
  // Sidecars declared as restartable init containers serve traffic like any container.
  for (const init of asArray(podSpec?.initContainers) ?? []) {
    if (asRecord(init)?.restartPolicy === 'Always') containers.push(init);
  }
  for (const container of containers) {
    for (const entry of asArray(asRecord(container)?.ports) ?? []) {
      const record = asRecord(entry);
      const port = Number(record?.containerPort);
      if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
      const protocol = record?.protocol === undefined ? 'TCP' : record.protocol;
      if (!isProtocol(protocol)) continue;
      const name = asString(record?.name);
      ports.push(name ? { name, port, protocol } : { port, protocol });
    }
  }
  return ports;
}

export function isWorkload(object: K8sObject): boolean {
  return WORKLOAD_KINDS.has(object.kind);
}

export function namespaceOf(object: K8sObject, defaultNamespace: string): string {
  return object.metadata.namespace || defaultNamespace;
}

/** Namespace name → labels, with the implicit `kubernetes.io/metadata.name` label the API server adds. */
export function buildNamespaceLabels(objects: readonly K8sObject[], opts: NetpolOptions, endpoints: readonly Endpoint[]): Map<string, Record<string, string>> {
  const labels = new Map<string, Record<string, string>>();
  const ensure = (name: string, extra: Record<string, string> = {}): void => {
    const current = labels.get(name) ?? {};
    // The API server overwrites this label with the name whatever the manifest says.
    labels.set(name, { ...current, ...extra, [NAMESPACE_NAME_LABEL]: name });
  };
  ensure(opts.namespace);
  for (const peer of opts.virtualPeers ?? defaultVirtualPeers) {
    if (peer.namespace) ensure(peer.namespace, peer.namespaceLabels);
  }
  for (const extra of opts.extraNamespaces ?? []) ensure(extra.name, extra.labels ?? {});
  for (const object of objects) {
    if (object.kind === 'Namespace') ensure(object.metadata.name, asStringMap(asRecord(object.raw.metadata)?.labels));
    else if (object.kind === 'NetworkPolicy') ensure(namespaceOf(object, opts.namespace));
  }
  for (const endpoint of endpoints) if (!endpoint.external) ensure(endpoint.namespace);
  return labels;
}

/** One endpoint per workload, then the virtual and external peers. Ids are unique. */
export function buildEndpoints(objects: readonly K8sObject[], opts: NetpolOptions): Endpoint[] {
  const endpoints: Endpoint[] = [];
  for (const object of objects) {
    if (!isWorkload(object)) continue;
    const template = podTemplateOf(object);
    const podMeta = asRecord(template?.metadata);
    endpoints.push({
      id: '',
      namespace: namespaceOf(object, opts.namespace),
      name: object.metadata.name,
      kind: object.kind,
      labels: asStringMap(podMeta?.labels),
      ports: containerPorts(asRecord(template?.spec)),
      object,
    });
  }
  for (const peer of opts.virtualPeers ?? defaultVirtualPeers) {
    const external = peer.cidr !== undefined;
    endpoints.push({
      id: '',
      namespace: external ? '' : (peer.namespace ?? opts.namespace),
      name: peer.name,
      kind: peer.kind ?? (external ? 'External' : 'VirtualPeer'),
      labels: { ...(peer.labels ?? {}) },
      ports: [...(peer.ports ?? [])],
      virtual: true,
      service: peer.service,
      ...(external ? { external: true, cidr: peer.cidr } : {}),
    });
  }
  for (const peer of opts.externalPeers ?? []) {
    endpoints.push({
      id: '',
      namespace: '',
      name: peer.name,
      kind: 'External',
      labels: {},
      ports: [...(peer.ports ?? [])],
      external: true,
      virtual: true,
      cidr: peer.cidr,
      service: peer.service ?? peer.name,
    });
  }
  assignIds(endpoints);
  return endpoints;
}

function assignIds(endpoints: Endpoint[]): void {
  const base = (e: Endpoint): string => (e.external ? `external/${e.name}` : `${e.namespace}/${e.name}`);
  const counts = new Map<string, number>();
  for (const e of endpoints) counts.set(base(e), (counts.get(base(e)) ?? 0) + 1);
  const used = new Set<string>();
  for (const e of endpoints) {
    const wanted = counts.get(base(e)) === 1 ? base(e) : `${e.external ? 'external' : e.namespace}/${e.kind}/${e.name}`;
    // Two objects of the same kind and name (a repository rendering one chart twice) stay apart.
    let id = wanted;
    for (let n = 2; used.has(id); n++) id = `${wanted}#${n}`;
    used.add(id);
    e.id = id;
  }
}
