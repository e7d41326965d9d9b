/** The service graph check, connectivity diff and renderings on the Balance+ platform. */
import { describe, expect, it } from 'vitest';
import {
  analyzeConnectivity,
  checkServiceGraph,
  defaultServiceGraph,
  describeDiff,
  diffConnectivity,
  formatMatrix,
  type NetpolOptions,
  type ServiceGraph,
} from '../../src/netpol/index.ts';
import { netpol } from './helpers.ts';
import { platformPolicies, platformWorkloads, PROD } from './platform.ts';

const opts: NetpolOptions = { namespace: PROD };
const summary = (v: { kind: string; from: string; to: string }): string => `${v.kind} ${v.from} → ${v.to}`;

describe('checkServiceGraph', () => {
  it('the reference platform satisfies the default graph', () => {
    const matrix = analyzeConnectivity([...platformWorkloads(), ...platformPolicies()], opts);
    expect(matrix.problems).toEqual([]);
    expect(checkServiceGraph(matrix, defaultServiceGraph).map(summary)).toEqual([]);
    expect(matrix.allowed('orchestrator', 'postgresql', 5432)).toBe(true);
    expect(matrix.allowed('keda', 'rabbitmq', 15672)).toBe(true);
    expect(matrix.allowed('keda', 'rabbitmq', 5672)).toBe(false);
    expect(matrix.allowed('api-gateway', 'postgresql', 5432)).toBe(false);
    expect(matrix.allowed('condenser-worker', 'dns', 53, 'UDP')).toBe(true);
    expect(matrix.allowed('condenser-worker', 'internet', 443)).toBe(false);
  });

  it('forbidden but reachable: api-gateway → postgresql, with the rules that open it', () => {
    // The classic mistake: "allow everything inside the namespace".
    const sameNamespace = netpol(
      'allow-same-namespace',
      {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      },
      PROD,
    );
    const matrix = analyzeConnectivity([...platformWorkloads(), ...platformPolicies(), sameNamespace], opts);
    const violations = checkServiceGraph(matrix, defaultServiceGraph);
    expect(violations.map(summary)).toEqual(['forbidden-reachable api-gateway → postgresql']);
    const [v] = violations;
    expect(v!.connection).toMatchObject({ from: `${PROD}/api-gateway`, to: `${PROD}/postgresql`, port: 5432, protocol: 'TCP' });
    const { egress, ingress } = v!.connection!.allowedBy;
    expect(egress !== 'unrestricted' && egress.map((r) => `${r.policy} ${r.path.join('.')} ${r.peerPath?.join('.')}`)).toEqual([
      'allow-same-namespace spec.egress.0 spec.egress.0.to.0',
    ]);
    expect(ingress !== 'unrestricted' && ingress.map((r) => `${r.policy} ${r.path.join('.')}`)).toEqual(['allow-same-namespace spec.ingress.0']);
    expect(v!.message).toContain('allow-same-namespace spec.egress.0');
  });

  it('forbidden edges count any port, not only the declared ones', () => {
    const debug = [
      netpol(
        'gw-debug',
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-gateway' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 9999 }] }] },
        PROD,
      ),
      netpol(
        'pg-debug',
        { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } }, ingress: [{ ports: [{ port: 9000, endPort: 10000 }] }] },
        PROD,
      ),
    ];
    const matrix = analyzeConnectivity([...platformWorkloads(), ...platformPolicies(), ...debug], opts);
    const violations = checkServiceGraph(matrix, defaultServiceGraph);
    expect(violations.map((v) => `${summary(v)} ${v.connection?.protocol} ${v.connection?.port}`)).toEqual([
      'forbidden-reachable api-gateway → postgresql TCP 9999',
    ]);
  });

  it('egress without DNS: every workload’s declared edge to cluster DNS is blocked, with the isolating policy', () => {
    const policies = platformPolicies().filter((p) => p.metadata.name !== 'allow-dns');
    const matrix = analyzeConnectivity([...platformWorkloads(), ...policies], opts);
    const violations = checkServiceGraph(matrix, defaultServiceGraph);
    expect(violations.map(summary)).toEqual([
      'declared-blocked api-gateway → dns',
      'declared-blocked orchestrator → dns',
      'declared-blocked condenser-worker → dns',
      'declared-blocked frontend → dns',
      'declared-blocked postgresql → dns',
      'declared-blocked rabbitmq → dns',
    ]);
    expect(violations[0]!.isolatedBy!.egress.map((r) => r.policy)).toEqual(['default-deny', 'api-gateway']);
    expect(violations[0]!.message).toContain('UDP 53, TCP 53');
  });

  it('a declared edge that policies block: keda → rabbitmq without the management rule', () => {
    const policies = platformPolicies().map((p) =>
      p.metadata.name === 'rabbitmq'
        ? netpol(
            'rabbitmq',
            { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'rabbitmq' } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 5672 }] }] },
            PROD,
          )
        : p,
    );
    const matrix = analyzeConnectivity([...platformWorkloads(), ...policies], opts);
    const violations = checkServiceGraph(matrix, defaultServiceGraph);
    expect(violations.map(summary)).toEqual(['declared-blocked keda → rabbitmq']);
    expect(violations[0]!.isolatedBy!.ingress.map((r) => `${r.policy} ${r.path.join('.')}`)).toEqual([
      'default-deny spec.podSelector',
      'rabbitmq spec.podSelector',
    ]);
  });

  it("undeclared: 'forbid' reports reachable edges the graph does not declare; 'allow' tolerates them", () => {
    const matrix = analyzeConnectivity([...platformWorkloads(), ...platformPolicies()], opts);
    const strict: ServiceGraph = { ...defaultServiceGraph, undeclared: 'forbid' };
    expect(checkServiceGraph(matrix, strict).map(summary)).toEqual(['undeclared-reachable ingress-controller → frontend']);
    const declared: ServiceGraph = { ...strict, allow: [...strict.allow, { from: 'ingress-controller', to: 'frontend' }] };
    expect(checkServiceGraph(matrix, declared)).toEqual([]);
  });

  it('without any policy, api-gateway reaches postgresql and the internet reaches everything', () => {
    const matrix = analyzeConnectivity(platformWorkloads(), opts);
    const strict = checkServiceGraph(matrix, { ...defaultServiceGraph, undeclared: 'forbid' });
    expect(strict.filter((v) => v.kind === 'forbidden-reachable').map(summary)).toEqual(['forbidden-reachable api-gateway → postgresql']);
    expect(strict.some((v) => v.from === 'internet' && v.to === 'postgresql')).toBe(true);
    const forbidden = strict.find((v) => v.kind === 'forbidden-reachable')!;
    expect(forbidden.connection!.allowedBy).toEqual({ egress: 'unrestricted', ingress: 'unrestricted' });
  });

  it('the identity function is an option', () => {
    const matrix = analyzeConnectivity([...platformWorkloads(), ...platformPolicies()], {
      ...opts,
      identity: (e) => e.service ?? e.labels['app.kubernetes.io/component'] ?? e.name,
    });
    const graph: ServiceGraph = { allow: [], forbid: [{ from: 'api', to: 'database' }] };
    // orchestrator (component api) reaches postgresql (component database).
    expect(checkServiceGraph(matrix, graph).map((v) => `${v.fromEndpoint} → ${v.toEndpoint}`)).toEqual([`${PROD}/orchestrator → ${PROD}/postgresql`]);
  });
});

