/**
 * The scans that replaced backtracking patterns (issue 12) do what the patterns did.
 *
 * For each scan: a table of inputs and outputs (the cases its pattern was written for and the edge
 * cases it handled), then a differential check against the old pattern itself, kept here as the
 * oracle (test/security/replaced-patterns.ts): thousands of short strings built from the characters
 * that matter to it, where the old pattern is still fast. test/security/linear-regex.test.ts feeds each scan 1 MB of its worst case.
 */
import { describe, expect, it } from 'vitest';
import { chartNameOfArchive } from '../../src/helm/materialize.ts';
import { helmPlaceLines, trimDashes } from '../../src/helm/render.ts';
import { hasComplexKey, keyOfLine, templateKeyOfLine } from '../../src/yaml/key-line.ts';
import { blankTemplateComments, variableBindings } from '../../src/yaml/template-scan.ts';
import { isSpace } from '../../src/yaml/text-scan.ts';
import { REPLACED } from './replaced-patterns.ts';

/** The patterns the scans replaced, exactly as they were written in src/. */
const OLD = Object.fromEntries(REPLACED.map((replaced) => [replaced.scan, replaced.pattern]));

const oracle = {
  chartNameOfArchive: (name: string) => name.replace(OLD.chartNameOfArchive!, '').replace(/\.tgz$/, ''),
  trimDashes: (text: string) => text.replace(OLD.trimDashes!, ''),
  helmPlaceLines: (text: string) => [...text.matchAll(OLD.helmPlaceLines!)].map((m) => ({ file: m[1]!, line: Number(m[2]), column: Number(m[3]) })),
  hasComplexKey: (text: string) => OLD.hasComplexKey!.test(text),
  keyOfLine: (line: string) => OLD.keyOfLine!.exec(line)?.[1],
  variableBindings: (body: string) => [...body.matchAll(OLD.variableBindings!)].map((m) => ({ name: m[1]!, target: m[2]! })),
  blankTemplateComments: (text: string) => text.replace(OLD.blankTemplateComments!, (m) => m.replace(/[^\n]/g, ' ')),
  templateKeyOfLine: (line: string) => {
    const m = OLD.templateKeyOfLine!.exec(line);
    return m ? { indent: m[1]!, dashes: m[2]!, key: m[3]! } : undefined;
  },
};

/** A small deterministic generator (mulberry32), so a failure names a string that reproduces. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Strings of up to `maxTokens` pieces drawn from `tokens`, every short combination likely. */
function samples(tokens: string[], count: number, maxTokens: number, seed = 12): string[] {
  const next = random(seed);
  const out = new Set<string>(['']);
  for (const a of tokens) for (const b of tokens) out.add(a + b);
  while (out.size < count) {
    const length = 1 + Math.floor(next() * maxTokens);
    let text = '';
    for (let i = 0; i < length; i++) text += tokens[Math.floor(next() * tokens.length)]!;
    out.add(text);
  }
  return [...out];
}

function expectSameAsOracle<T>(scan: (input: string) => T, old: (input: string) => T, inputs: string[]): void {
  const differing = inputs.filter((input) => JSON.stringify(scan(input)) !== JSON.stringify(old(input)));
  expect(differing.slice(0, 5).map((input) => ({ input, scan: scan(input), old: old(input) }))).toEqual([]);
}

describe('isSpace is \\s', () => {
  it('for every UTF-16 code unit', () => {
    const differing: number[] = [];
    for (let code = 0; code <= 0xffff; code++) if (isSpace(code) !== /\s/.test(String.fromCharCode(code))) differing.push(code);
    expect(differing).toEqual([]);
  });
});

