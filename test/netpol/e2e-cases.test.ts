/**
 * Published cases: each test reproduces one `f.It(...)` of kubernetes/kubernetes
 * test/e2e/network/netpol/network_policy.go (the NetworkPolicy conformance truth tables), with
 * the same pods (`x/a` … labelled `pod: a`, ports named `serve-<port>-<proto>`), the same
 * policies and the same expected reachability, loopback ignored as the e2e suite does.
 * The test name is the e2e case's name verbatim.
 *
 * The e2e helpers SetSpecIngressRules / SetSpecEgressRules (policies.go) write policyTypes
 * explicitly, so the egress cases here carry `policyTypes: ['Egress']`; the ingress-only cases
 * leave it out, which the API server defaults to the same ['Ingress'].
 */
import { describe, expect, it } from 'vitest';
import { analyzeConnectivity } from '../../src/netpol/index.ts';
import { e2eOptions, e2ePods, netpol, Reachability } from './helpers.ts';
import type { K8sObject } from '../../src/types.ts';

const NS = 'kubernetes.io/metadata.name';

function run(
  pods: string[],
  ports: number[],
  protocols: string[],
  policies: K8sObject[],
  checks: Array<{ port: number; protocol: string; table: Reachability }>,
): void {
  const matrix = analyzeConnectivity([...e2ePods(pods, ports, protocols), ...policies], e2eOptions);
  expect(matrix.problems.filter((p) => p.severity === 'error')).toEqual([]);
  for (const { port, protocol, table } of checks) expect(table.mismatches(matrix, port, protocol)).toEqual([]);
}

const port81FromY = (name: string, port: number | string, protocol: string): K8sObject =>
  netpol(
    name,
    {
      podSelector: { matchLabels: { pod: 'a' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }], ports: [{ port, protocol }] }],
    },
    'x',
  );

const tcp = ['TCP'];
const allow = (pods: string[]): Reachability => new Reachability(pods, true);

