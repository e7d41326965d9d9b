import { describe, expect, it } from 'vitest';
import { cidrContains, cidrOverlaps, parseCidr } from '../../src/netpol/index.ts';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', 4, '10.0.0.0', '10.255.255.255'],
    ['10.1.2.3/8', 4, '10.0.0.0', '10.255.255.255'],
    ['8.8.8.8', 4, '8.8.8.8', '8.8.8.8'],
    ['0.0.0.0/0', 4, '0.0.0.0', '255.255.255.255'],
  ])('%s', (text, family, first, last) => {
    const range = parseCidr(text)!;
    const v4 = (n: bigint): string => [24n, 16n, 8n, 0n].map((s) => ((n >> s) & 255n).toString()).join('.');
    expect([range.family, v4(range.first), v4(range.last)]).toEqual([family, first, last]);
  });

  it('reads IPv6 with compression and embedded IPv4', () => {
    expect(parseCidr('2001:db8::/32')!.first).toBe(0x20010db8n << 96n);
    expect(parseCidr('::/0')!.last).toBe((1n << 128n) - 1n);
    expect(parseCidr('::ffff:10.0.0.1')!.first).toBe((0xffffn << 32n) | 0x0a000001n);
    expect(parseCidr('fe80::1/128')!.prefix).toBe(128);
  });

  it.each(['10.0.0.256/8', '10.0.0/8', '10.0.0.0/33', '010.0.0.0/8', '2001:db8::/129', '1::2::3', 'x', '10.0.0.0/-1'])('rejects %s', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('containment and overlap stay within a family', () => {
    const all4 = parseCidr('0.0.0.0/0')!;
    expect(cidrContains(all4, parseCidr('8.8.8.8')!)).toBe(true);
    expect(cidrContains(all4, parseCidr('2001:db8::1')!)).toBe(false);
    expect(cidrContains(parseCidr('10.0.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(false);
    expect(cidrOverlaps(parseCidr('10.0.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(cidrOverlaps(parseCidr('10.1.0.0/16')!, parseCidr('10.2.0.0/16')!)).toBe(false);
  });
});