describe('chartNameOfArchive (materialize: the chart a vendored charts/ entry belongs to)', () => {
  it.each([
    ['redis-17.3.1.tgz', 'redis'],
    ['redis.tgz', 'redis'],
    ['redis', 'redis'],
    ['my-chart-1.0.0.tgz', 'my-chart'],
    ['my-chart-v1.tgz', 'my-chart-v1'],
    ['a-1-2.tgz', 'a'],
    ['a.tgz-1.tgz', 'a'],
    ['x-1.tgz.tgz', 'x'],
    ['-1.tgz', ''],
    ['a-.tgz', 'a-'],
    ['.tgz', ''],
    ['a-1tgz', 'a-1tgz'],
    ['a-1.tgz.', 'a-1.tgz.'],
    ['dir/a-1.tgz', 'dir/a'],
    ['a-1/b.tgz', 'a-1/b'],
    ['a-1/b-2.tgz', 'a-1/b'],
  ])('%j → %j', (name, chart) => {
    expect(chartNameOfArchive(name)).toBe(chart);
    expect(oracle.chartNameOfArchive(name)).toBe(chart);
  });

  it('matches the old pattern', () => {
    expectSameAsOracle(chartNameOfArchive, oracle.chartNameOfArchive, samples(['-', '1', 'a', '.tgz', '.', '/', 'tgz'], 20_000, 8));
  });
});

describe('trimDashes (render: the release name)', () => {
  it.each([
    ['--my-chart--', 'my-chart'],
    ['my-chart', 'my-chart'],
    ['-', ''],
    ['---', ''],
    ['', ''],
    ['a-', 'a'],
    ['-a', 'a'],
    ['a--b', 'a--b'],
  ])('%j → %j', (text, trimmed) => {
    expect(trimDashes(text)).toBe(trimmed);
    expect(oracle.trimDashes(text)).toBe(trimmed);
  });

  it('matches the old pattern', () => {
    expectSameAsOracle(trimDashes, oracle.trimDashes, samples(['-', 'a', '--', ' '], 5_000, 10));
  });
});

describe("helmPlaceLines (render: the places of Helm's error chain)", () => {
  const helm4 = [
    'Error: template: api/templates/deployment.yaml:12:3',
    '  api/templates/deployment.yaml:12:3',
    '    executing "api/templates/deployment.yaml" at <include "lib.pod" .>: error calling include:',
    '  lib/templates/_pod.tpl:40:7',
    '    executing "lib.pod" at <.Values.x>: nil pointer',
  ].join('\n');
  it.each([
    [
      'the chain of a Helm 4 error',
      helm4,
      [
        { file: 'api/templates/deployment.yaml', line: 12, column: 3 },
        { file: 'lib/templates/_pod.tpl', line: 40, column: 7 },
      ],
    ],
    [
      'each extension',
      'a.yml:1:2\nb.txt:3:4\nc.json:5:6\nd.yaml:7:8\ne.tpl:9:10\nf.md:1:1',
      [
        { file: 'a.yml', line: 1, column: 2 },
        { file: 'b.txt', line: 3, column: 4 },
        { file: 'c.json', line: 5, column: 6 },
        { file: 'd.yaml', line: 7, column: 8 },
        { file: 'e.tpl', line: 9, column: 10 },
      ],
    ],
    [
      'CRLF, blank lines and spaces around',
      '\r\n  a.yaml:1:2 \r\n\r\n\tb.yaml:3:4\t\r\n',
      [
        { file: 'a.yaml', line: 1, column: 2 },
        { file: 'b.yaml', line: 3, column: 4 },
      ],
    ],
    [
      'U+2028 ends a line too',
      'a.yaml:1:2\u2028b.yaml:3:4',
      [
        { file: 'a.yaml', line: 1, column: 2 },
        { file: 'b.yaml', line: 3, column: 4 },
      ],
    ],
    [
      'not a place: text around, no column, a space, a parenthesis, no name',
      'see a.yaml:1:2\na.yaml:1\na b.yaml:1:2\n(a.yaml:1:2)\n.yaml:1:2\na.yaml:1:2:3\na.yaml:x:2',
      [],
    ],
    ['a name of only a dot before the extension', '..yaml:1:2', [{ file: '..yaml', line: 1, column: 2 }]],
    ['nothing', '', []],
  ])('%s', (_name, text, places) => {
    expect(helmPlaceLines(text)).toEqual(places);
    expect(oracle.helmPlaceLines(text)).toEqual(places);
  });

  it('matches the old pattern', () => {
    const tokens = ['a.yaml', 'b.tpl', 'x.json', '.yml', 'c', '.', ':', '1', '22', ' ', '\t', '\n', '\r', '\u2028', '(', ')'];
    expectSameAsOracle(helmPlaceLines, oracle.helmPlaceLines, samples(tokens, 40_000, 9));
  });
});

