/**
 * `bplus netpol [DIR] [--format text|json|mermaid] [--config FILE] [--environment ENV]`: who may
 * reach whom in the production namespace, on which ports, because of which NetworkPolicy rule,
 * and whether that matches the declared service graph. Exit 0 when the matrix was printed (a
 * graph violation is TR-K8S-7's business, not a reason to fail here), 2 on usage or
 * configuration errors.
 */
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CONFIG_PATH, parseConfig, type LoadedConfig } from '../config/load.ts';
import { connectivityOf, defaultEnvironment, repositoryConnections, serviceGraphOf } from '../engine/connectivity.ts';
import { loadRepository } from '../model/repository.ts';
import { checkServiceGraph, formatMatrix, type ConnectivityMatrix, type MatrixFormat } from '../netpol/index.ts';
import { Jail, readNamedFile } from '../source/jail.ts';
import { LocalSource } from '../source/local.ts';
import type { CliIO } from './main.ts';

const USAGE = 'Usage: bplus netpol [DIR] [--format text|json|mermaid] [--config FILE] [--environment ENV]';
const FORMATS: readonly MatrixFormat[] = ['text', 'json', 'mermaid'];

class NetpolUsageError extends Error {}

export async function runNetpolCommand(args: string[], io: CliIO): Promise<number> {
  try {
    return await netpol(args, io);
  } catch (error) {
    if (error instanceof NetpolUsageError || isParseArgsError(error)) {
      io.stderr(`bplus netpol: ${(error as Error).message}\n${USAGE}\n`);
      return 2;
    }
    io.stderr(`bplus netpol: ${(error as Error).message ?? String(error)}\n`);
    return 2;
  }
}

async function netpol(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', default: 'text' },
      config: { type: 'string' },
      environment: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) throw new NetpolUsageError(`netpol takes one directory, got ${positionals.length}`);
  const format = values.format as MatrixFormat;
  if (!FORMATS.includes(format)) throw new NetpolUsageError(`--format must be one of ${FORMATS.join(', ')}, not "${values.format}"`);
  const dir = positionals[0] ?? '.';
  const isDirectory = await stat(dir).then((s) => s.isDirectory(), () => false);
  if (!isDirectory) throw new NetpolUsageError(`${dir}: not a directory`);

  const loaded = await readConfiguration(dir, values.config);
  if (loaded.problems.length > 0) {
    for (const p of loaded.problems) io.stderr(`${p.path}:${p.line}:${p.column}: ${p.message}\n`);
    return 2;
  }
  const config = loaded.config;
  const environment = values.environment ?? defaultEnvironment(config);
  if (!config.production.environments.includes(environment)) {
    throw new NetpolUsageError(`--environment must be one of the production environments (${config.production.environments.join(', ')}), not "${environment}"`);
  }

  const model = await loadRepository(new LocalSource(dir), config);
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
        violations: violations.map((v) => ({ kind: v.kind, from: v.from, to: v.to, fromEndpoint: v.fromEndpoint, toEndpoint: v.toEndpoint, message: v.message })),
      },
    };
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  } else if (format === 'mermaid') {
    io.stdout(formatMatrix(view, 'mermaid'));
  } else {
    const services = view.endpoints.filter((e) => !e.virtual).length;
    io.stdout(`# NetworkPolicy connectivity of namespace ${namespace} (environment ${environment}): ${view.connections.length} connection(s), ${services} workload(s)\n`);
    io.stdout(formatMatrix(view, 'text'));
    if (violations.length === 0) io.stdout('\n# service graph: the connectivity matches the declared graph\n');
    else {
      io.stdout(`\n# service graph: ${violations.length} violation(s)\n`);
      for (const v of violations) io.stdout(`- ${v.kind}: ${v.message}\n`);
    }
  }
  return 0;
}

async function readConfiguration(dir: string, configFile: string | undefined): Promise<LoadedConfig> {
  const jail = new Jail(dir);
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readNamedFile(jail, configFile).toString('utf8');
    } catch (error) {
      throw new NetpolUsageError(`--config ${configFile}: ${(error as Error).message}`);
    }
    return parseConfig(text, configFile);
  }
  let text: string | undefined;
  try {
    text = jail.readTextIfExists(CONFIG_PATH);
  } catch (error) {
    // A link out of the repository, a directory, a loop: a problem on the configuration, never its target.
    const at = { path: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1 };
    return { config: parseConfig('').config, problems: [{ ...at, code: 'config-invalid', message: `configuration could not be read: ${(error as Error).message}` }] };
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

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
