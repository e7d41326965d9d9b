/**
 * Credential detection shared by TR-K8S-8 and TR-K8S-9: does a key/value pair (a values entry, a
 * ConfigMap key, an env literal, an annotation) carry a credential in clear text?
 *
 * Two independent signals:
 * - the *shape* of the value, whatever its key: first the rules of secretlint's recommended preset
 *   (a maintained library: AWS, GCP service-account JSON, GitLab, Slack, Stripe, SendGrid,
 *   npm, OpenAI, Anthropic, Vault, Docker Hub, database URIs with a password, PEM private keys
 *   with real key material...), then our own patterns for what it leaves out: GitHub tokens, a URL of any scheme
 *   with `user:password@` (amqp://, redis://), a libpq/ADO.NET `password=` connection string, a PEM
 *   private-key header without its body, a signed JWT;
 * - the *name* of the key, with our own vocabulary (see `decideCredentialKey`): `password`,
 *   `DB_PASS`, `apiKey`, `client_secret`, `AUTH_TOKEN`, an environment-style `*_KEY` or
 *   `*_KEY_CONTENT`, `pwd`/`passwd` unless the value is a path, and `Authorization`/`*_HEADER`
 *   whose value carries a Bearer or Basic credential; the value must be a literal (not a reference,
 *   not empty, not a boolean).
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
 *
 * Every regular expression applied here to repository text is in `CREDENTIAL_PATTERNS`, each with
 * the input that is worst for it, and runs in time linear in its input (test/engine/credentials):
 * no two quantifiers can share a character they both may consume, and unbounded runs stop at a
 * delimiter the next match attempt cannot re-scan.
 */
import { creator as secretlintRecommended } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintRuleContext, SecretLintRuleCreator, SecretLintRuleReportHandler } from '@secretlint/types';

export type CredentialReason =
  'key-name' | 'auth-header' | 'url-userinfo' | 'connection-string' | 'private-key' | 'github-token' | 'jwt' | `secretlint:${string}`;

export interface CredentialMatch {
  reason: CredentialReason;
  /** A language-neutral pattern of what was found (`scheme://user:password@host`), never the value. */
  label: string;
}

const LABELS: Record<Exclude<CredentialReason, `secretlint:${string}`>, string> = {
  'key-name': 'password/secret/token/key',
  'auth-header': 'Authorization: Bearer/Basic …',
  'url-userinfo': 'scheme://user:password@host',
  'connection-string': 'password=…',
  'private-key': '-----BEGIN … PRIVATE KEY-----',
  'github-token': 'GitHub token (ghp_…)',
  jwt: 'JWT (eyJ….eyJ….…)',
};

// ---- patterns ----------------------------------------------------------------------------------

export interface CredentialPattern {
  name: string;
  pattern: RegExp;
  /** The input of `length` characters that makes this pattern work hardest (for the linear-time test). */
  worstCase(length: number): string;
}

const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/**
 * `scheme://user:password@host`. The scheme is bounded (RFC 3986 schemes are short); user and
 * password stop at `/`, `@` and white space, which every later `://` contains or which ends them.
 */
const URL_USERINFO = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/([^\s/:@]*):([^\s/@]+)@[^\s/@]/i;
/** A PEM private-key header: at most four words before `PRIVATE KEY` (`RSA`, `ENCRYPTED`, `OPENSSH`). */
const PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]{1,16} ){0,4}PRIVATE KEY-----/;
/** libpq / ADO.NET / JDBC style `host=db user=app password=...` or `Password=...;`. */
const CONNECTION_PASSWORD = /(?:^|[\s;?&])(?:password|pwd)=([^\s;&]+)/i;
/** GitHub tokens: classic (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and fine-grained (`github_pat_`). */
const GITHUB_TOKEN = /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/;
/** A signed JWT: three base64url parts, the first two JSON objects (`eyJ`); dots end each part. */
const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;
/** `Bearer <token>` / `Basic <base64>` / `Token <token>` at the start of a header value. */
const AUTH_SCHEME = /^\s{0,16}(?:bearer|basic|token|digest|apikey)\s{1,16}(\S.*)$/is;
/**
 * Before the secret-pattern library runs on a value: every secret it knows is a run of at least 20
 * token characters, a URL (`://`), a PEM block or an npm `_authToken=` line. Most configuration
 * values are none of these, and skip the library's rules. A character loop, not a pattern: it runs
 * on every value of every ConfigMap.
 */
