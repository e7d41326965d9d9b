import { describe, expect, it } from 'vitest';
import {
  formatLabelSelector,
  labelKeyErrors,
  labelValueErrors,
  matchesLabelSelector,
  selectsEverything,
  validateLabelSelector,
  type LabelSelector,
} from '../../src/k8s/selector.ts';

describe('validateLabelSelector', () => {
  // Cases from k8s.io/apimachinery pkg/labels/selector_test.go TestRequirementConstructor,
  // restricted to the operators a metav1.LabelSelectorRequirement can carry
  // (=, ==, !=, Gt, Lt exist only in the string syntax and are invalid here).
  const requirementCases: Array<[string, LabelSelector['matchExpressions'], string | null]> = [
    ['x1: In without values', [{ key: 'x1', operator: 'In' }], 'must be specified'],
    ['x2: NotIn with empty values', [{ key: 'x2', operator: 'NotIn', values: [] }], 'must be specified'],
    ['x3: In one value', [{ key: 'x3', operator: 'In', values: ['foo'] }], null],
    ['x4: NotIn one value', [{ key: 'x4', operator: 'NotIn', values: ['foo'] }], null],
    ['x6: Exists', [{ key: 'x6', operator: 'Exists' }], null],
    ['x7: DoesNotExist', [{ key: 'x7', operator: 'DoesNotExist' }], null],
    ['x8: Exists with values', [{ key: 'x8', operator: 'Exists', values: ['foo'] }], 'may not be specified'],
    ['254-char key breaks the 63-char name rule', [{ key: 'a'.repeat(254), operator: 'Exists' }], 'no more than 63'],
    ['x16: 254-char value', [{ key: 'x16', operator: 'In', values: ['a'.repeat(254)] }], 'no more than 63'],
    ['x17: value with a space', [{ key: 'x17', operator: 'In', values: ['a b'] }], 'a valid label must be'],
    ['x18: unsupported operator', [{ key: 'x18', operator: 'unsupportedOp' }], 'not a valid selector operator'],
    // Not from the table, but from the switch in NewRequirement / LabelSelectorAsSelector:
    ['Gt is string-syntax only', [{ key: 'x', operator: 'Gt', values: ['1'] }], 'not a valid selector operator'],
    ['operators are case-sensitive', [{ key: 'x', operator: 'in', values: ['a'] }], 'not a valid selector operator'],
    ['DoesNotExist with values', [{ key: 'x', operator: 'DoesNotExist', values: ['a'] }], 'may not be specified'],
    ['empty string is a valid value', [{ key: 'x', operator: 'In', values: [''] }], null],
  ];
  it.each(requirementCases)('%s', (_name, matchExpressions, expected) => {
    const errors = validateLabelSelector({ matchExpressions });
    if (expected === null) expect(errors).toEqual([]);
    else expect(errors.join('\n')).toContain(expected);
  });

  // Cases from pkg/apis/meta/v1/validation/validation_test.go TestLabelSelectorMatchExpression.
  const metaValidationCases: Array<[string, LabelSelector, number, string | null]> = [
    ['Valid LabelSelector', { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] }, 0, null],
    [
      "MatchExpression's key name isn't valid",
      { matchExpressions: [{ key: '-key', operator: 'In', values: ['value'] }] },
      1,
      'name part must consist of alphanumeric characters',
    ],
    ["MatchExpression's operator isn't valid", { matchExpressions: [{ key: 'key', operator: 'abc', values: ['value'] }] }, 1, 'not a valid selector operator'],
    [
      "MatchExpression's value name isn't valid",
      { matchExpressions: [{ key: 'key', operator: 'In', values: ['-value'] }] },
      1,
      'a valid label must be an empty string or consist of',
    ],
  ];
  it.each(metaValidationCases)('%s', (_name, sel, count, fragment) => {
    const errors = validateLabelSelector(sel);
    expect(errors).toHaveLength(count);
    if (fragment !== null) expect(errors[0]).toContain(fragment);
  });

  it('accepts null, undefined and {} (ValidateLabelSelector returns nothing for nil)', () => {
    expect(validateLabelSelector(null)).toEqual([]);
    expect(validateLabelSelector(undefined)).toEqual([]);
    expect(validateLabelSelector({})).toEqual([]);
  });

  it('reports YAML numbers and booleans where strings are required', () => {
    const errors = validateLabelSelector({
      matchLabels: { version: 1, enabled: true },
      matchExpressions: [{ key: 'tier', operator: 'In', values: [2] }],
    });
    expect(errors).toHaveLength(3);
    expect(errors.every((e) => e.includes('must be a string'))).toBe(true);
  });

  it('rejects structurally wrong selectors', () => {
    expect(validateLabelSelector('app=web')[0]).toContain('must be an object');
    expect(validateLabelSelector({ matchLabels: ['a'] })[0]).toContain('matchLabels');
    expect(validateLabelSelector({ matchExpressions: { key: 'a' } })[0]).toContain('matchExpressions');
    expect(validateLabelSelector({ matchExpressions: [{ operator: 'Exists' }] })[0]).toContain('key: must be a string');
  });
});

