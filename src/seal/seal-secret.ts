/**
 * Plain Secret → SealedSecret, as `kubeseal` does it (pkg/kubeseal Seal / SealMergingInto and
 * v1alpha1 NewSealedSecret), plus the merge that keeps unchanged ciphertext.
 *
 * Why merge: every seal draws a fresh session key, so re-sealing an unchanged value yields a
 * different ciphertext. Re-sealing everything on each change is diff noise and Argo CD churn; with
 * `existing`, keys absent from the input keep their ciphertext byte for byte and only the given
 * keys are (re-)sealed. Name, namespace and scope then come from the existing SealedSecret (as
 * kubeseal --merge-into does), because old and new values must decrypt under the same label.
 */
import type { SealingCertificate } from './certificate.ts';
import { hybridEncrypt } from './crypto.ts';
import { SealingError } from './errors.ts';
import {
  CLUSTER_WIDE_ANNOTATION,
  DEFAULT_SCOPE,
  NAMESPACE_WIDE_ANNOTATION,
  encryptionLabel,
  requestedScope,
  requireNamespace,
  withScopeAnnotations,
  type SealingScope,
} from './scope.ts';
import { LAST_APPLIED_ANNOTATIONS, readSecretInput, type SecretInput } from './secret-input.ts';
import {
  SEALED_SECRET_API_VERSION,
  SEALED_SECRET_KIND,
  readExistingSealedSecret,
  sortedRecord,
  type ObjectMetadata,
  type SealedSecret,
} from './sealed-secret.ts';

export interface SealOptions {
  /** From loadSealingCertificate: it has already been checked for expiry and key type. */
  certificate: Pick<SealingCertificate, 'publicKey'>;
  /** Overrides the Secret's own scope annotations; default: those annotations, else strict. */
  scope?: SealingScope;
  /** Used when the Secret has none; a different namespace in the Secret is an error. */
  namespace?: string;
  /** An existing SealedSecret (parsed object) to merge into. */
  existing?: unknown;
  /** kubeseal refuses a Secret with no data unless --allow-empty-data. */
  allowEmptyData?: boolean;
}

export function sealSecret(secret: unknown, opts: SealOptions): SealedSecret {
  const input = readSecretInput(secret);
  const existing = opts.existing === undefined ? undefined : readExistingSealedSecret(opts.existing);
  const wanted = opts.scope ?? requestedScope(input.annotations);

  if (opts.namespace && input.namespace && opts.namespace !== input.namespace) {
    throw new SealingError(
      'NAMESPACE_MISMATCH',
      `namespace mismatch: Secret "${input.name ?? ''}" is in namespace "${input.namespace}" but "${opts.namespace}" was specified`,
    );
  }

  let name: string;
  let namespace: string | undefined;
  let scope: SealingScope;
  if (existing) {
    // kubeseal lets the merge target's identity win over the input's (its TestMergeInto "bad name").
    name = existing.name;
    if (opts.namespace && existing.namespace && opts.namespace !== existing.namespace) {
      throw new SealingError(
        'NAMESPACE_MISMATCH',
        `namespace mismatch: SealedSecret "${existing.name}" is in namespace "${existing.namespace}" but "${opts.namespace}" was specified`,
      );
    }
    namespace = existing.namespace ?? input.namespace ?? opts.namespace;
    scope = existing.scope;
    if (wanted && wanted !== existing.scope) {
      throw new SealingError(
        'SCOPE_MISMATCH',
        `SealedSecret "${existing.name}" is sealed ${existing.scope}; values sealed ${wanted} would not decrypt next to its existing ones. Re-seal every key without merging to change the scope`,
      );
    }
  } else {
    if (!input.name) throw new SealingError('MISSING_NAME', 'missing metadata.name in input Secret');
    name = input.name;
    namespace = input.namespace ?? (opts.namespace || undefined);
    scope = wanted ?? DEFAULT_SCOPE;
  }
  requireNamespace(scope, namespace, `Secret "${name}"`);

  if (input.entries.size === 0 && !opts.allowEmptyData) {
    throw new SealingError('EMPTY_SECRET', `Secret "${name}" has no data or stringData: nothing to seal`);
  }

  const label = encryptionLabel(scope, namespace ?? '', name);
  const encrypted: Record<string, string> = {};
  for (const [key, plaintext] of input.entries) {
    encrypted[key] = hybridEncrypt(opts.certificate.publicKey, plaintext, label).toString('base64');
  }

  const templateAnnotations = templateAnnotationsOf(input, scope);
  if (existing) return mergeInto(existing.object, encrypted, input, templateAnnotations);

  const metadata: ObjectMetadata = { name };
  if (namespace) metadata.namespace = namespace;
  const ownAnnotations = withScopeAnnotations(undefined, scope);
  if (Object.keys(ownAnnotations).length > 0) metadata.annotations = ownAnnotations;

  const templateMetadata: ObjectMetadata = { name };
  if (namespace) templateMetadata.namespace = namespace;
  if (input.labels && Object.keys(input.labels).length > 0) templateMetadata.labels = { ...input.labels };
  if (Object.keys(templateAnnotations).length > 0) templateMetadata.annotations = templateAnnotations;

  const template: SealedSecret['spec']['template'] = { metadata: templateMetadata };
  if (input.type) template.type = input.type;
  if (input.immutable !== undefined) template.immutable = input.immutable;

  return {
    apiVersion: SEALED_SECRET_API_VERSION,
    kind: SEALED_SECRET_KIND,
    metadata,
    spec: { encryptedData: sortedRecord(encrypted), template },
  };
}