const TOKEN_RUN = 20;
function mayHoldLibrarySecret(value: string): boolean {
  if (value.length < TOKEN_RUN && !value.includes('://')) return false;
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const token = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 45 || c === 47 || c === 61 || c === 95;
    run = token ? run + 1 : 0;
    if (run >= TOKEN_RUN) return true;
  }
  return value.includes('://') || value.includes('-----BEGIN') || value.includes('_authToken=');
}
/** Splitting of keys into words: a lower/digit→upper step, an acronym before a capitalised word, separators. */
const CAMEL_STEP = /([a-z0-9])([A-Z])/g;
const ACRONYM_STEP = /([A-Z])(?=[A-Z][a-z])/g;
const WORD_SEPARATORS = /[^A-Za-z0-9]+/;
/** Reference values (see `isReferenceValue`); each is anchored at both ends or at the start. */
const KUBERNETES_VAR = /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/;
const SHELL_BRACED_VAR = /^\$\{[^}]+\}$/;
const SHELL_VAR = /^\$[A-Za-z_][A-Za-z0-9_]*$/;
const ARGOCD_VAULT_PATH = /^<path:[^>]+>$/;
const SECRET_URI = /^(?:ref\+[a-z0-9]+|vault|secretref\+[a-z]+|sm|awssm|gcpsm|azkv|op):/i;
const WHITE_SPACE = /\s/;
/** A value that is a file system path (`pwd: /srv/app`, `passwd: /etc/passwd`). */
const PATH_VALUE = /^(?:[/~]|\.{1,2}\/|[A-Za-z]:[\\/])[^\s]*$/;
/** A value that names a key of a Secret (`passwordKey: POSTGRES_PASSWORD`). */
const SECRET_KEY_NAME = /^[A-Za-z0-9._-]{1,63}$/;
const NON_SECRET_KEY_NAME = /^(?:user(?:name)?|host|url|uri|dsn)$/i;
/** `KEY: value` or `export KEY=value` lines inside an embedded config file (.env, application.yaml). */
const EMBEDDED_ASSIGNMENT = /^[ \t]*(?:export[ \t]+)?["']?([A-Za-z_][\w.-]*)["']?[ \t]*[:=][ \t]*/;
const QUOTES = /^["']|["'],?$/g;

/** Every pattern this module applies to repository text, with its worst case. */
export const CREDENTIAL_PATTERNS: readonly CredentialPattern[] = [
  { name: 'URL_USERINFO', pattern: URL_USERINFO, worstCase: (n) => repeat('a://b:c', n) },
  { name: 'URL_USERINFO (one long scheme-like run)', pattern: URL_USERINFO, worstCase: (n) => `${repeat('a', n - 4)}://x` },
  { name: 'PRIVATE_KEY', pattern: PRIVATE_KEY, worstCase: (n) => repeat('-----BEGIN A A A A ', n) },
  { name: 'CONNECTION_PASSWORD', pattern: CONNECTION_PASSWORD, worstCase: (n) => repeat(' password=', n) },
  { name: 'GITHUB_TOKEN', pattern: GITHUB_TOKEN, worstCase: (n) => repeat('ghp_', n) },
  { name: 'GITHUB_TOKEN (fine-grained)', pattern: GITHUB_TOKEN, worstCase: (n) => `github_pat_${repeat('a', n - 11)}` },
  { name: 'JWT', pattern: JWT, worstCase: (n) => repeat('.eyJaaaaaaaa', n) },
  { name: 'AUTH_SCHEME', pattern: AUTH_SCHEME, worstCase: (n) => `bearer ${repeat(' \t', n - 7)}` },
  { name: 'CAMEL_STEP', pattern: CAMEL_STEP, worstCase: (n) => repeat('aA', n) },
  { name: 'ACRONYM_STEP', pattern: ACRONYM_STEP, worstCase: (n) => repeat('A', n) },
  { name: 'WORD_SEPARATORS', pattern: WORD_SEPARATORS, worstCase: (n) => repeat('_-', n) },
  { name: 'KUBERNETES_VAR', pattern: KUBERNETES_VAR, worstCase: (n) => `$(${repeat('A', n - 2)}` },
  { name: 'SHELL_BRACED_VAR', pattern: SHELL_BRACED_VAR, worstCase: (n) => `\${${repeat('a', n - 2)}` },
  { name: 'SHELL_VAR', pattern: SHELL_VAR, worstCase: (n) => `$${repeat('a', n - 2)}-` },
  { name: 'ARGOCD_VAULT_PATH', pattern: ARGOCD_VAULT_PATH, worstCase: (n) => `<path:${repeat('a', n - 6)}` },
  { name: 'SECRET_URI', pattern: SECRET_URI, worstCase: (n) => repeat('ref+', n) },
  { name: 'WHITE_SPACE', pattern: WHITE_SPACE, worstCase: (n) => repeat('a', n) },
  { name: 'PATH_VALUE', pattern: PATH_VALUE, worstCase: (n) => `/${repeat('a', n - 2)} ` },
  { name: 'SECRET_KEY_NAME', pattern: SECRET_KEY_NAME, worstCase: (n) => repeat('a', n) },
  { name: 'NON_SECRET_KEY_NAME', pattern: NON_SECRET_KEY_NAME, worstCase: (n) => `user${repeat('n', n - 4)}` },
  { name: 'EMBEDDED_ASSIGNMENT', pattern: EMBEDDED_ASSIGNMENT, worstCase: (n) => `a${repeat(' \t', n - 2)}x` },
  { name: 'QUOTES', pattern: QUOTES, worstCase: (n) => repeat('"\'', n) },
];

// ---- key names ---------------------------------------------------------------------------------

/** Words that, alone, make a key a credential. */
const CREDENTIAL_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'accesskey',
  'secretkey',
  'clientsecret',
]);
/** `<word> key` is a credential (`API_KEY`, `privateKey`, `secret_key`); `passwordKey` is not. */
const KEY_QUALIFIERS = new Set([
  'api',
  'private',
  'access',
  'secret',
  'signing',
  'encryption',
  'master',
  'account',
  'shared',
  'ssh',
  'client',
  'session',
  'license',
  'webhook',
  'app',
  'subscription',
  'storage',
]);
/**
 * Before `_KEY` in an environment-style name, words whose key is not secret: public halves,
 * identifiers, data-structure and messaging keys (`ROUTING_KEY` of a Celery queue, `CACHE_KEY`),
 * and keys that are published by design (Stripe's publishable key, reCAPTCHA's site key).
 */
