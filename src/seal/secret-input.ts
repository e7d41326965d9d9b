/**
 * Reads a plain Kubernetes Secret (as parsed from YAML/JSON) into the bytes to seal, validating
 * it the way the API server would decode it. Messages name keys, never values.
 */
import { SealingError } from './errors.ts';

export interface SecretInput {
  name: string | undefined;
  namespace: string | undefined;
  labels: Record<string, string> | undefined;
  annotations: Record<string, string> | undefined;
  type: string | undefined;
  immutable: boolean | undefined;
  /** key → plaintext bytes; `stringData` already applied over `data` (it wins, as in the API server). */
  entries: Map<string, Buffer>;
}

/** Annotations that tools fill with a full copy of the object: sealing them would leak every value. */
export const LAST_APPLIED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'kubecfg.ksonnet.io/last-applied-configuration'] as const;

// Secret keys: apimachinery IsConfigMapKey (DNS-subdomain characters, at most 253).
const KEY_PATTERN = /^[-._a-zA-Z0-9]+$/;
const MAX_KEY_LENGTH = 253;
// Standard alphabet with padding (Go's base64.StdEncoding); Go skips CR/LF, so YAML block scalars are fine.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

export function readSecretInput(secret: unknown): SecretInput {
  if (!isPlainObject(secret)) throw new SealingError('INVALID_SECRET', 'the input is not a Kubernetes object');
  if (secret.kind !== undefined && secret.kind !== 'Secret') {
    throw new SealingError('INVALID_SECRET', `expected kind Secret, got ${describeKind(secret.kind)}`);
  }
  const metadata = secret.metadata ?? {};
  if (!isPlainObject(metadata)) throw new SealingError('INVALID_SECRET', 'metadata must be a mapping');

  const name = optionalString(metadata.name, 'metadata.name');
  const where = name ? `Secret "${name}"` : 'Secret';
  const namespace = optionalString(metadata.namespace, `${where}: metadata.namespace`);
  const labels = stringMap(metadata.labels, `${where}: metadata.labels`);
  const annotations = stringMap(metadata.annotations, `${where}: metadata.annotations`);
  const type = optionalString(secret.type, `${where}: type`);
  if (secret.immutable !== undefined && secret.immutable !== null && typeof secret.immutable !== 'boolean') {
    throw new SealingError('INVALID_SECRET', `${where}: immutable must be true or false`);
  }
  const immutable = typeof secret.immutable === 'boolean' ? secret.immutable : undefined;

  const entries = new Map<string, Buffer>();
  for (const [key, value] of valueEntries(secret.data, `${where}: data`)) {
    if (typeof value !== 'string') throw nonString(where, 'data', key, value);
    const compact = value.replace(/[\r\n]/g, '');
    if (!BASE64_PATTERN.test(compact)) {
      throw new SealingError(
        'INVALID_BASE64',
        `${where}: data.${key} is not valid base64 (data values must be base64-encoded; put plain text under stringData)`,
      );
    }
    entries.set(key, Buffer.from(compact, 'base64'));
  }
  for (const [key, value] of valueEntries(secret.stringData, `${where}: stringData`)) {
    if (typeof value !== 'string') throw nonString(where, 'stringData', key, value);
    entries.set(key, Buffer.from(value, 'utf8'));
  }
  return { name, namespace, labels, annotations, type, immutable, entries };
}

function valueEntries(map: unknown, what: string): Array<[string, unknown]> {
  if (map === undefined || map === null) return [];
  if (!isPlainObject(map)) throw new SealingError('INVALID_SECRET', `${what} must be a mapping of key to value`);
  const entries = Object.entries(map);
  for (const [key] of entries) {
    if (key.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(key)) {
      throw new SealingError(
        'INVALID_KEY',
        `${what}: key ${JSON.stringify(key.slice(0, 64))} is not a valid Secret key (letters, digits, '-', '_', '.'; at most ${MAX_KEY_LENGTH})`,
      );
    }
  }
  return entries;
}

function nonString(where: string, field: string, key: string, value: unknown): SealingError {
  // The value's type only: never the value.
  const type = value === null ? 'null' : Array.isArray(value) ? 'list' : typeof value;
  return new SealingError('NON_STRING_VALUE', `${where}: ${field}.${key} must be a string, got ${type} (quote the value in YAML)`);
}

function optionalString(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new SealingError('INVALID_SECRET', `${what} must be a string`);
  return value;
}

function stringMap(value: unknown, what: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw new SealingError('INVALID_SECRET', `${what} must be a mapping`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    // Annotations could hold anything, so do not echo the value here either.
    if (typeof v !== 'string') throw new SealingError('INVALID_SECRET', `${what}: ${k} must be a string (quote it)`);
    out[k] = v;
  }
  return out;
}

function describeKind(kind: unknown): string {
  return typeof kind === 'string' ? JSON.stringify(kind.slice(0, 64)) : typeof kind;
}
