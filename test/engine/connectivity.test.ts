/**
 * src/engine/connectivity.ts: the production namespace's matrix from the repository model, built
 * once per model, and the diff between a base and a head repository that the GitHub App's check
 * run lists ("now allowed: api-gateway → postgresql TCP 5432").
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import { connectivityDiff, connectivityOf, productionObjects, serviceGraphOf } from '../../src/engine/connectivity.ts';
import { loadRepository, type RepositoryModel } from '../../src/model/repository.ts';
import { checkServiceGraph } from '../../src/netpol/index.ts';
import { LocalSource } from '../../src/source/local.ts';
import { materialize, removeMaterialized } from '../helpers/overlay.ts';

const made: string[] = [];
async function modelOf(variant: string): Promise<RepositoryModel> {
  const dir = await materialize(variant);
  made.push(dir);
  const config = parseConfig(await readFile(`${dir}/.github/bplus.yml`, 'utf8')).config;
  return loadRepository(new LocalSource(dir), config);
}

let base: RepositoryModel;
beforeAll(async () => {
  base = await modelOf('balance-plus');
});
afterAll(async () => {
  await Promise.all(made.map(removeMaterialized));
});

describe('connectivityOf', () => {
  it('builds the matrix once per model and environment', () => {
    expect(connectivityOf(base)).toBe(connectivityOf(base));
    expect(connectivityOf(base, 'prod')).toBe(connectivityOf(base));
  });

  it('places templated namespaces ({{ .Release.Namespace }}) in the production namespace', () => {
    const objects = productionObjects(base);
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(policies).toEqual(
      expect.arrayContaining(['balance-plus/default-deny-all', 'balance-plus/allow-dns-egress', 'balance-plus/postgresql', 'balance-plus/api-gateway']),
    );
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe('balance-plus');
    // The copies still point at the template's own lines.
    const deny = objects.find((o) => o.metadata.name === 'default-deny-all')!;
    expect(deny.locate(['spec', 'policyTypes'])).toMatchObject({ path: 'charts/platform/templates/networkpolicy-default-deny.yaml', line: 12 });
  });

  it('matches the declared graph on the compliant repository', () => {
    const matrix = connectivityOf(base);
    expect(checkServiceGraph(matrix, serviceGraphOf(base.config, matrix))).toEqual([]);
    expect(matrix.allowed('api-gateway', 'orchestrator', 8000)).toBe(true);
    expect(matrix.allowed('api-gateway', 'postgresql', 5432)).toBe(false);
    expect(matrix.allowed('keda-operator', 'rabbitmq', 15672)).toBe(true);
    expect(matrix.allowed('keda-operator', 'rabbitmq', 5672)).toBe(false);
  });
});

describe('connectivityDiff (base → head)', () => {
  it('tr-k8s-7-forbidden-edge: now allowed api-gateway → postgresql, and back', async () => {
    const head = await modelOf('tr-k8s-7-forbidden-edge');
    expect(connectivityDiff(base, head)).toEqual(['now allowed: api-gateway → postgresql TCP 5432']);
    expect(connectivityDiff(head, base)).toEqual(['no longer allowed: api-gateway → postgresql TCP 5432']);
  });

  it('tr-k8s-7-egress-anywhere: the worker may now reach the internet', async () => {
    const head = await modelOf('tr-k8s-7-egress-anywhere');
    expect(connectivityDiff(base, head)).toEqual(['now allowed: condenser-worker → internet TCP 443']);
  });

  it('tr-k8s-7-overbroad-namespace-selector: every in-cluster peer now reaches the orchestrator', async () => {
    const head = await modelOf('tr-k8s-7-overbroad-namespace-selector');
    expect([...connectivityDiff(base, head)].sort()).toEqual([
      'now allowed: dns → orchestrator TCP 8000',
      'now allowed: ingress-controller → orchestrator TCP 8000',
      'now allowed: keda → orchestrator TCP 8000',
    ]);
  });

  it('tr-k8s-7-no-default-deny: the namespace-wide deny was redundant here, connectivity is unchanged', async () => {
    // Every pod is still isolated by its own policy (ingress) and the DNS policy (egress); TR-K8S-7
    // still reports the missing default deny, which protects the next workload added.
    const head = await modelOf('tr-k8s-7-no-default-deny');
    expect(connectivityDiff(base, head)).toEqual([]);
  });

  it('no change, no line', () => {
    expect(connectivityDiff(base, base)).toEqual([]);
  });
});
