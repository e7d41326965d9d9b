/**
 * NetworkPolicy semantics as networking.k8s.io/v1 defines them, one table per rule, with the
 * traps a reviewer meets in real repositories.
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity, type NetpolOptions } from '../../src/netpol/index.ts';
import type { K8sObject } from '../../src/types.ts';
import { deployment, makeObject, namespace, netpol } from './helpers.ts';

const PROD = 'balance-plus';
const opts: NetpolOptions = {
  namespace: PROD,
  extraNamespaces: [{ name: 'monitoring', labels: { team: 'sre' } }],
  externalPeers: [
    { name: 'corp-vpn', cidr: '10.20.0.7', ports: [{ port: 443, protocol: 'TCP' }] },
    { name: 'v6-partner', cidr: '2001:db8::10', ports: [{ port: 443, protocol: 'TCP' }] },
  ],
};

/** A small world: server and client in production, a client in monitoring, the default virtual peers. */
function world(...policies: K8sObject[]): K8sObject[] {
  return [
    deployment('server', {
      labels: { app: 'server', 'app.kubernetes.io/name': 'server' },
      ports: [
        { name: 'http', containerPort: 8000 },
        { name: 'metrics', containerPort: 9090 },
        { name: 'gossip', containerPort: 7946, protocol: 'UDP' },
        { name: 'sig', containerPort: 3868, protocol: 'SCTP' },
        { containerPort: 32500 },
      ],
    }),
    deployment('client', { labels: { app: 'client', role: 'client' }, ports: [{ name: 'http', containerPort: 8080 }] }),
    deployment('other', { labels: { app: 'other' }, ports: [{ name: 'http', containerPort: 8080 }] }),
    deployment('prom', { namespace: 'monitoring', labels: { app: 'prom', role: 'client' }, ports: [{ containerPort: 9090 }] }),
    namespace('monitoring', { team: 'sre' }),
    ...policies,
  ];
}

type Row = [from: string, to: string, port: number, protocol: string, allowed: boolean];

function check(objects: K8sObject[], rows: Row[]): void {
  const matrix = analyzeConnectivity(objects, opts);
  expect(matrix.problems.filter((p) => p.severity === 'error')).toEqual([]);
  const got = rows.map(([from, to, port, protocol]) => [from, to, port, protocol, matrix.allowed(from, to, port, protocol)]);
  expect(got).toEqual(rows);
}

const toServer = (spec: Record<string, unknown>): K8sObject => netpol('server-policy', { podSelector: { matchLabels: { app: 'server' } }, ...spec }, PROD);

describe('isolation', () => {
  it('no policy: everything reaches everything', () => {
    check(world(), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
      ['external/internet', 'balance-plus/server', 12345, 'UDP', true],
      ['balance-plus/server', 'external/internet', 443, 'TCP', true],
    ]);
  });

  it('`ingress: []` isolates and allows nothing; `ingress: [{}]` allows everything', () => {
    check(world(toServer({ ingress: [] })), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false],
      ['monitoring/prom', 'balance-plus/server', 9090, 'TCP', false],
      // Only the selected pod is isolated, and only for ingress.
      ['balance-plus/server', 'balance-plus/client', 8080, 'TCP', true],
      ['balance-plus/other', 'balance-plus/client', 8080, 'TCP', true],
    ]);
    check(world(toServer({ ingress: [{}] })), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
      ['monitoring/prom', 'balance-plus/server', 9090, 'TCP', true],
      ['external/internet', 'balance-plus/server', 3868, 'SCTP', true],
    ]);
  });

  it('no `ingress` key at all isolates like `ingress: []` (policyTypes defaults to Ingress)', () => {
    check(world(toServer({})), [['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false]]);
  });

  it('policies are additive: a second policy only ever opens more', () => {
    const narrow = toServer({ ingress: [{ ports: [{ port: 8000 }] }] });
    const wide = netpol('metrics', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ ports: [{ port: 9090 }] }] }, PROD);
    check(world(narrow, wide), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 9090, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 7946, 'UDP', false],
    ]);
  });

  it('a policy in another namespace does not apply to production pods', () => {
    const elsewhere = netpol('deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'monitoring');
    check(world(elsewhere), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
      ['monitoring/prom', 'balance-plus/server', 9090, 'TCP', false],
      ['balance-plus/client', 'monitoring/prom', 9090, 'TCP', false],
    ]);
  });

  it('a policy without metadata.namespace lands in the production namespace', () => {
    const noNamespace = netpol('deny', { podSelector: {}, ingress: [] });
    check(world(noNamespace), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false],
      ['balance-plus/client', 'monitoring/prom', 9090, 'TCP', true],
    ]);
  });

  it('both sides must agree: egress allowed but ingress denied is blocked, and vice versa', () => {
    const clientEgress = netpol(
      'client-egress',
      { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }] }] },
      PROD,
    );
    const serverIngress = toServer({ ingress: [{ from: [{ podSelector: { matchLabels: { app: 'other' } } }] }] });
    check(world(clientEgress, serverIngress), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false], // ingress refuses client
      ['balance-plus/other', 'balance-plus/server', 8000, 'TCP', true],
      ['balance-plus/client', 'balance-plus/other', 8080, 'TCP', false], // egress refuses other
    ]);
  });
});

