/**
 * Correctness at scale: 200 workloads × 300 generated policies, the engine's answers compared
 * with the naive oracle on every connection to a sample of destinations and on random probes.
 * No timing assertion here: timing is bench/netpol.ts's business.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity, type Endpoint, type Protocol } from '../../src/netpol/index.ts';
import { oracleAllowed } from './oracle.ts';
import { SYNTHETIC_NAMESPACES, syntheticCluster } from './synthetic.ts';

const opts = {
  namespace: 'balance-plus',
  externalPeers: [
    { name: 'corp', cidr: '10.20.3.4', ports: [{ port: 443, protocol: 'TCP' as const }] },
    { name: 'v6', cidr: '2001:db8::7', ports: [{ port: 443, protocol: 'TCP' as const }] },
  ],
};

describe('200 workloads × 300 policies', () => {
  const objects = syntheticCluster(200, 300, 42);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const matrix = analyzeConnectivity(objects, opts);
  const namespaceLabels = (ns: string): Record<string, string> => {
    const declared = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === ns);
    const labels = (declared?.raw.metadata as { labels?: Record<string, string> } | undefined)?.labels ?? {};
    return { ...labels, 'kubernetes.io/metadata.name': ns };
  };
  const oracle = (a: Endpoint, b: Endpoint, port: number, protocol: string): boolean => oracleAllowed(policies, namespaceLabels, a, b, port, protocol);

  it('builds the expected model with every policy accepted', () => {
    expect(matrix.endpoints.filter((e) => !e.virtual)).toHaveLength(200);
    expect(policies).toHaveLength(300);
    expect(matrix.problems).toEqual([]);
    expect(new Set(matrix.endpoints.map((e) => e.namespace))).toEqual(new Set([...SYNTHETIC_NAMESPACES, 'ingress-nginx', 'keda', 'kube-system', '']));
  });

  it('lists exactly the connections the oracle allows, for a sample of destinations', () => {
    const destinations = matrix.endpoints.filter((_, i) => i % 9 === 0 || matrix.endpoints[i]!.virtual);
    const byEngine = new Set(matrix.connections.map((c) => `${c.from}>${c.to} ${c.protocol}/${c.port}`));
    let allowed = 0;
    let blocked = 0;
    for (const b of destinations) {
      const probes = [...new Map(b.ports.map((p) => [`${p.protocol}/${p.port}`, p])).values()];
      for (const a of matrix.endpoints) {
        if (a.id === b.id || (a.external && b.external)) continue;
        for (const p of probes) {
          const want = oracle(a, b, p.port, p.protocol);
          expect(byEngine.has(`${a.id}>${b.id} ${p.protocol}/${p.port}`), `${a.id} → ${b.id} ${p.protocol}/${p.port}`).toBe(want);
          if (want) allowed++;
          else blocked++;
        }
      }
    }
    // The generated set must exercise both outcomes, or the comparison proves nothing.
    expect(allowed).toBeGreaterThan(100);
    expect(blocked).toBeGreaterThan(100);
  });

  it('agrees with the oracle on random probes, declared ports or not', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const ports = [1, 53, 80, 3868, 5432, 7946, 8000, 9090, 31999, 32000, 32099, 32100, 32768, 32769, 50051, 65535];
    const protocols: Protocol[] = ['TCP', 'UDP', 'SCTP'];
    const endpoints = matrix.endpoints;
    for (let i = 0; i < 1500; i++) {
      const a = endpoints[next(endpoints.length)]!;
      const b = endpoints[next(endpoints.length)]!;
      if (a.id === b.id) continue;
      const port = ports[next(ports.length)]!;
      const protocol = protocols[next(3)]!;
      expect(matrix.allowed(a.id, b.id, port, protocol), `${a.id} → ${b.id} ${protocol}/${port}`).toBe(oracle(a, b, port, protocol));
      // allowedPorts (range reasoning) must agree with the point queries.
      const inRanges = matrix.allowedPorts(a.id, b.id).some((r) => r.protocol === protocol && r.from <= port && port <= r.to);
      expect(inRanges).toBe(matrix.allowed(a.id, b.id, port, protocol));
    }
  });
});