const PUBLIC_KEY_QUALIFIERS = new Set([
  'public',
  'pub',
  'publishable',
  'site',
  'routing',
  'cache',
  'sort',
  'partition',
  'primary',
  'foreign',
  'hash',
  'range',
  'lock',
  'idempotency',
  'dedup',
  'deduplication',
  'queue',
  'redis',
  'prefix',
  'index',
  'lookup',
  'object',
  'bucket',
  'map',
  'row',
  'column',
  'composite',
  'unique',
  'join',
  'group',
  'message',
  'metric',
  'label',
  'tag',
  'host',
  'known',
  'fingerprint',
  'kid',
  'ca',
  'cert',
  'translation',
  'i18n',
  'feature',
  'flag',
  'setting',
  'settings',
  'config',
  'json',
  'yaml',
  'tenant',
  'topic',
  'stream',
  'event',
  'entity',
  'shard',
  'sort',
]);
/** `KEY_CONTENT`, `key_data`, `privateKeyPem`: the material of a key, not its name. */
const KEY_MATERIAL_WORDS = new Set(['content', 'contents', 'data', 'pem', 'material', 'b64', 'base64', 'value']);
/** Substrings inside a single word (`dbpassword`, `AUTHTOKEN`). */
const CREDENTIAL_SUBSTRINGS = ['password', 'passwd', 'secret', 'apikey', 'authtoken', 'accesstoken', 'bearertoken', 'refreshtoken'];
/** A last word that makes the key describe or reference a credential rather than hold it. */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'name',
  'names',
  'ref',
  'refs',
  'reference',
  'selector',
  'file',
  'files',
  'path',
  'paths',
  'dir',
  'directory',
  'mount',
  'length',
  'len',
  'ttl',
  'expiry',
  'expiration',
  'expires',
  'lifetime',
  'seconds',
  'minutes',
  'hours',
  'days',
  'timeout',
  'interval',
  'age',
  'count',
  'size',
  'min',
  'max',
  'enabled',
  'enable',
  'disabled',
  'required',
  'policy',
  'rotation',
  'version',
  'algorithm',
  'alg',
  'type',
  'kind',
  'format',
  'mode',
  'header',
  'endpoint',
  'url',
  'uri',
  'host',
  'port',
  'provider',
  'store',
  'source',
  'generator',
  'env',
  'from',
  'template',
  'annotations',
  'labels',
  'id',
  'ids',
  'user',
  'username',
  'prefix',
  'suffix',
  'hint',
  'field',
  'var',
  'variable',
  'namespace',
  'scope',
  'strength',
  'complexity',
  'characters',
  'chars',
  'regex',
  'pattern',
  'reset',
  'hash',
  'hashing',
  'encoding',
  'audience',
  'issuer',
  'lookup',
]);
/** A first word that makes the key name an existing Secret (`existingSecret`, `useSecret`). */
const REFERENCE_FIRST_WORDS = new Set(['existing', 'use', 'create', 'generate', 'auto', 'external', 'sealed', 'vault']);
/** `pwd` is also the shell's working directory and `passwd` a file: they count unless the value is a path. */
const PATH_AMBIGUOUS_WORDS = new Set(['pwd', 'passwd']);