describe('hasComplexKey (helm-values: a values file that needs the full parser)', () => {
  it.each([
    ['an explicit key', '? a\n: 1', true],
    ['an explicit key alone on its line', 'a: 1\n?\n: 2', true],
    ['an explicit key in a list item', 'list:\n  - - ? a\n      : 1', true],
    ['a flow sequence key', '[a, b]: 1', true],
    ['a flow mapping key with spaces before the colon', '  {a: 1}  : 2', true],
    ['a flow key whose colon is on the next line', '[a]\n: 1', true],
    ['a flow key at the end of the text', '[a]:', true],
    ['a flow value, not a key', 'a: [1, 2]\nb: {c: 1}', false],
    ['a flow sequence as the whole document', '[a, b]', false],
    ['a question mark inside a value', 'a: what?\nb: ?x', false],
    ['a question mark glued to a word', '?a: 1', false],
    ['a dash glued to the key', '-? a', false],
    ['two dashes', '-- [a]: 1', false],
    ['a colon glued to the next word', '[a]:b', false],
    ['CR line ends', 'a: 1\r? b\r', true],
    ['nothing', '', false],
  ])('%s', (_name, text, complex) => {
    expect(hasComplexKey(text)).toBe(complex);
    expect(oracle.hasComplexKey(text)).toBe(complex);
  });

  it('matches the old pattern', () => {
    const tokens = [' ', '-', '- ', '?', '[', ']', '{', '}', ':', ': ', 'a', '\n', '\r', '\t', '.', '\u2028'];
    expectSameAsOracle(hasComplexKey, oracle.hasComplexKey, samples(tokens, 40_000, 9));
  });
});

describe('keyOfLine (parse: the name of a duplicate key)', () => {
  it.each([
    ['image: nginx', 'image'],
    ['  image:', 'image'],
    ['- name: a', 'name'],
    ['-   name  : a', 'name'],
    ['"a b": 1', '"a b"'],
    ["'a': 1", "'a'"],
    ['"a" b: 1', '"a" b'],
    ['"a": 1', '"a"'],
    ['"a: 1', '"a'],
    ['key with spaces : 1', 'key with spaces'],
    ['- - a: 1', '- a'],
    ['-a: 1', '-a'],
    ['a:b: c', undefined],
    ['a#b: c', undefined],
    ['# a: 1', undefined],
    [': 1', undefined],
    ['a: 1:', 'a'],
    ['url: http://x', 'url'],
    ['just text', undefined],
    ['', undefined],
  ])('%j → %j', (line, key) => {
    expect(keyOfLine(line)).toBe(key);
    expect(oracle.keyOfLine(line)).toBe(key);
  });

  it('matches the old pattern', () => {
    const tokens = [' ', '\t', '-', '- ', '"', "'", ':', ': ', '#', 'a', 'b', ' :'];
    expectSameAsOracle(keyOfLine, oracle.keyOfLine, samples(tokens, 40_000, 9));
  });
});

describe('templateKeyOfLine (template-structure: the key a template line writes)', () => {
  const MARK = '\uE000';
  it.each([
    ['kind: Deployment', { indent: '', dashes: '', key: 'kind' }],
    ['    image: x', { indent: '    ', dashes: '', key: 'image' }],
    ['  - name: app', { indent: '  ', dashes: '- ', key: 'name' }],
    ['  - - name: app', { indent: '  ', dashes: '- - ', key: 'name' }],
    [`  ${MARK}    : 1`, { indent: '  ', dashes: '', key: MARK }],
    [`  ${MARK}suffix: 1`, { indent: '  ', dashes: '', key: `${MARK}suffix` }],
    [`  - ${MARK}  :`, { indent: '  ', dashes: '- ', key: MARK }],
    ['"a b": 1', { indent: '', dashes: '', key: '"a b"' }],
    ["'a': 1", { indent: '', dashes: '', key: "'a'" }],
    ["- - 'a: x", { indent: '', dashes: '- ', key: "- 'a" }],
    ['- #: x', undefined],
    ['- "a', undefined],
    ['-x: 1', { indent: '', dashes: '', key: '-x' }],
    ['a:b', undefined],
    [`  ${MARK}`, undefined],
    ['  - ', undefined],
    ['', undefined],
  ])('%j', (line, key) => {
    expect(templateKeyOfLine(line)).toEqual(key);
    expect(oracle.templateKeyOfLine(line)).toEqual(key);
  });

  it('matches the old pattern', () => {
    const tokens = [' ', '\t', '-', '- ', '"', "'", ':', ': ', '#', 'a', MARK, ' :'];
    expectSameAsOracle(templateKeyOfLine, oracle.templateKeyOfLine, samples(tokens, 60_000, 9));
  });
});

