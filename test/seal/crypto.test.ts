import { constants, createDecipheriv, createPublicKey, privateDecrypt, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hybridDecrypt, hybridEncrypt, NO_KEY_COULD_DECRYPT } from '../../src/seal/crypto.ts';
import { CERT_2048, CERT_4096, KEY_2048, KEY_4096 } from './keys.ts';

const PUB_4096 = createPublicKey(CERT_4096);
const PUB_2048 = createPublicKey(CERT_2048);
const LABEL = Buffer.from('myns/mysecret');

describe('hybridEncrypt: wire format', () => {
  it('is uint16BE(512) || 512-byte RSA || AES-GCM ciphertext || 16-byte tag for a 4096-bit key', () => {
    const plaintext = Buffer.from('supersecret');
    const out = hybridEncrypt(PUB_4096, plaintext, LABEL);
    expect(out.readUInt16BE(0)).toBe(512);
    expect([out[0], out[1]]).toEqual([0x02, 0x00]);
    expect(out.length).toBe(2 + 512 + plaintext.length + 16);
    // "AgB…" is the common sight, but the third character carries the top two bits of the RSA
    // ciphertext's first byte: any of A-D occurs.
    expect(out.toString('base64')).toMatch(/^Ag[A-D]/);
  });

  it('uses a 256-byte RSA part for a 2048-bit key', () => {
    const out = hybridEncrypt(PUB_2048, Buffer.from('x'), LABEL);
    expect(out.readUInt16BE(0)).toBe(256);
    expect(out.toString('base64')).toMatch(/^AQ[A-D]/);
  });

  it('decrypts with plain node:crypto calls, step by step (independent of hybridDecrypt)', () => {
    const plaintext = randomBytes(300);
    const out = hybridEncrypt(PUB_4096, plaintext, LABEL);
    const rsaLength = out.readUInt16BE(0);
    const sessionKey = privateDecrypt(
      { key: KEY_4096, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: LABEL },
      out.subarray(2, 2 + rsaLength),
    );
    expect(sessionKey.length).toBe(32);
    const aes = out.subarray(2 + rsaLength);
    const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
    decipher.setAuthTag(aes.subarray(aes.length - 16));
    const clear = Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
    expect(clear.equals(plaintext)).toBe(true);
  });

  it('draws a fresh session key each time (never the same ciphertext twice)', () => {
    const a = hybridEncrypt(PUB_2048, Buffer.from('same'), LABEL);
    const b = hybridEncrypt(PUB_2048, Buffer.from('same'), LABEL);
    expect(a.equals(b)).toBe(false);
    expect(a.subarray(2 + 256).equals(b.subarray(2 + 256))).toBe(false);
  });

  it('refuses a non-RSA key', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => hybridEncrypt(publicKey, Buffer.from('x'), LABEL)).toThrow(/RSA/);
  });
});

describe('hybridDecrypt: as the controller', () => {
  it('round-trips binary, empty and large values exactly', () => {
    for (const plaintext of [Buffer.alloc(0), Buffer.from([0, 255, 0, 10, 13, 0x80]), randomBytes(64 * 1024)]) {
      const out = hybridEncrypt(PUB_4096, plaintext, LABEL);
      expect(hybridDecrypt(KEY_4096, out, LABEL).equals(plaintext)).toBe(true);
    }
  });

  it('round-trips the empty (cluster-wide) label', () => {
    const out = hybridEncrypt(PUB_2048, Buffer.from('v'), Buffer.alloc(0));
    expect(hybridDecrypt(KEY_2048, out, Buffer.alloc(0)).toString()).toBe('v');
    expect(() => hybridDecrypt(KEY_2048, out, Buffer.from('ns'))).toThrow(NO_KEY_COULD_DECRYPT);
  });

  it('tries every key, like the controller after a key rotation', () => {
    const out = hybridEncrypt(PUB_2048, Buffer.from('rotated'), LABEL);
    expect(hybridDecrypt([KEY_4096, KEY_2048], out, LABEL).toString()).toBe('rotated');
  });

  it.each([
    ['another label', (c: Buffer) => c, Buffer.from('myns/other'), KEY_4096],
    ['another key', (c: Buffer) => c, LABEL, KEY_2048],
    ['a flipped ciphertext bit', (c: Buffer) => flip(c, c.length - 20), LABEL, KEY_4096],
    ['a flipped tag bit', (c: Buffer) => flip(c, c.length - 1), LABEL, KEY_4096],
    ['a flipped RSA bit', (c: Buffer) => flip(c, 100), LABEL, KEY_4096],
    ['one byte', (c: Buffer) => c.subarray(0, 1), LABEL, KEY_4096],
    ['a truncated RSA part', (c: Buffer) => c.subarray(0, 300), LABEL, KEY_4096],
    ['no tag', (c: Buffer) => c.subarray(0, 2 + 512 + 5), LABEL, KEY_4096],
    ['a wrong length prefix', (c: Buffer) => Buffer.concat([Buffer.from([0x01, 0xff]), c.subarray(2)]), LABEL, KEY_4096],
  ])('fails with "no key could decrypt secret" on %s', (_what, mangle, label, key) => {
    const out = hybridEncrypt(PUB_4096, Buffer.from('secret'), LABEL);
    expect(() => hybridDecrypt(key, mangle(out), label)).toThrow(NO_KEY_COULD_DECRYPT);
  });
});

function flip(buffer: Buffer, index: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}