describe('policyTypes defaulting', () => {
  it('omitted policyTypes with egress rules: Ingress AND Egress are isolated', () => {
    const p = netpol(
      'client',
      { podSelector: { matchLabels: { app: 'client' } }, egress: [{ to: [{ podSelector: { matchLabels: { app: 'server' } } }] }] },
      PROD,
    );
    check(world(p), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
      ['balance-plus/client', 'balance-plus/other', 8080, 'TCP', false],
      // Ingress isolated too, with no ingress rule: nobody reaches the client any more.
      ['balance-plus/server', 'balance-plus/client', 8080, 'TCP', false],
    ]);
  });

  it('omitted policyTypes with `egress: []`: only Ingress is isolated (an empty egress list adds nothing)', () => {
    const p = netpol('client', { podSelector: { matchLabels: { app: 'client' } }, ingress: [{}], egress: [] }, PROD);
    check(world(p), [
      ['balance-plus/client', 'balance-plus/other', 8080, 'TCP', true],
      ['balance-plus/client', 'external/internet', 443, 'TCP', true],
    ]);
  });

  it('policyTypes: [Egress] ignores ingress rules and leaves ingress open', () => {
    const p = netpol('client', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], ingress: [], egress: [] }, PROD);
    check(world(p), [
      ['balance-plus/other', 'balance-plus/client', 8080, 'TCP', true],
      ['balance-plus/client', 'balance-plus/other', 8080, 'TCP', false],
    ]);
  });

  it('policyTypes: [] is defaulted like an absent list', () => {
    const p = netpol('client', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: [], egress: [] }, PROD);
    check(world(p), [
      ['balance-plus/other', 'balance-plus/client', 8080, 'TCP', false],
      ['balance-plus/client', 'balance-plus/other', 8080, 'TCP', true],
    ]);
  });
});

