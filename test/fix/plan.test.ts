/**
 * The fix engine on the fixture repository's violation variants: each variant's fixable findings
 * are fixed, the fixed tree is reviewed again and those findings are gone; fixes to commented
 * values files only add lines; Secrets become SealedSecrets that decrypt to the original values.
 */
import { describe, expect, it } from 'vitest';
import { bundledLibrary } from '../helpers/service-chart.ts';
import { parseAllDocuments } from 'yaml';
import { portableResult } from '../../src/engine/api.ts';
import { reviewRepository } from '../../src/engine/review.ts';
import { diffLines, planFixes, type FixPlan } from '../../src/fix/index.ts';
import { unsealSealedSecret } from '../../src/seal/index.ts';
import { MemorySource } from '../../src/source/local.ts';
import type { Finding } from '../../src/types.ts';
import { CERT_4096, KEY_4096, NOW, fixture } from '../seal/keys.ts';
import { sourceOf, variantFiles, withEdits, type Files } from './helpers.ts';

const CERTS = { '*': CERT_4096 };

async function fixVariant(variant: string, rules?: string[]): Promise<{ files: Files; plan: FixPlan; before: Finding[] }> {
  const files = await variantFiles(variant);
  const source = sourceOf(files);
  const review = await reviewRepository(source);
  const plan = await planFixes(source, review, { certificates: CERTS, now: NOW, rules });
  return { files, plan, before: review.findings };
}

const key = (f: Finding) => `${f.ruleId} ${f.path} ${f.message}`;

describe('fixed findings are gone on the re-reviewed tree', () => {
  const cases: Array<[variant: string, rules: string[]]> = [
    ['tr-k8s-3-no-limits', ['TR-K8S-3']],
    ['tr-k8s-3-prod-limits-null', ['TR-K8S-3']],
    ['tr-k8s-3-init-no-requests', ['TR-K8S-3']],
    ['tr-k8s-4-besteffort', ['TR-K8S-3', 'TR-K8S-4']],
    ['tr-k8s-5-fastapi-autoscaling-disabled', ['TR-K8S-5']],
    ['tr-k8s-6-nodeport', ['TR-K8S-6']],
    ['tr-k8s-7-no-default-deny', ['TR-K8S-7']],
    ['tr-k8s-9-plain-secret', ['TR-K8S-9']],
    ['tr-k8s-9-password-in-values-env', ['TR-K8S-9']],
    ['tr-k8s-9-credential-in-configmap', ['TR-K8S-9']],
  ];
  it.each(cases)('%s', async (variant, rules) => {
    const { files, plan, before } = await fixVariant(variant);
    const targeted = before.filter((f) => rules.includes(f.ruleId) && f.fixable && f.level === 'failure');
    expect(targeted.length, 'the variant has fixable findings').toBeGreaterThan(0);
    expect(plan.applied.length).toBeGreaterThan(0);
    // Independent of the plan's own bookkeeping: review the materialised fixed tree.
    const after = await reviewRepository(new MemorySource(withEdits(files, plan.edits)));
    const remaining = new Set(after.findings.map(key));
    expect(targeted.filter((f) => remaining.has(key(f))).map(key)).toEqual([]);
    expect(plan.fixed.map(key)).toEqual(expect.arrayContaining(targeted.map(key)));
    expect(after.findings.map(key)).toEqual(plan.remaining.map(key));
    // No new failure appears anywhere.
    const was = new Set(before.map(key));
    expect(after.findings.filter((f) => f.level === 'failure' && !was.has(key(f))).map(key)).toEqual([]);
  });

  it('a compliant repository needs no fix', async () => {
    const { plan } = await fixVariant('balance-plus');
    expect(plan.edits.size).toBe(0);
    expect(plan.remaining.filter((f) => f.level === 'failure')).toEqual([]);
  });

  it('--rule limits the fixes to the named rules', async () => {
    const { plan } = await fixVariant('tr-k8s-4-besteffort', ['TR-K8S-9']);
    expect(plan.edits.size).toBe(0);
    expect(plan.remaining.some((f) => f.ruleId === 'TR-K8S-3')).toBe(true);
  });
});

