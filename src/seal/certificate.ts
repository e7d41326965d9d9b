/**
 * Loading the controller's sealing certificate (`kubeseal --fetch-cert` output), with the checks
 * kubeseal makes (first certificate of the PEM, RSA only, not expired) plus a few it does not
 * (not yet valid, keys under 2048 bits, a private key in the same file).
 *
 * Decision: a bare public key PEM is refused, although it would be enough to encrypt. A
 * certificate is what the controller publishes and what kubeseal accepts; it carries the expiry
 * that tells people to re-fetch after a key rotation, and a bare key has none, so accepting one
 * would silently disable the expiry check.
 */
import { X509Certificate, createHash, type KeyObject } from 'node:crypto';
import { SealingError } from './errors.ts';

export { SealingError } from './errors.ts';

export interface SealingCertificate {
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /**
   * `SHA256:<base64>` of the key in SSH wire format: the fingerprint the controller uses to name
   * its keys (pkg/crypto PublicKeyFingerprint), so it can be matched against controller logs.
   */
  fingerprint: string;
  /** SHA-256 of the DER certificate, colon-separated hex (as `openssl x509 -fingerprint`). */
  certificateSha256: string;
  subject: string;
  modulusLength: number;
}

/** Below this, refuse: the controller generates 4096-bit keys; 2048 is the floor anyone should use. */
export const MIN_RSA_BITS = 2048;
/** A freshly rotated certificate starts "now" on the controller's clock; tolerate a little skew. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * PEM blocks as `/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g` finds them, without
 * its cost: the lazy body rescans to the end of the text from every BEGIN that has no END
 * (quadratic on a committed `.pem` of repeated BEGIN lines). The END lines are indexed once by type.
 */
export function pemBlocks(pem: string): Array<{ type: string; body: string }> {
  const ends = new Map<string, number[]>();
  for (let at = pem.indexOf('-----END '); at !== -1; at = pem.indexOf('-----END ', at + 1)) {
    const type = pemType(pem, at + '-----END '.length);
    if (type === undefined) continue;
    const list = ends.get(type);
    if (list) list.push(at);
    else ends.set(type, [at]);
  }
  const blocks: Array<{ type: string; body: string }> = [];
  // BEGINs are visited in order, so each type's END list is walked forward once.
  const cursor = new Map<string, number>();
  let from = 0;
  for (let at = pem.indexOf('-----BEGIN ', from); at !== -1; at = pem.indexOf('-----BEGIN ', from)) {
    from = at + 1;
    const typeStart = at + '-----BEGIN '.length;
    const type = pemType(pem, typeStart);
    if (type === undefined) continue;
    let bodyStart = typeStart + type.length + 5;
    if (pem[bodyStart] === '\r') bodyStart++;
    if (pem[bodyStart] !== '\n') continue;
    bodyStart++;
    const list = ends.get(type) ?? [];
    let index = cursor.get(type) ?? 0;
    while (index < list.length && list[index]! < bodyStart) index++;
    cursor.set(type, index);
    const end = list[index];
    if (end === undefined) continue;
    blocks.push({ type, body: pem.slice(bodyStart, end) });
    from = end + '-----END '.length + type.length + 5;
  }
  return blocks;
}

/** The `[A-Z0-9 ]+` type at `start` when `-----` follows it. */
function pemType(pem: string, start: number): string | undefined {
  let end = start;
  while (end < pem.length && /[A-Z0-9 ]/.test(pem[end]!)) end++;
  return end > start && pem.startsWith('-----', end) ? pem.slice(start, end) : undefined;
}

export function loadSealingCertificate(pem: string, now: Date = new Date()): SealingCertificate {
  const blocks = pemBlocks(pem);

  if (blocks.some((b) => b.type.endsWith('PRIVATE KEY'))) {
    // Sealing needs only the public certificate; a private key next to it is one `git add` away
    // from defeating Sealed Secrets entirely.
    throw new SealingError(
      'CERT_HAS_PRIVATE_KEY',
      'the certificate file also contains a PRIVATE KEY; sealing only needs the public certificate (kubeseal --fetch-cert), keep the private key out of the repository',
    );
  }
  const certBlock = blocks.find((b) => b.type === 'CERTIFICATE');
  if (!certBlock) {
    if (blocks.some((b) => b.type === 'PUBLIC KEY' || b.type === 'RSA PUBLIC KEY')) {
      throw new SealingError(
        'CERT_BARE_PUBLIC_KEY',
        'expected the controller certificate (kubeseal --fetch-cert), got a bare public key; a bare key has no expiry to check, so it is not accepted',
      );
    }
    throw new SealingError('CERT_NOT_FOUND', 'no PEM CERTIFICATE block found; pass the output of kubeseal --fetch-cert');
  }

  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(certBlock.body.replace(/\s+/g, ''), 'base64'));
  } catch {
    throw new SealingError('CERT_PARSE', 'the first CERTIFICATE block is not a valid X.509 certificate');
  }

  const subject = cert.subject.replace(/\n/g, ', ');
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    throw new SealingError('CERT_PARSE', `cannot read the validity dates of certificate ${subject}`);
  }
  if (now.getTime() > notAfter.getTime()) {
    throw new SealingError(
      'CERT_EXPIRED',
      `sealing certificate ${subject} expired on ${notAfter.toISOString()}; fetch the controller's current certificate (kubeseal --fetch-cert)`,
    );
  }
  if (now.getTime() + CLOCK_SKEW_MS < notBefore.getTime()) {
    throw new SealingError(
      'CERT_NOT_YET_VALID',
      `sealing certificate ${subject} is not valid before ${notBefore.toISOString()}; check the certificate and this machine's clock`,
    );
  }

  const publicKey = cert.publicKey;
  // 'rsa-pss' keys are refused too: Go's crypto/x509 (the controller, kubeseal) cannot use them.
  if (publicKey.asymmetricKeyType !== 'rsa') {
    throw new SealingError(
      'CERT_NOT_RSA',
      `expected an RSA public key in certificate ${subject}, found ${publicKey.asymmetricKeyType ?? 'unknown'}; Sealed Secrets only seals with RSA`,
    );
  }
  const modulusLength = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (modulusLength < MIN_RSA_BITS) {
    throw new SealingError('CERT_WEAK_KEY', `the RSA key of certificate ${subject} has ${modulusLength} bits; at least ${MIN_RSA_BITS} are required`);
  }

  return {
    publicKey,
    notBefore,
    notAfter,
    fingerprint: sshFingerprint(publicKey),
    certificateSha256: cert.fingerprint256,
    subject,
    modulusLength,
  };
}

/** `SHA256:` + unpadded base64 of sha256(string "ssh-rsa" || mpint e || mpint n), as ssh-keygen -l. */
export function sshFingerprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new SealingError('CERT_NOT_RSA', 'not an RSA public key');
  }
  const wire = Buffer.concat([
    sshString(Buffer.from('ssh-rsa')),
    sshString(mpint(Buffer.from(jwk.e, 'base64url'))),
    sshString(mpint(Buffer.from(jwk.n, 'base64url'))),
  ]);
  return `SHA256:${createHash('sha256').update(wire).digest('base64').split('=', 1)[0]}`;
}

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length, 0);
  return Buffer.concat([length, bytes]);
}

/** SSH mpint: minimal big-endian, with a leading zero byte when the top bit is set (positive). */
function mpint(unsigned: Buffer): Buffer {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start++;
  const trimmed = unsigned.subarray(start);
  return (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
}