/** Splits `AWS_SECRET_ACCESS_KEY`, `clientSecret`, `api-key`, `tls.key` into lower-case words. */
export function keyWords(key: string): string[] {
  return key
    .replace(CAMEL_STEP, '$1 $2')
    .replace(ACRONYM_STEP, '$1 ')
    .split(WORD_SEPARATORS)
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

/** `AZURE_BATCH_KEY`: the upper-case, underscore-separated style of environment variables. */
function isEnvironmentStyle(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const upper = c >= 65 && c <= 90;
    const digit = c >= 48 && c <= 57;
    if (!(upper || c === 95 || (digit && i > 0))) return false;
  }
  return key.length > 0;
}

function decideCredentialKey(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0) return false;
  // Annotation and label keys (`nginx.ingress.kubernetes.io/auth-secret`) name settings, whose values are references.
  if (key.includes('/')) return false;
  const last = words[words.length - 1]!;
  const previous = words[words.length - 2];
  // `OCI_CLI_KEY_CONTENT`, `privateKeyPem`: the material of a key.
  if (KEY_MATERIAL_WORDS.has(last) && previous === 'key') return !PUBLIC_KEY_QUALIFIERS.has(words[words.length - 3] ?? '');
  if (DESCRIPTIVE_LAST_WORDS.has(last)) return false;
  if (REFERENCE_FIRST_WORDS.has(words[0]!) && words.length > 1) return false;
  if (last === 'key' || last === 'keys') {
    if (previous === undefined) return false;
    if (KEY_QUALIFIERS.has(previous)) return true;
    // An environment variable named `*_KEY` holds a key unless the word before says which harmless one.
    return isEnvironmentStyle(key) && !PUBLIC_KEY_QUALIFIERS.has(previous);
  }
  if (words.some((w) => CREDENTIAL_WORDS.has(w))) return true;
  return words.some((w) => CREDENTIAL_SUBSTRINGS.some((s) => w.includes(s)));
}

/** `Authorization`, `AUTH_HEADER`, `X-Api-Key-Header`: a key whose value is an HTTP header value. */
const headerKeyCache = new Map<string, boolean>();
function isHeaderKey(key: string): boolean {
  let known = headerKeyCache.get(key);
  if (known === undefined) {
    known = decideHeaderKey(key);
    if (headerKeyCache.size >= CACHE_LIMIT) headerKeyCache.clear();
    headerKeyCache.set(key, known);
  }
  return known;
}

