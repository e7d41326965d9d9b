import { describe, expect, it } from 'vitest';
import rule, { sealedValueProblem } from '../../rules/TR-K8S-9.ts';
import { parseAllDocuments } from 'yaml';
import { unsealSealedSecret } from '../../src/seal/index.ts';
import { CERT_4096, KEY_4096, NOW } from '../seal/keys.ts';
import { findingsOf, fixesOf, ruleTester, serviceChart, type Files, type InvalidCase, type ValidCase } from './rule-tester.ts';

// Plaintexts used below; no finding message may contain any of them.
const PLAINTEXTS = [
  '26741',
  'hunter2',
  'aHVudGVyMg==',
  's3cretRabbit',
  'changeme',
  'pg-superuser-pw',
  'ZXhhbXBsZQ==',
  'q1w2e3r4t5',
  'MIIEvQIBADANBgkqh',
  'pwd-is-not-a-path',
  'dXNlcjpwYXNzd29yZA',
  'a1B2c3D4e5F6g7H8i9J0k1L2',
];
// Test-only fake credentials, assembled so that secret scanners do not flag this file.
const STRIPE = ['sk', 'live', 'a1B2c3D4e5F6g7H8i9J0k1L2'].join('_');
const AWS = ['AKIA', 'QWERTYUIOP', '234567'].join('');

/** A well-formed sealed value: 2-byte length, 512-byte RSA part, AES-GCM ciphertext and tag. */
function sealed(rsaBytes = 512, rest = 32, declared = rsaBytes): string {
  const bytes = Buffer.alloc(2 + rsaBytes + rest, 7);
  bytes.writeUInt16BE(declared, 0);
  return bytes.toString('base64');
}
const GOOD = sealed();

const sealedSecret = (
  opts: { name?: string; ns?: string | null; tName?: string; tNs?: string; annotations?: string; tAnnotations?: string; data?: string } = {},
) => `apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: ${opts.name ?? 'postgresql-credentials'}
${opts.ns === null ? '' : `  namespace: ${opts.ns ?? 'balance-plus'}\n`}${opts.annotations ?? ''}spec:
  encryptedData:
${opts.data ?? `    POSTGRES_PASSWORD: ${GOOD}\n`}  template:
    metadata:
      name: ${opts.tName ?? 'postgresql-credentials'}
      namespace: ${opts.tNs ?? 'balance-plus'}
${opts.tAnnotations ?? ''}    type: Opaque
`;

const platformChart = (templates: Files): Files => ({
  'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n',
  ...Object.fromEntries(Object.entries(templates).map(([k, v]) => [`charts/platform/templates/${k}`, v])),
});

