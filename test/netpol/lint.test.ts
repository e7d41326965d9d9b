/** Over-broad peers and the production namespace's default deny (TR-K8S-7). */
import { describe, expect, it } from 'vitest';
import { findDefaultDeny, findOverBroadRules } from '../../src/netpol/index.ts';
import { makeObject, netpol } from './helpers.ts';
import { platformPolicies, PROD } from './platform.ts';

describe('findOverBroadRules', () => {
  const cases: Array<[string, Record<string, unknown>, string[]]> = [
    ['rule with no `from`', { ingress: [{ ports: [{ port: 80 }] }] }, ['spec.ingress.0 no `from`']],
    ['rule with `from: []`', { ingress: [{ from: [] }] }, ['spec.ingress.0.from empty `from`']],
    ['`ingress: [{}]`', { ingress: [{}] }, ['spec.ingress.0 no `from`']],
    [
      'namespaceSelector {} alone',
      { ingress: [{ from: [{ namespaceSelector: {} }] }] },
      ['spec.ingress.0.from.0.namespaceSelector namespaceSelector {} with no pod restriction'],
    ],
    [
      'namespaceSelector {} + podSelector {}',
      { ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] },
      ['spec.ingress.0.from.0.namespaceSelector namespaceSelector {} with no pod restriction'],
    ],
    [
      'namespaceSelector {} + specific pods',
      { egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }] }], policyTypes: ['Egress'] },
      ['spec.egress.0.to.0.namespaceSelector namespaceSelector {}: pods labelled k8s-app=kube-dns in any namespace'],
    ],
    [
      'podSelector {} across selected namespaces',
      { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} }] }] },
      ['spec.ingress.0.from.0.podSelector podSelector {} across namespaces'],
    ],
    [
      'podSelector {} alone',
      { ingress: [{ from: [{ podSelector: {} }] }] },
      ['spec.ingress.0.from.0.podSelector podSelector {}: every pod in namespace balance-plus'],
    ],
    [
      'ipBlock 0.0.0.0/0',
      { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] },
      ['spec.egress.0.to.0.ipBlock.cidr ipBlock 0.0.0.0/0: every IPv4 address but 1 excepted'],
    ],
    [
      'ipBlock ::/0',
      { policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '::/0' } }] }] },
      ['spec.egress.0.to.0.ipBlock.cidr ipBlock ::/0: every IPv6 address'],
    ],
    [
      'narrow peers are fine',
      {
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'a' } } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
              { ipBlock: { cidr: '10.0.0.0/24' } },
            ],
          },
        ],
      },
      [],
    ],
    ['rules of a direction the policy does not isolate are inert', { policyTypes: ['Ingress'], egress: [{}] }, []],
    ['`egress: [{}]` without policyTypes isolates egress, so it is reported', { egress: [{}] }, ['spec.egress.0 no `to`']],
    ['a pure default deny is not over-broad', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, []],
  ];
  it.each(cases)('%s', (_title, spec, expected) => {
    const policy = netpol('p', { podSelector: { matchLabels: { app: 'x' } }, ...spec }, PROD);
    const found = findOverBroadRules([policy]).map((f) => `${f.path.join('.')} ${f.reason}`);
    expect(found.length).toBe(expected.length);
    found.forEach((text, i) => expect(text.startsWith(expected[i]!)).toBe(true));
  });

  it('points at a locatable path of the object and ignores other kinds', () => {
    const policy = netpol('p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }, PROD);
    const [finding] = findOverBroadRules([policy, makeObject('Deployment', 'x', {})]);
    expect(finding!.object).toBe(policy);
    expect(finding!.object.locate(finding!.path).path).toBe(`synthetic/${PROD}/NetworkPolicy-p.yaml#spec.ingress.0.from.0.namespaceSelector`);
  });

  it('the reference platform has no over-broad rule', () => {
    expect(findOverBroadRules(platformPolicies())).toEqual([]);
  });
});

describe('findDefaultDeny', () => {
  const names = (r: ReturnType<typeof findDefaultDeny>): { ingress?: string; egress?: string } => ({
    ...(r.ingress ? { ingress: r.ingress.metadata.name } : {}),
    ...(r.egress ? { egress: r.egress.metadata.name } : {}),
  });

  it('one policy denying both directions', () => {
    expect(names(findDefaultDeny([netpol('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, PROD)], PROD))).toEqual({
      ingress: 'deny',
      egress: 'deny',
    });
  });

  it('two policies, one per direction', () => {
    const policies = [netpol('deny-in', { podSelector: {}, ingress: [] }, PROD), netpol('deny-out', { podSelector: {}, policyTypes: ['Egress'] }, PROD)];
    expect(names(findDefaultDeny(policies, PROD))).toEqual({ ingress: 'deny-in', egress: 'deny-out' });
  });

  it('TRAP: `egress: []` without policyTypes does not deny egress', () => {
    expect(names(findDefaultDeny([netpol('deny', { podSelector: {}, ingress: [], egress: [] }, PROD)], PROD))).toEqual({ ingress: 'deny' });
  });

  it('a selector narrower than every pod is not a default deny', () => {
    expect(names(findDefaultDeny([netpol('deny', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress', 'Egress'] }, PROD)], PROD))).toEqual(
      {},
    );
  });

  it('a deny in another namespace does not count; a policy without namespace is in the one asked for', () => {
    expect(names(findDefaultDeny([netpol('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'staging')], PROD))).toEqual({});
    expect(names(findDefaultDeny([netpol('deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })], PROD))).toEqual({
      ingress: 'deny',
      egress: 'deny',
    });
  });

  it('a pure deny is preferred; failing that, a policy isolating every pod counts', () => {
    const dnsOnly = netpol('dns-only', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }, PROD);
    expect(names(findDefaultDeny([dnsOnly], PROD))).toEqual({ egress: 'dns-only' });
    expect(names(findDefaultDeny([dnsOnly, ...platformPolicies()], PROD))).toEqual({ ingress: 'default-deny', egress: 'default-deny' });
  });
});
