import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadSealingCertificate } from '../../src/seal/certificate.ts';
import { SealingError } from '../../src/seal/errors.ts';
import { errorMessage } from '../../src/yaml/format-value.ts';
import { mergeSecretIntoYaml, sealSecretsInYaml } from '../../src/seal/secret-file.ts';
import type { SealedSecret } from '../../src/seal/sealed-secret.ts';
import { unsealSealedSecret } from '../../src/seal/unseal.ts';
import { CERT_2048, CERT_4096, expectNoLeak, KEY_2048, KEY_4096, NOW } from './keys.ts';

const certificate = loadSealingCertificate(CERT_2048, NOW);
const PASSWORD = 'correct-horse-battery-staple';
const API_KEY = 'ak_9f8e7d6c5b4a3210';
const CONFIGMAP = `# Platform config, owned by the platform team
apiVersion: v1
kind: ConfigMap
metadata:
  name: app-config   # keep in sync with values.yaml
  namespace: balance-plus
data:
  LOG_LEVEL: info
`;
const DEPLOYMENT = `--- # the orchestrator
apiVersion: apps/v1
kind: Deployment
metadata: {name: orchestrator, namespace: balance-plus}
spec:
  replicas: 2 # HPA-managed in prod
...
`;
const FILE = `${CONFIGMAP}---
# Database credentials for the orchestrator
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: balance-plus
type: Opaque
data:
  password: ${Buffer.from(PASSWORD).toString('base64')} # ${PASSWORD}
stringData:
  # the vendor key
  api-key: "${API_KEY}"
# end of credentials
${DEPLOYMENT}---
apiVersion: v1
kind: Secret
metadata:
  name: sa-token
  namespace: balance-plus
  annotations:
    kubernetes.io/service-account.name: orchestrator
type: kubernetes.io/service-account-token
`;

function docs(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    const value: unknown = d.toJS();
    return value;
  });
}

