/**
 * Published case from np-guard/netpol-analyzer: tests/with_end_port_example (netpol.yaml,
 * pods_list.yaml) and its expected result tests/with_end_port_example/connlist_output.txt.
 *
 * The policy `enable-all-protocols-with-all-ports` in kube-system selects every pod there and
 * allows ingress on ports 1-65535 (endPort) for UDP, TCP and SCTP from any source. Expected
 * output: every pair, in and out of kube-system and to/from 0.0.0.0-255.255.255.255, is listed
 * as "All Connections" — e.g. `0.0.0.0-255.255.255.255 => kube-system/calico-node[DaemonSet]`
 * and `default/cog-agents[DaemonSet] => kube-system/calico-node[DaemonSet]`. A subset of the
 * example's workloads is modelled (one per namespace and kind), with the same labels.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity } from '../../src/netpol/index.ts';
import { deployment, netpol } from './helpers.ts';

const ALL_CONNECTIONS = [
  { protocol: 'TCP', from: 1, to: 65535 },
  { protocol: 'UDP', from: 1, to: 65535 },
  { protocol: 'SCTP', from: 1, to: 65535 },
];

describe('np-guard netpol-analyzer: tests/with_end_port_example', () => {
  const objects = [
    deployment('cog-agents', { namespace: 'default', kind: 'DaemonSet', labels: { app: 'skydive', tier: 'agent' } }),
    deployment('cog-local-analyzer-7d77fb55cc', { namespace: 'default', kind: 'ReplicaSet', labels: { app: 'skydive', tier: 'analyzer' } }),
    deployment('calico-node', { namespace: 'kube-system', kind: 'DaemonSet', labels: { 'k8s-app': 'calico-node' } }),
    deployment('file-plugin-7bfb8b69bf', { namespace: 'kube-system', kind: 'ReplicaSet', labels: { app: 'file-plugin', tier: 'frontend' } }),
    deployment('barbar-app', { namespace: 'vendor-system', kind: 'ReplicaSet', labels: { 'weird-lb-app-name': 'keepalived', 'provider-ip': '1-1-1-10' } }),
    deployment('kube-dns-amd64-d66bf76db', {
      namespace: 'kube-system-dummy-to-ignore',
      kind: 'ReplicaSet',
      labels: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns-local', containerPort: 10053, protocol: 'UDP' },
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
        { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
      ],
    }),
    netpol(
      'enable-all-protocols-with-all-ports',
      {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            ports: [
              { port: 1, endPort: 65535, protocol: 'UDP' },
              { port: 1, endPort: 65535, protocol: 'TCP' },
              { port: 1, endPort: 65535, protocol: 'SCTP' },
            ],
          },
        ],
      },
      'kube-system',
    ),
  ];
  // The example's only outside-the-cluster peer is the whole IPv4 range; one address stands for it.
  const matrix = analyzeConnectivity(objects, { namespace: 'default', virtualPeers: [{ name: 'internet', service: 'internet', cidr: '8.8.8.8/32' }] });

  it('every pair has All Connections, into kube-system included', () => {
    expect(matrix.problems).toEqual([]);
    const ids = matrix.endpoints.map((e) => e.id);
    for (const from of ids) {
      for (const to of ids) {
        if (from === to || (from.startsWith('external/') && to.startsWith('external/'))) continue;
        expect(matrix.allowedPorts(from, to), `${from} => ${to}`).toEqual(ALL_CONNECTIONS);
      }
    }
  });

  it('the policy is what opens ingress to kube-system, rule by rule and protocol by protocol', () => {
    const c = matrix.explain('external/internet', 'kube-system/calico-node', 4789, 'UDP');
    expect(c?.allowedBy.egress).toBe('unrestricted');
    expect(c?.allowedBy.ingress).toMatchObject([{ policy: 'enable-all-protocols-with-all-ports', portPath: ['spec', 'ingress', 0, 'ports', 0] }]);
    expect(matrix.explain('default/cog-agents', 'kube-system/calico-node', 9099, 'SCTP')?.allowedBy.ingress).toMatchObject([
      { portPath: ['spec', 'ingress', 0, 'ports', 2] },
    ]);
  });
});
