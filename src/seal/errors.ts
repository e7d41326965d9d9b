/**
 * The one error type of the sealing module. Every failure carries a stable `code` so that the
 * CLI, the autofix and the reviewer can react without parsing messages.
 *
 * Security rule for every message built with this class: name keys, Secrets, namespaces, files
 * and lines, never a value (plain, base64 or otherwise derived from one).
 */
export type SealingErrorCode =
  // certificate
  | 'CERT_NOT_FOUND'
  | 'CERT_PARSE'
  | 'CERT_BARE_PUBLIC_KEY'
  | 'CERT_HAS_PRIVATE_KEY'
  | 'CERT_EXPIRED'
  | 'CERT_NOT_YET_VALID'
  | 'CERT_NOT_RSA'
  | 'CERT_WEAK_KEY'
  // scope and identity
  | 'INVALID_SCOPE'
  | 'NAMESPACE_REQUIRED'
  | 'NAMESPACE_MISMATCH'
  | 'SCOPE_MISMATCH'
  // input Secret
  | 'INVALID_SECRET'
  | 'MISSING_NAME'
  | 'INVALID_KEY'
  | 'INVALID_BASE64'
  | 'NON_STRING_VALUE'
  | 'EMPTY_SECRET'
  // existing SealedSecret / files
  | 'INVALID_SEALED_SECRET'
  | 'YAML_PARSE'
  | 'NO_SECRET_FOUND'
  | 'MERGE_TARGET'
  | 'DUPLICATE_SEALED_SECRET'
  | 'HELM_TEMPLATE'
  // crypto
  | 'ENCRYPT_FAILED'
  | 'DECRYPT_FAILED';

export class SealingError extends Error {
  override readonly name = 'SealingError';

  constructor(
    readonly code: SealingErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** Same code, message prefixed with where it happened (a file, a document). */
  withContext(context: string): SealingError {
    return new SealingError(this.code, `${context}: ${this.message}`);
  }
}

export function isSealingError(e: unknown): e is SealingError {
  return e instanceof SealingError;
}
