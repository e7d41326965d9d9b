import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);

/**
 * Files changed between REF and the working tree (committed, staged, unstaged and untracked),
 * relative to `dir`, the way a pull request's diff would list them.
 */
export async function changedFilesSince(dir: string, ref: string): Promise<string[]> {
  const git = async (...args: string[]): Promise<string> => {
    try {
      return (await run('git', args, { cwd: dir, maxBuffer: 64 * 1024 * 1024 })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`--changed-since ${ref}: git ${args[0]} failed${stderr ? `: ${stderr}` : ''}`);
    }
  };
  const top = (await git('rev-parse', '--show-toplevel')).trim();
  const prefix = path.relative(top, path.resolve(dir)).split(path.sep).join('/');
  const changed = await git('diff', '--name-only', '--no-renames', ref, '--', '.');
  const untracked = await git('ls-files', '--others', '--exclude-standard', '--full-name', '--', '.');
  const files = `${changed}\n${untracked}`.split('\n').filter(Boolean);
  return files.map((f) => (prefix && f.startsWith(`${prefix}/`) ? f.slice(prefix.length + 1) : f));
}
