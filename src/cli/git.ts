import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';

const run = promisify(execFile);

/**
 * Files changed between REF and the working tree (committed, staged, unstaged and untracked),
 * relative to `dir`, the way a pull request's diff would list them.
 *
 * REF reaches git only as a value, never as an option: it is refused when it starts with `-`,
 * checked with `rev-parse --verify --end-of-options` (which resolves it to a commit, so a
 * `--output=FILE` or any other option text is an unknown revision, not an instruction), and only
 * the resolved commit id is passed on, before `--`.
 */
export async function changedFilesSince(dir: string, ref: string): Promise<string[]> {
  const git = async (...args: string[]): Promise<string> => {
    try {
      return (await run('git', args, { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: gitEnvironment() })).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim();
      throw new Error(`--changed-since ${ref}: git ${args[0]} failed${stderr ? `: ${stderr}` : ''}`);
    }
  };
  const commit = await resolveCommit(git, ref);
  const top = (await git('rev-parse', '--show-toplevel')).trim();
  const prefix = path.relative(top, path.resolve(dir)).split(path.sep).join('/');
  const changed = await git('diff', '--name-only', '--no-renames', '--no-ext-diff', '--no-textconv', commit, '--', '.');
  const untracked = await git('ls-files', '--others', '--exclude-standard', '--full-name', '--', '.');
  const files = `${changed}\n${untracked}`.split('\n').filter(Boolean);
  return files.map((f) => (prefix && f.startsWith(`${prefix}/`) ? f.slice(prefix.length + 1) : f));
}

/** A full commit id for REF, or an error saying REF is not a revision. */
export async function resolveCommit(git: (...args: string[]) => Promise<string>, ref: string): Promise<string> {
  if (ref === '' || ref.startsWith('-') || /[\0\n\r]/.test(ref)) {
    throw new Error(`--changed-since ${JSON.stringify(ref)}: not a git revision`);
  }
  const commit = (await git('rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`)).trim();
  if (!/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(commit)) throw new Error(`--changed-since ${ref}: not a git revision`);
  return commit;
}

/**
 * The environment for git: the repository under review must not configure what git runs. A
 * checkout's own `.git/config` can name programs (diff drivers, fsmonitor, pagers); these are
 * switched off per invocation.
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_CONFIG_COUNT: '3',
    GIT_CONFIG_KEY_0: 'core.fsmonitor',
    GIT_CONFIG_VALUE_0: 'false',
    GIT_CONFIG_KEY_1: 'core.pager',
    GIT_CONFIG_VALUE_1: 'cat',
    GIT_CONFIG_KEY_2: 'diff.external',
    GIT_CONFIG_VALUE_2: '',
    GIT_TERMINAL_PROMPT: '0',
  };
}