function decideHeaderKey(key: string): boolean {
  const words = keyWords(key);
  const last = words[words.length - 1];
  return last === 'authorization' || ((last === 'header' || last === 'headers') && !key.includes('/'));
}

// ---- values ------------------------------------------------------------------------------------

/** A value that refers to a credential kept elsewhere, or is filled in at render/run time. */
export function isReferenceValue(value: string): boolean {
  const v = value.trim();
  if (v.includes('{{')) return true; // Helm template action
  if (KUBERNETES_VAR.test(v) || SHELL_BRACED_VAR.test(v) || SHELL_VAR.test(v)) return true; // $(VAR), ${VAR}, $VAR
  if (ARGOCD_VAULT_PATH.test(v)) return true; // argocd-vault-plugin
  if (SECRET_URI.test(v) && !WHITE_SPACE.test(v)) return true; // vals, Vault, 1Password references
  return false;
}

/** What a value's shape says, whatever its key; undefined when it looks like no credential. */
export function credentialShape(value: string): CredentialReason | undefined {
  const library = libraryShape(value);
  if (library) return library;
  // Each pattern needs a literal its match contains: looking for that first keeps ordinary values cheap.
  if (value.includes('PRIVATE KEY-----') && PRIVATE_KEY.test(value)) return 'private-key';
  if ((value.includes('gh') || value.includes('github_pat_')) && GITHUB_TOKEN.test(value)) return 'github-token';
  if (value.includes('eyJ') && JWT.test(value)) return 'jwt';
  if (value.includes('://')) {
    const userinfo = URL_USERINFO.exec(value);
    if (userinfo && !isReferenceValue(decodeSafe(userinfo[2]!))) return 'url-userinfo';
  }
  if (value.includes('=')) {
    const connection = CONNECTION_PASSWORD.exec(value);
    if (connection && !isReferenceValue(connection[1]!)) return 'connection-string';
  }
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
    if (key === undefined) return undefined;
    if (isHeaderKey(key)) {
      const header = AUTH_SCHEME.exec(value);
      return header && !isReferenceValue(header[1]!) ? match('auth-header') : undefined;
    }
    if (isCredentialKey(key) && !isReferenceValue(value) && !isSecretKeyName(key, value) && !isPathForPathWord(key, value)) return match('key-name');
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
  return SECRET_KEY_NAME.test(value) && (isCredentialKey(value) || NON_SECRET_KEY_NAME.test(value));
}

/** `PWD: /srv/app` is the working directory; `passwd: /etc/passwd` a file; `pwd: hunter2` a password. */
function isPathForPathWord(key: string, value: string): boolean {
  return keyWords(key).some((w) => PATH_AMBIGUOUS_WORDS.has(w)) && PATH_VALUE.test(value.trim());
}

function match(reason: CredentialReason): CredentialMatch {
  return { reason, label: credentialLabel(reason) };
}

/** The language-neutral pattern of a credential shape, for messages in any locale. */
export function credentialLabel(reason: CredentialReason): string {
  if (reason.startsWith('secretlint:')) {
    const [, rule, message] = reason.split(':');
    return `${message} (secretlint rule ${rule})`;
  }
  return LABELS[reason as keyof typeof LABELS];
}

// ---- the secret-pattern library ----------------------------------------------------------------

interface LibraryRule {
  /** `aws`, `github`...: the rule's id without the `@secretlint/secretlint-rule-` prefix. */
  name: string;
  handler: SecretLintRuleReportHandler;
}

/**
 * Left out: `filter-comments` (secretlint's own `secretlint-disable` directives mean nothing inside
 * a value) and `github`, whose installation-token pattern re-scans up to 12,000 characters from
 * every `ghs_<digits>_` (3 s on 1 MB of them, measured by the linear-time test): GitHub tokens are
 * found by our own `GITHUB_TOKEN`, which stops at the first character outside a token.
 */
