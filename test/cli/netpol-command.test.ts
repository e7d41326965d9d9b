/** `bplus netpol` on the bundled repository: the matrix is exactly its declared graph. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runNetpolCommand } from '../../src/cli/netpol-command.ts';
import { defaultServiceGraph } from '../../src/netpol/index.ts';
import { BALANCE_PLUS_DIR, materialize, removeMaterialized } from '../helpers/overlay.ts';

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runNetpolCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

interface MatrixJson {
  namespace: string;
  environment: string;
  endpoints: Array<{ id: string; service: string }>;
  connections: Array<{ from: string; to: string; port: number; protocol: string; egress: unknown; ingress: unknown }>;
  serviceGraph: { matches: boolean; violations: Array<{ kind: string; from: string; to: string }> };
}

/** `from → to PROTO port` by service identity. */
function serviceEdges(matrix: MatrixJson): string[] {
  const service = new Map(matrix.endpoints.map((e) => [e.id, e.service]));
  return matrix.connections.map((c) => `${service.get(c.from)} → ${service.get(c.to)} ${c.protocol} ${c.port}`).sort();
}

const cleanup: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanup) await c();
});

describe('bplus netpol on fixtures/balance-plus', () => {
  it('prints the matrix as JSON, equal to the declared service graph', async () => {
    const { code, stdout, stderr } = await run(BALANCE_PLUS_DIR, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const matrix = JSON.parse(stdout) as MatrixJson;
    expect(matrix.namespace).toBe('balance-plus');
    expect(matrix.environment).toBe('prod');
    const dns = (s: string): string[] => [`${s} → dns TCP 53`, `${s} → dns UDP 53`];
    expect(serviceEdges(matrix)).toEqual(
      [
        'ingress-controller → api-gateway TCP 8000',
        'ingress-controller → frontend TCP 8080',
        'api-gateway → orchestrator TCP 8000',
        'orchestrator → postgresql TCP 5432',
        'orchestrator → rabbitmq TCP 5672',
        'condenser-worker → postgresql TCP 5432',
        'condenser-worker → rabbitmq TCP 5672',
        'keda → rabbitmq TCP 15672',
        ...['api-gateway', 'orchestrator', 'condenser-worker', 'frontend', 'postgresql', 'rabbitmq'].flatMap(dns),
      ].sort(),
    );
    expect(matrix.serviceGraph).toEqual({ matches: true, violations: [] });

    // Concretely, with the rules that open each side.
    const gatewayToOrchestrator = matrix.connections.find((c) => c.from === 'balance-plus/api-gateway' && c.to === 'balance-plus/orchestrator');
    expect(gatewayToOrchestrator).toMatchObject({
      port: 8000,
      protocol: 'TCP',
      egress: [{ policy: 'api-gateway', path: ['spec', 'egress', 0] }],
      ingress: [{ policy: 'orchestrator', path: ['spec', 'ingress', 0] }],
    });
    expect(matrix.connections.some((c) => c.from === 'balance-plus/api-gateway' && c.to === 'balance-plus/postgresql')).toBe(false);
    // Every declared edge whose ends exist is there; the forbidden one is not.
    const edges = serviceEdges(matrix).map((e) => e.split(' ').slice(0, 3).join(' '));
    for (const edge of defaultServiceGraph.allow.filter((e) => e.from !== '*')) expect(edges).toContain(`${edge.from} → ${edge.to}`);
    for (const edge of defaultServiceGraph.forbid) expect(edges).not.toContain(`${edge.from} → ${edge.to}`);
  });

  it('prints text by default, through `bplus netpol`', async () => {
    let stdout = '';
    const code = await main(['netpol', BALANCE_PLUS_DIR], { stdout: (t) => (stdout += t), stderr: () => undefined });
    expect(code).toBe(0);
    expect(stdout).toContain('# NetworkPolicy connectivity of namespace balance-plus (environment prod): 20 connection(s), 6 workload(s)');
    expect(stdout).toContain(
      'balance-plus/api-gateway → balance-plus/orchestrator\n  TCP 8000  egress: api-gateway@spec.egress.0; ingress: orchestrator@spec.ingress.0\n',
    );
    expect(stdout).not.toContain('balance-plus/api-gateway → balance-plus/postgresql');
    // Peers outside the repository among themselves are left out.
    expect(stdout).not.toContain('ingress-nginx/ingress-nginx-controller → kube-system/kube-dns');
    expect(stdout).toContain('# service graph: the connectivity matches the declared graph');
  });

  it('prints a Mermaid flowchart', async () => {
    const { code, stdout } = await run(BALANCE_PLUS_DIR, '--format', 'mermaid');
    expect(code).toBe(0);
    expect(stdout.startsWith('flowchart LR\n')).toBe(true);
    expect(stdout).toContain('n_balance_plus_api_gateway -->|"TCP 8000"| n_balance_plus_orchestrator');
    expect(stdout).not.toMatch(/n_balance_plus_api_gateway -->\|[^|]*\| n_balance_plus_postgresql/);
  });

  it('shows what a variant opens: api-gateway → postgresql, and the graph violation', async () => {
    const dir = await materialize('tr-k8s-7-forbidden-edge');
    cleanup.push(() => removeMaterialized(dir));
    const { code, stdout } = await run(dir, '--format', 'json');
    expect(code).toBe(1);
    const matrix = JSON.parse(stdout) as MatrixJson;
    expect(serviceEdges(matrix)).toContain('api-gateway → postgresql TCP 5432');
    expect(matrix.serviceGraph.matches).toBe(false);
    expect(matrix.serviceGraph.violations).toEqual([expect.objectContaining({ kind: 'forbidden-reachable', from: 'api-gateway', to: 'postgresql' })]);
  });

  it('reads the graph from --config', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'bplus-netpol-'));
    cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
    const config = path.join(tmp, 'bplus.yml');
    writeFileSync(config, 'network:\n  forbid:\n    - { from: orchestrator, to: postgresql, ports: [5432] }\n');
    const { code, stdout } = await run(BALANCE_PLUS_DIR, '--config', config, '--format', 'json');
    expect(code).toBe(1);
    const matrix = JSON.parse(stdout) as MatrixJson;
    expect(matrix.serviceGraph.violations.map((v) => `${v.kind} ${v.from} → ${v.to}`)).toEqual(['forbidden-reachable orchestrator → postgresql']);
  });
});

