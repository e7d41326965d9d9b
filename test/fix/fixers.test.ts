/** Fixers driven by hand-made findings (hint shapes of the rules), and the YAML text edits. */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { diffLines, planFixes } from '../../src/fix/index.ts';
import { addMissing, appendToList, deleteKey, setScalar } from '../../src/yaml/edit.ts';
import type { ReviewResult } from '../../src/engine/api.ts';
import type { Finding, FixHint } from '../../src/types.ts';
import { sourceOf, variantFiles, type Files } from './helpers.ts';

function finding(ruleId: string, path: string, line: number, fix: FixHint): Finding {
  return { ruleId, path, line, column: 1, endLine: line, endColumn: 1, level: 'failure', message: `synthetic ${ruleId}`, messageId: 'm', title: 't', fix };
}

function review(findings: Finding[]): ReviewResult {
  return { findings, summary: {} as ReviewResult['summary'] };
}

const noReview = async () => review([]);

describe('service-clusterip on a manifest', () => {
  it('sets ClusterIP and drops nodePort and the load-balancer-only fields, keeping the rest', async () => {
    const text = `# edge
apiVersion: v1
kind: ConfigMap
metadata: {name: x}
---
apiVersion: v1
kind: Service
metadata:
  name: edge  # partner callbacks
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  loadBalancerSourceRanges:
    - 10.0.0.0/8
  ports:
    - name: https
      port: 443
      nodePort: 30443
      targetPort: 8443
`;
    const files: Files = new Map([['manifests/edge.yaml', text]]);
    const plan = await planFixes(sourceOf(files), review([finding('TR-K8S-6', 'manifests/edge.yaml', 11, { kind: 'service-clusterip' })]), {}, noReview);
    const out = plan.edits.get('manifests/edge.yaml')!;
    expect(out).toBe(text.replace('LoadBalancer', 'ClusterIP').replace('  externalTrafficPolicy: Local\n  loadBalancerSourceRanges:\n    - 10.0.0.0/8\n', '').replace('      nodePort: 30443\n', ''));
    expect(plan.applied[0]!.description).toMatch(/Service edge: spec.type: ClusterIP, removed spec.ports\[0\].nodePort/);
  });
});

