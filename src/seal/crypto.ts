/**
 * The Sealed Secrets hybrid scheme (bitnami-labs/sealed-secrets pkg/crypto), byte for byte:
 *
 *   uint16BE(len(rsa)) || rsa || aesGcmCiphertext || tag(16)
 *
 * - rsa: a fresh 32-byte session key wrapped with RSA-OAEP, SHA-256 for both the OAEP hash and
 *   MGF1, and the scope label (see scope.ts) as the OAEP label. The label is what pins a value to
 *   a namespace/name: the controller recomputes it from the SealedSecret's metadata.
 * - aes: AES-256-GCM under the session key with an all-zero 12-byte nonce and no AAD. A zero
 *   nonce is safe only because every value gets its own session key; never reuse one.
 */
import { constants, createCipheriv, createDecipheriv, privateDecrypt, publicEncrypt, randomBytes, KeyObject } from 'node:crypto';
import { SealingError } from './errors.ts';

const SESSION_KEY_BYTES = 32;
const GCM_NONCE = Buffer.alloc(12); // zero nonce, as the controller expects
const GCM_TAG_BYTES = 16;
const LENGTH_PREFIX_BYTES = 2;

/** The controller's one and only decryption error text (pkg/crypto HybridDecrypt). */
export const NO_KEY_COULD_DECRYPT = 'no key could decrypt secret';

export function hybridEncrypt(publicKey: KeyObject, plaintext: Buffer, label: Buffer): Buffer {
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new SealingError('CERT_NOT_RSA', `sealing needs an RSA public key, got ${publicKey.asymmetricKeyType ?? publicKey.type}`);
  }
  const sessionKey = randomBytes(SESSION_KEY_BYTES);
  try {
    const rsaPart = publicEncrypt(
      // Node's oaepHash sets the OAEP digest; OpenSSL uses the same digest for MGF1 unless told
      // otherwise, which is what Go's rsa.EncryptOAEP(sha256) does.
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label },
      sessionKey,
    );
    if (rsaPart.length > 0xffff) {
      throw new SealingError('ENCRYPT_FAILED', 'RSA key too large for the 2-byte length prefix');
    }
    const cipher = createCipheriv('aes-256-gcm', sessionKey, GCM_NONCE, { authTagLength: GCM_TAG_BYTES });
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const prefix = Buffer.alloc(LENGTH_PREFIX_BYTES);
    prefix.writeUInt16BE(rsaPart.length, 0);
    return Buffer.concat([prefix, rsaPart, body]);
  } finally {
    sessionKey.fill(0); // best effort: do not leave the session key around in the heap
  }
}

/**
 * Decrypts as the controller does: try every private key (the controller keeps all its past
 * sealing keys), and collapse every failure (too short, wrong key, wrong label, bad tag) into the
 * controller's single error, which is what a user sees in the SealedSecret's status.
 */
export function hybridDecrypt(privateKey: KeyObject | readonly KeyObject[], ciphertext: Buffer, label: Buffer): Buffer {
  const keys: readonly KeyObject[] = privateKey instanceof KeyObject ? [privateKey] : privateKey;
  for (const key of keys) {
    const plaintext = decryptWithOneKey(key, ciphertext, label);
    if (plaintext) return plaintext;
  }
  throw new SealingError('DECRYPT_FAILED', NO_KEY_COULD_DECRYPT);
}

function decryptWithOneKey(key: KeyObject, ciphertext: Buffer, label: Buffer): Buffer | undefined {
  if (ciphertext.length < LENGTH_PREFIX_BYTES) return undefined;
  const rsaLength = ciphertext.readUInt16BE(0);
  if (ciphertext.length < LENGTH_PREFIX_BYTES + rsaLength) return undefined;
  const rsaPart = ciphertext.subarray(LENGTH_PREFIX_BYTES, LENGTH_PREFIX_BYTES + rsaLength);
  const aesPart = ciphertext.subarray(LENGTH_PREFIX_BYTES + rsaLength);
  if (aesPart.length < GCM_TAG_BYTES) return undefined;

  let sessionKey: Buffer;
  try {
    sessionKey = privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, rsaPart);
  } catch {
    return undefined; // wrong key or wrong label (namespace/name/scope)
  }
  if (sessionKey.length !== SESSION_KEY_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sessionKey, GCM_NONCE, { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(aesPart.subarray(aesPart.length - GCM_TAG_BYTES));
    return Buffer.concat([decipher.update(aesPart.subarray(0, aesPart.length - GCM_TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined; // tampered ciphertext
  } finally {
    sessionKey.fill(0);
  }
}
