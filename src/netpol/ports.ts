/**
 * Port sets as sorted, merged ranges per protocol. Connectivity is decided on ranges, never by
 * walking the 65535 ports one by one.
 */
import type { PortRange, Protocol } from './model.ts';
import { PROTOCOLS } from './model.ts';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export function isProtocol(value: unknown): value is Protocol {
  return PROTOCOLS.some((protocol) => protocol === value);
}

/** A container port name as Kubernetes validates it (IsValidPortName, an IANA service name). */
export function isValidPortName(name: string): boolean {
  return name.length >= 1 && name.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && /[a-z]/.test(name) && !name.includes('--');
}

const PROTOCOL_ORDER: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** Sorts (by protocol, then port) and merges overlapping or adjacent ranges of the same protocol. */
export function mergeRanges(ranges: readonly PortRange[]): PortRange[] {
  const sorted = [...ranges].sort((a, b) => PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol] || a.from - b.from);
  const out: PortRange[] = [];
  let current: PortRange | undefined;
  for (const r of sorted) {
    if (current && current.protocol === r.protocol && r.from <= current.to + 1) current.to = Math.max(current.to, r.to);
    else {
      current = { protocol: r.protocol, from: r.from, to: r.to };
      out.push(current);
    }
  }
  return out;
}

/** The ports in both sets (each input merged or not). */
export function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const left = mergeRanges(a);
  const right = mergeRanges(b);
  const out: PortRange[] = [];
  for (const x of left) {
    for (const y of right) {
      if (x.protocol !== y.protocol) continue;
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (from <= to) out.push({ protocol: x.protocol, from, to });
    }
  }
  return mergeRanges(out);
}

export const ALL_PORT_RANGES: readonly PortRange[] = PROTOCOLS.map((protocol) => ({
  protocol,
  from: MIN_PORT,
  to: MAX_PORT,
}));