describe('sealSecretsInYaml', () => {
  const result = sealSecretsInYaml(FILE, { certificate });

  it('replaces the Secret with data by its SealedSecret, which decrypts to the original values', () => {
    expect(result.sealed).toEqual([{ name: 'db', namespace: 'balance-plus', keys: ['api-key', 'password'] }]);
    const sealed = docs(result.text)[1] as SealedSecret;
    expect(sealed.kind).toBe('SealedSecret');
    const data = unsealSealedSecret(sealed, KEY_2048);
    expect(data.password?.toString()).toBe(PASSWORD);
    expect(data['api-key']?.toString()).toBe(API_KEY);
  });

  it('leaves other documents, separators and outer comments byte for byte', () => {
    expect(result.text.startsWith(`${CONFIGMAP}---\n# Database credentials for the orchestrator\napiVersion: bitnami.com/v1alpha1\n`)).toBe(true);
    expect(result.text).toContain(`# end of credentials\n${DEPLOYMENT}---\napiVersion: v1\nkind: Secret\n`);
    expect(result.text.endsWith('type: kubernetes.io/service-account-token\n')).toBe(true);
    expect(docs(result.text)).toHaveLength(4);
    expect(docs(result.text)[3]).toEqual(docs(FILE)[3]); // the Secret without data stays a Secret
  });

  it('drops comments inside the Secret (they sit next to the values) and leaks nothing', () => {
    expect(result.text).not.toContain('# the vendor key');
    expectNoLeak(result.text, [PASSWORD, API_KEY]);
  });

  it('writes base64 on one line, keys sorted, and produces valid YAML for kubeseal consumers', () => {
    const sealed = docs(result.text)[1] as SealedSecret;
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['api-key', 'password']);
    for (const line of result.text.split('\n').filter((l) => /^\s+(api-key|password): /.test(l))) {
      expect(line).toMatch(/^ {4}(api-key|password): AQ[A-D][A-Za-z0-9+/]+={0,2}$/);
    }
  });

  it('returns the input untouched when there is nothing to seal', () => {
    const text = CONFIGMAP + DEPLOYMENT;
    expect(sealSecretsInYaml(text, { certificate })).toEqual({ text, sealed: [] });
  });

  it('handles a single-document file, flow style, no final newline and CRLF', () => {
    const flow = `{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: n}, stringData: {k: "${API_KEY}"}}`;
    const out = sealSecretsInYaml(flow, { certificate });
    expect(out.text.endsWith('\n')).toBe(false);
    expect(unsealSealedSecret(parse(out.text), KEY_2048).k?.toString()).toBe(API_KEY);

    const crlf = FILE.replace(/\n/g, '\r\n');
    const outCrlf = sealSecretsInYaml(crlf, { certificate });
    expect(outCrlf.text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(outCrlf.text.startsWith(CONFIGMAP.replace(/\n/g, '\r\n'))).toBe(true);
  });

  it('seals with the requested scope and namespace', () => {
    const noNs = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: v\n`;
    const out = sealSecretsInYaml(noNs, { certificate, scope: 'namespace-wide', namespace: 'team-a' });
    const sealed = parse(out.text) as SealedSecret;
    expect(sealed.metadata).toEqual({ name: 's', namespace: 'team-a', annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' } });
    expect(out.text).toContain('sealedsecrets.bitnami.com/namespace-wide: "true"');
    expect(unsealSealedSecret({ ...sealed, metadata: { ...sealed.metadata, name: 'renamed' } }, KEY_2048).k?.toString()).toBe('v');
  });

  it('seals with 4096-bit keys as in production', () => {
    const out = sealSecretsInYaml(FILE, { certificate: loadSealingCertificate(CERT_4096, NOW) });
    const sealed = docs(out.text)[1] as SealedSecret;
    expect(sealed.spec.encryptedData.password).toMatch(/^Ag[A-D]/);
    expect(unsealSealedSecret(sealed, KEY_4096).password?.toString()).toBe(PASSWORD);
  });

  it('reports errors with the document and line, without quoting the source', () => {
    const bad = `${CONFIGMAP}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: n\ndata:\n  password: ${PASSWORD}\n`;
    const e = catchError(() => sealSecretsInYaml(bad, { certificate }));
    expect(e.code).toBe('INVALID_BASE64');
    expect(e.message).toMatch(/^document 2 \(line 10\): Secret "db": data.password is not valid base64/);
    expectNoLeak(e.message, [PASSWORD]);

    const syntax = `apiVersion: v1\nkind: Secret\nstringData:\n  password: "${PASSWORD}\n  other: [${API_KEY}\n`;
    const s = catchError(() => sealSecretsInYaml(syntax, { certificate }));
    expect(s.code).toBe('YAML_PARSE');
    expect(s.message).toMatch(/line \d+/);
    expectNoLeak(s.message, [PASSWORD, API_KEY]);

    const dup = `kind: Secret\nmetadata: {name: a, namespace: n}\nstringData:\n  k: "${PASSWORD}"\n  k: "${API_KEY}"\n`;
    const d = catchError(() => sealSecretsInYaml(dup, { certificate }));
    expect(d.code).toBe('YAML_PARSE');
    expectNoLeak(d.message, [PASSWORD, API_KEY]);
  });

  it('refuses a Helm-templated Secret but seals a value that carries its own Go template', () => {
    const helm = `apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: n}\nstringData:\n  password: "{{ .Values.db.password }}"\n`;
    expect(catchError(() => sealSecretsInYaml(helm, { certificate })).code).toBe('HELM_TEMPLATE');
    const alertmanager = `apiVersion: v1\nkind: Secret\nmetadata: {name: am, namespace: n}\nstringData:\n  tmpl: "{{ .CommonLabels.alertname }}"\n`;
    const out = sealSecretsInYaml(alertmanager, { certificate });
    expect(unsealSealedSecret(parse(out.text), KEY_2048).tmpl?.toString()).toBe('{{ .CommonLabels.alertname }}');
  });

  it('refuses to create a second SealedSecret with the same name in the file', () => {
    const existing = sealSecretsInYaml(`kind: Secret\napiVersion: v1\nmetadata: {name: db, namespace: balance-plus}\nstringData: {a: b}\n`, {
      certificate,
    }).text;
    const e = catchError(() => sealSecretsInYaml(`${existing}---\n${FILE}`, { certificate }));
    expect(e.code).toBe('DUPLICATE_SEALED_SECRET');
    expect(e.message).toContain('--merge-into');
  });
});

