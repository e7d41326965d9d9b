/**
 * The backtracking patterns that scans replaced (issue 12), exactly as they were written in src/,
 * with the scan that replaced each: test/security/linear-scans.test.ts uses them as the oracle of
 * what the scan must return, test/security/linear-regex.test.ts feeds the scan the inputs that
 * were worst for its pattern.
 */
export interface ReplacedPattern {
  /** The module of the scan, relative to this file, and its export. */
  module: URL;
  scan: string;
  /** Where the pattern was. */
  was: string;
  pattern: RegExp;
  /** Inputs of about 1 MB that make the pattern (or a careless scan) backtrack, named by their shape. */
  hostile: Array<{ shape: string; text: string }>;
}

const ONE_MEGABYTE = 1024 * 1024;

/** `piece` repeated to about 1 MB, between `before` and `after`, named by its shape. */
function run(piece: string, before = '', after = ''): { shape: string; text: string } {
  const times = Math.floor(ONE_MEGABYTE / piece.length);
  return { shape: `${JSON.stringify(before)} + ${JSON.stringify(piece)} × ${times} + ${JSON.stringify(after)}`, text: before + piece.repeat(times) + after };
}

const helm = (name: string) => new URL(`../../src/helm/${name}`, import.meta.url);
const yaml = (name: string) => new URL(`../../src/yaml/${name}`, import.meta.url);

export const REPLACED: ReplacedPattern[] = [
  {
    module: helm('materialize.ts'),
    scan: 'chartNameOfArchive',
    was: 'src/helm/materialize.ts (a vendored chart archive)',
    pattern: /-\d[^/]*\.tgz$/,
    hostile: [run('-0', '', '/a.tgz'), run('-0', '', '.tgz'), run('-0', '', '.tg'), run('a', '', '.tgz'), run('/-0')],
  },
  {
    module: helm('render.ts'),
    scan: 'trimDashes',
    was: 'src/helm/render.ts (the release name)',
    pattern: /^-+|-+$/g,
    hostile: [run('-', '', 'a'), run('-', 'a', 'a'), run('-')],
  },
  {
    module: helm('render.ts'),
    scan: 'helmPlaceLines',
    was: "src/helm/render.ts (Helm's error chain)",
    pattern: /^\s*([^\s:()]+\.(?:ya?ml|tpl|txt|json)):(\d+):(\d+)\s*$/gm,
    hostile: [run(' '), run('\n'), run(' \n'), run('a', '', ':'), run(':'), run('a.yaml:1:1\n'), run('a.yaml:1:1'), run('0', 'a.yaml:'), run('.yaml')],
  },
  {
    module: yaml('key-line.ts'),
    scan: 'hasComplexKey',
    was: 'src/yaml/helm-values.ts COMPLEX_KEY (a values file)',
    pattern: /^\s*(?:-\s+)*(?:\?(?:\s|$)|[[{].*[\]}]\s*:(?:\s|$))/m,
    hostile: [run('- ', '', 'x'), run('-\n'), run(']', '['), run('] ', '['), run(' ', '[]', 'x'), run('\n', '[]', 'x'), run('[]\n'), run(' '), run('\n')],
  },
  {
    module: yaml('key-line.ts'),
    scan: 'keyOfLine',
    was: 'src/yaml/parse.ts (the name of a duplicate key)',
    pattern: /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s:#][^:#]*?)\s*:(?:\s|$)/,
    hostile: [run(' ', 'a', 'x'), run('a '), run('a', '', ':x'), run(' ', '"', 'x'), run('- '), run(' ', '- a', ':x'), run(' ')],
  },
  {
    module: yaml('key-line.ts'),
    scan: 'templateKeyOfLine',
    was: 'src/yaml/template-structure.ts (the key a template line writes)',
    pattern: /^(\s*)((?:-\s+)*)(\uE000?[^\s#:'"\uE000][^:#]*?|"[^"]*"|'[^']*'|\uE000)\s*:(?:\s|$)/,
    hostile: [run('- ', '', '#'), run('- ', '', ':x'), run(' ', 'a', 'x'), run('a '), run(' ', '\uE000', 'x'), run(' ', '"', 'x'), run('\uE000 ')],
  },
  {
    module: yaml('template-scan.ts'),
    scan: 'blankTemplateComments',
    was: 'src/yaml/template-structure.ts (template comments)',
    pattern: /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g,
    hostile: [run('{{/*'), run('{{/* */'), run('{{ '), run('*/ ', '{{/*'), run('*/ -', '{{/*'), run(' ', '{{', '/*'), run('{{/**/}}')],
  },
  {
    module: yaml('template-scan.ts'),
    scan: 'variableBindings',
    was: 'src/yaml/template-structure.ts VAR_BIND (one template action)',
    pattern: /\$([A-Za-z_]\w*)\s*:?=\s*(?:\(?\s*)(?:default\s+\S+\s+)?((?:\$|\.root|\.)?\.?Values(?:\.[A-Za-z_][\w-]*)*|\$[A-Za-z_]\w*(?:\.[A-Za-z_][\w-]*)*)/g,
    hostile: [
      run(' ', '$a', 'x'),
      run(' ', '$a:=', 'x'),
      run('\t', '$r=', 's'),
      run('x', '$a := default ', ' x'),
      run('$'),
      run('$a:=default $a:=default ', '', 'x'),
      run('( ', '$a := '),
      run('.a', '$a := .Values'),
      run('$a=', '', 'x'),
    ],
  },
];
