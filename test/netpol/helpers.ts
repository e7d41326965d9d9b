/**
 * Builders for the netpol tests: K8sObjects with a `locate` that returns a synthetic location
 * whose file name carries the value path (`…#spec.ingress.0`), so tests can check that a
 * finding points at the exact rule. No vitest import: bench/netpol.ts uses these too.
 */
import type { K8sObject, Location, ValuePath } from '../../src/types.ts';
import type { ConnectivityMatrix, NetpolOptions } from '../../src/netpol/index.ts';

export function makeObject(kind: string, name: string, raw: Record<string, unknown>, namespace?: string): K8sObject {
  const metadata = (raw.metadata ?? {}) as Record<string, unknown>;
  const apiVersion = kind === 'NetworkPolicy' ? 'networking.k8s.io/v1' : kind === 'Namespace' || kind === 'Pod' ? 'v1' : 'apps/v1';
  const body: Record<string, unknown> = {
    apiVersion,
    kind,
    ...raw,
    metadata: { ...metadata, name, ...(namespace ? { namespace } : {}) },
  };
  const file = `synthetic/${namespace ?? '_'}/${kind}-${name}.yaml`;
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(namespace ? { namespace } : {}),
      labels: (metadata.labels ?? {}) as Record<string, string>,
      annotations: {},
    },
    raw: body,
    origin: { type: 'manifest', file, docIndex: 0 },
    locate(path: ValuePath): Location {
      return { path: `${file}#${path.join('.')}`, line: path.length + 1, column: 1, endLine: path.length + 1, endColumn: 2 };
    },
  };
}

export interface PortSpec {
  name?: string;
  containerPort: number;
  protocol?: string;
}

function containersFor(ports: PortSpec[]): Array<Record<string, unknown>> {
  return [{ name: 'main', image: 'example/app:1.0', ports }];
}

export function deployment(name: string, opts: { namespace?: string; labels?: Record<string, string>; ports?: PortSpec[]; kind?: string } = {}): K8sObject {
  const labels = opts.labels ?? { 'app.kubernetes.io/name': name };
  const template = { metadata: { labels }, spec: { containers: containersFor(opts.ports ?? []) } };
  const kind = opts.kind ?? 'Deployment';
  const spec = kind === 'CronJob' ? { schedule: '* * * * *', jobTemplate: { spec: { template } } } : { selector: { matchLabels: labels }, template };
  return makeObject(kind, name, { spec }, opts.namespace);
}

export function pod(namespace: string, name: string, labels: Record<string, string>, ports: PortSpec[]): K8sObject {
  return makeObject('Pod', name, { metadata: { labels }, spec: { containers: containersFor(ports) } }, namespace);
}

export function namespace(name: string, labels: Record<string, string> = {}): K8sObject {
  return makeObject('Namespace', name, { metadata: { labels } });
}

export function netpol(name: string, spec: Record<string, unknown>, ns?: string): K8sObject {
  return makeObject('NetworkPolicy', name, { spec }, ns);
}

// ---- the Kubernetes e2e netpol model --------------------------------------------------------

/**
 * The pod model of kubernetes/test/e2e/network/netpol: pods `x/a`… labelled `pod: <name>`, one
 * container per port and protocol whose port is named `serve-<port>-<protocol in lower case>`.
 */
export function e2ePods(podNames: string[], ports: number[], protocols: string[]): K8sObject[] {
  return podNames.map((ref) => {
    const [ns, name] = ref.split('/') as [string, string];
    const specs: PortSpec[] = [];
    for (const protocol of protocols) {
      for (const port of ports) specs.push({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol });
    }
    return pod(ns, name, { pod: name }, specs);
  });
}

/** Options for an e2e-style model: no virtual peers, so the matrix holds the model pods only. */
export const e2eOptions: NetpolOptions = { namespace: 'x', virtualPeers: [], extraNamespaces: [{ name: 'y' }, { name: 'z' }] };

interface PeerPattern {
  ns?: string;
  pod?: string;
}

/**
 * A truth table like the e2e `Reachability`: every ordered pair of pods starts at `initial`;
 * expectations are applied in order, the later winning. Loopback pairs are ignored, as in e2e.
 */
export class Reachability {
  private readonly expected = new Map<string, boolean>();

  constructor(
    private readonly pods: string[],
    initial: boolean,
  ) {
    for (const a of pods) for (const b of pods) if (a !== b) this.expected.set(`${a}>${b}`, initial);
  }

  private static fits(ref: string, p: PeerPattern): boolean {
    const [ns, name] = ref.split('/');
    return (p.ns === undefined || p.ns === ns) && (p.pod === undefined || p.pod === name);
  }

  expectPeer(from: PeerPattern, to: PeerPattern, value: boolean): this {
    for (const key of this.expected.keys()) {
      const [a, b] = key.split('>') as [string, string];
      if (Reachability.fits(a, from) && Reachability.fits(b, to)) this.expected.set(key, value);
    }
    return this;
  }

  expect(from: string, to: string, value: boolean): this {
    if (from !== to) this.expected.set(`${from}>${to}`, value);
    return this;
  }

  expectAllIngress(to: string, value: boolean): this {
    for (const a of this.pods) this.expect(a, to, value);
    return this;
  }

  expectAllEgress(from: string, value: boolean): this {
    for (const b of this.pods) this.expect(from, b, value);
    return this;
  }

  /** Pairs where the matrix disagrees with the table, as readable strings (empty: all agree). */
  mismatches(matrix: ConnectivityMatrix, port: number, protocol: string): string[] {
    const out: string[] = [];
    for (const [key, want] of this.expected) {
      const [a, b] = key.split('>') as [string, string];
      const got = matrix.allowed(a, b, port, protocol);
      if (got !== want) out.push(`${a} → ${b} ${protocol}/${port}: expected ${want ? 'allowed' : 'blocked'}, got ${got ? 'allowed' : 'blocked'}`);
    }
    return out;
  }
}
