/**
 * CIDR arithmetic for ipBlock peers, IPv4 and IPv6, on bigints: a CIDR is the closed range
 * [first, last] of its family. A bare address is its host CIDR (/32 or /128).
 */

export interface CidrRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
  prefix: number;
  text: string;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused, as Go's net/netip does (they were once read as octal).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let embeddedV4: bigint | undefined;
  // A trailing dotted quad (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.')) {
    embeddedV4 = parseIPv4(head.slice(lastColon + 1));
    if (embeddedV4 === undefined) return undefined;
    head = head.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] ?? '');
  const right = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (embeddedV4 !== undefined) value = (value & ~0xffffffffn) | embeddedV4;
  return value;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a bare address; undefined when it is not one. */
export function parseCidr(text: string): CidrRange | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = slash < 0 ? trimmed : trimmed.slice(0, slash);
  const family: 4 | 6 = address.includes(':') ? 6 : 4;
  const bits = family === 4 ? 32 : 128;
  const value = family === 4 ? parseIPv4(address) : parseIPv6(address);
  if (value === undefined) return undefined;
  let prefix = bits;
  if (slash >= 0) {
    const prefixText = trimmed.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
    prefix = Number(prefixText);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  // Host bits set in the address (10.1.2.3/8) are masked off, as the dataplanes do.
  const first = (value >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  return { family, first, last, prefix, text: trimmed };
}

/** Whether `inner` lies wholly inside `outer`. */
export function cidrContains(outer: CidrRange, inner: CidrRange): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function cidrOverlaps(a: CidrRange, b: CidrRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
