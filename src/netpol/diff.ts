/** What a change does to connectivity: connections the head allows that the base did not, and back. */
import type { Connection, ConnectivityMatrix } from './model.ts';

export interface ConnectivityDiff {
  added: Connection[];
  removed: Connection[];
}

function keyOf(c: Connection): string {
  return `${c.from}\u0000${c.to}\u0000${c.protocol}\u0000${c.port}`;
}

/** Endpoints are compared by id (`namespace/name`), so a renamed workload shows as removed + added. */
export function diffConnectivity(base: ConnectivityMatrix, head: ConnectivityMatrix): ConnectivityDiff {
  const baseKeys = new Set(base.connections.map(keyOf));
  const headKeys = new Set(head.connections.map(keyOf));
  return {
    added: head.connections.filter((c) => !baseKeys.has(keyOf(c))),
    removed: base.connections.filter((c) => !headKeys.has(keyOf(c))),
  };
}

/** `now allowed: api-gateway → postgresql TCP 5432` / `no longer allowed: …`, one line per change. */
export function describeDiff(diff: ConnectivityDiff, matrix?: Pick<ConnectivityMatrix, 'endpoint' | 'identity'>): string[] {
  const name = (id: string): string => {
    const endpoint = matrix?.endpoint(id);
    return endpoint ? matrix!.identity(endpoint) : id;
  };
  const line = (prefix: string, c: Connection): string => `${prefix}: ${name(c.from)} → ${name(c.to)} ${c.protocol} ${c.port}`;
  return [...diff.added.map((c) => line('now allowed', c)), ...diff.removed.map((c) => line('no longer allowed', c))];
}
