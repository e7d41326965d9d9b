/**
 * `bplus netpol [DIR] [--format text|json|mermaid] [--config FILE] [--environment ENV]`: who may
 * reach whom in the production namespace, on which ports, because of which NetworkPolicy rule,
 * and whether that matches the declared service graph. Exit 0 when the connectivity matches the
 * declared graph, 1 when it violates it (a forbidden edge is reachable, a declared one is blocked),
 * 2 on usage or configuration errors. Every file that could not be read is a warning on stderr,
 * since the matrix may then miss its policies.
 */
import { stat } from 'node:fs/promises';
import { CONFIG_PATH, parseConfig, type LoadedConfig } from '../config/load.ts';
import { connectivityOf, defaultEnvironment, repositoryConnections, serviceGraphOf } from '../engine/connectivity.ts';
import { loadRepository } from '../model/repository.ts';
import { checkServiceGraph, formatMatrix, type ConnectivityMatrix, type MatrixFormat } from '../netpol/index.ts';
import { Jail, readNamedFile } from '../source/jail.ts';
import { LocalSource } from '../source/local.ts';
import type { GraphViolation } from '../netpol/graph.ts';
import { UsageError, parseCommandArgs, stringValue, usageFailure } from './args.ts';
import type { CliIO } from './io.ts';
import { packageVersion } from './version.ts';

const USAGE = `Usage: bplus netpol [DIR] [--format text|json|mermaid] [--config FILE] [--environment ENV]

Who can reach whom in the production namespace under the NetworkPolicies, on which ports and
because of which rule, checked against the declared service graph (network.allow/forbid).
Mermaid draws forbidden edges that are reachable in red and declared edges that are blocked as
dashed crossed lines.
Exit codes: 0 the connectivity matches the declared graph, 1 it violates it, 2 usage or configuration error.`;
const FORMATS: readonly MatrixFormat[] = ['text', 'json', 'mermaid'];

export async function runNetpolCommand(args: string[], io: CliIO): Promise<number> {
  try {
    return await netpol(args, io);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(io, 'netpol', error, USAGE);
    io.stderr(`bplus netpol: ${(error as Error).message ?? String(error)}\n`);
    return 2;
  }
}

