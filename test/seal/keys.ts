/** Test-only keys and certificates from fixtures/keys (see its README). */
import { readFileSync } from 'node:fs';
import { createPrivateKey, type KeyObject } from 'node:crypto';

const dir = new URL('../../fixtures/keys/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(new URL(name, dir), 'utf8');
}

export function privateKey(name: string): KeyObject {
  return createPrivateKey(fixture(name));
}

export const CERT_4096 = fixture('sealing-4096.crt');
export const CERT_2048 = fixture('sealing-2048.crt');
export const KEY_4096 = privateKey('sealing-4096.key');
export const KEY_2048 = privateKey('sealing-2048.key');
/** `ssh-keygen -lf` of the 4096-bit key, computed once with OpenSSH when the fixtures were made. */
export const FINGERPRINT_4096 = 'SHA256:AUH7DxUxRNMXskXBoZw8fJzVEVwPT4p4xW2X2KRE808';
export const FINGERPRINT_2048 = 'SHA256:rMW1KA6ZDJoilGAyudzXtChHNuzLAZ2SRGQ1vleYI1E';
/** A fixed "now" inside every valid fixture's validity window, so tests do not age. */
export const NOW = new Date('2030-01-01T00:00:00Z');

/** Every plaintext a test uses, in the forms a leak could take (clear, base64, hex). */
export function leakForms(plaintexts: Array<string | Buffer>): string[] {
  return plaintexts.flatMap((p) => {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    return [b.toString('utf8'), b.toString('base64'), b.toString('base64').replace(/=+$/, ''), b.toString('hex')].filter((s) => s.length >= 6);
  });
}

export function expectNoLeak(text: string, plaintexts: Array<string | Buffer>): void {
  for (const form of leakForms(plaintexts)) {
    if (text.includes(form)) throw new Error(`plaintext leaked (form of length ${form.length})`);
  }
}