const LIBRARY_RULES_LEFT_OUT = new Set(['filter-comments', 'github']);
/** Rule options: AWS access key ids count (an id in Git is half of a key pair, and our rule has always flagged it). */
const LIBRARY_RULE_OPTIONS: Record<string, object> = { aws: { enableIDScanRule: true } };
/** Findings of the library that are no credential: an AWS account id is an identifier. */
const LIBRARY_MESSAGES_LEFT_OUT = new Set(['AWSAccountID']);
const RULE_ID_PREFIX = '@secretlint/secretlint-rule-';

let libraryRules: LibraryRule[] | undefined;
/** The report of the rule now running; one value is scanned at a time (the engine is synchronous). */
let libraryHits: string[] = [];

/**
 * The preset's rules, created once with a context whose translator returns the message id and
 * nothing else: the library's messages quote the secret, ours never do.
 */
function libraryRulesOf(): LibraryRule[] {
  if (libraryRules) return libraryRules;
  const context = {
    sharedOptions: {},
    createTranslator: () => (messageId: string) => ({ message: messageId, data: {} }),
    report: (descriptor: { message: { message: string } }) => {
      if (!LIBRARY_MESSAGES_LEFT_OUT.has(descriptor.message.message)) libraryHits.push(descriptor.message.message);
    },
    ignore: () => undefined,
  } as unknown as SecretLintRuleContext;
  libraryRules = (secretlintRecommended.rules as SecretLintRuleCreator[])
    .map((rule) => ({ name: rule.meta.id.replace(RULE_ID_PREFIX, ''), rule }))
    .filter(({ name }) => !LIBRARY_RULES_LEFT_OUT.has(name))
    .map(({ name, rule }) => ({ name, handler: rule.create(context, LIBRARY_RULE_OPTIONS[name] ?? {}) }));
  return libraryRules;
}

const libraryCache = new Map<string, CredentialReason | null>();

/** The first library rule that finds a secret in `value`, as `secretlint:<rule>:<message id>`. */
function libraryShape(value: string): CredentialReason | undefined {
  if (!mayHoldLibrarySecret(value)) return undefined;
  const cached = libraryCache.get(value);
  if (cached !== undefined) return cached ?? undefined;
  let found: CredentialReason | undefined;
  // A value that is a JSON document is offered to the rules that read JSON files (GCP service-account keys).
  const source = { content: value, filePath: 'value', ext: value.trimStart().startsWith('{') ? '.json' : '', contentType: 'text' as const };
  for (const rule of libraryRulesOf()) {
    libraryHits = [];
    const pending = rule.handler.file?.(source as never);
    // Only binary sources (.p12) are handled asynchronously; a value never is one.
    if (pending instanceof Promise) pending.catch(() => undefined);
    if (libraryHits.length > 0) {
      found = `secretlint:${rule.name}:${libraryHits[0]}`;
      break;
    }
  }
  libraryHits = [];
  if (libraryCache.size >= CACHE_LIMIT) libraryCache.clear();
  libraryCache.set(value, found ?? null);
  return found;
}

/** The library rules applied, by name (for the docs and the linear-time test). */
export function libraryRuleNames(): string[] {
  return libraryRulesOf().map((r) => r.name);
}

/** Runs one library rule on a text; the number of secrets it reports (for the linear-time test). */
export function runLibraryRule(name: string, text: string): number {
  const rule = libraryRulesOf().find((r) => r.name === name);
  if (!rule) throw new Error(`no library rule ${name}`);
  libraryHits = [];
  const pending = rule.handler.file?.({ content: text, filePath: 'value', ext: '', contentType: 'text' } as never);
  if (pending instanceof Promise) pending.catch(() => undefined);
  const count = libraryHits.length;
  libraryHits = [];
  return count;
}

// ---- trees and embedded files ------------------------------------------------------------------

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

/** `password: x` / `PASSWORD=x` lines inside an embedded config file (a ConfigMap's `app.ini: |`). */
export function embeddedCredentials(text: string): CredentialMatch[] {
  const matches: CredentialMatch[] = [];
  for (const line of text.split('\n')) {
    const m = EMBEDDED_ASSIGNMENT.exec(line);
    if (!m) continue;
    const value = line.slice(m[0].length).trim().replace(QUOTES, '');
    const match = detectCredential(m[1], value);
    if (match) matches.push(match);
  }
  return matches;
}
