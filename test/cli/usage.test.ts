/** Every command answers --help/-h and --version/-v; typos get a suggestion; levels have one set of names. */
import { describe, expect, it } from 'vitest';
import { main, packageVersion } from '../../src/cli/main.ts';
import { BALANCE_PLUS_DIR } from '../helpers/overlay.ts';

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const COMMANDS = ['demo', 'check', 'fix', 'seal', 'netpol', 'rules'];

describe('help and version on every command', () => {
  it.each(
    COMMANDS.flatMap((c) => [
      [c, '--help'],
      [c, '-h'],
    ]),
  )('bplus %s %s', async (command, flag) => {
    const { code, stdout, stderr } = await run(command, flag);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`Usage: bplus ${command}`));
  });

  it.each(
    COMMANDS.flatMap((c) => [
      [c, '--version'],
      [c, '-v'],
    ]),
  )('bplus %s %s', async (command, flag) => {
    const { code, stdout } = await run(command, flag);
    expect(code).toBe(0);
    expect(stdout).toBe(`${packageVersion()}\n`);
  });

  it('bplus --help, -h, help, help check, --version, -v', async () => {
    expect((await run('--help')).stdout).toMatch(/bplus demo \[DIR\]/);
    expect((await run('-h')).code).toBe(0);
    expect((await run('help', 'check')).stdout).toMatch(/Usage: bplus check/);
    expect((await run('--version')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await run('-v')).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(packageVersion()).not.toBe('0.0.0');
  });
});

describe('did you mean', () => {
  it.each([
    [['chek'], /unknown command "chek"; did you mean "bplus check"\?/],
    [['netpl'], /did you mean "bplus netpol"\?/],
    [['rulse'], /did you mean "bplus rules"\?/],
    [['check', BALANCE_PLUS_DIR, '--frmat', 'json'], /check: unknown option --frmat; did you mean --format\?/],
    [['check', '--fail-on=warnings'], /did you mean warning\?/],
    [['check', '--format', 'jsno'], /--format must be one of text, json, sarif, github, not "jsno"; did you mean json\?/],
    [['fix', '--dryrun'], /did you mean --dry-run\?/],
    [['netpol', '--enviroment', 'prod'], /did you mean --environment\?/],
    [['seal', 'x.yaml', '--certt', 'c.pem'], /seal: unknown option --certt; did you mean --cert\?/],
    [['rules', '--lcale', 'ru'], /did you mean --locale\?/],
    [['check', '-x'], /check: unknown option -x/],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('says nothing it cannot back: a word far from every command gets no guess', async () => {
    const { stderr } = await run('deploy');
    expect(stderr).toMatch(/unknown command "deploy" \(bplus --help lists them\)/);
  });
});

describe('level names', () => {
  it('text, JSON and SARIF name the levels failure, warning, notice', async () => {
    const { stdout } = await run('rules');
    expect(stdout).toMatch(/\(failure, platform/);
    expect(stdout).toMatch(/\(warning, recommended/);
    expect(stdout).not.toMatch(/\berror\b/);
  });
});

describe('documentation names only commands that exist', () => {
  it('README, docs and the check-run summary', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    const files = ['README.md', 'src/app/check-run.ts', ...(await readdir('docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const known = new Set([...COMMANDS, 'help', 'version', '--help', '-h', '--version', '-v']);
    const named: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      // Commands as someone would type them: at the start of a code span or line, or after npx.
      for (const m of text.matchAll(/(?:`|npx |\$ )bplus ([\w-]+)/g)) {
        named.push(m[1]!);
        expect(known, `${file}: bplus ${m[1]}`).toContain(m[1]);
      }
    }
    expect(named).toContain('check');
  });
});

describe('an empty directory', () => {
  it('says there was nothing to review', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const dir = await mkdtemp(`${os.tmpdir()}/bplus-empty-`);
    try {
      const { code, stderr } = await run('check', dir);
      expect(code).toBe(0);
      expect(stderr).toMatch(/holds no YAML file to review; .*bplus demo/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