describe('diffConnectivity', () => {
  it('reports what a change opens and closes', () => {
    const base = analyzeConnectivity([...platformWorkloads(), ...platformPolicies()], opts);
    const widen = netpol(
      'pg-from-gateway',
      {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-gateway' } } }], ports: [{ port: 5432 }] }],
      },
      PROD,
    );
    const gwEgress = netpol(
      'gw-to-pg',
      {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'api-gateway' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgresql' } } }], ports: [{ port: 5432 }] }],
      },
      PROD,
    );
    const withoutFrontend = platformPolicies().filter((p) => p.metadata.name !== 'frontend');
    const head = analyzeConnectivity([...platformWorkloads(), ...withoutFrontend, widen, gwEgress], opts);
    const diff = diffConnectivity(base, head);
    expect(describeDiff(diff, head)).toEqual(['now allowed: api-gateway → postgresql TCP 5432', 'no longer allowed: ingress-controller → frontend TCP 8080']);
    expect(diff.added[0]!.allowedBy.ingress).toMatchObject([{ policy: 'pg-from-gateway' }]);
    expect(describeDiff(diffConnectivity(head, base), base)).toEqual([
      'now allowed: ingress-controller → frontend TCP 8080',
      'no longer allowed: api-gateway → postgresql TCP 5432',
    ]);
    // Removing frontend's allow leaves it under the default deny: nothing reaches it any more.
    expect(head.allowed('ingress-controller', 'frontend', 8080)).toBe(false);
    expect(base.allowed('ingress-controller', 'frontend', 8080)).toBe(true);
  });
});

describe('formatMatrix', () => {
  const matrix = analyzeConnectivity([...platformWorkloads(), ...platformPolicies()], opts);

  it('text: one block per pair, with the rules on each side', () => {
    const text = formatMatrix(matrix, 'text');
    expect(text).toContain(`${PROD}/orchestrator → ${PROD}/postgresql\n  TCP 5432  egress: orchestrator@spec.egress.0; ingress: postgresql@spec.ingress.0\n`);
    expect(text).toContain(`keda/keda-operator → ${PROD}/rabbitmq\n  TCP 15672  egress: unrestricted; ingress: rabbitmq@spec.ingress.1\n`);
    expect(text).not.toContain(`${PROD}/api-gateway → ${PROD}/postgresql`);
  });

  it('json: endpoints and connections', () => {
    const parsed = JSON.parse(formatMatrix(matrix, 'json')) as {
      endpoints: Array<{ id: string; service: string }>;
      connections: Array<{ from: string; to: string; port: number }>;
    };
    expect(parsed.endpoints.find((e) => e.id === `${PROD}/postgresql`)?.service).toBe('postgresql');
    expect(parsed.connections).toContainEqual(expect.objectContaining({ from: `${PROD}/api-gateway`, to: `${PROD}/orchestrator`, port: 8000 }));
    expect(parsed.connections).toHaveLength(matrix.connections.length);
  });

  it('mermaid: a flowchart with one labelled edge per pair', () => {
    const mermaid = formatMatrix(matrix, 'mermaid');
    expect(mermaid.startsWith('flowchart LR\n')).toBe(true);
    expect(mermaid).toContain('n_balance_plus_api_gateway -->|"TCP 8000"| n_balance_plus_orchestrator');
    expect(mermaid).toContain('n_balance_plus_orchestrator -->|"TCP 5672"| n_balance_plus_rabbitmq');
  });

  it('says so when nothing is allowed', () => {
    const none = analyzeConnectivity([], { namespace: PROD, virtualPeers: [] });
    expect(formatMatrix(none, 'text')).toBe('no connection is allowed\n');
  });
});
