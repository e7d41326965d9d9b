import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadSealingCertificate } from '../../src/seal/certificate.ts';
import { SealingError } from '../../src/seal/errors.ts';
import { errorMessage } from '../../src/yaml/format-value.ts';
import { CLUSTER_WIDE_ANNOTATION, NAMESPACE_WIDE_ANNOTATION, type SealingScope } from '../../src/seal/scope.ts';
import { sealSecret, sealValue } from '../../src/seal/seal-secret.ts';
import type { SealedSecret } from '../../src/seal/sealed-secret.ts';
import { unsealSealedSecret } from '../../src/seal/unseal.ts';
import { CERT_2048, CERT_4096, expectNoLeak, KEY_2048, KEY_4096, NOW } from './keys.ts';

const certificate = loadSealingCertificate(CERT_4096, NOW);
const small = loadSealingCertificate(CERT_2048, NOW); // faster where the key size does not matter

const BINARY = Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x0d, 0x80, 0x00, 0x7f, 0xc3, 0x28]); // not valid UTF-8
const PASSWORD = 'S3cr3t-Pa$$w0rd-ü-🔑';
const TOKEN = 'tok_live_0123456789abcdef';

function plainSecret(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db-credentials', namespace: 'balance-plus', ...(overrides.metadata as object) },
    type: 'Opaque',
    data: { 'ca.bin': BINARY.toString('base64') },
    stringData: { password: PASSWORD },
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => k !== 'metadata')),
  };
}

function errorOf(fn: () => unknown): SealingError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SealingError)) throw new Error(`expected a SealingError, got ${errorMessage(e)}`);
    return e;
  }
  throw new Error('expected a SealingError');
}

/** The SealedSecret as applied somewhere else: another namespace and/or name. */
function moved(sealed: SealedSecret, namespace: string, name: string): SealedSecret {
  const copy = structuredClone(sealed);
  copy.metadata.namespace = namespace;
  copy.metadata.name = name;
  return copy;
}