describe('kubernetes e2e: NetworkPolicy between server and client', () => {
  it("should support a 'default-deny-ingress' policy", () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b'];
    run(
      pods,
      [80],
      tcp,
      [netpol('deny-ingress', { podSelector: {}, ingress: [] }, 'x')],
      [{ port: 80, protocol: 'TCP', table: allow(pods).expectPeer({}, { ns: 'x' }, false) }],
    );
  });

  it("should support a 'default-deny-all' policy", () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol('deny-all', { podSelector: {}, ingress: [], egress: [], policyTypes: ['Ingress', 'Egress'] }, 'x');
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectPeer({}, { ns: 'x' }, false).expectPeer({ ns: 'x' }, {}, false) }]);
  });

  it('should enforce policy to allow traffic from pods within server namespace based on PodSelector', () => {
    const pods = ['x/a', 'x/b', 'x/c', 'y/a'];
    const policy = netpol(
      'x-a-allows-x-b',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false).expect('x/b', 'x/a', true) }]);
  });

  it('should enforce policy to allow ingress traffic for a target', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const denyAll = netpol('deny-all', { podSelector: {}, ingress: [] }, 'x');
    const allowToA = netpol(
      'allow-all-to-a',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] },
      'x',
    );
    run(pods, [80], tcp, [denyAll, allowToA], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', true).expectAllIngress('x/b', false) }]);
  });

  it('should enforce policy to allow ingress traffic from pods in all namespaces', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    const policy = netpol(
      'allow-from-another-ns',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods) }]);
  });

  it('should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    const policy = netpol(
      'allow-client-a-via-ns-selector',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }] }] },
      'x',
    );
    run(
      pods,
      [80],
      tcp,
      [policy],
      [
        {
          port: 80,
          protocol: 'TCP',
          table: allow(pods).expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
        },
      ],
    );
  });

  it('should enforce policy based on PodSelector with MatchExpressions', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol(
      'x-a-allows-x-b',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }],
      },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false).expect('x/b', 'x/a', true) }]);
  });

  it('should enforce policy based on PodSelector or NamespaceSelector', () => {
    const pods = ['x/a', 'x/b', 'x/c', 'y/a'];
    const policy = netpol(
      'allow-ns-y-match-selector',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['x'] }] } },
              { podSelector: { matchLabels: { pod: 'b' } } },
            ],
          },
        ],
      },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expect('x/a', 'x/a', false).expect('x/c', 'x/a', false) }]);
  });

  it('should enforce policy based on PodSelector and NamespaceSelector', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b', 'z/b'];
    const policy = netpol(
      'allow-ns-y-podselector-and-nsselector',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['x'] }] },
                podSelector: { matchLabels: { pod: 'b' } },
              },
            ],
          },
        ],
      },
      'x',
    );
    run(
      pods,
      [80],
      tcp,
      [policy],
      [
        {
          port: 80,
          protocol: 'TCP',
          table: allow(pods).expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true),
        },
      ],
    );
  });

  it('should enforce policy based on Multiple PodSelectors and NamespaceSelectors', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b', 'y/c'];
    const policy = netpol(
      'allow-ns-y-z-pod-b-c',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['x'] }] },
                podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
              },
            ],
          },
        ],
      },
      'x',
    );
    run(
      pods,
      [80],
      tcp,
      [policy],
      [
        {
          port: 80,
          protocol: 'TCP',
          table: allow(pods).expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expect('y/a', 'x/a', false),
        },
      ],
    );
  });

  it('should enforce policy based on any PodSelectors', () => {
    const pods = ['x/a', 'x/b', 'x/c'];
    const policy = netpol(
      'allow-ns-x-pod-b-c',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] }],
      },
      'x',
    );
    run(
      pods,
      [80],
      tcp,
      [policy],
      [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true) }],
    );
  });

  it('should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'];
    const policy = netpol(
      'allow-ns-y-pod-a-via-namespace-pod-selector',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
      },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false).expect('y/a', 'x/a', true) }]);
  });

  it('should enforce policy based on Ports', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'];
    run(
      pods,
      [81],
      tcp,
      [port81FromY('allow-client-a-via-ns-selector', 81, 'TCP')],
      [
        {
          port: 81,
          protocol: 'TCP',
          table: allow(pods)
            .expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false)
            .expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true)
            .expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
        },
      ],
    );
  });

  it('should enforce multiple, stacked policies with overlapping podSelectors', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b', 'z/a'];
    const allowTable = (): Reachability =>
      allow(pods)
        .expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false)
        .expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true)
        .expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false);
    const p81 = port81FromY('allow-client-a-via-ns-selector', 81, 'TCP');
    // Step 1: only port 81 open; port 80 closed to everyone.
    run(
      pods,
      [80, 81],
      tcp,
      [p81],
      [
        { port: 81, protocol: 'TCP', table: allowTable() },
        { port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false) },
      ],
    );
    // Step 2: a second policy adds port 80; policies are additive.
    run(pods, [80, 81], tcp, [p81, port81FromY('allow-client-a-via-ns-selector-80', 80, 'TCP')], [{ port: 80, protocol: 'TCP', table: allowTable() }]);
  });

  it('should support allow-all policy', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol('allow-all', { podSelector: { matchLabels: {} }, ingress: [{}] }, 'x');
    run(
      pods,
      [80, 81],
      tcp,
      [policy],
      [
        { port: 80, protocol: 'TCP', table: allow(pods) },
        { port: 81, protocol: 'TCP', table: allow(pods) },
      ],
    );
  });

  it('should allow ingress access on one named port', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol('allow-all', { podSelector: { matchLabels: {} }, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] }, 'x');
    run(
      pods,
      [80, 81],
      tcp,
      [policy],
      [
        { port: 81, protocol: 'TCP', table: allow(pods) },
        { port: 80, protocol: 'TCP', table: allow(pods).expectPeer({}, { ns: 'x' }, false) },
      ],
    );
  });

  it('should allow ingress access from namespace on one named port', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    run(
      pods,
      [80, 81],
      tcp,
      [port81FromY('allow-client-a-via-ns-selector-80', 'serve-80-tcp', 'TCP')],
      [
        {
          port: 80,
          protocol: 'TCP',
          table: allow(pods).expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
        },
        { port: 81, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false) },
      ],
    );
  });

  it('should allow egress access on one named port', () => {
    // The named port resolves on the DESTINATION pod's containers, even for egress.
    const pods = ['x/a', 'y/a'];
    const policy = netpol('allow-egress', { podSelector: { matchLabels: {} }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] }, 'x');
    run(
      pods,
      [80, 81],
      tcp,
      [policy],
      [
        { port: 80, protocol: 'TCP', table: allow(pods) },
        { port: 81, protocol: 'TCP', table: allow(pods).expectPeer({ ns: 'x' }, {}, false) },
      ],
    );
  });

  it('should deny ingress from pods on other namespaces', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    const policy = netpol('deny-empty-policy', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] }, 'x');
    run(
      pods,
      [80],
      tcp,
      [policy],
      [{ port: 80, protocol: 'TCP', table: allow(pods).expectPeer({ ns: 'y' }, { ns: 'x' }, false).expectPeer({ ns: 'z' }, { ns: 'x' }, false) }],
    );
  });

  it('should deny egress from pods based on PodSelector', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol('deny-egress-pod-a', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [] }, 'x');
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllEgress('x/a', false) }]);
  });

  it('should deny egress from all pods in a namespace', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol('deny-egress-ns-x', { podSelector: {}, policyTypes: ['Egress'] }, 'x');
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectPeer({ ns: 'x' }, {}, false) }]);
  });

  it('should work with Ingress, Egress specified together', () => {
    const pods = ['x/a', 'x/b', 'x/c', 'y/a'];
    const policy = netpol(
      'allow-client-a-via-pod-selector',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }],
        egress: [{ ports: [{ port: 80 }] }],
        policyTypes: ['Egress', 'Ingress'],
      },
      'x',
    );
    run(
      pods,
      [80, 81],
      tcp,
      [policy],
      [
        { port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false).expect('x/b', 'x/a', true) },
        {
          port: 81,
          protocol: 'TCP',
          table: allow(pods).expectAllIngress('x/a', false).expectAllEgress('x/a', false).expect('x/b', 'x/a', true),
        },
      ],
    );
  });

  it('should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)', () => {
    const pods = ['x/a', 'y/a', 'y/b'];
    const egress = netpol(
      'allow-to-ns-y-pod-a',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
      },
      'x',
    );
    const fromXa = [{ from: [{ namespaceSelector: { matchLabels: { [NS]: 'x' } }, podSelector: { matchLabels: { pod: 'a' } } }] }];
    const ingressA = netpol('allow-from-xa-on-ya-match-selector', { podSelector: { matchLabels: { pod: 'a' } }, ingress: fromXa }, 'y');
    const ingressB = netpol('allow-from-xa-on-yb-match-selector', { podSelector: { matchLabels: { pod: 'b' } }, ingress: fromXa }, 'y');
    run(
      pods,
      [80],
      tcp,
      [egress, ingressA, ingressB],
      [
        {
          port: 80,
          protocol: 'TCP',
          table: allow(pods)
            .expectPeer({ ns: 'x', pod: 'a' }, {}, false)
            .expectPeer({}, { ns: 'y', pod: 'a' }, false)
            .expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y', pod: 'a' }, true)
            .expectPeer({}, { ns: 'y', pod: 'b' }, false),
        },
      ],
    );
  });

  it('should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector', () => {
    const pods = ['x/a', 'y/a', 'y/b'];
    const policy = netpol(
      'allow-to-ns-y-pod-a',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
      },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllEgress('x/a', false).expect('x/a', 'y/a', true) }]);
  });

  it('should enforce ingress policy allowing any port traffic to a server on a specific protocol', () => {
    const pods = ['x/a', 'y/a'];
    const policy = netpol('allow-ingress-by-proto', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ protocol: 'TCP' }] }] }, 'x');
    run(
      pods,
      [80],
      ['TCP', 'UDP'],
      [policy],
      [
        { port: 80, protocol: 'TCP', table: allow(pods) },
        { port: 80, protocol: 'UDP', table: allow(pods).expectPeer({}, { ns: 'x', pod: 'a' }, false) },
      ],
    );
  });

  it('should enforce multiple ingress policies with ingress allow-all policy taking precedence', () => {
    const pods = ['x/a', 'y/a'];
    const only80 = netpol('allow-ingress-port-80', { podSelector: { matchLabels: {} }, ingress: [{ ports: [{ port: 80 }] }] }, 'x');
    run(pods, [81], tcp, [only80], [{ port: 81, protocol: 'TCP', table: allow(pods).expectPeer({}, { ns: 'x' }, false) }]);
    const allowAll = netpol('allow-ingress', { podSelector: { matchLabels: {} }, ingress: [{}] }, 'x');
    run(pods, [81], tcp, [only80, allowAll], [{ port: 81, protocol: 'TCP', table: allow(pods) }]);
  });

  it('should enforce multiple egress policies with egress allow-all policy taking precedence', () => {
    const pods = ['x/a', 'y/a'];
    const only80 = netpol('allow-egress-port-80', { podSelector: { matchLabels: {} }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] }, 'x');
    run(pods, [81], tcp, [only80], [{ port: 81, protocol: 'TCP', table: allow(pods).expectPeer({ ns: 'x' }, {}, false) }]);
    const allowAll = netpol('allow-egress', { podSelector: { matchLabels: {} }, policyTypes: ['Egress'], egress: [{}] }, 'x');
    run(pods, [81], tcp, [only80, allowAll], [{ port: 81, protocol: 'TCP', table: allow(pods) }]);
  });

  it('should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const allowEgress = netpol('allow-egress-for-target', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{}] }, 'x');
    run(pods, [80], tcp, [allowEgress], [{ port: 80, protocol: 'TCP', table: allow(pods) }]);
    const denyIngress = netpol('deny-ingress-via-label-selector', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [] }, 'x');
    run(pods, [80], tcp, [allowEgress, denyIngress], [{ port: 80, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false) }]);
  });

  it("should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP', even if the plugin doesn't support SCTP", () => {
    const pods = ['x/a', 'y/a'];
    const deny = netpol('deny-ingress', { podSelector: {}, ingress: [] }, 'x');
    const sctp = netpol(
      'allow-only-sctp-ingress-on-port-81',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }] },
      'x',
    );
    run(pods, [81], tcp, [deny, sctp], [{ port: 81, protocol: 'TCP', table: allow(pods).expectPeer({}, { ns: 'x' }, false) }]);
  });

  it("should properly isolate pods that are selected by a policy allowing SCTP, even if the plugin doesn't support SCTP", () => {
    const pods = ['x/a', 'y/a'];
    const sctp = netpol(
      'allow-only-sctp-ingress-on-port-80',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }] },
      'x',
    );
    run(pods, [81], tcp, [sctp], [{ port: 81, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false) }]);
  });

  it('should not allow access by TCP when a policy specifies only UDP', () => {
    const pods = ['x/a', 'y/a'];
    const udp = netpol(
      'allow-only-udp-ingress-on-port-81',
      { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] },
      'x',
    );
    run(pods, [81], tcp, [udp], [{ port: 81, protocol: 'TCP', table: allow(pods).expectAllIngress('x/a', false) }]);
  });

  it('should enforce policy to allow traffic based on NamespaceSelector with MatchLabels using default ns label', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    const policy = netpol(
      'allow-client-a-via-ns-selector-for-immutable-ns-label',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } } }] }],
      },
      'x',
    );
    run(
      pods,
      [80],
      tcp,
      [policy],
      [
        {
          port: 80,
          protocol: 'TCP',
          table: allow(pods).expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
        },
      ],
    );
  });

  it('should enforce policy based on NamespaceSelector with MatchExpressions using default ns label', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    const policy = netpol(
      'allow-ns-y-match-selector-for-immutable-ns-label',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NS, operator: 'NotIn', values: ['y'] }] } }] }],
      },
      'x',
    );
    run(pods, [80], tcp, [policy], [{ port: 80, protocol: 'TCP', table: allow(pods).expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y' }, false) }]);
  });
});

