import { describe, expect, it } from 'vitest';
import { parseYaml } from '../../src/yaml/parse.ts';
import { errorMessage, formatValue } from '../../src/yaml/format-value.ts';
import { isRecord } from '../../src/model/values.ts';

describe('formatValue', () => {
  it('writes scalars as the file has them and a string unquoted', () => {
    expect(formatValue('500m')).toBe('500m');
    expect(formatValue(1)).toBe('1');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('');
    expect(formatValue(new Date('2024-01-02T00:00:00Z'))).toBe('2024-01-02T00:00:00.000Z');
  });

  it('writes a mapping read from YAML in flow style, not as "[object Object]"', () => {
    const value = parseYaml('cpu: {x: 1}\nports: [80, "http"]\n"odd key": {a: [1, {b: c}]}\n').docs[0]?.value;
    if (!isRecord(value)) throw new Error(`not a mapping: ${formatValue(value)}`);
    expect(formatValue(value.cpu)).toBe('{x: 1}');
    expect(formatValue(value.ports)).toBe('[80, "http"]');
    expect(formatValue(value)).toBe('{cpu: {x: 1}, ports: [80, "http"], "odd key": {a: [1, {…}]}}');
  });

  it('bounds the work and the text for a hostile value', () => {
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    expect(formatValue(wide, 1000)).toBe('{k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, …}');
    expect(formatValue(Array.from({ length: 20 }, (_, i) => i))).toBe('[0, 1, 2, 3, 4, 5, 6, 7, …]');
    expect(formatValue({ a: { b: { c: { d: 1 } } } })).toBe('{a: {b: {c: {…}}}}');
    const self: Record<string, unknown> = { name: 'x' };
    self.self = self;
    expect(formatValue(self)).toBe('{name: "x", self: *}');
    const long = formatValue('y'.repeat(500), 20);
    expect(long).toHaveLength(20);
    expect(long.endsWith('…')).toBe(true);
  });

  it('says what went wrong whatever was thrown', () => {
    expect(errorMessage(new Error('EACCES: permission denied'))).toBe('EACCES: permission denied');
    expect(errorMessage({ status: 500 })).toBe('{status: 500}');
    expect(errorMessage('plain text')).toBe('plain text');
  });
});