describe('bplus netpol usage errors exit 2', () => {
  it.each([
    ['an unknown format', [BALANCE_PLUS_DIR, '--format', 'dot'], /--format must be one of text, json, mermaid/],
    ['two directories', [BALANCE_PLUS_DIR, BALANCE_PLUS_DIR], /one directory/],
    ['a missing directory', ['/nonexistent/bplus-netpol'], /not a directory/],
    ['an unknown option', [BALANCE_PLUS_DIR, '--frmat', 'json'], /unknown option --frmat; did you mean --format\?/],
    ['a missing --config file', [BALANCE_PLUS_DIR, '--config', '/nonexistent/bplus.yml'], /--config/],
    ['an environment that is not production', [BALANCE_PLUS_DIR, '--environment', 'staging'], /--environment/],
  ])('%s', async (_name, args, message) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: bplus netpol');
  });

  it('an invalid configuration, on its line', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'bplus-netpol-'));
    cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
    const config = path.join(tmp, 'bplus.yml');
    writeFileSync(config, '# graph\nnetwork:\n  undeclared: sometimes\n');
    const { code, stderr } = await run(BALANCE_PLUS_DIR, '--config', config);
    expect(code).toBe(2);
    expect(stderr).toMatch(/bplus\.yml:3:\d+: configuration: network\.undeclared/);
  });
});

describe('bplus netpol against the declared graph', () => {
  it('exits 1 and draws a reachable forbidden edge in red and a blocked declared edge dashed', async () => {
    const dir = await materialize('tr-k8s-7-forbidden-edge');
    cleanup.push(() => removeMaterialized(dir));
    const config = path.join(dir, 'graph.yml');
    writeFileSync(config, 'network:\n  allow:\n    - { from: orchestrator, to: frontend }\n  forbid:\n    - { from: api-gateway, to: postgresql }\n');
    const { code, stdout } = await run(dir, '--config', config, '--format', 'mermaid');
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    const edges = lines.filter((l) => / -->\|| -\.-x\|/.test(l));
    const forbidden = edges.findIndex((l) => /n_balance_plus_api_gateway -->\|[^|]*\| n_balance_plus_postgresql/.test(l));
    expect(forbidden).toBeGreaterThanOrEqual(0);
    expect(lines).toContain(`  linkStyle ${forbidden} stroke:#d73a49,stroke-width:3px,color:#d73a49`);
    const blocked = edges.findIndex((l) => l.includes('n_balance_plus_orchestrator -.-x|"declared, blocked"| n_balance_plus_frontend'));
    expect(blocked).toBeGreaterThanOrEqual(0);
    expect(lines).toContain(`  linkStyle ${blocked} stroke:#e36209,stroke-dasharray:5 5,color:#e36209`);
    // An edge that violates nothing keeps the default style.
    const allowed = edges.findIndex((l) => /n_balance_plus_api_gateway -->\|[^|]*\| n_balance_plus_orchestrator/.test(l));
    expect(allowed).toBeGreaterThanOrEqual(0);
    expect(stdout).not.toContain(`linkStyle ${allowed} `);
  });

  it('warns on stderr about every file it could not read', async () => {
    const dir = await materialize('balance-plus');
    cleanup.push(() => removeMaterialized(dir));
    writeFileSync(path.join(dir, 'unrendered-broken.yaml'), 'kind: NetworkPolicy\nspec: [1, 2\n');
    writeFileSync(path.join(dir, 'unrendered-binary.yaml'), Buffer.from([0, 1, 2, 3, 0xff, 0xfe]));
    const { code, stderr } = await run(dir);
    expect(code).not.toBe(2);
    expect(stderr).toMatch(/^warning: unrendered-broken\.yaml:\d+: not read/m);
    expect(stderr).toMatch(/^warning: unrendered-binary\.yaml:\d+: not read/m);
  });
});
