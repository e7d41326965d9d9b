/**
 * The SealedSecret resource (bitnami.com/v1alpha1) as we write it, and reading an existing one
 * to merge into.
 */
import { SealingError } from './errors.ts';
import { isPlainObject } from './secret-input.ts';
import { scopeFromAnnotations, type SealingScope } from './scope.ts';

export const SEALED_SECRET_API_VERSION = 'bitnami.com/v1alpha1';
export const SEALED_SECRET_KIND = 'SealedSecret';

export interface ObjectMetadata {
  name?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface SealedSecretTemplate {
  metadata?: ObjectMetadata;
  type?: string;
  immutable?: boolean;
  [field: string]: unknown;
}

export interface SealedSecret {
  apiVersion: string;
  kind: string;
  metadata: ObjectMetadata;
  spec: {
    encryptedData: Record<string, string>;
    template: SealedSecretTemplate;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface ExistingSealedSecret {
  name: string;
  namespace: string | undefined;
  /** From the SealedSecret's own annotations: what the controller uses for the label. */
  scope: SealingScope;
  object: SealedSecret;
}

/** Fields the API server fills in; they have no place in a GitOps file. */
const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'managedFields',
];

export function isSealedSecretObject(value: unknown): boolean {
  return isPlainObject(value) && value.kind === SEALED_SECRET_KIND && typeof value.apiVersion === 'string' && value.apiVersion.startsWith('bitnami.com/');
}

export function readExistingSealedSecret(value: unknown): ExistingSealedSecret {
  if (!isPlainObject(value) || value.kind !== SEALED_SECRET_KIND) {
    throw new SealingError('INVALID_SEALED_SECRET', 'the merge target is not a SealedSecret');
  }
  if (value.apiVersion !== SEALED_SECRET_API_VERSION) {
    throw new SealingError(
      'INVALID_SEALED_SECRET',
      `unsupported SealedSecret apiVersion ${JSON.stringify(value.apiVersion)} (expected ${SEALED_SECRET_API_VERSION})`,
    );
  }
  const copy = structuredClone(value);
  const metadata = isPlainObject(copy.metadata) ? copy.metadata : undefined;
  const name = metadata?.name;
  if (typeof name !== 'string' || name === '') {
    throw new SealingError('INVALID_SEALED_SECRET', 'the SealedSecret to merge into has no metadata.name');
  }
  const where = `SealedSecret "${name}"`;
  const namespace = typeof metadata?.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : undefined;
  if (metadata?.annotations !== undefined && !isPlainObject(metadata.annotations)) {
    throw new SealingError('INVALID_SEALED_SECRET', `${where}: metadata.annotations must be a mapping`);
  }
  const spec = copy.spec ?? {};
  if (!isPlainObject(spec)) throw new SealingError('INVALID_SEALED_SECRET', `${where}: spec must be a mapping`);
  if (spec.data !== undefined && spec.data !== null) {
    // The v1 format sealed the whole Secret as one blob: there is nothing per key to keep.
    throw new SealingError('INVALID_SEALED_SECRET', `${where} uses the deprecated spec.data format; re-seal it from scratch`);
  }
  const encryptedData = spec.encryptedData ?? {};
  if (!isPlainObject(encryptedData) || Object.values(encryptedData).some((v) => typeof v !== 'string')) {
    throw new SealingError('INVALID_SEALED_SECRET', `${where}: spec.encryptedData must map keys to base64 strings`);
  }
  const template = spec.template ?? {};
  if (!isPlainObject(template)) throw new SealingError('INVALID_SEALED_SECRET', `${where}: spec.template must be a mapping`);

  for (const field of SERVER_METADATA) delete metadata?.[field];
  delete copy.status;

  // Sound: the checks above are the ones the controller makes (a name, encryptedData of strings, a
  // template mapping); the other fields are carried over as the file has them.
  const object = { ...copy, metadata: metadata ?? { name }, spec: { ...spec, encryptedData, template } } as SealedSecret;
  return { name, namespace, scope: scopeFromAnnotations(metadata?.annotations), object };
}

export function sortedRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
