/**
 * Credential detection shared by TR-K8S-8 and TR-K8S-9: does a key/value pair (a values entry, a
 * ConfigMap key, an env literal) carry a credential in clear text?
 *
 * Two independent signals:
 * - the key names a credential (`password`, `DB_PASS`, `apiKey`, `client_secret`, `AUTH_TOKEN`...)
 *   and the value is a literal (not a reference, not empty, not a boolean);
 * - the value has the shape of a credential whatever its key: a URL with `user:password@`, a PEM
 *   private key, an AWS access key id, a GitHub or Slack token, a signed JWT.
 *
 * References are not credentials: Helm template actions (`{{ .Values.x }}`), Kubernetes env
 * expansion (`$(VAR)`), shell/Argo CD/Vault/vals placeholders (`${VAR}`, `<path:...>`, `vault:...`,
 * `ref+...`), and keys that name a Secret or a key inside one (`existingSecret`, `secretName`,
 * `passwordKey`, `secretKeyRef`, `tokenFile`) or describe a credential without holding one
 * (`passwordLength`, `tokenTTL`, `secretRotationDays`, `tokenUrl`).
 *
 * Decisions: a placeholder literal such as `changeme` IS a credential (it is a value in Git that
 * a deployment will use); numbers under a credential key are credentials (`pin: 1234`), booleans
 * never are; a URL's userinfo counts only with a password part (`https://key@sentry.io/1`, a
 * Sentry DSN, carries a public key and is not reported); certificates (`BEGIN CERTIFICATE`) are
 * public. The API never returns any part of the value: callers must not either.
 */

export type CredentialReason = 'key-name' | 'url-userinfo' | 'connection-string' | 'private-key' | 'aws-access-key' | 'github-token' | 'slack-token' | 'jwt';

export interface CredentialMatch {
  reason: CredentialReason;
  /** A language-neutral pattern of what was found (`scheme://user:password@host`), never the value. */
  label: string;
}

const LABELS: Record<CredentialReason, string> = {
  'key-name': 'password/secret/token/key',
  'url-userinfo': 'scheme://user:password@host',
  'connection-string': 'password=…',
  'private-key': '-----BEGIN … PRIVATE KEY-----',
  'aws-access-key': 'AWS access key ID (AKIA…)',
  'github-token': 'GitHub token (ghp_…)',
  'slack-token': 'Slack token (xox…-)',
  jwt: 'JWT (eyJ….eyJ….…)',
};

/** Words that, alone, make a key a credential. */
const CREDENTIAL_WORDS = new Set(['password', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'secrets', 'token', 'credential', 'credentials', 'apikey', 'privatekey', 'accesskey', 'secretkey', 'clientsecret']);
/** `<word> key` is a credential (`API_KEY`, `privateKey`, `secret_key`); `passwordKey` is not. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'signing', 'encryption', 'master', 'account', 'shared', 'ssh', 'client', 'session', 'license', 'webhook', 'app', 'subscription', 'storage']);
/** Substrings inside a single word (`dbpassword`, `AUTHTOKEN`). */
const CREDENTIAL_SUBSTRINGS = ['password', 'passwd', 'secret', 'apikey', 'authtoken', 'accesstoken', 'bearertoken', 'refreshtoken'];
/** A last word that makes the key describe or reference a credential rather than hold it. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'name', 'names', 'ref', 'refs', 'reference', 'selector', 'file', 'files', 'path', 'paths', 'dir', 'directory', 'mount',
  'length', 'len', 'ttl', 'expiry', 'expiration', 'expires', 'lifetime', 'seconds', 'minutes', 'hours', 'days', 'timeout',
  'interval', 'age', 'count', 'size', 'min', 'max', 'enabled', 'enable', 'disabled', 'required', 'policy', 'rotation',
  'version', 'algorithm', 'alg', 'type', 'kind', 'format', 'mode', 'header', 'endpoint', 'url', 'uri', 'host', 'port',
  'provider', 'store', 'source', 'generator', 'env', 'from', 'template', 'annotations', 'labels', 'id', 'ids', 'user',
  'username', 'prefix', 'suffix', 'hint', 'field', 'var', 'variable', 'namespace', 'scope', 'strength', 'complexity',
  'characters', 'chars', 'regex', 'pattern', 'reset', 'hash', 'hashing', 'encoding', 'audience', 'issuer', 'lookup',
]);
/** A first word that makes the key name an existing Secret (`existingSecret`, `useSecret`). */
const REFERENCE_FIRST_WORDS = new Set(['existing', 'use', 'create', 'generate', 'auto', 'external', 'sealed', 'vault']);

/** Splits `AWS_SECRET_ACCESS_KEY`, `clientSecret`, `api-key`, `tls.key` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Keys repeat across files and documents (every ConfigMap has LOG_LEVEL): decide each name once. */
const credentialKeyCache = new Map<string, boolean>();
const CACHE_LIMIT = 100_000;

/** Whether a key's name says that its value is a credential. */
export function isCredentialKey(key: string): boolean {
  let known = credentialKeyCache.get(key);
  if (known === undefined) {
    known = decideCredentialKey(key);
    if (credentialKeyCache.size >= CACHE_LIMIT) credentialKeyCache.clear();
    credentialKeyCache.set(key, known);
  }
  return known;
}

