/**
 * Sealing scopes and the OAEP label that enforces them (sealed-secrets
 * pkg/apis/sealedsecrets/v1alpha1 EncryptionLabel / SecretScope / UpdateScopeAnnotations).
 *
 * The controller recomputes the label from the SealedSecret's *own* metadata: its namespace, its
 * name and its scope annotations. A value sealed for another label fails with "no key could
 * decrypt secret"; that is how renaming or moving a strict-scope SealedSecret breaks it.
 */
import { SealingError } from './errors.ts';

export const SCOPES = ['strict', 'namespace-wide', 'cluster-wide'] as const;
export type SealingScope = (typeof SCOPES)[number];
export const DEFAULT_SCOPE: SealingScope = 'strict';

export const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';
export const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

export function isScope(value: unknown): value is SealingScope {
  return SCOPES.some((scope) => scope === value);
}

/** As kubeseal's --scope flag: the empty string means the default (strict). */
export function parseScope(value: string): SealingScope {
  if (value === '') return DEFAULT_SCOPE;
  if (isScope(value)) return value;
  throw new SealingError('INVALID_SCOPE', `scope must be one of: ${SCOPES.join(', ')} (got "${value}")`);
}

/** strict: "<namespace>/<name>" (always with the slash), namespace-wide: "<namespace>", cluster-wide: "". */
export function encryptionLabel(scope: SealingScope, namespace: string, name: string): Buffer {
  switch (scope) {
    case 'cluster-wide':
      return Buffer.alloc(0);
    case 'namespace-wide':
      return Buffer.from(namespace, 'utf8');
    case 'strict':
      return Buffer.from(`${namespace}/${name}`, 'utf8');
  }
}

type Annotations = Readonly<Record<string, unknown>> | undefined | null;

/** Only the exact string "true" counts, as in the controller; cluster-wide wins over namespace-wide. */
export function scopeFromAnnotations(annotations: Annotations): SealingScope {
  if (annotations?.[CLUSTER_WIDE_ANNOTATION] === 'true') return 'cluster-wide';
  if (annotations?.[NAMESPACE_WIDE_ANNOTATION] === 'true') return 'namespace-wide';
  return 'strict';
}

/** Whether the annotations ask for a non-default scope (a Secret annotated before sealing). */
export function requestedScope(annotations: Annotations): SealingScope | undefined {
  const scope = scopeFromAnnotations(annotations);
  return scope === 'strict' ? undefined : scope;
}

/** A copy with both scope annotations removed and the one for `scope` set (none for strict). */
export function withScopeAnnotations(annotations: Readonly<Record<string, string>> | undefined, scope: SealingScope): Record<string, string> {
  const out: Record<string, string> = { ...annotations };
  delete out[NAMESPACE_WIDE_ANNOTATION];
  delete out[CLUSTER_WIDE_ANNOTATION];
  if (scope === 'namespace-wide') out[NAMESPACE_WIDE_ANNOTATION] = 'true';
  if (scope === 'cluster-wide') out[CLUSTER_WIDE_ANNOTATION] = 'true';
  return out;
}

/** Only a cluster-wide value may be sealed without a namespace (kubeseal: "secret must declare a namespace"). */
export function requireNamespace(scope: SealingScope, namespace: string | undefined, what: string): void {
  if (scope !== 'cluster-wide' && !namespace) {
    throw new SealingError(
      'NAMESPACE_REQUIRED',
      `${what} has no namespace: a ${scope} SealedSecret is bound to its namespace; set metadata.namespace, pass --namespace, or use --scope cluster-wide`,
    );
  }
}