describe('mergeSecretIntoYaml', () => {
  const SECRET = FILE.slice(FILE.indexOf('# Database'), FILE.indexOf('--- # the orchestrator'));
  const sealedFile = `# Managed by bplus seal. Do not edit values by hand.\n${sealSecretsInYaml(SECRET, { certificate }).text}`;

  it('re-seals only the given keys, keeps the others and the comments of the SealedSecret', () => {
    const annotated = sealedFile.replace('  encryptedData:\n', '  encryptedData: # values below\n');
    const update = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: balance-plus\nstringData:\n  password: new-password\n  z-added: zz\n`;
    const out = mergeSecretIntoYaml(update, annotated, { certificate });
    expect(out.sealed).toEqual([{ name: 'db', namespace: 'balance-plus', keys: ['password', 'z-added'] }]);
    expect(out.text).toContain('# Managed by bplus seal. Do not edit values by hand.\n');
    expect(out.text).toMatch(/ {2}encryptedData:\s*# values below\n/); // kept, possibly moved to its own line
    expect(out.text).toContain('# end of credentials\n');

    const before = parse(annotated) as SealedSecret;
    const after = parse(out.text) as SealedSecret;
    expect(Object.keys(after.spec.encryptedData)).toEqual(['api-key', 'password', 'z-added']);
    expect(after.spec.encryptedData['api-key']).toBe(before.spec.encryptedData['api-key']);
    // the unchanged line is byte-identical in the text, not only in value
    const apiKeyLine = annotated.split('\n').find((l) => l.startsWith('    api-key: '));
    expect(out.text.split('\n')).toContain(apiKeyLine);
    const data = unsealSealedSecret(after, KEY_2048);
    expect(data['api-key']?.toString()).toBe(API_KEY);
    expect(data.password?.toString()).toBe('new-password');
    expect(data['z-added']?.toString()).toBe('zz');
    expectNoLeak(out.text, ['new-password', PASSWORD, API_KEY]);
  });

  it('keeps other documents of the target file and picks the SealedSecret by name', () => {
    const other = sealSecretsInYaml(`kind: Secret\napiVersion: v1\nmetadata: {name: other, namespace: balance-plus}\nstringData: {a: b}\n`, {
      certificate,
    }).text;
    const target = `${other}---\n${sealedFile}---\n${CONFIGMAP}`;
    const update = `kind: Secret\napiVersion: v1\nmetadata: {name: db, namespace: balance-plus}\nstringData: {added: v}\n`;
    const out = mergeSecretIntoYaml(update, target, { certificate });
    expect(out.text.startsWith(`${other}---\n# Managed by bplus seal.`)).toBe(true);
    expect(out.text.endsWith(`---\n${CONFIGMAP}`)).toBe(true);
    const merged = docs(out.text)[1] as SealedSecret;
    expect(Object.keys(merged.spec.encryptedData)).toEqual(['added', 'api-key', 'password']);

    const ambiguous = `kind: Secret\napiVersion: v1\nmetadata: {name: third, namespace: balance-plus}\nstringData: {added: v}\n`;
    expect(catchError(() => mergeSecretIntoYaml(ambiguous, target, { certificate })).code).toBe('MERGE_TARGET');
  });

  it('needs exactly one Secret and a SealedSecret', () => {
    expect(catchError(() => mergeSecretIntoYaml(CONFIGMAP, sealedFile, { certificate })).code).toBe('NO_SECRET_FOUND');
    expect(catchError(() => mergeSecretIntoYaml(FILE + '---\n' + FILE, sealedFile, { certificate })).code).toBe('MERGE_TARGET');
    expect(catchError(() => mergeSecretIntoYaml(FILE, CONFIGMAP, { certificate })).code).toBe('MERGE_TARGET');
  });
});

function catchError(fn: () => unknown): SealingError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SealingError)) throw new Error(`expected a SealingError, got ${errorMessage(e)}`);
    return e;
  }
  throw new Error('expected a SealingError');
}