describe('peers', () => {
  it('TRAP: `[{podSelector: {}}, {namespaceSelector: {}}]` (OR) vs `[{podSelector: {}, namespaceSelector: {}}]` (AND): both admit every pod of the cluster, neither the internet', () => {
    const or = toServer({ ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: {} }] }] });
    const and = toServer({ ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] });
    for (const policy of [or, and]) {
      check(world(policy), [
        ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
        ['monitoring/prom', 'balance-plus/server', 8000, 'TCP', true],
        ['ingress-nginx/ingress-nginx-controller', 'balance-plus/server', 8000, 'TCP', true],
        ['external/internet', 'balance-plus/server', 8000, 'TCP', false],
      ]);
    }
    // Whereas a rule with no `from` at all also admits addresses outside the cluster.
    check(world(toServer({ ingress: [{ ports: [{ port: 8000 }] }] })), [['external/internet', 'balance-plus/server', 8000, 'TCP', true]]);
  });

  it('TRAP: one peer with both selectors is AND; two peers are OR', () => {
    const and = toServer({ ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'sre' } }, podSelector: { matchLabels: { role: 'client' } } }] }] });
    const or = toServer({
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'sre' } } }, { podSelector: { matchLabels: { role: 'client' } } }] }],
    });
    check(world(and), [
      ['monitoring/prom', 'balance-plus/server', 8000, 'TCP', true], // role=client in a team=sre namespace
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false], // role=client, but production is not team=sre
    ]);
    check(world(or), [
      ['monitoring/prom', 'balance-plus/server', 8000, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true], // role=client in the policy namespace
      ['balance-plus/other', 'balance-plus/server', 8000, 'TCP', false],
    ]);
  });

  it('podSelector alone selects in the POLICY namespace, not in the peer’s', () => {
    const p = toServer({ ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }] }] });
    check(world(p), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
      ['monitoring/prom', 'balance-plus/server', 8000, 'TCP', false],
    ]);
  });

  it('namespaceSelector alone selects every pod of the matching namespaces, by their labels and the implicit name label', () => {
    const byLabel = toServer({ ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'sre' } } }] }] });
    const byName = toServer({ ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }] }] });
    check(world(byLabel), [
      ['monitoring/prom', 'balance-plus/server', 8000, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false],
    ]);
    check(world(byName), [
      ['ingress-nginx/ingress-nginx-controller', 'balance-plus/server', 8000, 'TCP', true],
      ['keda/keda-operator', 'balance-plus/server', 8000, 'TCP', false],
    ]);
  });

  it('ipBlock with except matches external peers only (IPv4 and IPv6); pod IPs are not modelled', () => {
    const egress = netpol(
      'client-out',
      {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }, { ipBlock: { cidr: '2001:db8::/32' } }] }],
      },
      PROD,
    );
    check(world(egress), [
      ['balance-plus/client', 'external/internet', 443, 'TCP', true], // 8.8.8.8
      ['balance-plus/client', 'external/corp-vpn', 443, 'TCP', false], // 10.20.0.7 is in an except
      ['balance-plus/client', 'external/v6-partner', 443, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false], // 0.0.0.0/0 does not match pods here
    ]);
  });

  it('ipBlock on ingress: a narrow block admits the matching external address only', () => {
    const p = toServer({ ingress: [{ from: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.1.0/24'] } }] }] });
    check(world(p), [
      ['external/corp-vpn', 'balance-plus/server', 8000, 'TCP', true],
      ['external/internet', 'balance-plus/server', 8000, 'TCP', false],
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false],
    ]);
  });
});

describe('ports', () => {
  it('missing `ports` and `ports: []` both mean every port of every protocol', () => {
    for (const rule of [{ from: [{ podSelector: {} }] }, { from: [{ podSelector: {} }], ports: [] }]) {
      check(world(toServer({ ingress: [rule] })), [
        ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true],
        ['balance-plus/client', 'balance-plus/server', 7946, 'UDP', true],
        ['balance-plus/client', 'balance-plus/server', 3868, 'SCTP', true],
      ]);
    }
  });

  it('protocol defaults to TCP; UDP and SCTP must be named', () => {
    check(world(toServer({ ingress: [{ ports: [{ port: 7946 }, { port: 3868, protocol: 'SCTP' }] }] })), [
      ['balance-plus/client', 'balance-plus/server', 7946, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 7946, 'UDP', false],
      ['balance-plus/client', 'balance-plus/server', 3868, 'SCTP', true],
      ['balance-plus/client', 'balance-plus/server', 3868, 'TCP', false],
    ]);
  });

  it('a protocol without a port opens every port of that protocol', () => {
    check(world(toServer({ ingress: [{ ports: [{ protocol: 'UDP' }] }] })), [
      ['balance-plus/client', 'balance-plus/server', 7946, 'UDP', true],
      ['balance-plus/client', 'balance-plus/server', 1, 'UDP', true],
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false],
    ]);
  });

  it('endPort opens the inclusive range port..endPort', () => {
    check(world(toServer({ ingress: [{ ports: [{ port: 32000, endPort: 32768 }] }] })), [
      ['balance-plus/client', 'balance-plus/server', 32000, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 32500, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 32768, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 32769, 'TCP', false],
      ['balance-plus/client', 'balance-plus/server', 31999, 'TCP', false],
    ]);
  });

  it('a named port resolves on the destination pod (ingress: the selected pod)', () => {
    check(world(toServer({ ingress: [{ ports: [{ port: 'metrics' }] }] })), [
      ['balance-plus/client', 'balance-plus/server', 9090, 'TCP', true],
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', false],
    ]);
  });

  it('a named port resolves on the destination pod for egress too, so one name opens different numbers per destination', () => {
    const p = netpol('client-out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }, PROD);
    check(world(p), [
      ['balance-plus/client', 'balance-plus/server', 8000, 'TCP', true], // server's http is 8000
      ['balance-plus/client', 'balance-plus/other', 8080, 'TCP', true], // other's http is 8080
      ['balance-plus/client', 'balance-plus/other', 8000, 'TCP', false],
      ['balance-plus/client', 'monitoring/prom', 9090, 'TCP', false], // prom has no port named http
    ]);
  });

  it('a named port must match the protocol too: `gossip` is UDP, so a TCP `gossip` entry opens nothing', () => {
    check(world(toServer({ ingress: [{ ports: [{ port: 'gossip' }] }] })), [
      ['balance-plus/client', 'balance-plus/server', 7946, 'UDP', false],
      ['balance-plus/client', 'balance-plus/server', 7946, 'TCP', false],
    ]);
    check(world(toServer({ ingress: [{ ports: [{ port: 'gossip', protocol: 'UDP' }] }] })), [
      ['balance-plus/client', 'balance-plus/server', 7946, 'UDP', true],
    ]);
  });

  it('allowedPorts reasons on ranges: intersection of egress and ingress sets', () => {
    const clientOut = netpol(
      'client-out',
      { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 8000, endPort: 9000 }, { protocol: 'UDP' }] }] },
      PROD,
    );
    const serverIn = toServer({
      ingress: [
        {
          ports: [
            { port: 8500, endPort: 10000 },
            { port: 53, protocol: 'UDP' },
          ],
        },
      ],
    });
    const matrix = analyzeConnectivity(world(clientOut, serverIn), opts);
    expect(matrix.allowedPorts('balance-plus/client', 'balance-plus/server')).toEqual([
      { protocol: 'TCP', from: 8500, to: 9000 },
      { protocol: 'UDP', from: 53, to: 53 },
    ]);
  });
});