describe('minimal diffs', () => {
  it('a fix to a commented values file changes only the added lines', async () => {
    for (const variant of ['tr-k8s-3-no-limits', 'tr-k8s-3-init-no-requests']) {
      const { files, plan } = await fixVariant(variant);
      for (const [path, after] of plan.edits) {
        const before = files.get(path)!;
        expect(before).toMatch(/#/); // the file has comments
        const ops = diffLines(before, after);
        expect(ops.filter((o) => o.kind === 'del')).toEqual([]);
        expect(ops.filter((o) => o.kind === 'add').length).toBeGreaterThan(0);
        // Removing the added lines gives back the original byte for byte.
        expect(
          ops
            .filter((o) => o.kind !== 'add')
            .map((o) => o.text)
            .join('\n') + '\n',
        ).toBe(before);
      }
    }
  });

  it('keeps comments, key order and quoting when a key is added to a nested map', async () => {
    const values = `# api values\nresources:   # main container\n  requests:\n    cpu: '250m'   # measured\n    memory: 256Mi\n\n  # limits: to do\nenv: {}\nimage: { repository: r/api, tag: "1.0" }\n`;
    const files: Files = new Map([
      // Helm renders the chart through the bundled library.
      ...Object.entries(bundledLibrary('python-fastapi-service')),
      [
        'charts/api/Chart.yaml',
        'apiVersion: v2\nname: api\nversion: 1.0.0\ndependencies:\n  - name: python-fastapi-service\n    version: 1.3.0\n    repository: file://../library/python-fastapi-service\n',
      ],
      ['charts/api/values.yaml', values],
      ['charts/api/templates/all.yaml', '{{ include "python-fastapi-service.all" . }}\n'],
    ]);
    const source = sourceOf(files);
    const plan = await planFixes(source, await reviewRepository(source), { rules: ['TR-K8S-3'] });
    const after = plan.edits.get('charts/api/values.yaml')!;
    expect(diffLines(values, after).filter((o) => o.kind === 'del')).toEqual([]);
    expect(after).toContain('    cpu: \'250m\'   # measured\n    memory: 256Mi\n  limits:\n    cpu: "1"\n    memory: 512Mi\n');
  });
});

describe('SealedSecrets', () => {
  it('the sealed Secret decrypts with the private key to the original values', async () => {
    const { files, plan } = await fixVariant('tr-k8s-9-plain-secret');
    const file = 'charts/platform/templates/secret-postgresql.yaml';
    type Manifest = { kind: string; metadata: { labels?: unknown }; data?: Record<string, string>; spec: { template: { metadata: { labels?: unknown } } } };
    const original = parseAllDocuments(files.get(file)!.replace('{{ .Release.Namespace }}', 'x'))[0]!.toJS() as Manifest;
    const sealed = parseAllDocuments(plan.edits.get(file)!)
      .map((d) => d.toJS() as Manifest | null)
      .find((d) => d?.kind === 'SealedSecret')!;
    expect(sealed.metadata).toMatchObject({ name: 'postgresql-credentials', namespace: 'balance-plus' });
    expect(sealed.spec.template.metadata.labels).toEqual(original.metadata.labels);
    const plain = unsealSealedSecret(sealed, KEY_4096);
    for (const [k, v] of Object.entries(original.data ?? {})) expect(plain[k]!.equals(Buffer.from(v, 'base64'))).toBe(true);
    expect(plan.edits.get(file)).toMatch(/^# kubeseal was not installed on the release laptop\.\n/);
    expect(plan.sensitivePaths.has(file)).toBe(true);
    expect(plan.notes.join('\n')).toMatch(/clear text.*rotate/);
  });

  it.each([
    ['expired.crt', /expired/],
    ['ec-p256.crt', /RSA/],
    ['weak-1024.crt', /bits/],
  ])('refuses %s with a clear message and seals nothing', async (cert, message) => {
    const files = await variantFiles('tr-k8s-9-plain-secret');
    const source = sourceOf(files);
    const plan = await planFixes(source, await reviewRepository(source), { certificates: { '*': fixture(cert) }, now: NOW });
    expect(plan.edits.size).toBe(0);
    const skipped = plan.skipped.find((s) => s.finding.ruleId === 'TR-K8S-9');
    expect(skipped?.reason).toMatch(message);
    expect(plan.notes.join('\n')).toMatch(/rotate/);
  });

  it('without any certificate, says where to put one', async () => {
    const files = await variantFiles('tr-k8s-9-plain-secret');
    const source = sourceOf(files);
    const plan = await planFixes(source, await reviewRepository(source));
    expect(plan.skipped.find((s) => s.finding.ruleId === 'TR-K8S-9')?.reason).toMatch(/--cert.*\.github\/sealed-secrets/);
  });

  it('uses the certificate committed in the repository', async () => {
    const files = await variantFiles('tr-k8s-9-plain-secret');
    files.set('.github/sealed-secrets/balance-plus.pem', CERT_4096);
    const source = sourceOf(files);
    const plan = await planFixes(source, await reviewRepository(source));
    expect(plan.applied.map((a) => a.description).join()).toMatch(/sealed with \.github\/sealed-secrets\/balance-plus\.pem/);
  });
});

describe('a review that crossed a thread', () => {
  it('carries only plain findings (fixable: true), and is planned by reviewing again in this process, to the same plan', async () => {
    const files = await variantFiles('tr-k8s-3-no-limits');
    const source = sourceOf(files);
    const review = await reviewRepository(source);
    const portable = structuredClone(portableResult(review));
    expect(portable.findings.filter((f) => f.fixable).map((f) => f.ruleId)).toEqual(review.findings.filter((f) => review.fixes.has(f)).map((f) => f.ruleId));
    expect(Object.keys(portable)).not.toContain('fixes');
    const inProcess = await planFixes(source, review);
    const fromThread = await planFixes(source, portable);
    expect(inProcess.edits.size).toBeGreaterThan(0);
    expect([...fromThread.edits]).toEqual([...inProcess.edits]);
    expect(fromThread.applied).toEqual(inProcess.applied);
  });
});