function decideCredentialKey(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  // `PWD` is the shell's working directory, not a password.
  if (words.length === 1 && words[0] === 'pwd') return false;
  // Annotation and label keys (`nginx.ingress.kubernetes.io/auth-secret`) name settings, whose values are references.
  if (key.includes('/')) return false;
  const last = words[words.length - 1]!;
  if (DESCRIPTIVE_LAST_WORDS.has(last)) return false;
  if (REFERENCE_FIRST_WORDS.has(words[0]!) && words.length > 1) return false;
  if (last === 'key' || last === 'keys') {
    const previous = words[words.length - 2];
    return previous !== undefined && KEY_QUALIFIERS.has(previous);
  }
  if (words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  return words.some((w) => CREDENTIAL_SUBSTRINGS.some((s) => w.includes(s)));
}

/** A value that refers to a credential kept elsewhere, or is filled in at render/run time. */
export function isReferenceValue(value: string): boolean {
  const v = value.trim();
  if (v.includes('{{')) return true; // Helm template action
  if (/^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(v) || /^\$\{[^}]+\}$/.test(v) || /^\$[A-Za-z_][A-Za-z0-9_]*$/.test(v)) return true; // $(VAR), ${VAR}, $VAR
  if (/^<path:[^>]+>$/.test(v)) return true; // argocd-vault-plugin
  if (/^(ref\+[a-z0-9]+|vault|secretref\+[a-z]+|sm|awssm|gcpsm|azkv|op):\/?\/?/i.test(v) && !/\s/.test(v)) return true; // vals, Vault, 1Password references
  return false;
}

const URL_USERINFO = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/:@]*):([^\s/@]+)@[^\s/]/i;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
const AWS_ACCESS_KEY = /(?<![A-Z0-9])(?:AKIA|ASIA|AROA|AIDA)[0-9A-Z]{16}(?![A-Z0-9])/;
const GITHUB_TOKEN = /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/;
const SLACK_TOKEN = /(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}/;
/** libpq / ADO.NET / JDBC style `host=db user=app password=...` or `Password=...;`. */
const CONNECTION_PASSWORD = /(?:^|[\s;?&])(?:password|pwd)=([^\s;&]+)/i;
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;

/** What a value's shape says, whatever its key; undefined when it looks like no credential. */
export function credentialShape(value: string): CredentialReason | undefined {
  if (PRIVATE_KEY.test(value)) return 'private-key';
  if (AWS_ACCESS_KEY.test(value)) return 'aws-access-key';
  if (GITHUB_TOKEN.test(value)) return 'github-token';
  if (SLACK_TOKEN.test(value)) return 'slack-token';
  if (JWT.test(value)) return 'jwt';
  const userinfo = URL_USERINFO.exec(value);
  if (userinfo && !isReferenceValue(decodeSafe(userinfo[2]!))) return 'url-userinfo';
  const connection = CONNECTION_PASSWORD.exec(value);
  if (connection && !isReferenceValue(connection[1]!)) return 'connection-string';
  return undefined;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Whether `key: value` holds a credential. `key` is the map key (or env var name) directly above
 * the value; pass undefined for list items and other values without a key of their own.
 */
export function detectCredential(key: string | undefined, value: unknown): CredentialMatch | undefined {
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined;
    const shape = credentialShape(value);
    if (shape) return match(shape);
    if (key !== undefined && isCredentialKey(key) && !isReferenceValue(value) && !isSecretKeyName(key, value)) return match('key-name');
    return undefined;
  }
  if ((typeof value === 'number' || typeof value === 'bigint') && key !== undefined && isCredentialKey(key)) return match('key-name');
  return undefined;
}

/**
 * `passwordKey: password`, `secretKey: POSTGRES_PASSWORD`-like pairs where the value names a key of
 * a Secret: only when the key itself ends in Key/Name and the value is a credential key name.
 */
function isSecretKeyName(key: string, value: string): boolean {
  const last = keyWords(key).at(-1);
  if (last !== 'key' && last !== 'name') return false;
  return /^[A-Za-z0-9._-]{1,63}$/.test(value) && (isCredentialKey(value) || /^(user(name)?|host|url|uri|dsn)$/i.test(value));
}

function match(reason: CredentialReason): CredentialMatch {
  return { reason, label: LABELS[reason] };
}

/** The language-neutral pattern of a credential shape, for messages in any locale. */
export function credentialLabel(reason: CredentialReason): string {
  return LABELS[reason];
}

export interface CredentialHit {
  /** Path of the value inside the walked tree. */
  path: Array<string | number>;
  /** The key that names the value (the map key, or the `name` of a `{name, value}` entry). */
  key: string | undefined;
  match: CredentialMatch;
}

/**
 * Every credential in a values tree: map entries by key and shape, list items by shape, and
 * `{name: X, value: Y}` entries (env lists) with X as the key of Y.
 */
export function findCredentials(tree: unknown, base: Array<string | number> = []): CredentialHit[] {
  const hits: CredentialHit[] = [];
  const visit = (value: unknown, path: Array<string | number>, key: string | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, [...path, index], undefined));
      return;
    }
    if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      const envName = typeof record.name === 'string' && 'value' in record ? record.name : undefined;
      for (const [k, v] of Object.entries(record)) {
        if (envName !== undefined && k === 'name') continue;
        visit(v, [...path, k], envName !== undefined && k === 'value' ? envName : k);
      }
      return;
    }
    const match = detectCredential(key, value);
    if (match) hits.push({ path, key, match });
  };
  visit(tree, base, undefined);
  return hits;
}