describe('enable-autoscaling for a Celery worker', () => {
  it('enables KEDA in the production overlay with the platform defaults and the first queue', async () => {
    const files = await variantFiles('balance-plus');
    const prod = 'charts/condenser-worker/values-prod.yaml';
    const text = files.get(prod)!.replace(/\nkeda:\n(?:[ #].*\n|\n)*/, '\n');
    files.set(prod, text);
    files.set('charts/condenser-worker/values.yaml', files.get('charts/condenser-worker/values.yaml')!.replace(/\nkeda:\n(?: .*\n|\n)*/, '\n'));
    const hint = { kind: 'enable-autoscaling', data: { chart: 'charts/condenser-worker', environment: 'prod', serviceKind: 'celery' } };
    const plan = await planFixes(sourceOf(files), review([finding('TR-K8S-5', prod, 1, hint)]), {}, noReview);
    const keda = parseAllDocuments(plan.edits.get(prod)!)[0]!.toJS().keda;
    expect(keda).toMatchObject({ enabled: true, mode: 'QueueLength', value: '20', protocol: 'http', minReplicaCount: 1, maxReplicaCount: 20, authenticationRef: { secretName: 'rabbitmq-keda' } });
    expect(typeof keda.queueName).toBe('string');
    expect(diffLines(text, plan.edits.get(prod)!).filter((o) => o.kind === 'del')).toEqual([]);
  });
});

describe('add-default-deny without an infrastructure chart', () => {
  it('writes manifests/ with the namespace and an allow-DNS policy', async () => {
    const files: Files = new Map([['manifests/app.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: balance-plus\n']]);
    const plan = await planFixes(sourceOf(files), review([finding('TR-K8S-7', 'manifests/app.yaml', 1, { kind: 'add-default-deny', data: { namespace: 'balance-plus' } })]), {}, noReview);
    const docs = parseAllDocuments(plan.edits.get('manifests/networkpolicy-default-deny.yaml')!).map((d) => d.toJS());
    expect(docs.map((d) => d.metadata.name)).toEqual(['default-deny-all', 'allow-dns-egress']);
    expect(docs[0]).toMatchObject({ metadata: { namespace: 'balance-plus' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  });
});

describe('unknown hints and findings without a hint', () => {
  it('are reported as not fixed, with the reason', async () => {
    const plan = await planFixes(sourceOf(new Map()), review([finding('TR-K8S-1', 'a.yaml', 1, { kind: 'who-knows' }), { ...finding('TR-K8S-2', 'b.yaml', 2, { kind: 'x' }), fix: undefined }]), {}, noReview);
    expect(plan.skipped.map((s) => s.reason)).toEqual([expect.stringMatching(/no fixer for "who-knows"/), expect.stringMatching(/needs a decision by a person/)]);
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
    const diff = { visibleLines: visible, addedLines: visible, removedAt: new Map<string, Set<number>>(), changedPaths: new Set(['v.yaml']), removedPaths: new Set<string>(), complete: true };
    const review = buildSuggestions(new Map([['v.yaml', after]]), new Map([['v.yaml', before]]), diff);
    expect(review.comments).toEqual([]);
    expect(review.outside.join()).not.toContain('s3cr3t');
    const ok = buildSuggestions(new Map([['v.yaml', 'a: 1\nb: 2\n']]), new Map([['v.yaml', 'a: 1\n']]), { ...diff, visibleLines: new Map([['v.yaml', new Set([1])]]) }, new Set(['v.yaml']));
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
    const { findingsOf } = await import('../rules/rule-tester.ts');
    const rule = (await import('../../rules/TR-K8S-6.ts')).default;
    const text = manifest('http');
    const files: Files = new Map([['charts/edge/Chart.yaml', 'apiVersion: v2\nname: edge\nversion: 1.0.0\n'], ['charts/edge/templates/edge.yaml', text]]);
    const found = await findingsOf(rule, Object.fromEntries(files));
    expect(found.map((f) => [f.line, f.fix?.kind])).toEqual([[18, 'remove-hostport'], [20, undefined]]);
    const plan = await planFixes(sourceOf(files), review(found), {}, noReview);
    expect(plan.edits.get('charts/edge/templates/edge.yaml')).toBe(text.replace('              hostPort: 80   # opened for the old L4 balancer\n', ''));
    expect(plan.applied.map((a) => a.description)).toEqual(['removed spec.template.spec.containers[0].ports[0].hostPort (Service edge exposes the port)']);
  });

  it('gives no hint when no Service targets the port (by number, protocol and selector)', async () => {
    const { findingsOf } = await import('../rules/rule-tester.ts');
    const rule = (await import('../../rules/TR-K8S-6.ts')).default;
    const files = { 'charts/edge/Chart.yaml': 'apiVersion: v2\nname: edge\nversion: 1.0.0\n', 'charts/edge/templates/edge.yaml': manifest('8081') };
    expect((await findingsOf(rule, files)).map((f) => f.fix)).toEqual([undefined, undefined]);
    const byNumber = { ...files, 'charts/edge/templates/edge.yaml': manifest('9090') };
    expect((await findingsOf(rule, byNumber)).map((f) => f.fix?.kind)).toEqual([undefined, 'remove-hostport']);
    const otherPods = { ...files, 'charts/edge/templates/edge.yaml': manifest('9090').replace('selector: { app: edge }', 'selector: { app: edge, tier: db }') };
    expect((await findingsOf(rule, otherPods)).map((f) => f.fix)).toEqual([undefined, undefined]);
  });
});
