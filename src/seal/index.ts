/** Public surface of the sealing module (kubeseal-compatible offline sealing). */
export { SealingError, isSealingError, type SealingErrorCode } from './errors.ts';
export { hybridEncrypt, hybridDecrypt, NO_KEY_COULD_DECRYPT } from './crypto.ts';
export { loadSealingCertificate, sshFingerprint, type SealingCertificate } from './certificate.ts';
export {
  SCOPES,
  DEFAULT_SCOPE,
  NAMESPACE_WIDE_ANNOTATION,
  CLUSTER_WIDE_ANNOTATION,
  encryptionLabel,
  isScope,
  parseScope,
  scopeFromAnnotations,
  withScopeAnnotations,
  type SealingScope,
} from './scope.ts';
export { sealSecret, sealValue, type SealOptions, type SealValueOptions } from './seal-secret.ts';
export { unsealSealedSecret } from './unseal.ts';
export { type SealedSecret } from './sealed-secret.ts';
export { sealSecretsInYaml, mergeSecretIntoYaml, isPlainSecretWithData, type SealYamlResult, type SealedSummary } from './secret-file.ts';