describe('sealSecret: the controller gets the original bytes back', () => {
  it.each<SealingScope>(['strict', 'namespace-wide', 'cluster-wide'])('%s scope', (scope) => {
    const sealed = sealSecret(plainSecret(), { certificate, scope });
    const data = unsealSealedSecret(sealed, KEY_4096);
    expect(Object.keys(data)).toEqual(['ca.bin', 'password']);
    expect(data['ca.bin']?.equals(BINARY)).toBe(true);
    expect(data.password?.equals(Buffer.from(PASSWORD, 'utf8'))).toBe(true);
  });

  it('produces 4096-bit values: 2-byte prefix 512, base64 "Ag[A-D]…"', () => {
    const sealed = sealSecret(plainSecret(), { certificate });
    for (const value of Object.values(sealed.spec.encryptedData)) {
      expect(value).toMatch(/^Ag[A-D][A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(value, 'base64').readUInt16BE(0)).toBe(512);
    }
  });

  it('decodes data as base64 (binary, line-wrapped) and takes stringData as UTF-8, stringData winning', () => {
    const big = randomBytes(1000);
    const wrapped = big.toString('base64').replace(/(.{76})/g, '$1\n');
    const sealed = sealSecret(plainSecret({ data: { big: wrapped, password: Buffer.from('overridden').toString('base64'), empty: '' } }), {
      certificate: small,
    });
    const data = unsealSealedSecret(sealed, KEY_2048);
    expect(data.big?.equals(big)).toBe(true);
    expect(data.password?.toString('utf8')).toBe(PASSWORD);
    expect(data.empty?.length).toBe(0);
  });
});

describe('the shape of the SealedSecret', () => {
  it('carries the Secret metadata in the template, minus last-applied copies, keys sorted', () => {
    const sealed = sealSecret(
      plainSecret({
        metadata: {
          labels: { app: 'orchestrator' },
          annotations: {
            'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { password: PASSWORD } }),
            'kubecfg.ksonnet.io/last-applied-configuration': JSON.stringify({ stringData: { password: PASSWORD } }),
            'team.example.com/owner': 'platform',
          },
          uid: '1234',
          resourceVersion: '99',
          ownerReferences: [{ kind: 'X' }],
        },
        type: 'kubernetes.io/basic-auth',
        immutable: true,
        data: { zeta: 'eg==', alpha: 'YQ==' },
        stringData: { mid: 'm' },
      }),
      { certificate: small },
    );
    expect(sealed.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(sealed.kind).toBe('SealedSecret');
    expect(sealed.metadata).toEqual({ name: 'db-credentials', namespace: 'balance-plus' });
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['alpha', 'mid', 'zeta']);
    expect(sealed.spec.template).toEqual({
      metadata: {
        name: 'db-credentials',
        namespace: 'balance-plus',
        labels: { app: 'orchestrator' },
        annotations: { 'team.example.com/owner': 'platform' },
      },
      type: 'kubernetes.io/basic-auth',
      immutable: true,
    });
    expectNoLeak(JSON.stringify(sealed), [PASSWORD]);
  });

  it.each<[SealingScope, Record<string, string> | undefined]>([
    ['strict', undefined],
    ['namespace-wide', { [NAMESPACE_WIDE_ANNOTATION]: 'true' }],
    ['cluster-wide', { [CLUSTER_WIDE_ANNOTATION]: 'true' }],
  ])('puts the %s scope annotation on its own metadata and on the template', (scope, annotations) => {
    const sealed = sealSecret(plainSecret(), { certificate: small, scope });
    expect(sealed.metadata.annotations).toEqual(annotations);
    expect(sealed.spec.template.metadata?.annotations).toEqual(annotations);
  });

  it("takes the scope from the Secret's annotations unless told otherwise; cluster-wide wins", () => {
    const annotated = plainSecret({
      metadata: { annotations: { [NAMESPACE_WIDE_ANNOTATION]: 'true', [CLUSTER_WIDE_ANNOTATION]: 'true' } },
    });
    expect(sealSecret(annotated, { certificate: small }).metadata.annotations).toEqual({ [CLUSTER_WIDE_ANNOTATION]: 'true' });
    const strict = sealSecret(annotated, { certificate: small, scope: 'strict' });
    expect(strict.metadata.annotations).toBeUndefined();
    expect(strict.spec.template.metadata?.annotations).toBeUndefined();
    expect(() => unsealSealedSecret(moved(strict, 'balance-plus', 'other'), KEY_2048)).toThrow(/no key could decrypt/);
  });
});

describe('sealed-secrets TestRaw, with our sealValue (kubeseal --raw)', () => {
  // Sealed for (ns, name, scope); unsealed as SealedSecret myns/mysecret annotated with that scope.
  const cases: Array<{ scope?: SealingScope; ns: string; name: string; fails?: true }> = [
    // strict scope
    { ns: 'myns', name: 'mysecret' },
    { ns: 'youGiveRest', name: 'mysecret', fails: true },
    { ns: 'myns', name: 'aBadName', fails: true },
    // namespace-wide scope
    { scope: 'namespace-wide', ns: 'myns', name: 'mysecret' },
    { scope: 'namespace-wide', ns: 'youGiveRest', name: '', fails: true },
    { scope: 'namespace-wide', ns: 'youGiveRest', name: 'aBadName', fails: true },
    { scope: 'namespace-wide', ns: 'myns', name: '' },
    { scope: 'namespace-wide', ns: 'myns', name: 'aBadName' },
    // cluster-wide scope
    { scope: 'cluster-wide', ns: 'myns', name: 'mysecret' },
    { scope: 'cluster-wide', ns: 'youGiveRest', name: 'mysecret' },
    { scope: 'cluster-wide', ns: 'myns', name: '' },
    { scope: 'cluster-wide', ns: 'myns', name: 'aBadName' },
    { scope: 'cluster-wide', ns: '', name: '' },
    { scope: 'cluster-wide', ns: '', name: 'aBadName' },
  ];
  it.each(cases)('$scope $ns/$name', ({ scope, ns, name, fails }) => {
    const encrypted = sealValue('supersecret', { certificate: small, scope, namespace: ns, name });
    const sealed = {
      metadata: {
        namespace: 'myns',
        name: 'mysecret',
        annotations: { [`sealedsecrets.bitnami.com/${scope ?? 'strict'}`]: 'true' },
      },
      spec: { encryptedData: { foo: encrypted } },
    };
    if (fails) {
      expect(() => unsealSealedSecret(sealed, KEY_2048)).toThrow(/^foo: no key could decrypt secret$/);
    } else {
      expect(unsealSealedSecret(sealed, KEY_2048).foo?.toString()).toBe('supersecret');
    }
  });

  it('needs a namespace unless cluster-wide and a name in strict scope, as kubeseal --raw', () => {
    expect(errorOf(() => sealValue('x', { certificate: small, namespace: 'ns' })).code).toBe('MISSING_NAME');
    expect(errorOf(() => sealValue('x', { certificate: small, scope: 'namespace-wide' })).code).toBe('NAMESPACE_REQUIRED');
  });
});

describe('scope × where the SealedSecret is applied (rename / move)', () => {
  const table: Array<[SealingScope, string, string, boolean]> = [
    ['strict', 'balance-plus', 'db-credentials', true],
    ['strict', 'other-ns', 'db-credentials', false],
    ['strict', 'balance-plus', 'renamed', false],
    ['strict', 'other-ns', 'renamed', false],
    ['namespace-wide', 'balance-plus', 'db-credentials', true],
    ['namespace-wide', 'balance-plus', 'renamed', true],
    ['namespace-wide', 'other-ns', 'db-credentials', false],
    ['namespace-wide', 'other-ns', 'renamed', false],
    ['cluster-wide', 'balance-plus', 'db-credentials', true],
    ['cluster-wide', 'balance-plus', 'renamed', true],
    ['cluster-wide', 'other-ns', 'db-credentials', true],
    ['cluster-wide', 'other-ns', 'renamed', true],
  ];
  const sealedByScope = new Map<SealingScope, SealedSecret>();
  it.each(table)('%s sealed for balance-plus/db-credentials, applied as %s/%s → decrypts: %s', (scope, ns, name, ok) => {
    if (!sealedByScope.has(scope)) sealedByScope.set(scope, sealSecret(plainSecret(), { certificate: small, scope }));
    const target = moved(sealedByScope.get(scope) as SealedSecret, ns, name);
    if (ok) expect(unsealSealedSecret(target, KEY_2048).password?.toString()).toBe(PASSWORD);
    else expect(() => unsealSealedSecret(target, KEY_2048)).toThrow(/no key could decrypt secret/);
  });

  it('the scope annotation is part of the binding: dropping it breaks a cluster-wide SealedSecret', () => {
    const sealed = sealSecret(plainSecret(), { certificate: small, scope: 'cluster-wide' });
    const stripped = structuredClone(sealed);
    delete stripped.metadata.annotations;
    expect(() => unsealSealedSecret(stripped, KEY_2048)).toThrow(/no key could decrypt secret/);
  });

  it("does not decrypt with another controller's key", () => {
    const sealed = sealSecret(plainSecret(), { certificate: small });
    expect(() => unsealSealedSecret(sealed, KEY_4096)).toThrow(/no key could decrypt secret/);
  });
});

describe('namespace', () => {
  it('comes from the Secret, else from the option', () => {
    const noNs = plainSecret({ metadata: { namespace: undefined } });
    const sealed = sealSecret(noNs, { certificate: small, namespace: 'team-a' });
    expect(sealed.metadata.namespace).toBe('team-a');
    expect(sealed.spec.template.metadata?.namespace).toBe('team-a');
    expect(unsealSealedSecret(sealed, KEY_2048).password?.toString()).toBe(PASSWORD);
  });

  it('is required unless cluster-wide', () => {
    const noNs = plainSecret({ metadata: { namespace: undefined } });
    expect(errorOf(() => sealSecret(noNs, { certificate: small })).code).toBe('NAMESPACE_REQUIRED');
    expect(errorOf(() => sealSecret(noNs, { certificate: small, scope: 'namespace-wide' })).code).toBe('NAMESPACE_REQUIRED');
    const sealed = sealSecret(noNs, { certificate: small, scope: 'cluster-wide' });
    expect(sealed.metadata.namespace).toBeUndefined();
    expect(unsealSealedSecret(moved(sealed, 'anywhere', 'db-credentials'), KEY_2048).password?.toString()).toBe(PASSWORD);
  });

  it('refuses a --namespace that contradicts the Secret', () => {
    const e = errorOf(() => sealSecret(plainSecret(), { certificate: small, namespace: 'other' }));
    expect(e.code).toBe('NAMESPACE_MISMATCH');
    expect(e.message).toContain('"balance-plus" but "other"');
  });
});

describe('validation: clear errors that never quote a value', () => {
  const cases: Array<[string, unknown, string]> = [
    ['not an object', 'apiVersion: v1', 'INVALID_SECRET'],
    ['another kind', { kind: 'ConfigMap', metadata: { name: 'x', namespace: 'n' }, data: { a: 'b' } }, 'INVALID_SECRET'],
    ['no name', plainSecret({ metadata: { name: undefined } }), 'MISSING_NAME'],
    ['non-base64 data', plainSecret({ data: { password: PASSWORD } }), 'INVALID_BASE64'],
    ['base64url data', plainSecret({ data: { token: Buffer.from('??>>' + TOKEN).toString('base64url') } }), 'INVALID_BASE64'],
    ['unpadded data', plainSecret({ data: { token: Buffer.from(TOKEN).toString('base64').replace(/=+$/, '') || 'QQ' } }), 'INVALID_BASE64'],
    ['numeric stringData', plainSecret({ stringData: { port: 5432 } }), 'NON_STRING_VALUE'],
    ['boolean stringData', plainSecret({ stringData: { enabled: true } }), 'NON_STRING_VALUE'],
    ['null data value', plainSecret({ data: { token: null } }), 'NON_STRING_VALUE'],
    ['nested stringData', plainSecret({ stringData: { nested: { password: PASSWORD } } }), 'NON_STRING_VALUE'],
    ['data not a mapping', plainSecret({ data: [PASSWORD] }), 'INVALID_SECRET'],
    ['bad key', plainSecret({ stringData: { 'pass word': PASSWORD } }), 'INVALID_KEY'],
    ['non-string annotation', plainSecret({ metadata: { annotations: { [CLUSTER_WIDE_ANNOTATION]: true } } }), 'INVALID_SECRET'],
    ['no values', plainSecret({ data: undefined, stringData: undefined }), 'EMPTY_SECRET'],
  ];
  it.each(cases)('%s', (_what, secret, code) => {
    const e = errorOf(() => sealSecret(secret, { certificate: small }));
    expect(e.code).toBe(code);
    expectNoLeak(e.message, [PASSWORD, TOKEN, BINARY, 'tok_live']);
    expectNoLeak(String(e.stack), [PASSWORD, TOKEN, BINARY]);
  });

  it('names the key and the Secret in the message', () => {
    const e = errorOf(() => sealSecret(plainSecret({ data: { password: PASSWORD } }), { certificate: small }));
    expect(e.message).toBe('Secret "db-credentials": data.password is not valid base64 (data values must be base64-encoded; put plain text under stringData)');
  });

  it('allows an empty Secret when asked (kubeseal --allow-empty-data)', () => {
    const sealed = sealSecret(plainSecret({ data: undefined, stringData: undefined }), { certificate: small, allowEmptyData: true });
    expect(sealed.spec.encryptedData).toEqual({});
  });
});

describe('merge into an existing SealedSecret (kubeseal --merge-into)', () => {
  const original = sealSecret(
    plainSecret({ data: undefined, stringData: { password: PASSWORD, token: TOKEN, user: 'admin' }, metadata: { labels: { a: '1' } } }),
    { certificate: small },
  );

  it('keeps the ciphertext of keys not in the input byte-identical and re-seals only the given ones', () => {
    const merged = sealSecret(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'balance-plus' }, stringData: { token: 'new-token', added: 'x' } },
      { certificate: small, existing: original },
    );
    expect(Object.keys(merged.spec.encryptedData)).toEqual(['added', 'password', 'token', 'user']);
    expect(merged.spec.encryptedData.password).toBe(original.spec.encryptedData.password);
    expect(merged.spec.encryptedData.user).toBe(original.spec.encryptedData.user);
    expect(merged.spec.encryptedData.token).not.toBe(original.spec.encryptedData.token);
    const data = unsealSealedSecret(merged, KEY_2048);
    expect(Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString()]))).toEqual({
      added: 'x',
      password: PASSWORD,
      token: 'new-token',
      user: 'admin',
    });
    expect(original.spec.encryptedData.token).toBeDefined(); // the input object is not mutated
    expect(Object.keys(original.spec.encryptedData)).toEqual(['password', 'token', 'user']);
  });

  it('merges template labels and annotations, keeps the rest of the existing object', () => {
    const existing = structuredClone(original) as SealedSecret & { status?: unknown };
    existing.metadata.labels = { 'argocd.argoproj.io/instance': 'infra' };
    existing.metadata.uid = 'abc';
    existing.status = { conditions: [] };
    existing.spec.template.type = 'Opaque';
    const merged = sealSecret(plainSecret({ metadata: { labels: { b: '2' }, annotations: { note: 'n' } }, type: 'kubernetes.io/basic-auth' }), {
      certificate: small,
      existing,
    });
    expect(merged.metadata).toEqual({ name: 'db-credentials', namespace: 'balance-plus', labels: { 'argocd.argoproj.io/instance': 'infra' } });
    expect(merged.status).toBeUndefined();
    expect(merged.spec.template.metadata?.labels).toEqual({ a: '1', b: '2' });
    expect(merged.spec.template.metadata?.annotations).toEqual({ note: 'n' });
    expect(merged.spec.template.type).toBe('Opaque');
  });

  it('takes name and namespace from the existing SealedSecret, as kubeseal (TestMergeInto "bad name")', () => {
    const merged = sealSecret(
      { kind: 'Secret', metadata: { name: 'badname', namespace: 'badns' }, stringData: { extra: 'e' } },
      { certificate: small, existing: original },
    );
    expect(merged.metadata).toMatchObject({ name: 'db-credentials', namespace: 'balance-plus' });
    expect(unsealSealedSecret(merged, KEY_2048).extra?.toString()).toBe('e');
  });

  it('keeps the existing scope and refuses a different one', () => {
    const clusterWide = sealSecret(plainSecret(), { certificate: small, scope: 'cluster-wide' });
    const merged = sealSecret(plainSecret({ stringData: { more: 'm' } }), { certificate: small, existing: clusterWide });
    expect(unsealSealedSecret(moved(merged, 'elsewhere', 'x'), KEY_2048).more?.toString()).toBe('m');
    const e = errorOf(() => sealSecret(plainSecret(), { certificate: small, existing: clusterWide, scope: 'strict' }));
    expect(e.code).toBe('SCOPE_MISMATCH');
    const annotated = plainSecret({ metadata: { annotations: { [NAMESPACE_WIDE_ANNOTATION]: 'true' } } });
    expect(errorOf(() => sealSecret(annotated, { certificate: small, existing: original })).code).toBe('SCOPE_MISMATCH');
  });

  it('refuses a namespace option that contradicts the existing SealedSecret', () => {
    const secret = { kind: 'Secret', metadata: { name: 'db-credentials' }, stringData: { a: 'b' } };
    expect(errorOf(() => sealSecret(secret, { certificate: small, existing: original, namespace: 'other' })).code).toBe('NAMESPACE_MISMATCH');
  });

  it('refuses what it cannot merge into', () => {
    expect(errorOf(() => sealSecret(plainSecret(), { certificate: small, existing: plainSecret() })).code).toBe('INVALID_SEALED_SECRET');
    const v1 = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'x', namespace: 'n' }, spec: { data: 'AgB=' } };
    expect(errorOf(() => sealSecret(plainSecret(), { certificate: small, existing: v1 })).message).toMatch(/deprecated spec.data/);
  });
});
