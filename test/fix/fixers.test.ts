/**
 * Fixes driven through their rules (the rule finds, its fix edits, the rule is asked again), on
 * larger repositories than the rules' case tables hold; and the YAML text edits.
 */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import autoscaling from '../../rules/TR-K8S-5.ts';
import ingressOnly from '../../rules/TR-K8S-6.ts';
import networkPolicies from '../../rules/TR-K8S-7.ts';
import { diffLines } from '../../src/fix/index.ts';
import { addMissing, appendToList, deleteKey, setScalar } from '../../src/yaml/edit.ts';
import { findingsOf, fixesOf } from '../rules/rule-tester.ts';
import { variantFiles } from './helpers.ts';

describe('TR-K8S-5 fixes a Celery worker', () => {
  it('enables KEDA in the production overlay with the platform defaults and the first queue', async () => {
    const files = await variantFiles('balance-plus');
    const prod = 'charts/condenser-worker/values-prod.yaml';
    const text = files.get(prod)!.replace(/\nkeda:\n(?:[ #].*\n|\n)*/, '\n');
    files.set(prod, text);
    files.set('charts/condenser-worker/values.yaml', files.get('charts/condenser-worker/values.yaml')!.replace(/\nkeda:\n(?: .*\n|\n)*/, '\n'));
    const { fixable, plan } = await fixesOf(autoscaling, Object.fromEntries(files));
    expect(fixable.map((f) => [f.messageId, f.path])).toEqual([['workerNoScaledObject', prod]]);
    const { keda } = parseAllDocuments(plan.edits.get(prod)!)[0]!.toJS() as { keda: Record<string, unknown> };
    expect(keda).toMatchObject({
      enabled: true,
      mode: 'QueueLength',
      value: '20',
      protocol: 'http',
      minReplicaCount: 1,
      maxReplicaCount: 20,
      authenticationRef: { secretName: 'rabbitmq-keda' },
    });
    expect(typeof keda.queueName).toBe('string');
    expect(diffLines(text, plan.edits.get(prod)!).filter((o) => o.kind === 'del')).toEqual([]);
    expect(plan.remaining.filter((f) => f.messageId === 'workerNoScaledObject')).toEqual([]);
  });
});

describe('TR-K8S-7 fixes a namespace without an infrastructure chart', () => {
  it('writes manifests/ with the namespace and an allow-DNS policy', async () => {
    const files = { 'manifests/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: balance-plus\n' };
    const { fixable, plan } = await fixesOf(networkPolicies, files);
    expect(fixable.map((f) => f.messageId)).toEqual(['noDefaultDeny']);
    const docs = parseAllDocuments(plan.edits.get('manifests/networkpolicy-default-deny.yaml')!).map((d) => d.toJS() as { metadata: { name: string } });
    expect(docs.map((d) => d.metadata.name)).toEqual(['default-deny-all', 'allow-dns-egress']);
    expect(docs[0]).toMatchObject({ metadata: { namespace: 'balance-plus' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    expect(plan.remaining).toEqual([]);
  });
});

describe('findings without a fix', () => {
  it('are reported as not fixed, with the reason', async () => {
    // A NodePort Service of a plain manifest: who relies on the node port is for a person to find out.
    const service =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\n  namespace: balance-plus\nspec:\n  type: NodePort\n  selector: { app: edge }\n  ports:\n    - port: 80\n';
    const { findings, fixable, plan } = await fixesOf(ingressOnly, { 'manifests/edge.yaml': service });
    expect(findings.map((f) => f.messageId)).toEqual(['exposedService']);
    expect(fixable).toEqual([]);
    expect(plan.edits.size).toBe(0);
    expect(plan.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/needs a decision by a person/)]);
  });
});

describe('YAML text edits', () => {
  it('adds under a key with no value without touching its line', () => {
    expect(addMissing('a: 1\nresources:\nb: 2\n', 0, ['resources'], { limits: { cpu: '1' } })!.text).toBe('a: 1\nresources:\n  limits:\n    cpu: "1"\nb: 2\n');
  });
  it('adds a missing top-level key at the end, keeping a file without final newline intact', () => {
    expect(addMissing('a: 1 # one', 0, [], { b: { c: true } })!.text).toBe('a: 1 # one\nb:\n  c: true\n');
  });
  it('keeps CRLF line endings and 4-space indentation', () => {
    expect(addMissing('r:\r\n    x: 1\r\n', 0, ['r'], { y: 2 })!.text).toBe('r:\r\n    x: 1\r\n    y: 2\r\n');
  });
  it('sets a scalar in place, keeping its comment', () => {
    expect(setScalar('s:\n  type: NodePort  # why\n', 0, ['s', 'type'], 'ClusterIP')!.text).toBe('s:\n  type: ClusterIP  # why\n');
  });
  it('deletes a key and leaves an explicit empty map', () => {
    expect(deleteKey('env:\n  A: b\nx: 1\n', 0, ['env', 'A'])!.text).toBe('env: {}\nx: 1\n');
    expect(deleteKey('env:\n  A: b\n  B: c\n', 0, ['env', 'A'])!.text).toBe('env:\n  B: c\n');
  });
  it('appends to block and flow lists', () => {
    expect(appendToList('l:\n  - a\nz: 1\n', 0, ['l'], 'b')!.text).toBe('l:\n  - a\n  - b\nz: 1\n');
    expect(appendToList('l: []\n', 0, ['l'], 'b')!.text).toBe('l: [b]\n');
    expect(appendToList('l: [a]\n', 0, ['l'], 'a')).toBeUndefined();
  });
  it('edits the right document of a multi-document file with templates', () => {
    const text = 'a: {{ .Values.x }}\n---\nkind: Service\nspec:\n  type: NodePort\n';
    expect(setScalar(text, 1, ['spec', 'type'], 'ClusterIP')!.text).toBe(text.replace('NodePort', 'ClusterIP'));
  });
});

describe('suggestions never quote a line that may hold a value', () => {
  it('moves an insertion after a credential line out of the suggestions, and quotes nothing of sensitive files', async () => {
    const { buildSuggestions, mayHoldCredential } = await import('../../src/app/fix/suggestions.ts');
    expect(mayHoldCredential('  password: hunter2-hunter2')).toBe(true);
    expect(mayHoldCredential('  memory: 256Mi')).toBe(false);
    const before = 'keda:\n  queueName: q\n  password: s3cr3t-value-1\n';
    const after = before + '  enabled: true\n';
    const visible = new Map([['v.yaml', new Set([1, 2, 3])]]);
    const diff = {
      visibleLines: visible,
      addedLines: visible,
      removedAt: new Map<string, Set<number>>(),
      changedPaths: new Set(['v.yaml']),
      removedPaths: new Set<string>(),
      complete: true,
    };
    const review = buildSuggestions(new Map([['v.yaml', after]]), new Map([['v.yaml', before]]), diff);
    expect(review.comments).toEqual([]);
    expect(review.outside.join()).not.toContain('s3cr3t');
    const ok = buildSuggestions(
      new Map([['v.yaml', 'a: 1\nb: 2\n']]),
      new Map([['v.yaml', 'a: 1\n']]),
      { ...diff, visibleLines: new Map([['v.yaml', new Set([1])]]) },
      new Set(['v.yaml']),
    );
    expect(ok.comments).toEqual([]);
  });
});

describe('remove-hostport (TR-K8S-6)', () => {
  const manifest = (serviceTarget: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
  namespace: balance-plus
spec:
  selector: { matchLabels: { app: edge } }
  template:
    metadata:
      labels: { app: edge, tier: web }
    spec:
      containers:
        - name: edge
          image: registry.balance-plus.io/edge:1.0.0
          ports:
            - name: http
              containerPort: 8080
              hostPort: 80   # opened for the old L4 balancer
            - containerPort: 9090
              hostPort: 9090
---
apiVersion: v1
kind: Service
metadata:
  name: edge
  namespace: balance-plus
spec:
  selector: { app: edge }
  ports:
    - port: 80
      targetPort: ${serviceTarget}
`;

  it('removes a hostPort whose container port a Service already targets (by name), and only that one', async () => {
    const text = manifest('http');
    const files = { 'charts/edge/Chart.yaml': 'apiVersion: v2\nname: edge\nversion: 1.0.0\n', 'charts/edge/templates/edge.yaml': text };
    const { findings, fixable, plan } = await fixesOf(ingressOnly, files);
    expect(findings.map((f) => [f.line, f.fixable])).toEqual([
      [18, true],
      [20, undefined],
    ]);
    expect(fixable.map((f) => f.line)).toEqual([18]);
    expect(plan.edits.get('charts/edge/templates/edge.yaml')).toBe(text.replace('              hostPort: 80   # opened for the old L4 balancer\n', ''));
    expect(plan.applied.map((a) => a.description)).toEqual(['removed spec.template.spec.containers[0].ports[0].hostPort (Service edge exposes the port)']);
  });

  it('gives no fix when no Service targets the port (by number, protocol and selector)', async () => {
    const files = { 'charts/edge/Chart.yaml': 'apiVersion: v2\nname: edge\nversion: 1.0.0\n', 'charts/edge/templates/edge.yaml': manifest('8081') };
    expect((await findingsOf(ingressOnly, files)).map((f) => f.fixable)).toEqual([undefined, undefined]);
    const byNumber = { ...files, 'charts/edge/templates/edge.yaml': manifest('9090') };
    const fixed = await fixesOf(ingressOnly, byNumber);
    expect(fixed.findings.map((f) => f.fixable)).toEqual([undefined, true]);
    expect(fixed.plan.edits.get('charts/edge/templates/edge.yaml')).toBe(manifest('9090').replace('              hostPort: 9090\n', ''));
    const otherPods = { ...files, 'charts/edge/templates/edge.yaml': manifest('9090').replace('selector: { app: edge }', 'selector: { app: edge, tier: db }') };
    expect((await findingsOf(ingressOnly, otherPods)).map((f) => f.fixable)).toEqual([undefined, undefined]);
  });
});
