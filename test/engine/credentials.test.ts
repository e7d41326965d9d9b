import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_PATTERNS,
  credentialShape,
  detectCredential,
  embeddedCredentials,
  findCredentials,
  isCredentialKey,
  keyWords,
  libraryRuleNames,
  runLibraryRule,
} from '../../src/engine/credentials.ts';

// Test-only fake credentials, assembled so that secret scanners do not flag this file.
const AWS = ['AKIA', 'QWERTYUIOP', '234567'].join('');
const GITHUB = `ghp_${'a1B2c3D4e5'.repeat(4).slice(0, 36)}`;
const STRIPE = ['sk', 'live', 'a1B2c3D4e5F6g7H8i9J0k1L2'].join('_');
const PEM_BODY = `MII${'Ab1+'.repeat(40)}`;
const PEM_FULL = ['-----BEGIN', `PRIVATE KEY-----\n${PEM_BODY}\n-----END PRIVATE KEY-----`].join(' ');
const SLACK = ['xoxb', '123456789012', 'abcdefABCDEF'].join('-');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'].join('.');
const PEM = ['-----BEGIN', 'RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----'].join(' ');

describe('keyWords', () => {
  it.each([
    ['AWS_SECRET_ACCESS_KEY', ['aws', 'secret', 'access', 'key']],
    ['clientSecret', ['client', 'secret']],
    ['api-key', ['api', 'key']],
    ['existingSecretPasswordKey', ['existing', 'secret', 'password', 'key']],
    ['DBPassword', ['db', 'password']],
  ])('%s', (key, words) => expect(keyWords(key)).toEqual(words));
});

describe('isCredentialKey', () => {
  it.each([
    'password',
    'POSTGRES_PASSWORD',
    'RABBITMQ_DEFAULT_PASS',
    'passwd',
    'DB_PWD',
    'dbpassword',
    'secret',
    'client_secret',
    'clientSecret',
    'token',
    'AUTH_TOKEN',
    'accessToken',
    'apiKey',
    'API_KEY',
    'api-key',
    'apikey',
    'private_key',
    'privateKey',
    'AWS_SECRET_ACCESS_KEY',
    'SECRET_KEY',
    'credentials',
    'passphrase',
    'signingKey',
    // widened: environment-style *_KEY and the material of a key
    'AZURE_BATCH_KEY',
    'MAILGUN_KEY',
    'OCI_CLI_KEY_CONTENT',
    'privateKeyPem',
    'SSH_KEY_DATA',
    'PWD',
    'pwd',
  ])('credential: %s', (key) => expect(isCredentialKey(key)).toBe(true));
  it.each([
    'existingSecret',
    'secretName',
    'tokenSecretName',
    'secretKeyRef',
    'passwordKey',
    'existingSecretPasswordKey',
    'secretEnvFrom',
    'passwordLength',
    'tokenTTL',
    'secretRotationDays',
    'tokenUrl',
    'passwordFile',
    'tokenPath',
    'username',
    'user',
    'host',
    'hostKey',
    'accessKeyId',
    'LOG_LEVEL',
    'nginx.ingress.kubernetes.io/auth-secret',
    'vault.hashicorp.com/agent-inject-token',
    'tokenizer',
    'keyboard',
    'monkey',
    'key',
    'tls.key',
    'passwordPolicy',
    'useSecret',
    // *_KEY that is no secret: public halves, data-structure and messaging keys, camelCase settings
    'CELERY_ROUTING_KEY',
    'KAFKA_TOPIC_KEY',
    'FEATURE_FLAG_KEY',
    'TRANSLATION_KEY',
    'STRIPE_PUBLISHABLE_KEY',
    'RECAPTCHA_SITE_KEY',
    'JWT_PUBLIC_KEY',
    'CACHE_KEY',
    'S3_OBJECT_KEY',
    'cacheKey',
    'sortKey',
    'KEY',
    'KEY_ID',
    'PUBLIC_KEY_CONTENT',
  ])('not a credential: %s', (key) => expect(isCredentialKey(key)).toBe(false));
});

