/**
 * Values as Helm reads them: each YAML 1.1 case is asserted on its own, and the whole file is
 * compared with what the real Helm 4 hands to a template (`toJson .Values`).
 */
import { mkdtemp, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHelmValues, parseHelmValuesFully, resolvePlainScalar } from '../../src/yaml/helm-values.ts';
import { runHelm } from '../helpers/helm.ts';
import { loadExpectations, VIOLATIONS_DIR } from '../helpers/overlay.ts';

const RICH_VALUES = `# a comment with {{ an unclosed action
b1: on
b2: yes
b3: y
b4: Y
b5: off
b6: NO
b7: True
b8: n
q1: "on"
q2: 'yes'
i1: 0777
i2: 0x1F
i3: 1_000
i4: 0o17
i5: 8000000
i6: -12
i7: 0b101
f1: 1e3
f2: .5
f3: 1.50
t1: 2001-12-14
s1: 1:20
s2: 08x
n1: ~
n2: Null
n3:
on: first
y: keyy
8000: port-key
base: &b {a: 1, b: {x: 1, y: 2}}
m1:
  a: 10
  <<: *b
m2:
  <<: *b
  a: 10
m3:
  <<: [{a: 1, c: 1}, {a: 2, d: 2}]
m4:
  <<: *b
  b: {x: 5}
dup: 1
dup: 2
str: !!str 123
block: |
  line {{ not a template }}
list: &l [1, two, {three: 3}]
list2: *l
`;

/** The same scalars without merge keys, aliases or duplicates: the fast path reads these. */
const PLAIN_VALUES = RICH_VALUES.split('\nbase:')[0]!.replace('y: keyy\n', '') + '\nblock: |\n  {{ .x }}\n';

describe('YAML 1.1 scalars as go-yaml v2 resolves them', () => {
  it.each([
    ['on', true],
    ['On', true],
    ['ON', true],
    ['y', true],
    ['Y', true],
    ['yes', true],
    ['True', true],
    ['off', false],
    ['n', false],
    ['NO', false],
    ['false', false],
    ['~', null],
    ['null', null],
    ['NULL', null],
    ['', null],
    ['0777', 511],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['-12', -12],
    ['+7', 7],
    ['1e3', 1000],
    ['.5', 0.5],
    ['08', 8],
    ['1.50', 1.5],
    ['2001-12-14', '2001-12-14'],
    ['1:20', '1:20'],
    ['08x', '08x'],
    ['yess', 'yess'],
    ['-', '-'],
  ])('%j → %j', (text, expected) => {
    expect(resolvePlainScalar(text)).toStrictEqual(expected);
  });

  it('refuses .inf and .nan as Helm does', () => {
    expect(() => resolvePlainScalar('.inf')).toThrow(/not a number JSON can hold/);
    const parsed = parseHelmValues('a: 1\nb: -.Inf\n');
    expect(parsed.doc).toBeUndefined();
    expect(parsed.problems[0]).toMatchObject({ line: 2, code: 'yaml-syntax' });
  });
});