const workload = (env: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          image: web:1.0.0
          env:
${env}`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: 'SealedSecret with strict scope, name and namespace consistent', files: { 'manifests/pg.yaml': sealedSecret() } },
    {
      name: 'SealedSecret in a chart template with a templated namespace',
      files: platformChart({ 'ss.yaml': sealedSecret({ ns: '{{ .Release.Namespace }}' }) }),
    },
    { name: 'SealedSecret without namespace deployed to production, sealed for it', files: { 'manifests/pg.yaml': sealedSecret({ ns: null }) } },
    {
      name: 'cluster-wide SealedSecret may be renamed and moved',
      files: {
        'manifests/pg.yaml': sealedSecret({
          name: 'other',
          ns: 'staging',
          annotations: '  annotations:\n    sealedsecrets.bitnami.com/cluster-wide: "true"\n',
        }),
      },
    },
    {
      name: 'namespace-wide SealedSecret may be renamed',
      files: { 'manifests/pg.yaml': sealedSecret({ name: 'renamed', annotations: '  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: "true"\n' }) },
    },
    {
      name: 'Secret without data (service-account token, TLS filled by cert-manager)',
      files: {
        'manifests/s.yaml':
          'apiVersion: v1\nkind: Secret\nmetadata:\n  name: sa-token\n  annotations:\n    kubernetes.io/service-account.name: app\ntype: kubernetes.io/service-account-token\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: tls }\ntype: kubernetes.io/tls\ndata: {}\n',
      },
    },
    // A Secret generated at render time (lookup/randAlphaNum) is rendered with data: Helm's view
    // judges it like any other Secret, so it is no longer a valid case here.
    {
      name: 'service values with config, secretEnvFrom and references only',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        'config:\n  DATABASE_HOST: postgresql\n  BROKER_URL_TEMPLATE: amqp://$(BROKER_USER):$(BROKER_PASSWORD)@rabbitmq\nsecretEnvFrom:\n  - postgresql-credentials\nkeda:\n  authenticationRef:\n    secretName: rabbitmq-keda\n    hostKey: host\npostgresql:\n  auth:\n    existingSecret: pg-credentials\n    passwordKey: password\n    passwordLength: 24\n',
      ),
    },
    {
      name: 'env from secretKeyRef, Vault agent annotations, ExternalSecret',
      files: {
        'manifests/w.yaml': `${workload('            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: { name: pg, key: password }\n            - name: LOG_LEVEL\n              value: info\n').replace('  template:\n', '  template:\n    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: "true"\n        vault.hashicorp.com/agent-inject-secret-db: database/creds/app\n')}---\napiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: { name: pg }\nspec:\n  secretStoreRef: { name: vault, kind: ClusterSecretStore }\n  data:\n    - secretKey: password\n      remoteRef: { key: db, property: password }\n---\napiVersion: secrets.hashicorp.com/v1beta1\nkind: VaultStaticSecret\nmetadata: { name: app }\nspec:\n  mount: kv\n  path: app\n  destination: { name: app, create: true }\n`,
      },
    },
    {
      name: 'ConfigMap with non-secret configuration',
      files: {
        'manifests/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\ndata:\n  PGDATA: /var/lib/postgresql/data/pgdata\n  TOKEN_TTL_SECONDS: "3600"\n  ca.crt: |\n    -----BEGIN CERTIFICATE-----\n    MIIB\n    -----END CERTIFICATE-----\n',
      },
    },
    {
      name: 'widened key names keep their exceptions: PWD a path, routing and publishable keys, a header without a credential or with a reference',
      files: {
        'manifests/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cfg }\ndata:\n  PWD: /srv/app\n  passwd: /etc/passwd\n  CELERY_ROUTING_KEY: condense.default\n  STRIPE_PUBLISHABLE_KEY: pk_live_abc\n  ACCEPT_HEADER: application/json\n  AUTH_HEADER: Bearer $(API_TOKEN)\n',
      },
    },
  ],
  invalid: [
    {
      name: 'widened key names: *_KEY and *_KEY_CONTENT env literals, pwd that is not a path, an Authorization header with a bearer token',
      output: {},
      files: {
        'manifests/w.yaml': workload(
          '            - name: AZURE_BATCH_KEY\n              value: q1w2e3r4t5\n            - name: OCI_CLI_KEY_CONTENT\n              value: MIIEvQIBADANBgkqh\n',
        ),
        'manifests/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: client }\ndata:\n  pwd: pwd-is-not-a-path\n  AUTH_HEADER: "basic dXNlcjpwYXNzd29yZA=="\n',
      },
      errors: [
        { messageId: 'credentialInConfigMap', path: 'manifests/cm.yaml', line: 5, column: 3, message: 'key "pwd"' },
        {
          messageId: 'credentialShapeInConfigMap',
          path: 'manifests/cm.yaml',
          line: 6,
          column: 3,
          message: 'ConfigMap "client" key "AUTH_HEADER" holds a value shaped like Authorization: Bearer/Basic …',
        },
        { messageId: 'credentialInEnv', path: 'manifests/w.yaml', line: 13, column: 15, message: 'env "AZURE_BATCH_KEY"' },
        { messageId: 'credentialInEnv', path: 'manifests/w.yaml', line: 15, column: 15, message: 'env "OCI_CLI_KEY_CONTENT"' },
      ],
    },
    {
      name: 'library shapes: a Stripe key in an annotation, a service-account JSON key in a ConfigMap, an AWS secret in a values file',
      output: {},
      files: {
        'manifests/svc.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: billing\n  annotations:\n    billing.example.com/api: ${STRIPE}\nspec:\n  ports: [{ port: 80 }]\n`,
        'manifests/cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: gcp }\ndata:\n  sa.json: '{"type": "service_account", "private_key_id": "abc", "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIabc\\n-----END PRIVATE KEY-----\\n"}'\n`,
        ...serviceChart('orchestrator', 'python-fastapi-service', `config:\n  BACKUP: "${STRIPE}"\n`),
      },
      errors: [
        {
          messageId: 'credentialShapeInValues',
          path: 'charts/orchestrator/values.yaml',
          line: 2,
          column: 3,
          message: 'values key "config.BACKUP" holds a value shaped like STRIPE_SECRET_KEY_LIVE (secretlint rule stripe)',
        },
        { messageId: 'credentialShapeInConfigMap', path: 'manifests/cm.yaml', line: 5, column: 3, message: 'secretlint rule gcp' },
        {
          messageId: 'credentialInObject',
          path: 'manifests/svc.yaml',
          line: 6,
          column: 5,
          message: 'Service/billing holds a value shaped like STRIPE_SECRET_KEY_LIVE (secretlint rule stripe) at metadata.annotations.billing.example.com/api',
        },
      ],
    },
    {
      name: 'plain Secret with data in a manifest: on the kind line',
      output: {},
      files: {
        'manifests/pg.yaml':
          '# credentials\napiVersion: v1\nkind: Secret\nmetadata:\n  name: postgresql-credentials\n  namespace: balance-plus\ntype: Opaque\ndata:\n  POSTGRES_PASSWORD: aHVudGVyMg==\n',
      },
      errors: [
        {
          messageId: 'plainSecret',
          path: 'manifests/pg.yaml',
          line: 3,
          column: 1,
          message: 'Secret "postgresql-credentials" keeps 1 value(s) (POSTGRES_PASSWORD) in data',
        },
      ],
    },
    {
      name: 'Secret with stringData in the second document of a chart template, fed from values',
      output: {},
      files: {
        ...platformChart({
          'secrets.yaml': `${sealedSecret()}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: rabbitmq\nstringData:\n  RABBITMQ_DEFAULT_PASS: {{ .Values.rabbitmq.password | quote }}\n`,
        }),
        'charts/platform/values.yaml': 'rabbitmq:\n  host: rabbitmq\n',
      },
      errors: [{ messageId: 'plainSecret', path: 'charts/platform/templates/secrets.yaml', line: 16, column: 1, message: 'rotate' }],
    },
    {
      name: 'credentials in service values: env, keda password, DSN in config, a placeholder in the prod overlay',
      output: {},
      files: serviceChart(
        'condenser-worker',
        'python-celery-worker',
        'env:\n  LOG_LEVEL: info\n  DB_PASSWORD: hunter2\nconfig:\n  BROKER_URL: amqp://condenser:s3cretRabbit@rabbitmq:5672/\nkeda:\n  enabled: true\n  password: s3cretRabbit\n  queueName: condense\n  authenticationRef: { secretName: rabbitmq-keda }\n',
        'postgresql:\n  auth:\n    password: changeme\n',
      ),
      errors: [
        {
          messageId: 'credentialInValues',
          path: 'charts/condenser-worker/values-prod.yaml',
          line: 3,
          column: 5,
          message: 'values key "postgresql.auth.password" holds a credential in clear text',
        },
        { messageId: 'credentialInValues', path: 'charts/condenser-worker/values.yaml', line: 3, column: 3, message: 'env.DB_PASSWORD' },
        {
          messageId: 'credentialShapeInValues',
          path: 'charts/condenser-worker/values.yaml',
          line: 5,
          column: 3,
          message: 'shaped like scheme://user:password@host',
        },
        { messageId: 'credentialInValues', path: 'charts/condenser-worker/values.yaml', line: 8, column: 3, message: 'keda.password' },
      ],
    },
    {
      name: 'credential in an infrastructure chart values file',
      output: {},
      files: {
        ...platformChart({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: x }\ndata: { A: b }\n' }),
        'charts/platform/values.yaml': 'postgresql:\n  image: postgres:16\n  superuserPassword: pg-superuser-pw\n',
      },
      errors: [{ messageId: 'credentialInValues', path: 'charts/platform/values.yaml', line: 3, column: 3 }],
    },
    {
      name: 'ConfigMap with a password key and an embedded config file with a DSN',
      output: {},
      files: {
        'manifests/cm.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: info\n  SMTP_PASSWORD: hunter2\n  app.ini: |\n    [db]\n    url = postgres://app:hunter2@db/app\n',
      },
      errors: [
        { messageId: 'credentialInConfigMap', path: 'manifests/cm.yaml', line: 7, column: 3, message: 'key "SMTP_PASSWORD"' },
        { messageId: 'credentialShapeInConfigMap', path: 'manifests/cm.yaml', line: 8, column: 3, message: 'app.ini' },
      ],
    },
    {
      name: 'env literal with a password and one with an AWS key, in a chart template StatefulSet',
      output: {},
      files: platformChart({
        'sts.yaml': workload(
          `            - name: POSTGRES_PASSWORD\n              value: hunter2\n            - name: AWS_ACCESS_KEY_ID\n              value: ${AWS}\n            - name: LOG_LEVEL\n              value: info\n`,
        ).replace('kind: Deployment', 'kind: StatefulSet'),
      }),
      errors: [
        {
          messageId: 'credentialInEnv',
          path: 'charts/platform/templates/sts.yaml',
          line: 13,
          column: 15,
          message: 'env "POSTGRES_PASSWORD" of container "web" in StatefulSet/web',
        },
        {
          messageId: 'credentialShapeInEnv',
          path: 'charts/platform/templates/sts.yaml',
          line: 15,
          column: 15,
          message: 'shaped like AWSAccessKeyID (secretlint rule aws)',
        },
      ],
    },
    {
      name: 'a URL with credentials inline in a ScaledObject trigger',
      output: {},
      files: {
        'manifests/so.yaml':
          'apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: { name: w }\nspec:\n  scaleTargetRef: { name: w }\n  triggers:\n    - type: rabbitmq\n      metadata:\n        host: amqp://keda:s3cretRabbit@rabbitmq:5672/\n        queueName: q\n',
      },
      errors: [
        {
          messageId: 'credentialInObject',
          path: 'manifests/so.yaml',
          line: 9,
          column: 9,
          message: 'shaped like scheme://user:password@host at spec.triggers.0.metadata.host',
        },
      ],
    },
    {
      name: 'SealedSecret without encryptedData',
      files: { 'manifests/pg.yaml': sealedSecret({ data: '' }).replace('  encryptedData:\n', '  encryptedData: {}\n') },
      errors: [{ messageId: 'emptyEncryptedData', path: 'manifests/pg.yaml', line: 7, column: 3 }],
    },
    {
      name: 'SealedSecret values: not base64, too short an RSA part, inconsistent length prefix',
      files: {
        'manifests/pg.yaml': sealedSecret({
          data: `    A: ${GOOD}\n    B: aHVudGVyMg==\n    C: ${sealed(128)}\n    D: ${sealed(512, 0)}\n    E: not-base64!\n    F: ${sealed(256, 40, 600)}\n`,
        }),
      },
      errors: [
        { messageId: 'sealedTruncated', path: 'manifests/pg.yaml', line: 9, column: 5 },
        { messageId: 'sealedShortKey', path: 'manifests/pg.yaml', line: 10, column: 5, message: 'shorter than a 2048-bit key' },
        { messageId: 'sealedTruncated', path: 'manifests/pg.yaml', line: 11, column: 5 },
        { messageId: 'sealedNotBase64', path: 'manifests/pg.yaml', line: 12, column: 5, message: 'not standard base64' },
        { messageId: 'sealedTruncated', path: 'manifests/pg.yaml', line: 13, column: 5, message: 'length prefix' },
      ],
    },
    {
      name: 'strict SealedSecret renamed and moved after sealing',
      files: { 'manifests/pg.yaml': sealedSecret({ name: 'pg-creds', ns: 'balance-plus', tNs: 'staging' }) },
      errors: [
        { messageId: 'sealedForOtherTarget', path: 'manifests/pg.yaml', line: 11, column: 7, message: 'sealed for name "postgresql-credentials"' },
        {
          messageId: 'sealedForOtherTarget',
          path: 'manifests/pg.yaml',
          line: 12,
          column: 7,
          message: 'sealed for namespace "staging" (spec.template.metadata) but is deployed as namespace "balance-plus"',
        },
      ],
    },
    {
      name: 'SealedSecret without namespace sealed for staging lands in production',
      files: { 'manifests/pg.yaml': sealedSecret({ ns: null, tNs: 'staging' }) },
      errors: [{ messageId: 'sealedForOtherTarget', path: 'manifests/pg.yaml', line: 11, column: 7, message: '"balance-plus"' }],
    },
    {
      name: 'namespace-wide SealedSecret sealed for another namespace',
      files: { 'manifests/pg.yaml': sealedSecret({ tNs: 'dev', annotations: '  annotations:\n    sealedsecrets.bitnami.com/namespace-wide: "true"\n' }) },
      errors: [{ messageId: 'sealedForOtherTarget', path: 'manifests/pg.yaml', line: 14, column: 7, message: 'namespace-wide scope' }],
    },
    {
      name: 'scope annotation on the template has no effect (and the strict rename is reported)',
      files: {
        'manifests/pg.yaml': sealedSecret({
          tName: 'old-name',
          tAnnotations: '      annotations:\n        sealedsecrets.bitnami.com/namespace-wide: "true"\n',
        }),
      },
      errors: [
        { messageId: 'sealedForOtherTarget', path: 'manifests/pg.yaml', line: 11, column: 7, message: 'name "old-name"' },
        { messageId: 'scopeOnTemplate', path: 'manifests/pg.yaml', line: 14, column: 9 },
      ],
    },
  ],
};