async function netpol(args: string[], io: CliIO): Promise<number> {
  const parsed = parseCommandArgs('netpol', args, {
    format: { type: 'string', default: 'text' },
    config: { type: 'string' },
    environment: { type: 'string' },
  });
  if (parsed.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (parsed.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  const positionals = parsed.positionals;
  const values = { format: String(parsed.values.format), config: stringValue(parsed, 'config'), environment: stringValue(parsed, 'environment') };
  if (positionals.length > 1) throw new UsageError(`netpol takes one directory, got ${positionals.length}`);
  const format = values.format as MatrixFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const dir = positionals[0] ?? '.';
  const isDirectory = await stat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) throw new UsageError(`${dir}: not a directory`);

  const loaded = readConfiguration(dir, values.config);
  if (loaded.problems.length > 0) {
    for (const p of loaded.problems) io.stderr(`${p.path}:${p.line}:${p.column}: ${p.message}\n`);
    return 2;
  }
  const config = loaded.config;
  const environment = values.environment ?? defaultEnvironment(config);
  if (!config.production.environments.includes(environment)) {
    throw new UsageError(`--environment must be one of the production environments (${config.production.environments.join(', ')}), not "${environment}"`);
  }

  const model = await loadRepository(new LocalSource(dir), config);
  for (const problem of model.problems) {
    if (problem.code === 'unknown-kind') continue;
    io.stderr(`warning: ${problem.path}:${problem.line}: not read, so its policies are not in the matrix: ${problem.message}\n`);
  }
  const matrix = connectivityOf(model, environment);
  const view = repositoryView(matrix);
  const violations = checkServiceGraph(matrix, serviceGraphOf(config, matrix));
  for (const problem of matrix.problems) {
    const at = problem.object.locate(problem.path);
    io.stderr(`${problem.severity}: ${at.path}:${at.line}: NetworkPolicy ${problem.object.metadata.name}: ${problem.message}\n`);
  }

  const namespace = config.production.namespace;
  if (format === 'json') {
    const body = JSON.parse(formatMatrix(view, 'json')) as Record<string, unknown>;
    const out = {
      namespace,
      environment,
      ...body,
      serviceGraph: {
        matches: violations.length === 0,
        violations: violations.map((v) => ({
          kind: v.kind,
          from: v.from,
          to: v.to,
          fromEndpoint: v.fromEndpoint,
          toEndpoint: v.toEndpoint,
          message: v.message,
        })),
      },
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else if (format === 'mermaid') {
    io.stdout(mermaidWithViolations(formatMatrix(view, 'mermaid'), violations));
  } else {
    const services = view.endpoints.filter((e) => !e.virtual).length;
    io.stdout(
      `# NetworkPolicy connectivity of namespace ${namespace} (environment ${environment}): ${view.connections.length} connection(s), ${services} workload(s)\n`,
    );
    io.stdout(formatMatrix(view, 'text'));
    if (violations.length === 0) io.stdout('\n# service graph: the connectivity matches the declared graph\n');
    else {
      io.stdout(`\n# service graph: ${violations.length} violation(s)\n`);
      for (const v of violations) io.stdout(`- ${v.kind}: ${v.message}\n`);
    }
  }
  return violations.length === 0 ? 0 : 1;
}

/**
 * The flowchart with the graph's violations drawn apart: a reachable forbidden (or undeclared)
 * edge in thick red, a declared edge that the policies block as a dashed, crossed orange line.
 */
export function mermaidWithViolations(mermaid: string, violations: readonly GraphViolation[]): string {
  const lines = mermaid.replace(/\n$/, '').split('\n');
  const id = (endpoint: string): string => 'n_' + endpoint.replace(/[^A-Za-z0-9_]/g, '_');
  const edges: string[] = [];
  for (const line of lines) {
    const m = /^\s+(\S+) -->\|.*\| (\S+)$/.exec(line);
    if (m) edges.push(`${m[1]}\u0000${m[2]}`);
  }
  const styles: string[] = [];
  const reachable = new Set(violations.filter((v) => v.kind !== 'declared-blocked').map((v) => `${id(v.fromEndpoint)}\u0000${id(v.toEndpoint)}`));
  edges.forEach((edge, index) => {
    if (reachable.has(edge)) styles.push(`  linkStyle ${index} stroke:#d73a49,stroke-width:3px,color:#d73a49`);
  });
  let index = edges.length;
  const blocked = new Set<string>();
  for (const v of violations) {
    if (v.kind !== 'declared-blocked') continue;
    const key = `${id(v.fromEndpoint)}\u0000${id(v.toEndpoint)}`;
    if (blocked.has(key)) continue;
    blocked.add(key);
    lines.push(`  ${id(v.fromEndpoint)} -.-x|"declared, blocked"| ${id(v.toEndpoint)}`);
    styles.push(`  linkStyle ${index++} stroke:#e36209,stroke-dasharray:5 5,color:#e36209`);
  }
  for (const v of violations) {
    if (v.kind === 'declared-blocked') continue;
    const key = `${id(v.fromEndpoint)}\u0000${id(v.toEndpoint)}`;
    if (edges.includes(key)) continue;
    // A violating connection the repository view left out (between two outside peers) is still drawn.
    lines.push(`  ${id(v.fromEndpoint)} -->|"${v.kind}"| ${id(v.toEndpoint)}`);
    styles.push(`  linkStyle ${index++} stroke:#d73a49,stroke-width:3px,color:#d73a49`);
  }
  if (violations.length > 0) lines.push('  %% red: reachable but forbidden by the service graph; dashed orange: declared but blocked');
  return [...lines, ...styles].join('\n') + '\n';
}

function readConfiguration(dir: string, configFile: string | undefined): LoadedConfig {
  const jail = new Jail(dir);
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readNamedFile(jail, configFile).toString('utf8');
    } catch (error) {
      throw new UsageError(`--config ${configFile}: ${(error as Error).message}`);
    }
    return parseConfig(text, configFile);
  }
  let text: string | undefined;
  try {
    text = jail.readTextIfExists(CONFIG_PATH);
  } catch (error) {
    // A link out of the repository, a directory, a loop: a problem on the configuration, never its target.
    const at = { path: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return {
      config: parseConfig('').config,
      problems: [{ ...at, code: 'config-invalid', message: `configuration could not be read: ${(error as Error).message}` }],
    };
  }
  return parseConfig(text ?? '', CONFIG_PATH);
}

/** The matrix without connections between two peers outside the repository (ingress controller → DNS). */
function repositoryView(matrix: ConnectivityMatrix): ConnectivityMatrix {
  const connections = repositoryConnections(matrix);
  return {
    endpoints: matrix.endpoints,
    connections,
    problems: matrix.problems,
    identity: matrix.identity,
    endpoint: (ref) => matrix.endpoint(ref),
    allowed: (from, to, port, protocol) => matrix.allowed(from, to, port, protocol),
    explain: (from, to, port, protocol) => matrix.explain(from, to, port, protocol),
    allowedPorts: (from, to) => matrix.allowedPorts(from, to),
    isolation: (endpoint) => matrix.isolation(endpoint),
  };
}