describe('detectCredential', () => {
  it.each([
    ['password', 'hunter2', 'key-name'],
    ['password', 'changeme', 'key-name'],
    ['DB_PASSWORD', 123456, 'key-name'],
    ['apiKey', 'k-123', 'key-name'],
    ['AZURE_BATCH_KEY', 'q1w2e3', 'key-name'],
    ['OCI_CLI_KEY_CONTENT', 'MIIEvQIBADANBg', 'key-name'],
    ['pwd', 'hunter2', 'key-name'],
    ['AUTH_HEADER', 'bearer abc.def-123', 'auth-header'],
    ['Authorization', 'Basic dXNlcjpwYXNz', 'auth-header'],
    ['X_API_HEADERS', 'Token 0123456789', 'auth-header'],
    ['BROKER_URL', 'amqp://condenser:s3cret@rabbitmq:5672/', 'url-userinfo'],
    ['REDIS_URL', 'redis://default:s3cret@redis:6379/0', 'url-userinfo'],
    ['DATABASE_URL', 'postgres://app:hunter2@postgresql:5432/balance', 'secretlint:database-connection-string:'],
    ['DATABASE_URL', 'postgresql://app:p%40ss@db/x', 'secretlint:database-connection-string:'],
    ['DSN', 'host=db user=app password=hunter2 dbname=x', 'connection-string'],
    ['ConnectionStrings__Db', 'Server=db;User Id=sa;Password=hunter2;', 'connection-string'],
    ['tls.key', PEM, 'private-key'],
    ['tls.key', PEM_FULL, 'secretlint:privatekey:'],
    ['anything', AWS, 'secretlint:aws:'],
    ['GH', GITHUB, 'github-token'],
    ['AWS_SECRET_ACCESS_KEY', `AWS_SECRET_ACCESS_KEY=${'a1B2c3D4e5'.repeat(4)}`, 'secretlint:aws:AWSSecretAccessKey'],
    ['hook', SLACK, 'secretlint:slack:'],
    ['billing', STRIPE, 'secretlint:stripe:'],
    ['header', `Bearer ${JWT}`, 'jwt'],
    [undefined, 'amqp://guest:guest@rabbitmq', 'url-userinfo'],
  ] as const)('%s → %s', (key, value, reason) =>
    expect(detectCredential(key, value)?.reason.startsWith(reason) && detectCredential(key, value)!.reason.length >= reason.length).toBe(true),
  );

  it.each([
    ['PWD', '/home/app'],
    ['pwd', './work'],
    ['passwd', '/etc/passwd'],
    ['AUTH_HEADER', 'Bearer $(API_TOKEN)'],
    ['AUTH_HEADER', 'Bearer {{ .Values.token }}'],
    ['ACCEPT_HEADER', 'application/json'],
    ['Authorization', 'none'],
    ['CELERY_ROUTING_KEY', 'condense.default'],
    ['STRIPE_PUBLISHABLE_KEY', 'pk_live_abc'],
    ['nginx.ingress.kubernetes.io/auth-headers', 'Bearer-ish'],
  ] as const)('%s: %s is no credential (widened names, their exceptions)', (key, value) => expect(detectCredential(key, value)).toBeUndefined());

  it('names a library finding by rule and message id, never by value', () => {
    const match = detectCredential('x', AWS)!;
    expect(match.label).toMatch(/^\w+ \(secretlint rule aws\)$/);
    expect(JSON.stringify(match)).not.toContain(AWS);
  });

  it('embedded config files: assignments judged line by line', () => {
    expect(embeddedCredentials('[db]\nuser = app\npassword = "hunter2"\nexport API_TOKEN=abc\nLOG_LEVEL: info\n').map((m) => m.reason)).toEqual([
      'key-name',
      'key-name',
    ]);
  });

  it.each([
    ['password', ''],
    ['password', '   '],
    ['password', true],
    ['password', null],
    ['password', '{{ .Values.db.password }}'],
    ['password', '$(DB_PASSWORD)'],
    ['password', '${DB_PASSWORD}'],
    ['password', '<path:secret/data/db#password>'],
    ['password', 'vault:secret/data/db#password'],
    ['password', 'ref+vault://secret/db#/password'],
    ['existingSecret', 'pg-credentials'],
    ['secretName', 'api-gateway-tls'],
    ['passwordKey', 'password'],
    ['secretKey', 'POSTGRES_PASSWORD'],
    ['passwordLength', 16],
    ['ORCHESTRATOR_URL', 'http://orchestrator:8000'],
    ['SENTRY_DSN', 'https://public@o1.ingest.sentry.io/1'],
    ['BROKER_URL', 'amqp://user:$(BROKER_PASSWORD)@rabbitmq'],
    ['BROKER_URL', 'amqp://user:{{ .Values.pw }}@rabbitmq'],
    ['ca.crt', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----'],
    [undefined, 'hunter2'],
    ['LOG_LEVEL', 'info'],
  ] as const)('%s: no credential', (key, value) => expect(detectCredential(key, value)).toBeUndefined());

  it('never returns the value', () => {
    const match = detectCredential('password', 'hunter2-unique');
    expect(JSON.stringify(match)).not.toContain('hunter2');
  });

  it('a JWT needs three parts', () => expect(credentialShape('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0')).toBeUndefined());
});

describe('findCredentials', () => {
  it('walks maps, lists and env-style {name, value} entries', () => {
    const tree = {
      env: { DB_PASSWORD: 'x1', LOG_LEVEL: 'info' },
      extraEnv: [
        { name: 'API_TOKEN', value: 'x2' },
        { name: 'MODE', value: 'fast' },
      ],
      urls: ['amqp://a:b@host'],
      existingSecret: 'pg',
    };
    expect(findCredentials(tree).map((h) => [h.path, h.key, h.match.reason])).toEqual([
      [['env', 'DB_PASSWORD'], 'DB_PASSWORD', 'key-name'],
      [['extraEnv', 0, 'value'], 'API_TOKEN', 'key-name'],
      [['urls', 0], undefined, 'url-userinfo'],
    ]);
  });
});

describe('linear time on 1 MB of the worst input', () => {
  const MB = 1024 * 1024;
  // A safety bound, not a speed target (benchmarks measure speed): quadratic patterns take minutes here.
  const BOUND_MS = 2000;

  it.each(CREDENTIAL_PATTERNS.map((p) => [p.name, p] as const))('%s', (_name, p) => {
    const text = p.worstCase(MB);
    expect(text.length).toBeGreaterThanOrEqual(MB - 2);
    const all = new RegExp(p.pattern.source, p.pattern.flags.includes('g') ? p.pattern.flags : `${p.pattern.flags}g`);
    const started = performance.now();
    let matches = 0;
    for (const _ of text.matchAll(all)) matches++;
    p.pattern.lastIndex = 0;
    p.pattern.test(text);
    expect(matches).toBeGreaterThanOrEqual(0);
    expect(performance.now() - started).toBeLessThan(BOUND_MS);
  });

  it('the whole detector on each worst input, as a value under a credential key', () => {
    for (const p of CREDENTIAL_PATTERNS) {
      const text = p.worstCase(MB);
      const started = performance.now();
      detectCredential('AUTH_HEADER', text);
      detectCredential('password', text);
      embeddedCredentials(text);
      expect(performance.now() - started, p.name).toBeLessThan(BOUND_MS);
    }
  });

  // The library's rules are applied to values too: each gets the prefixes its patterns start from, repeated.
  const LIBRARY_WORST_UNITS = [
    'AKIA',
    'ghp_',
    'ghs_1_',
    'ops_ey',
    'sk-proj-',
    'dckr_pat_',
    'tskey-a-',
    'glc_',
    'xoxb-1-',
    'SG.a',
    'sk-ant-api03-',
    'mongodb://a:',
    'postgres://a:b@',
    'https://a:b@',
    '-----BEGIN PRIVATE KEY-----\nMI',
    '_authToken=',
    'hvs.',
    'glpat-',
    'a',
  ];
  it.each(libraryRuleNames().map((n) => [n] as const))('library rule %s', (name) => {
    for (const unit of LIBRARY_WORST_UNITS) {
      const text = unit.repeat(Math.ceil(MB / unit.length));
      const started = performance.now();
      runLibraryRule(name, text);
      expect(performance.now() - started, `${name} on ${unit}…`).toBeLessThan(BOUND_MS);
    }
  });
});