describe('the rule that opens a connection', () => {
  it('allowedBy names the policy, the object and the rule/peer/port paths, so a finding can locate() them', () => {
    const clientOut = netpol(
      'client-out',
      {
        podSelector: { matchLabels: { app: 'client' } },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ podSelector: { matchLabels: { app: 'nope' } } }] },
          { to: [{ namespaceSelector: {} }, { podSelector: { matchLabels: { app: 'server' } } }], ports: [{ port: 9090 }, { port: 'http' }] },
        ],
      },
      PROD,
    );
    const matrix = analyzeConnectivity(world(clientOut, toServer({ ingress: [{}] })), opts);
    const c = matrix.explain('balance-plus/client', 'balance-plus/server', 8000, 'TCP');
    expect(c).toBeDefined();
    const egress = c!.allowedBy.egress;
    expect(egress).not.toBe('unrestricted');
    if (egress === 'unrestricted') return;
    expect(egress).toHaveLength(1);
    expect(egress[0]).toMatchObject({
      policy: 'client-out',
      namespace: PROD,
      direction: 'egress',
      path: ['spec', 'egress', 1],
      peerPath: ['spec', 'egress', 1, 'to', 0] /* the first matching peer: namespaceSelector {} */,
      portPath: ['spec', 'egress', 1, 'ports', 1],
    });
    expect(egress[0]!.object.locate(egress[0]!.portPath!).path).toBe(`synthetic/${PROD}/NetworkPolicy-client-out.yaml#spec.egress.1.ports.1`);
    const ingress = c!.allowedBy.ingress;
    expect(ingress).not.toBe('unrestricted');
    if (ingress === 'unrestricted') return;
    expect(ingress[0]).toMatchObject({ policy: 'server-policy', path: ['spec', 'ingress', 0] });
    expect(ingress[0]?.peerPath).toBeUndefined();
    // A side no policy isolates says so.
    expect(matrix.explain('balance-plus/server', 'balance-plus/client', 8080)?.allowedBy).toEqual({ egress: 'unrestricted', ingress: 'unrestricted' });
    expect(matrix.isolation('balance-plus/client').egress.map((r) => r.policy)).toEqual(['client-out']);
  });
});

describe('policies the API server rejects are ignored and reported', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a peer with no selector and no ipBlock', { ingress: [{ from: [{}] }] }, 'must specify'],
    ['ipBlock combined with a selector', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }, 'ipBlock may not be combined'],
    ['endPort with a named port', { ingress: [{ ports: [{ port: 'http', endPort: 9000 }] }] }, 'endPort'],
    ['endPort below port', { ingress: [{ ports: [{ port: 9000, endPort: 8000 }] }] }, 'endPort'],
    ['a quoted number is a (bad) port name', { ingress: [{ ports: [{ port: '8080' }] }] }, 'port name'],
    ['an unknown protocol', { ingress: [{ ports: [{ port: 80, protocol: 'ICMP' }] }] }, 'protocol'],
    ['except outside the cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }] }, 'strict subset'],
    ['a bare address as cidr', { ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1' } }] }] }, 'not a CIDR'],
    [
      'an invalid selector operator',
      { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } }] }] },
      'selector',
    ],
    ['an unknown policy type', { policyTypes: ['Ingres'] }, 'policyType'],
  ];
  it.each(cases)('%s', (_title, spec, fragment) => {
    // The policy would isolate the server if it were accepted; rejected, it leaves it open.
    const matrix = analyzeConnectivity(world(toServer(spec)), opts);
    expect(
      matrix.problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.message)
        .join('\n'),
    ).toContain(fragment);
    expect(matrix.allowed('balance-plus/client', 'balance-plus/server', 8000)).toBe(true);
  });

  it('a missing spec.podSelector is read as {} with a warning', () => {
    const matrix = analyzeConnectivity(world(netpol('deny', { ingress: [] }, PROD)), opts);
    expect(matrix.problems.map((p) => p.severity)).toEqual(['warning']);
    expect(matrix.allowed('balance-plus/client', 'balance-plus/server', 8000)).toBe(false);
  });
});

