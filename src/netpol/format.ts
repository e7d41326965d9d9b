/** Renderings of a connectivity matrix: a readable list, JSON for tools, a Mermaid flowchart for PR comments. */
import type { Connection, ConnectivityMatrix, DirectionVerdict } from './model.ts';

export type MatrixFormat = 'text' | 'json' | 'mermaid';

function verdictText(v: DirectionVerdict): string {
  return v === 'unrestricted' ? 'unrestricted' : v.map((r) => `${r.policy}@${r.path.join('.')}`).join(', ');
}

/** Connections grouped per endpoint pair, pairs sorted, ports sorted. */
function groupByPair(connections: readonly Connection[]): Array<{ from: string; to: string; items: Connection[] }> {
  const groups = new Map<string, { from: string; to: string; items: Connection[] }>();
  for (const c of connections) {
    const key = `${c.from}\u0000${c.to}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { from: c.from, to: c.to, items: [] }));
    group.items.push(c);
  }
  const sorted = [...groups.values()].sort((a, b) => (a.from + '\u0000' + a.to).localeCompare(b.from + '\u0000' + b.to));
  for (const g of sorted) g.items.sort((a, b) => a.protocol.localeCompare(b.protocol) || a.port - b.port);
  return sorted;
}

function mermaidId(id: string): string {
  return 'n_' + id.replace(/[^A-Za-z0-9_]/g, '_');
}

export function formatMatrix(matrix: ConnectivityMatrix, format: MatrixFormat): string {
  const groups = groupByPair(matrix.connections);
  if (format === 'json') {
    return JSON.stringify(
      {
        endpoints: matrix.endpoints.map((e) => ({
          id: e.id,
          service: matrix.identity(e),
          namespace: e.namespace,
          name: e.name,
          kind: e.kind,
          ports: e.ports,
          ...(e.external ? { external: true, cidr: e.cidr } : {}),
        })),
        connections: groups.flatMap((g) =>
          g.items.map((c) => ({
            from: c.from,
            to: c.to,
            port: c.port,
            protocol: c.protocol,
            egress: c.allowedBy.egress === 'unrestricted' ? 'unrestricted' : c.allowedBy.egress.map(refJson),
            ingress: c.allowedBy.ingress === 'unrestricted' ? 'unrestricted' : c.allowedBy.ingress.map(refJson),
          })),
        ),
      },
      null,
      2,
    );
  }
  if (format === 'mermaid') {
    const lines = ['flowchart LR'];
    for (const e of matrix.endpoints) lines.push(`  ${mermaidId(e.id)}["${matrix.identity(e)}<br/>${e.id}"]`);
    for (const g of groups) {
      const label = g.items.map((c) => `${c.protocol} ${c.port}`).join(', ');
      lines.push(`  ${mermaidId(g.from)} -->|"${label}"| ${mermaidId(g.to)}`);
    }
    return lines.join('\n') + '\n';
  }
  const lines: string[] = [];
  for (const g of groups) {
    lines.push(`${g.from} → ${g.to}`);
    for (const c of g.items) {
      lines.push(`  ${c.protocol} ${c.port}  egress: ${verdictText(c.allowedBy.egress)}; ingress: ${verdictText(c.allowedBy.ingress)}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : 'no connection is allowed\n';
}

function refJson(r: { policy: string; namespace: string; path: readonly (string | number)[] }): object {
  return { policy: r.policy, namespace: r.namespace, path: r.path };
}