describe('label key and value syntax (content.IsLabelKey / IsLabelValue)', () => {
  const keys: Array<[string, boolean]> = [
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['example.com/My_Name-1', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['/name', false],
    ['example.com/', false],
    ['Example.com/name', false],
    ['a/b/c', false],
    ['-key', false],
    ['key-', false],
    ['', false],
  ];
  it.each(keys)('key %j valid=%s', (key, valid) => {
    expect(labelKeyErrors(key).length === 0).toBe(valid);
  });

  const values: Array<[string, boolean]> = [
    ['', true],
    ['v1.2.3', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['-x', false],
    ['x_', false],
    ['a/b', false],
  ];
  it.each(values)('value %j valid=%s', (value, valid) => {
    expect(labelValueErrors(value).length === 0).toBe(valid);
  });
});

describe('matchesLabelSelector', () => {
  // Cases from pkg/labels/selector_test.go TestRequirementSelectorMatching (Gt rows dropped:
  // not expressible in metav1.LabelSelector; the zero-Requirement row is the invalid-operator row).
  const matchingCases: Array<[Record<string, string>, LabelSelector, boolean]> = [
    [{ x: 'foo', y: 'baz' }, { matchExpressions: [{ key: '', operator: '' }] }, false],
    [
      { x: 'foo', y: 'baz' },
      {
        matchExpressions: [
          { key: 'x', operator: 'In', values: ['foo'] },
          { key: 'y', operator: 'NotIn', values: ['alpha'] },
        ],
      },
      true,
    ],
    [
      { x: 'foo', y: 'baz' },
      {
        matchExpressions: [
          { key: 'x', operator: 'In', values: ['foo'] },
          { key: 'y', operator: 'In', values: ['alpha'] },
        ],
      },
      false,
    ],
    [
      { y: '' },
      {
        matchExpressions: [
          { key: 'x', operator: 'NotIn', values: [''] },
          { key: 'y', operator: 'Exists' },
        ],
      },
      true,
    ],
    [
      { y: '' },
      {
        matchExpressions: [
          { key: 'x', operator: 'DoesNotExist' },
          { key: 'y', operator: 'Exists' },
        ],
      },
      true,
    ],
    [
      { y: '' },
      {
        matchExpressions: [
          { key: 'x', operator: 'NotIn', values: [''] },
          { key: 'y', operator: 'DoesNotExist' },
        ],
      },
      false,
    ],
    [{ y: 'baz' }, { matchExpressions: [{ key: 'x', operator: 'In', values: [''] }] }, false],
  ];
  it.each(matchingCases)('TestRequirementSelectorMatching %j vs %j => %s', (labels, sel, expected) => {
    expect(matchesLabelSelector(sel, labels)).toBe(expected);
  });

  // Cases from pkg/apis/meta/v1/helpers_test.go TestLabelSelectorAsSelector, checked through
  // their String() form and by matching.
  const asSelectorCases: Array<[string, LabelSelector | null, string]> = [
    ['nil is Nothing', null, '<nothing>'],
    ['{} is Everything', {}, '<none>'],
    ['matchLabels', { matchLabels: { foo: 'bar' } }, 'foo=bar'],
    ['matchExpressions', { matchExpressions: [{ key: 'baz', operator: 'In', values: ['qux', 'norf'] }] }, 'baz in (norf,qux)'],
    [
      'both, sorted by key',
      { matchLabels: { foo: 'bar' }, matchExpressions: [{ key: 'baz', operator: 'In', values: ['qux', 'norf'] }] },
      'baz in (norf,qux),foo=bar',
    ],
    ['Exists with values is an error', { matchExpressions: [{ key: 'baz', operator: 'Exists', values: ['qux', 'norf'] }] }, '<error>'],
  ];
  it.each(asSelectorCases)('TestLabelSelectorAsSelector: %s', (_name, sel, text) => {
    expect(formatLabelSelector(sel)).toBe(text);
  });

  it('does not modify its input (TestLabelSelectorAsSelector deep-copy check)', () => {
    const sel: LabelSelector = { matchExpressions: [{ key: 'baz', operator: 'In', values: ['qux', 'norf'] }] };
    const before = structuredClone(sel);
    formatLabelSelector(sel);
    matchesLabelSelector(sel, { baz: 'qux' });
    expect(sel).toEqual(before);
  });

  const operatorCases: Array<[string, LabelSelector, Record<string, string>, boolean]> = [
    ['{} matches any labels', {}, { a: 'b' }, true],
    ['{} matches no labels at all', {}, {}, true],
    ['empty lists are still {}', { matchLabels: {}, matchExpressions: [] }, {}, true],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, { app: 'web', tier: 'fe' }, true],
    ['matchLabels different value', { matchLabels: { app: 'web' } }, { app: 'db' }, false],
    ['matchLabels missing key', { matchLabels: { app: 'web' } }, {}, false],
    ['matchLabels empty value needs the key', { matchLabels: { app: '' } }, {}, false],
    ['matchLabels empty value present', { matchLabels: { app: '' } }, { app: '' }, true],
    ['NotIn matches a missing key', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {}, true],
    ['NotIn rejects a listed value', { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, { env: 'prod' }, false],
    ['In needs the key', { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, {}, false],
    ['Exists', { matchExpressions: [{ key: 'env', operator: 'Exists' }] }, { env: '' }, true],
    ['DoesNotExist', { matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, { env: 'x' }, false],
    [
      'matchLabels AND matchExpressions',
      { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
      { app: 'web', env: 'dev' },
      false,
    ],
    ['own labels only (no prototype keys)', { matchExpressions: [{ key: 'constructor', operator: 'Exists' }] }, {}, false],
    ['invalid selector (In without values) matches nothing', { matchExpressions: [{ key: 'env', operator: 'In', values: [] }] }, { env: 'x' }, false],
    ['invalid selector (NotIn without values) matches nothing', { matchExpressions: [{ key: 'env', operator: 'NotIn' }] }, {}, false],
  ];
  it.each(operatorCases)('%s', (_name, sel, labels, expected) => {
    expect(matchesLabelSelector(sel, labels)).toBe(expected);
  });

  it('null selector matches nothing (labels.Nothing())', () => {
    expect(matchesLabelSelector(null, {})).toBe(false);
    expect(matchesLabelSelector(undefined, { a: 'b' })).toBe(false);
  });
});

describe('selectsEverything', () => {
  const cases: Array<[string, LabelSelector | null | undefined, boolean]> = [
    ['null', null, false],
    ['undefined', undefined, false],
    ['{}', {}, true],
    ['empty matchLabels and matchExpressions', { matchLabels: {}, matchExpressions: [] }, true],
    ['one matchLabel', { matchLabels: { a: 'b' } }, false],
    ['Exists is not everything', { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, false],
  ];
  it.each(cases)('%s => %s', (_name, sel, expected) => {
    expect(selectsEverything(sel)).toBe(expected);
  });
});
