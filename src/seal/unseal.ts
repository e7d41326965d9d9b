/**
 * What the controller does with a SealedSecret (v1alpha1 Unseal, encryptedData only): recompute
 * the label from the SealedSecret's *own* metadata and decrypt each value. It exists to prove,
 * in tests and diagnostics, that what we seal is what the controller will accept.
 */
import type { KeyObject } from 'node:crypto';
import { hybridDecrypt } from './crypto.ts';
import { SealingError, isSealingError } from './errors.ts';
import { encryptionLabel, scopeFromAnnotations } from './scope.ts';
import { isPlainObject } from './secret-input.ts';

export function unsealSealedSecret(sealed: unknown, privateKeys: KeyObject | readonly KeyObject[]): Record<string, Buffer> {
  if (!isPlainObject(sealed) || !isPlainObject(sealed.metadata) || !isPlainObject(sealed.spec)) {
    throw new SealingError('INVALID_SEALED_SECRET', 'not a SealedSecret');
  }
  const metadata = sealed.metadata;
  const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : undefined;
  const label = encryptionLabel(
    scopeFromAnnotations(annotations),
    typeof metadata.namespace === 'string' ? metadata.namespace : '',
    typeof metadata.name === 'string' ? metadata.name : '',
  );
  const encryptedData = isPlainObject(sealed.spec.encryptedData) ? sealed.spec.encryptedData : {};
  const data: Record<string, Buffer> = {};
  const failures: string[] = [];
  for (const [key, value] of Object.entries(encryptedData)) {
    try {
      if (typeof value !== 'string') throw new SealingError('DECRYPT_FAILED', 'not a string');
      data[key] = hybridDecrypt(privateKeys, Buffer.from(value, 'base64'), label);
    } catch (e) {
      failures.push(`${key}: ${isSealingError(e) ? e.message : 'failed'}`);
    }
  }
  // The controller reports every failing key, each tagged with its name.
  if (failures.length > 0) throw new SealingError('DECRYPT_FAILED', failures.join(', '));
  return data;
}