describe('blankTemplateComments (template-structure: comments are not structure)', () => {
  it.each([
    ['one comment', 'a: 1 {{/* note */}}', 'a: 1 ' + ' '.repeat('{{/* note */}}'.length)],
    ['trimming markers and spaces', '{{- /* x */ -}}b', '               b'],
    ['line breaks kept', '{{/*\nx\n*/}}\nc: 1', '    \n \n    \nc: 1'],
    ['the first close ends it', '{{/* a */}} b {{/* c */}}', '            b            '],
    ['a close without braces does not', '{{/* a */ b */}}', '                '],
    ['an action is not a comment', '{{ .Values.x }} {{/*c*/}}', '{{ .Values.x }}          '],
    ['a comment never closed', 'a {{/* open\nb: 1', 'a {{/* open\nb: 1'],
    ['an empty comment', '{{/**/}}', '        '],
    ['three braces', '{{{/* a */}}', '{' + ' '.repeat('{{/* a */}}'.length)],
    ['no comment', 'a: 1', 'a: 1'],
  ])('%s', (_name, text, blanked) => {
    expect(blankTemplateComments(text)).toBe(blanked);
    expect(oracle.blankTemplateComments(text)).toBe(blanked);
  });

  it('matches the old pattern', () => {
    const tokens = ['{{', '}}', '{', '}', '-', ' ', '\n', '/*', '*/', '*', '/', 'a'];
    expectSameAsOracle(blankTemplateComments, oracle.blankTemplateComments, samples(tokens, 40_000, 10));
  });
});

describe('variableBindings (template-structure: variables bound to values)', () => {
  it.each([
    ['$x := .Values.a.b', [{ name: 'x', target: '.Values.a.b' }]],
    ['$cfg := .Values.config | default dict', [{ name: 'cfg', target: '.Values.config' }]],
    ['$p := (default 80 .Values.port)', [{ name: 'p', target: '.Values.port' }]],
    ['$p := default (dict) $.Values.a', [{ name: 'p', target: '$.Values.a' }]],
    ['$r = .root.Values.x-y.z', [{ name: 'r', target: '.root.Values.x-y.z' }]],
    ['$v := $Values.a', [{ name: 'v', target: '$Values.a' }]],
    ['$y := $x.sub.path', [{ name: 'y', target: '$x.sub.path' }]],
    ['$a := $b := .Values.c', [{ name: 'a', target: '$b' }]],
    ['$_1:=Values.a', [{ name: '_1', target: 'Values.a' }]],
    ['$a := ..Values.b', [{ name: 'a', target: '..Values.b' }]],
    ['$a := .Valuesx', [{ name: 'a', target: '.Values' }]],
    ['$a := default "b c" .Values.d', []],
    ['$a := defaultx .Values.d', []],
    ['$a : = .Values.b', []],
    ['$1 := .Values.b', []],
    ['$a := .Release.Name', []],
    ['$a := .Values.b.2c', [{ name: 'a', target: '.Values.b' }]],
    [
      '$a := .Values.x $b := .Values.y',
      [
        { name: 'a', target: '.Values.x' },
        { name: 'b', target: '.Values.y' },
      ],
    ],
    ['', []],
  ])('%j', (body, bindings) => {
    expect(variableBindings(body)).toEqual(bindings);
    expect(oracle.variableBindings(body)).toEqual(bindings);
  });

  it('matches the old pattern', () => {
    const tokens = ['$', '$a', 'a', 'x1', ' ', ':', '=', ':=', '(', 'default', 'default ', 'Values', '.', '.root', '.Values', '-', '"', '$.'];
    expectSameAsOracle(variableBindings, oracle.variableBindings, samples(tokens, 60_000, 8));
  });
});