describe('endpoints', () => {
  it('reads every workload kind’s pod template, defaults the namespace, keeps ids unique', () => {
    const objects = [
      deployment('api', { ports: [{ name: 'http', containerPort: 8000 }] }),
      deployment('db', { kind: 'StatefulSet', ports: [{ containerPort: 5432 }] }),
      deployment('agent', { kind: 'DaemonSet' }),
      deployment('cleanup', { kind: 'CronJob' }),
      deployment('migrate', { kind: 'Job' }),
      deployment('api', { kind: 'StatefulSet' }),
      makeObject(
        'Pod',
        'debug',
        {
          metadata: { labels: { run: 'debug' } },
          spec: {
            containers: [{ name: 'c', ports: [{ containerPort: 53, protocol: 'UDP' }] }],
            initContainers: [{ name: 'proxy', restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001 }] }],
          },
        },
        'tools',
      ),
      makeObject('Service', 'api', { spec: {} }),
    ];
    const matrix = analyzeConnectivity(objects, { namespace: PROD, virtualPeers: [] });
    expect(matrix.endpoints.map((e) => `${e.id} ${e.kind}`)).toEqual([
      'balance-plus/Deployment/api Deployment',
      'balance-plus/db StatefulSet',
      'balance-plus/agent DaemonSet',
      'balance-plus/cleanup CronJob',
      'balance-plus/migrate Job',
      'balance-plus/StatefulSet/api StatefulSet',
      'tools/debug Pod',
    ]);
    expect(matrix.endpoint('tools/debug')?.ports).toEqual([
      { port: 53, protocol: 'UDP' },
      { name: 'proxy', port: 15001, protocol: 'TCP' },
    ]);
    expect(matrix.endpoint('cleanup')?.labels).toEqual({ 'app.kubernetes.io/name': 'cleanup' });
  });

  it('default virtual peers: ingress controller, KEDA, cluster DNS (UDP/TCP 53), the internet; configurable', () => {
    const matrix = analyzeConnectivity([], { namespace: PROD });
    expect(matrix.endpoints.map((e) => [e.id, matrix.identity(e)])).toEqual([
      ['ingress-nginx/ingress-nginx-controller', 'ingress-controller'],
      ['keda/keda-operator', 'keda'],
      ['kube-system/kube-dns', 'dns'],
      ['external/internet', 'internet'],
    ]);
    expect(matrix.endpoint('dns')?.ports.map((p) => `${p.protocol}/${p.port}`)).toEqual(['UDP/53', 'TCP/53']);
    const custom = analyzeConnectivity([], {
      namespace: PROD,
      virtualPeers: [{ name: 'traefik', service: 'ingress-controller', namespace: 'traefik', labels: { app: 'traefik' } }],
    });
    expect(custom.endpoints.map((e) => e.id)).toEqual(['traefik/traefik']);
  });

  it('connections list every allowed declared port, skipping loopback unless asked', () => {
    const objects = [
      deployment('a', { ports: [{ containerPort: 80 }, { containerPort: 81, protocol: 'UDP' }] }),
      deployment('b', { ports: [{ containerPort: 80 }] }),
    ];
    const matrix = analyzeConnectivity(objects, { namespace: PROD, virtualPeers: [] });
    expect(matrix.connections.map((c) => `${c.from}>${c.to} ${c.protocol}/${c.port}`)).toEqual([
      'balance-plus/b>balance-plus/a TCP/80',
      'balance-plus/b>balance-plus/a UDP/81',
      'balance-plus/a>balance-plus/b TCP/80',
    ]);
    const withSelf = analyzeConnectivity(objects, { namespace: PROD, virtualPeers: [], includeSelf: true });
    expect(withSelf.connections).toHaveLength(6);
  });
});