ruleTester(rule, cases);

describe('TR-K8S-9 never leaks a secret value', () => {
  it.each(cases.invalid.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    for (const locale of ['en', 'ru'] as const) {
      const findings = await findingsOf(rule, c.files, undefined, locale);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) {
        for (const secret of [...PLAINTEXTS, AWS, STRIPE]) expect(f.message).not.toContain(secret);
      }
    }
    // Nor what its fixes say, sealed or not (with a certificate, without one).
    for (const certificates of [undefined, { '*': CERT_4096 }]) {
      const { plan } = await fixesOf(rule, c.files, { certificates, now: NOW });
      const said = [...plan.applied.map((a) => a.description), ...plan.skipped.map((s) => s.reason), ...plan.notes].join('\n');
      expect(said).not.toBe('');
      for (const secret of [...PLAINTEXTS, AWS, STRIPE]) expect(said).not.toContain(secret);
    }
  });

  it('the plain Secret is sealed in place with the given certificate, and decrypts to its values', async () => {
    const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: pg\n  namespace: balance-plus\nstringData:\n  password: hunter2\n';
    const { fixable, plan } = await fixesOf(rule, { 'manifests/pg.yaml': `# database\n${secret}` }, { certificates: { '*': CERT_4096 }, now: NOW });
    expect(fixable.map((f) => f.messageId)).toEqual(['plainSecret']);
    const sealed = plan.edits.get('manifests/pg.yaml')!;
    expect(sealed.startsWith('# database\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n')).toBe(true);
    expect(sealed).not.toContain('hunter2');
    expect(plan.sensitivePaths).toEqual(new Set(['manifests/pg.yaml']));
    const sealedDoc = parseAllDocuments(sealed)[0]!.toJS() as unknown;
    expect(unsealSealedSecret(sealedDoc, KEY_4096)).toEqual({ password: Buffer.from('hunter2') });
    expect(plan.applied.map((a) => [a.line, a.description])).toEqual([
      [3, 'Secret balance-plus/pg replaced by a SealedSecret (1 key: password; sealed with the given certificate)'],
    ]);
    expect(plan.remaining).toEqual([]);
  });
});

describe('sealedValueProblem', () => {
  it('accepts what kubeseal writes with 2048- and 4096-bit keys', () => {
    expect(sealedValueProblem(sealed(256, 17))).toBeUndefined();
    expect(sealedValueProblem(GOOD)).toBeUndefined();
    expect(GOOD.startsWith('AgA')).toBe(true);
  });
  it('rejects URL-safe base64 and missing padding', () => {
    expect(sealedValueProblem(GOOD.replace(/\+/g, '-').replace(/\//g, '_') + '_')).toBeDefined();
    expect(sealedValueProblem(sealed(256, 19).replace(/=+$/, ''))).toBeDefined();
  });
});