describe('kubernetes e2e: NetworkPolicy between server and client using UDP', () => {
  it("should support a 'default-deny-ingress' policy", () => {
    const pods = ['x/a', 'x/b', 'y/a', 'y/b'];
    run(
      pods,
      [80],
      ['UDP'],
      [netpol('deny-all', { podSelector: {}, ingress: [] }, 'x')],
      [{ port: 80, protocol: 'UDP', table: allow(pods).expectPeer({}, { ns: 'x' }, false) }],
    );
  });

  it('should enforce policy based on Ports', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    run(
      pods,
      [81],
      ['UDP'],
      [port81FromY('allow-ingress-on-port-81-ns-x', 81, 'UDP')],
      [
        {
          port: 81,
          protocol: 'UDP',
          table: allow(pods).expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
        },
      ],
    );
  });
});

describe('kubernetes e2e: NetworkPolicy between server and client using SCTP', () => {
  it('should enforce policy based on Ports', () => {
    const pods = ['x/a', 'x/b', 'y/a', 'z/a'];
    run(
      pods,
      [81],
      ['SCTP'],
      [port81FromY('allow-ingress-on-port-81-ns-x', 81, 'SCTP')],
      [
        {
          port: 81,
          protocol: 'SCTP',
          table: allow(pods).expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
        },
      ],
    );
  });

  it('should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector', () => {
    const pods = ['x/a', 'x/b', 'y/a'];
    const policy = netpol(
      'allow-ns-y-pod-a-via-namespace-pod-selector',
      {
        podSelector: { matchLabels: { pod: 'a' } },
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NS]: 'y' } }, podSelector: { matchLabels: { pod: 'a' } } }] }],
      },
      'x',
    );
    run(pods, [80], ['SCTP'], [policy], [{ port: 80, protocol: 'SCTP', table: allow(pods).expectAllIngress('x/a', false).expect('y/a', 'x/a', true) }]);
  });
});
