/**
 * Runs Helm as a sandboxed child process: private HELM_CACHE_HOME/CONFIG_HOME/DATA_HOME (nothing
 * of the user's ~/.config/helm is read, no repository is known, so nothing can reach a network),
 * no plugins, no kubeconfig, a timeout and a cap on what it may print. Callers separate options
 * from operands with `--`; nothing here goes through a shell.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveHelm, type HelmBinary } from './binary.ts';

export const HELM_TIMEOUT_MS = 60_000;
/** Helm's stdout cap: a rendered chart larger than this is refused, not buffered without end. */
export const HELM_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Helm exited non-zero, timed out, printed too much or could not start. */
export class HelmError extends Error {
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'HelmError';
  }
}

let helmHome: Promise<string> | undefined;

/** One private HELM_*_HOME root per process, removed on exit. */
function privateHelmHome(): Promise<string> {
  helmHome ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'bplus-helm-home-'));
    await Promise.all(['cache', 'config', 'data'].map((d) => mkdir(path.join(dir, d), { recursive: true })));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  })();
  return helmHome;
}

let chosen: Promise<HelmBinary> | undefined;

/** The Helm this process runs (resolved once). */
export function helmBinary(): Promise<HelmBinary> {
  chosen ??= resolveHelm();
  chosen.catch(() => {
    chosen = undefined;
  });
  return chosen;
}

export interface RunHelmOptions {
  cwd?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** Runs `helm <args>` and resolves with stdout; rejects with a HelmError quoting Helm's stderr. */
export async function runHelm(args: readonly string[], options: RunHelmOptions = {}): Promise<string> {
  const [bin, home] = await Promise.all([helmBinary(), privateHelmHome()]);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
    KUBECONFIG: path.join(home, 'no-kubeconfig'),
    HELM_NO_PLUGINS: '1',
  };
  return new Promise((resolve, reject) => {
    execFile(
      bin.path,
      [...args],
      {
        cwd: options.cwd,
        env,
        maxBuffer: options.maxOutputBytes ?? HELM_MAX_OUTPUT_BYTES,
        timeout: options.timeoutMs ?? HELM_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve(stdout);
          return;
        }
        const code = typeof error.code === 'number' ? error.code : null;
        const why = error.killed
          ? `killed after ${options.timeoutMs ?? HELM_TIMEOUT_MS} ms`
          : error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
            ? 'output over the size cap'
            : `exit ${code ?? String(error.code)}`;
        reject(new HelmError(`helm ${args.join(' ')} failed (${why}):\n${stderr.trim() || error.message}`, args, code, stdout, stderr));
      },
    );
  });
}
