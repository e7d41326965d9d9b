import { describe, expect, it } from 'vitest';
import { loadSealingCertificate, SealingError } from '../../src/seal/certificate.ts';
import { errorMessage } from '../../src/yaml/format-value.ts';
import { CERT_2048, CERT_4096, FINGERPRINT_2048, FINGERPRINT_4096, fixture, NOW } from './keys.ts';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SealingError)) throw new Error(`expected a SealingError, got ${errorMessage(e)}`);
    return e.code;
  }
  return undefined;
}

describe('loadSealingCertificate', () => {
  it('loads the controller-style 4096-bit certificate', () => {
    const cert = loadSealingCertificate(CERT_4096, NOW);
    expect(cert.publicKey.asymmetricKeyType).toBe('rsa');
    expect(cert.modulusLength).toBe(4096);
    expect(cert.notAfter.getUTCFullYear()).toBe(2036);
    expect(cert.notBefore.getTime()).toBeLessThan(cert.notAfter.getTime());
    expect(cert.subject).toContain('CN=sealed-secret');
    expect(cert.certificateSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it("names the key with the controller's fingerprint (ssh-keygen -l SHA256)", () => {
    expect(loadSealingCertificate(CERT_4096, NOW).fingerprint).toBe(FINGERPRINT_4096);
    expect(loadSealingCertificate(CERT_2048, NOW).fingerprint).toBe(FINGERPRINT_2048);
  });

  it('takes the first certificate of a bundle, as kubeseal', () => {
    expect(loadSealingCertificate(CERT_2048 + CERT_4096, NOW).modulusLength).toBe(2048);
    expect(loadSealingCertificate(`some text\n${CERT_4096}\n${CERT_2048}`, NOW).modulusLength).toBe(4096);
  });

  it('accepts CRLF PEM', () => {
    expect(loadSealingCertificate(CERT_4096.replace(/\n/g, '\r\n'), NOW).fingerprint).toBe(FINGERPRINT_4096);
  });

  it('refuses an expired certificate, saying when it expired', () => {
    expect(codeOf(() => loadSealingCertificate(fixture('expired.crt'), NOW))).toBe('CERT_EXPIRED');
    expect(() => loadSealingCertificate(fixture('expired.crt'), NOW)).toThrow(/expired on 2021-01-01.*kubeseal --fetch-cert/);
    // and the valid one once its own date has passed (default "now" is the real clock)
    expect(codeOf(() => loadSealingCertificate(CERT_4096, new Date('2036-07-01T00:00:00Z')))).toBe('CERT_EXPIRED');
  });

  it('refuses a certificate that is not valid yet, with a little clock-skew tolerance', () => {
    expect(codeOf(() => loadSealingCertificate(fixture('not-yet-valid.crt'), NOW))).toBe('CERT_NOT_YET_VALID');
    const notBefore = loadSealingCertificate(CERT_4096, NOW).notBefore;
    expect(() => loadSealingCertificate(CERT_4096, new Date(notBefore.getTime() - 60_000))).not.toThrow();
    expect(codeOf(() => loadSealingCertificate(CERT_4096, new Date(notBefore.getTime() - 3_600_000)))).toBe('CERT_NOT_YET_VALID');
  });

  it('refuses a non-RSA (EC) certificate', () => {
    expect(codeOf(() => loadSealingCertificate(fixture('ec-p256.crt'), NOW))).toBe('CERT_NOT_RSA');
    expect(() => loadSealingCertificate(fixture('ec-p256.crt'), NOW)).toThrow(/expected an RSA public key.*found ec/);
  });

  it('refuses an RSA key under 2048 bits', () => {
    expect(codeOf(() => loadSealingCertificate(fixture('weak-1024.crt'), NOW))).toBe('CERT_WEAK_KEY');
  });

  it('refuses a bare public key (no expiry to check): decision documented in certificate.ts', () => {
    expect(codeOf(() => loadSealingCertificate(fixture('sealing-4096.pub.pem'), NOW))).toBe('CERT_BARE_PUBLIC_KEY');
  });

  it('refuses a file that also holds a private key', () => {
    const withKey = CERT_4096 + fixture('sealing-2048.key');
    expect(codeOf(() => loadSealingCertificate(withKey, NOW))).toBe('CERT_HAS_PRIVATE_KEY');
  });

  it('refuses garbage', () => {
    expect(codeOf(() => loadSealingCertificate('', NOW))).toBe('CERT_NOT_FOUND');
    expect(codeOf(() => loadSealingCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', NOW))).toBe('CERT_PARSE');
  });
});