describe('parseHelmValues', () => {
  const doc = parseHelmValues(RICH_VALUES).doc!;
  const value = doc.value as Record<string, unknown>;

  it('applies merge keys in document order, as go-yaml v2 does', () => {
    expect(value.m1).toEqual({ a: 1, b: { x: 1, true: 2 } }); // `<<` after `a` overrides it
    expect(value.m2).toEqual({ a: 10, b: { x: 1, true: 2 } });
    expect(value.m3).toEqual({ a: 1, c: 1, d: 2 }); // earlier source wins
    expect(value.m4).toEqual({ a: 1, b: { x: 5 } }); // maps replace, no deep merge
  });

  it('reads boolean keys as "true"/"false" (the later of `on:` and `y:` wins) and keeps quoted strings', () => {
    expect(value.true).toBe('keyy');
    expect(value.q1).toBe('on');
    expect(value['8000']).toBe('port-key');
    expect(value.dup).toBe(2);
    expect(value.str).toBe('123');
  });

  it('locates values written in place, through aliases and through merge keys', () => {
    const line = (p: Array<string | number>): number => doc.locate(p).line;
    expect(line(['b3'])).toBe(4);
    expect(line(['m2', 'a'])).toBe(37);
    // m2.b comes through `<<: *b` on line 36: it is written on line 31, inside the anchor.
    expect(line(['m2', 'b', 'x'])).toBe(31);
    expect(doc.origin(['m2', 'b', 'x'])!.via.map((v) => [v.kind, v.span.line])).toEqual([
      ['merge', 36],
      ['alias', 36],
    ]);
    expect(doc.origin(['m2', 'a'])!.via).toEqual([]);
    expect(line(['list2', 2, 'three'])).toBe(48);
    expect(doc.origin(['list2', 2])!.via[0]!.span.line).toBe(49);
    // missing key: the nearest existing parent
    expect(line(['m1', 'resources', 'limits'])).toBe(32);
    expect(line(['nope'])).toBe(2);
    expect(doc.has(['n3'])).toBe(true);
    expect(value.n3).toBeNull();
  });

  it('never reads a values file as a template: `{{` in a comment or a block swallows nothing', () => {
    expect(value.b1).toBe(true);
    expect(value.block).toBe('line {{ not a template }}\n');
  });

  it('reports an alias bomb instead of expanding it', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill('*' + String.fromCharCode(96 + i))
          .join(', ')}]`,
      );
    const parsed = parseHelmValues(bomb.join('\n') + '\n');
    expect(parsed.doc).toBeUndefined();
    expect(parsed.problems[0]?.code).toBe('yaml-alias-bomb');
  });

  it('reports syntax errors with a line', () => {
    const parsed = parseHelmValues('a: 1\nb: [1, 2\nc: 3\n');
    expect(parsed.doc).toBeUndefined();
    expect(parsed.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });
});

describe('agrees with the real Helm', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bplus-values-'));
    await mkdir(path.join(dir, 'templates'));
    await writeFile(path.join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: values-probe\nversion: 0.1.0\n');
    await writeFile(path.join(dir, 'values.yaml'), RICH_VALUES);
    await writeFile(
      path.join(dir, 'templates', 'values.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n  values: {{ toJson .Values | quote }}\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file without merge keys exactly as Helm does, on the fast path and the full one', async () => {
    await writeFile(path.join(dir, 'values.yaml'), PLAIN_VALUES);
    const out = await runHelm(['template', 'probe', dir]);
    await writeFile(path.join(dir, 'values.yaml'), RICH_VALUES);
    const helmValues = JSON.parse(JSON.parse(/values: (".*")/.exec(out)![1]!) as string) as unknown;
    const fast = parseHelmValues(PLAIN_VALUES);
    expect(fast.doc!.value).toStrictEqual(helmValues);
    expect(parseHelmValuesFully(PLAIN_VALUES).doc!.value).toStrictEqual(helmValues);
    // Positions come on demand, the same as the full reading's.
    expect(fast.doc!.locate(['i2']).line).toBe(parseHelmValuesFully(PLAIN_VALUES).doc!.locate(['i2']).line);
    expect(fast.doc!.has(['n3'])).toBe(true);
  });

  it('reads every value of a YAML 1.1 file exactly as Helm does', async () => {
    const out = await runHelm(['template', 'probe', dir]);
    const json = /values: (".*")/.exec(out)?.[1];
    expect(json).toBeDefined();
    const helmValues = JSON.parse(JSON.parse(json!) as string) as unknown;
    expect(parseHelmValues(RICH_VALUES).doc!.value).toStrictEqual(helmValues);
  });
});

describe('bad values files of the fixture variants', () => {
  it.each(['bad-yaml-duplicate-key', 'bad-yaml-syntax'])('%s: the problem on the expected line', async (variant) => {
    const expectations = await loadExpectations(variant);
    const expected = expectations.findings[0]!;
    const file = path.join(VIOLATIONS_DIR, variant, expected.path);
    const parsed = parseHelmValues(await readFile(file, 'utf8'));
    expect(parsed.problems.map((p) => p.line)).toEqual([expected.line]);
    // A duplicate key is reported, yet the file is read as Helm reads it (the last one wins).
    expect(parsed.doc !== undefined).toBe(variant === 'bad-yaml-duplicate-key');
  });

  it('reports each duplicate key of the rich file', () => {
    const parsed = parseHelmValues(RICH_VALUES);
    // `y:` after `on:` is a duplicate too: both are the key "true".
    expect(parsed.problems.map((p) => [p.code, p.line])).toEqual([
      ['yaml-duplicate-key', 29],
      ['yaml-duplicate-key', 44],
    ]);
    expect(parsed.problems[0]!.message).toContain('Helm reads it as "true"');
  });
});

describe('values files Helm refuses', () => {
  it.each([
    ['a list', '- a\n- b\n', 1],
    ['a single value', 'just text\n', 1],
    ['a collection as a key', 'ok: 1\n? [a, b]\n: 2\n', 2],
    ['an unknown alias', 'a: *nowhere\n', 1],
  ])('%s is a problem with a line, not a crash', (_name, text, line) => {
    const parsed = parseHelmValues(text);
    expect(parsed.doc).toBeUndefined();
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]!.line).toBe(line);
  });

  it('an empty file or a file of comments is no values, and no problem', () => {
    expect(parseHelmValues('')).toMatchObject({ doc: undefined, problems: [] });
    expect(parseHelmValues('# nothing here {{\n')).toMatchObject({ doc: undefined, problems: [] });
  });
});
