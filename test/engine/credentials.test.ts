import { describe, expect, it } from 'vitest';
import { credentialShape, detectCredential, findCredentials, isCredentialKey, keyWords } from '../../src/engine/credentials.ts';

// Test-only fake credentials, assembled so that secret scanners do not flag this file.
const AWS = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const GITHUB = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
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
    'password', 'POSTGRES_PASSWORD', 'RABBITMQ_DEFAULT_PASS', 'passwd', 'DB_PWD', 'dbpassword', 'secret', 'client_secret', 'clientSecret',
    'token', 'AUTH_TOKEN', 'accessToken', 'apiKey', 'API_KEY', 'api-key', 'apikey', 'private_key', 'privateKey', 'AWS_SECRET_ACCESS_KEY',
    'SECRET_KEY', 'credentials', 'passphrase', 'signingKey',
  ])('credential: %s', (key) => expect(isCredentialKey(key)).toBe(true));
  it.each([
    'existingSecret', 'secretName', 'tokenSecretName', 'secretKeyRef', 'passwordKey', 'existingSecretPasswordKey', 'secretEnvFrom',
    'passwordLength', 'tokenTTL', 'secretRotationDays', 'tokenUrl', 'passwordFile', 'tokenPath', 'username', 'user', 'host', 'hostKey',
    'accessKeyId', 'LOG_LEVEL', 'PWD', 'nginx.ingress.kubernetes.io/auth-secret', 'vault.hashicorp.com/agent-inject-token', 'tokenizer', 'keyboard', 'monkey', 'key', 'tls.key', 'passwordPolicy', 'useSecret',
  ])('not a credential: %s', (key) => expect(isCredentialKey(key)).toBe(false));
});

describe('detectCredential', () => {
  it.each([
    ['password', 'hunter2', 'key-name'],
    ['password', 'changeme', 'key-name'],
    ['DB_PASSWORD', 123456, 'key-name'],
    ['apiKey', 'k-123', 'key-name'],
    ['BROKER_URL', 'amqp://condenser:s3cret@rabbitmq:5672/', 'url-userinfo'],
    ['DATABASE_URL', 'postgres://app:hunter2@postgresql:5432/balance', 'url-userinfo'],
    ['DATABASE_URL', 'postgresql://app:p%40ss@db/x', 'url-userinfo'],
    ['DSN', 'host=db user=app password=hunter2 dbname=x', 'connection-string'],
    ['ConnectionStrings__Db', 'Server=db;User Id=sa;Password=hunter2;', 'connection-string'],
    ['tls.key', PEM, 'private-key'],
    ['anything', AWS, 'aws-access-key'],
    ['GH', GITHUB, 'github-token'],
    ['hook', SLACK, 'slack-token'],
    ['header', `Bearer ${JWT}`, 'jwt'],
    [undefined, 'amqp://guest:guest@rabbitmq', 'url-userinfo'],
  ] as const)('%s → %s', (key, value, reason) => expect(detectCredential(key, value)?.reason).toBe(reason));

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
      extraEnv: [{ name: 'API_TOKEN', value: 'x2' }, { name: 'MODE', value: 'fast' }],
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