/**
 * The Secret's annotations minus last-applied copies (they hold every value in clear), with the
 * scope annotations in line with the scope, as kubeseal's template ends up: the controller's
 * key rotation re-seals from the template's metadata, so it must carry the scope too.
 */
function templateAnnotationsOf(input: SecretInput, scope: SealingScope): Record<string, string> {
  const annotations: Record<string, string> = { ...input.annotations };
  for (const key of LAST_APPLIED_ANNOTATIONS) delete annotations[key];
  return withScopeAnnotations(annotations, scope);
}

function mergeInto(base: SealedSecret, encrypted: Record<string, string>, input: SecretInput, templateAnnotations: Record<string, string>): SealedSecret {
  const template = base.spec.template;
  const metadata: ObjectMetadata = template.metadata ?? { name: base.metadata.name };
  if (template.metadata === undefined && base.metadata.namespace) metadata.namespace = base.metadata.namespace;
  if (input.labels && Object.keys(input.labels).length > 0) metadata.labels = { ...metadata.labels, ...input.labels };
  // Spread over the existing annotations so that their order (and the diff) stays put; then drop
  // a stale scope annotation the template may carry.
  const annotations: Record<string, string> = { ...metadata.annotations, ...templateAnnotations };
  for (const key of [NAMESPACE_WIDE_ANNOTATION, CLUSTER_WIDE_ANNOTATION]) {
    if (!(key in templateAnnotations)) delete annotations[key];
  }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  template.metadata = metadata;
  // kubeseal keeps the target's type and immutability; take the input's only where there is none.
  if (template.type === undefined && input.type) template.type = input.type;
  if (template.immutable === undefined && input.immutable !== undefined) template.immutable = input.immutable;

  return { ...base, spec: { ...base.spec, encryptedData: sortedRecord({ ...base.spec.encryptedData, ...encrypted }), template } };
}

export interface SealValueOptions {
  certificate: Pick<SealingCertificate, 'publicKey'>;
  scope?: SealingScope;
  namespace?: string;
  name?: string;
}

/**
 * One value, base64 ciphertext out: `kubeseal --raw` (EncryptSecretItem), for pasting a single
 * key into an existing SealedSecret by hand. Same checks as kubeseal's --raw flags.
 */
export function sealValue(plaintext: Buffer | string, opts: SealValueOptions): string {
  const scope = opts.scope ?? DEFAULT_SCOPE;
  requireNamespace(scope, opts.namespace, 'the value');
  if (scope === 'strict' && !opts.name) {
    throw new SealingError('MISSING_NAME', 'a strict-scope value is bound to its Secret name: give the name');
  }
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const label = encryptionLabel(scope, opts.namespace ?? '', opts.name ?? '');
  return hybridEncrypt(opts.certificate.publicKey, bytes, label).toString('base64');
}
