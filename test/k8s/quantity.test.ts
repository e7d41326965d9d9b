import { describe, expect, it } from 'vitest';
import {
  canonicalize,
  compareQuantities,
  makeQuantity,
  parseQuantity,
  QuantityError,
  quantityToNumber,
  tryParseManifestQuantity,
  tryParseQuantity,
  type Quantity,
  type QuantityFormat,
} from '../../src/k8s/quantity.ts';

// Case tables below come from k8s.io/apimachinery pkg/api/resource/quantity_test.go
// (kubernetes/apimachinery, mirrored from kubernetes/kubernetes
// staging/src/k8s.io/apimachinery/pkg/api/resource/quantity_test.go).

/** Value check helper: the exact value mantissa × 10^exponent. */
function sameValue(q: Quantity, mantissa: string, exponent: number): boolean {
  return compareQuantities(q, makeQuantity(BigInt(mantissa), exponent, 'DecimalSI')) === 0;
}

function negate(mantissa: string): string {
  return mantissa === '0' ? '0' : `-${mantissa}`;
}

// TestQuantityParse: input, expected value as decQuantity(mantissa, exponent), expected Format.
const parseTable: Array<[string, string, number, QuantityFormat]> = [
  ['0', '0', 0, 'DecimalSI'],
  ['0n', '0', 0, 'DecimalSI'],
  ['0u', '0', 0, 'DecimalSI'],
  ['0m', '0', 0, 'DecimalSI'],
  ['0Ki', '0', 0, 'BinarySI'],
  ['0k', '0', 0, 'DecimalSI'],
  ['0Mi', '0', 0, 'BinarySI'],
  ['0M', '0', 0, 'DecimalSI'],
  ['0Gi', '0', 0, 'BinarySI'],
  ['0G', '0', 0, 'DecimalSI'],
  ['0Ti', '0', 0, 'BinarySI'],
  ['0T', '0', 0, 'DecimalSI'],
  // Quantity less numbers are allowed
  ['1', '1', 0, 'DecimalSI'],
  // Binary suffixes
  ['1Ki', '1024', 0, 'BinarySI'],
  ['8Ki', '8192', 0, 'BinarySI'],
  ['7Mi', '7340032', 0, 'BinarySI'],
  ['6Gi', '6442450944', 0, 'BinarySI'],
  ['5Ti', '5497558138880', 0, 'BinarySI'],
  ['4Pi', '4503599627370496', 0, 'BinarySI'],
  ['3Ei', '3458764513820540928', 0, 'BinarySI'],
  ['10Ti', '10995116277760', 0, 'BinarySI'],
  ['100Ti', '109951162777600', 0, 'BinarySI'],
  // Decimal suffixes
  ['5n', '5', -9, 'DecimalSI'],
  ['4u', '4', -6, 'DecimalSI'],
  ['3m', '3', -3, 'DecimalSI'],
  ['9', '9', 0, 'DecimalSI'],
  ['8k', '8', 3, 'DecimalSI'],
  ['50k', '5', 4, 'DecimalSI'],
  ['7M', '7', 6, 'DecimalSI'],
  ['6G', '6', 9, 'DecimalSI'],
  ['5T', '5', 12, 'DecimalSI'],
  ['40T', '4', 13, 'DecimalSI'],
  ['300T', '3', 14, 'DecimalSI'],
  ['2P', '2', 15, 'DecimalSI'],
  ['1E', '1', 18, 'DecimalSI'],
  // Decimal exponents
  ['1E-3', '1', -3, 'DecimalExponent'],
  ['1e3', '1', 3, 'DecimalExponent'],
  ['1E6', '1', 6, 'DecimalExponent'],
  ['1e9', '1', 9, 'DecimalExponent'],
  ['1E12', '1', 12, 'DecimalExponent'],
  ['1e15', '1', 15, 'DecimalExponent'],
  ['1E18', '1', 18, 'DecimalExponent'],
  // Nonstandard but still parsable
  ['1e14', '1', 14, 'DecimalExponent'],
  ['1e13', '1', 13, 'DecimalExponent'],
  ['1e3', '1', 3, 'DecimalExponent'],
  ['100.035k', '100035', 0, 'DecimalSI'],
  // Things that look like floating point
  ['0.001', '1', -3, 'DecimalSI'],
  ['0.0005k', '5', -1, 'DecimalSI'],
  ['0.005', '5', -3, 'DecimalSI'],
  ['0.05', '5', -2, 'DecimalSI'],
  ['0.5', '5', -1, 'DecimalSI'],
  ['0.00050k', '5', -1, 'DecimalSI'],
  ['0.00500', '5', -3, 'DecimalSI'],
  ['0.05000', '5', -2, 'DecimalSI'],
  ['0.50000', '5', -1, 'DecimalSI'],
  ['0.5e0', '5', -1, 'DecimalExponent'],
  ['0.5e-1', '5', -2, 'DecimalExponent'],
  ['0.5e-2', '5', -3, 'DecimalExponent'],
  ['0.5e0', '5', -1, 'DecimalExponent'],
  ['10.035M', '10035', 3, 'DecimalSI'],
  ['1.2e3', '12', 2, 'DecimalExponent'],
  ['1.3E+6', '13', 5, 'DecimalExponent'],
  ['1.40e9', '14', 8, 'DecimalExponent'],
  ['1.53E12', '153', 10, 'DecimalExponent'],
  ['1.6e15', '16', 14, 'DecimalExponent'],
  ['1.7E18', '17', 17, 'DecimalExponent'],
  ['9.01', '901', -2, 'DecimalSI'],
  ['8.1k', '81', 2, 'DecimalSI'],
  ['7.123456M', '7123456', 0, 'DecimalSI'],
  ['6.987654321G', '6987654321', 0, 'DecimalSI'],
  ['5.444T', '5444', 9, 'DecimalSI'],
  ['40.1T', '401', 11, 'DecimalSI'],
  ['300.2T', '3002', 11, 'DecimalSI'],
  ['2.5P', '25', 14, 'DecimalSI'],
  ['1.01E', '101', 16, 'DecimalSI'],
  // Things that saturate/round
  ['3.001n', '4', -9, 'DecimalSI'],
  ['1.1E-9', '2', -9, 'DecimalExponent'],
  ['0.0000000001', '1', -9, 'DecimalSI'],
  ['0.0000000005', '1', -9, 'DecimalSI'],
  ['0.00000000050', '1', -9, 'DecimalSI'],
  ['0.5e-9', '1', -9, 'DecimalExponent'],
  ['0.9n', '1', -9, 'DecimalSI'],
  ['0.00000012345', '124', -9, 'DecimalSI'],
  ['0.00000012354', '124', -9, 'DecimalSI'],
  ['9Ei', '9223372036854775807', 0, 'BinarySI'],
  ['9223372036854775807Ki', '9223372036854775807', 0, 'BinarySI'],
  ['12E', '12', 18, 'DecimalSI'],
  // We'll accept fractional binary stuff, too.
  ['100.035Ki', '10243584', -2, 'BinarySI'],
  ['0.5Mi', '524288', 0, 'BinarySI'],
  ['0.05Gi', '536870912', -1, 'BinarySI'],
  ['0.025Ti', '274877906944', -1, 'BinarySI'],
  // Things written by trolls
  ['0.000000000001Ki', '2', -9, 'DecimalSI'],
  ['.001', '1', -3, 'DecimalSI'],
  ['.0001k', '100', -3, 'DecimalSI'],
  ['1.', '1', 0, 'DecimalSI'],
  ['1.G', '1', 9, 'DecimalSI'],
];

describe('parseQuantity — TestQuantityParse table', () => {
  it.each(parseTable)('%s', (input, mantissa, exponent, format) => {
    const q = parseQuantity(input);
    expect(sameValue(q, mantissa, exponent)).toBe(true);
    expect(q.format).toBe(format);
  });

  // The Go test re-runs the table with a leading "-" and with a leading "+".
  it.each(parseTable)('-%s', (input, mantissa, exponent, format) => {
    const q = parseQuantity(`-${input}`);
    expect(sameValue(q, negate(mantissa), exponent)).toBe(true);
    expect(q.format).toBe(format);
  });

  it.each(parseTable)('+%s', (input, mantissa, exponent, format) => {
    const q = parseQuantity(`+${input}`);
    expect(sameValue(q, mantissa, exponent)).toBe(true);
    expect(q.format).toBe(format);
  });

  it('rejects the empty string', () => {
    expect(() => parseQuantity('')).toThrow(QuantityError);
  });
});

// TestQuantityParse "invalid" list, then the invalid forms named in our brief.
const invalidTable: string[] = [
  '1.1.M',
  '1+1.0M',
  '0.1mi',
  '0.1am',
  'aoeu',
  '.5i',
  '1i',
  '-3.01i',
  '-3.01e-',
  ' 1',
  '1 ', // trailing/leading whitespace is forbidden by ParseQuantity
  '',
  '1.5Gb',
  '1Gi1',
  '1.1.1',
  '1e',
  '1ee3',
  '1Kib',
  '1KI',
  '1 Gi',
  '--1',
  '+-1',
  '1e3.5',
  '1e9223372036854775808', // exponent does not fit strconv.ParseInt(…, 64)
  '.e-10',
  'e-10', // no digit, and too small for the int64 fast path: inf.Dec rejects it
];
describe('parseQuantity — invalid input', () => {
  it.each(invalidTable)('%j is rejected', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityError);
    const result = tryParseQuantity(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('quantity');
  });
});

// TestQuantityString: value (mantissa, exponent, Format) → String(); parsing that string keeps it
// verbatim; parsing the alternate spelling yields the same canonical form.
const stringTable: Array<[string, number, QuantityFormat, string, string]> = [
  ['1073741824', 0, 'BinarySI', '1Gi', '1024Mi'],
  ['314572800', 0, 'BinarySI', '300Mi', '307200Ki'],
  ['6144', 0, 'BinarySI', '6Ki', ''],
  ['1074815565824', 0, 'BinarySI', '1001Gi', '1025024Mi'],
  ['1099511627776', 0, 'BinarySI', '1Ti', '1024Gi'],
  ['5', 0, 'BinarySI', '5', '5000m'],
  ['500', -3, 'BinarySI', '500m', '0.5'],
  ['1', 9, 'DecimalSI', '1G', '1000M'],
  ['1000', 6, 'DecimalSI', '1G', '0.001T'],
  ['1000000', 3, 'DecimalSI', '1G', ''],
  ['1000000000', 0, 'DecimalSI', '1G', ''],
  ['1', -3, 'DecimalSI', '1m', '1000u'],
  ['80', -3, 'DecimalSI', '80m', ''],
  ['1080', -3, 'DecimalSI', '1080m', '1.08'],
  ['108', -2, 'DecimalSI', '1080m', '1080000000n'],
  ['10800', -4, 'DecimalSI', '1080m', ''],
  ['300', 6, 'DecimalSI', '300M', ''],
  ['1', 12, 'DecimalSI', '1T', ''],
  ['1234567', 6, 'DecimalSI', '1234567M', ''],
  ['1234567', -3, 'BinarySI', '1234567m', ''],
  ['3', 3, 'DecimalSI', '3k', ''],
  ['1025', 0, 'BinarySI', '1025', ''],
  ['0', 0, 'DecimalSI', '0', ''],
  ['0', 0, 'BinarySI', '0', ''],
  ['1', 9, 'DecimalExponent', '1e9', '.001e12'],
  ['1', -3, 'DecimalExponent', '1e-3', '0.001e0'],
  ['1', -9, 'DecimalExponent', '1e-9', '1000e-12'],
  ['80', -3, 'DecimalExponent', '80e-3', ''],
  ['300', 6, 'DecimalExponent', '300e6', ''],
  ['1', 12, 'DecimalExponent', '1e12', ''],
  ['1', 3, 'DecimalExponent', '1e3', ''],
  ['3', 3, 'DecimalExponent', '3e3', ''],
  ['3', 3, 'DecimalSI', '3k', ''],
  ['0', 0, 'DecimalExponent', '0', '00'],
  ['1', -9, 'DecimalSI', '1n', ''],
  ['80', -9, 'DecimalSI', '80n', ''],
  ['1080', -9, 'DecimalSI', '1080n', ''],
  ['108', -8, 'DecimalSI', '1080n', ''],
  ['10800', -10, 'DecimalSI', '1080n', ''],
  ['1', -6, 'DecimalSI', '1u', ''],
  ['80', -6, 'DecimalSI', '80u', ''],
  ['1080', -6, 'DecimalSI', '1080u', ''],
];
describe('canonicalize — TestQuantityString table', () => {
  it.each(stringTable)('%s e%s %s prints %s', (mantissa, exponent, format, expected, alternate) => {
    expect(canonicalize(makeQuantity(BigInt(mantissa), exponent, format))).toBe(expected);
    const reparsed = parseQuantity(expected);
    expect(reparsed.verbatim).toBe(expected);
    expect(canonicalize(reparsed)).toBe(expected);
    if (alternate !== '') {
      const alt = parseQuantity(alternate);
      expect(alt.verbatim).toBeUndefined();
      expect(canonicalize(alt)).toBe(expected);
    }
    if (mantissa !== '0') {
      expect(canonicalize(makeQuantity(-BigInt(mantissa), exponent, format))).toBe(`-${expected}`);
    }
  });
});

// TestQuantityParseEmit: parse then String(), also negated.
const emitTable: Array<[string, string]> = [
  ['1Ki', '1Ki'],
  ['1Mi', '1Mi'],
  ['1Gi', '1Gi'],
  ['1024Mi', '1Gi'],
  ['1000M', '1G'],
  ['.001Ki', '1024m'],
  ['.000001Ki', '1024u'],
  ['.000000001Ki', '1024n'],
  ['.000000000001Ki', '2n'],
];
describe('canonicalize — TestQuantityParseEmit table', () => {
  it.each(emitTable)('%s prints %s', (input, expected) => {
    expect(canonicalize(parseQuantity(input))).toBe(expected);
    expect(canonicalize(parseQuantity(`-${input}`))).toBe(`-${expected}`);
  });
});

// TestParseQuantity: input, exact value (AsDec), String() (the input itself unless noted).
const largeTable: Array<[string, string, string]> = [
  // min/max 18 digits
  ['-999999999999999999', '-999999999999999999', '-999999999999999999'],
  ['999999999999999999', '999999999999999999', '999999999999999999'],
  // .0
  ['-999999999999999999.0', '-999999999999999999', '-999999999999999999'],
  ['999999999999999999.0', '999999999999999999', '999999999999999999'],
  // .1
  ['-999999999999999999.1', '-999999999999999999.1', '-999999999999999999100m'],
  ['999999999999999999.1', '999999999999999999.1', '999999999999999999100m'],
  // min/max 19 digits
  ['-9999999999999999999', '-9999999999999999999', '-9999999999999999999'],
  ['9999999999999999999', '9999999999999999999', '9999999999999999999'],
  ['-1E', '-1000000000000000000', '-1E'],
  ['1E', '1000000000000000000', '1E'],
  ['-1000000000000000000', '-1000000000000000000', '-1E'],
  ['1000000000000000000', '1000000000000000000', '1E'],
  // .0
  ['-9999999999999999999.0', '-9999999999999999999', '-9999999999999999999'],
  ['9999999999999999999.0', '9999999999999999999', '9999999999999999999'],
  ['-1.0E', '-1000000000000000000', '-1E'],
  ['1.0E', '1000000000000000000', '1E'],
  ['-1000000000000000000.0', '-1000000000000000000', '-1E'],
  ['1000000000000000000.0', '1000000000000000000', '1E'],
  // 000m
  ['-9999999999999999999000m', '-9999999999999999999', '-9999999999999999999'],
  ['9999999999999999999000m', '9999999999999999999', '9999999999999999999'],
  // .1
  ['-9999999999999999999.1', '-9999999999999999999.1', '-9999999999999999999100m'],
  ['9999999999999999999.1', '9999999999999999999.1', '9999999999999999999100m'],
  ['-1.0000000000000000001E', '-1000000000000000000.1', '-1000000000000000000100m'],
  ['1.0000000000000000001E', '1000000000000000000.1', '1000000000000000000100m'],
  ['-1000000000000000000.1', '-1000000000000000000.1', '-1000000000000000000100m'],
  ['1000000000000000000.1', '1000000000000000000.1', '1000000000000000000100m'],
  // +1
  ['-1.000000000000000001E', '-1000000000000000001', '-1000000000000000001'],
  ['1.000000000000000001E', '1000000000000000001', '1000000000000000001'],
  ['-1000000000000000001', '-1000000000000000001', '-1000000000000000001'],
  ['1000000000000000001', '1000000000000000001', '1000000000000000001'],
  // min/max 20 digits
  ['-10E', '-10000000000000000000', '-10E'],
  ['10E', '10000000000000000000', '10E'],
  ['-10000000000000000000', '-10000000000000000000', '-10E'],
  ['10000000000000000000', '10000000000000000000', '10E'],
  // .0
  ['-10.0E', '-10000000000000000000', '-10E'],
  ['10.0E', '10000000000000000000', '10E'],
  ['-10000000000000000000.0', '-10000000000000000000', '-10E'],
  ['10000000000000000000.0', '10000000000000000000', '10E'],
  // 000m
  ['-10000000000000000000000m', '-10000000000000000000', '-10E'],
  ['10000000000000000000000m', '10000000000000000000', '10E'],
  // .1
  ['-10.0000000000000000001E', '-10000000000000000000.1', '-10000000000000000000100m'],
  ['10.0000000000000000001E', '10000000000000000000.1', '10000000000000000000100m'],
  ['-10000000000000000000.1', '-10000000000000000000.1', '-10000000000000000000100m'],
  ['10000000000000000000.1', '10000000000000000000.1', '10000000000000000000100m'],
  // +1
  ['-10.000000000000000001E', '-10000000000000000001', '-10000000000000000001'],
  ['10.000000000000000001E', '10000000000000000001', '10000000000000000001'],
  ['-10000000000000000001', '-10000000000000000001', '-10000000000000000001'],
  ['10000000000000000001', '10000000000000000001', '10000000000000000001'],
  // min/max int64 - 1
  ['-9223372036854775809', '-9223372036854775809', '-9223372036854775809'],
  ['9223372036854775806', '9223372036854775806', '9223372036854775806'],
  // .0
  ['-9223372036854775809.0', '-9223372036854775809', '-9223372036854775809'],
  ['9223372036854775806.0', '9223372036854775806', '9223372036854775806'],
  // 000m
  ['-9223372036854775809000m', '-9223372036854775809', '-9223372036854775809'],
  ['9223372036854775806000m', '9223372036854775806', '9223372036854775806'],
  // .1
  ['-9223372036854775809.1', '-9223372036854775809.1', '-9223372036854775809100m'],
  ['9223372036854775806.1', '9223372036854775806.1', '9223372036854775806100m'],
  // min/max int64
  ['-9223372036854775808', '-9223372036854775808', '-9223372036854775808'],
  ['9223372036854775807', '9223372036854775807', '9223372036854775807'],
  // .0
  ['-9223372036854775808.0', '-9223372036854775808', '-9223372036854775808'],
  ['9223372036854775807.0', '9223372036854775807', '9223372036854775807'],
  // 000m
  ['-9223372036854775808000m', '-9223372036854775808', '-9223372036854775808'],
  ['9223372036854775807000m', '9223372036854775807', '9223372036854775807'],
  // .1
  ['-9223372036854775808.1', '-9223372036854775808.1', '-9223372036854775808100m'],
  ['9223372036854775807.1', '9223372036854775807.1', '9223372036854775807100m'],
  // min/max int64 + 1
  ['-9223372036854775807', '-9223372036854775807', '-9223372036854775807'],
  ['9223372036854775808', '9223372036854775808', '9223372036854775808'],
  // .0
  ['-9223372036854775807.0', '-9223372036854775807', '-9223372036854775807'],
  ['9223372036854775808.0', '9223372036854775808', '9223372036854775808'],
  // 000m
  ['-9223372036854775807000m', '-9223372036854775807', '-9223372036854775807'],
  ['9223372036854775808000m', '9223372036854775808', '9223372036854775808'],
  // .1
  ['-9223372036854775807.1', '-9223372036854775807.1', '-9223372036854775807100m'],
  ['9223372036854775808.1', '9223372036854775808.1', '9223372036854775808100m'],
];
describe('parseQuantity — TestParseQuantity (int64 boundaries)', () => {
  it.each(largeTable)('%s', (input, decimal, expected) => {
    const q = parseQuantity(input);
    const [whole, fraction = ''] = decimal.split('.');
    expect(sameValue(q, `${whole}${fraction}`, -fraction.length)).toBe(true);
    expect(canonicalize(q)).toBe(expected);
  });
});

// TestQuantityCmp (string rows) plus exactness cases where floating point would lie.
const compareTable: Array<[string | number, string | number, -1 | 0 | 1]> = [
  ['0', '0', 0],
  ['100m', '50m', 1],
  ['50m', '100m', -1],
  ['10000T', '100Gi', 1],
  ['1Gi', 1073741824, 0],
  ['1Gi', '1073741825', -1],
  ['0.1', '100m', 0],
  [0.1, '100m', 0],
  ['1Ki', '1024', 0],
  ['1k', '1Ki', -1],
  ['1e3', '1k', 0],
  ['1E3', '1000', 0],
  ['.5', '500m', 0],
  ['5.', '5', 0],
  ['+1', '1', 0],
  ['-1', '1', -1],
  ['-2', '-1', -1],
  ['9007199254740993', '9007199254740992', 1], // beyond 2^53: a double cannot tell these apart
  ['100000000000000000001m', '100000000000000000', 1],
  ['1n', '0', 1],
  ['1e-2147483648', '1n', 0], // rounded up to one nano
  ['1e2147483647', '1E', 1],
];
describe('compareQuantities', () => {
  it.each(compareTable)('%j vs %j → %i', (a, b, expected) => {
    expect(compareQuantities(parseQuantity(a), parseQuantity(b))).toBe(expected);
    expect(compareQuantities(parseQuantity(b), parseQuantity(a))).toBe(0 - expected + 0); // + 0: no -0
  });
});

// TestParseQuantityString rows, observed through their parsed value; plus Go quirks this
// module reproduces on purpose (see the reply notes): bare suffixes and lone signs are zero.
const quirkTable: Array<[string, string, QuantityFormat, string]> = [
  ['0.025Ti', '27487790694.4', 'BinarySI', '27487790694400m'],
  ['1.025Ti', '1126999418470.4', 'BinarySI', '1126999418470400m'],
  ['-1.025Ti', '-1126999418470.4', 'BinarySI', '-1126999418470400m'],
  ['.', '0', 'DecimalSI', '0'],
  ['-.', '0', 'DecimalSI', '0'],
  ['1E-3', '0.001', 'DecimalExponent', '1E-3'],
  ['Mi', '0', 'BinarySI', '0'],
  ['m', '0', 'DecimalSI', '0'],
  ['+', '0', 'DecimalSI', '0'],
  ['e-9', '0', 'DecimalExponent', '0'],
  ['00', '0', 'DecimalSI', '0'],
  ['01', '1', 'DecimalSI', '01'], // kept verbatim: leading zeros are stripped before the check
  ['1.500', '1.5', 'DecimalSI', '1.500'], // scale -3, digits "1500": already "canonical" to Go
  ['1.0', '1', 'DecimalSI', '1'],
  ['1000m', '1', 'DecimalSI', '1'],
  ['1024Ki', '1048576', 'BinarySI', '1Mi'],
  ['1000Ki', '1024000', 'BinarySI', '1000Ki'],
  ['1023Ki', '1047552', 'BinarySI', '1023Ki'],
  ['512Mi', '536870912', 'BinarySI', '512Mi'],
  ['1.5Ki', '1536', 'BinarySI', '1536'],
  ['1e20', '100000000000000000000', 'DecimalExponent', '100e18'],
  ['1000E', '1000000000000000000000', 'DecimalSI', '1'], // Go has no SI suffix above E and drops it
  ['1e4294967296', '1', 'DecimalExponent', '1e4294967296'], // Go narrows the exponent with int32()
  ['-0', '0', 'DecimalSI', '0'],
];
describe('parseQuantity — scanner rows and Go quirks', () => {
  it.each(quirkTable)('%s = %s (%s), prints %s', (input, decimal, format, printed) => {
    const q = parseQuantity(input);
    const negative = decimal.startsWith('-');
    const [whole, fraction = ''] = decimal.replace('-', '').split('.');
    expect(sameValue(q, `${negative ? '-' : ''}${whole}${fraction}`, -fraction.length)).toBe(true);
    expect(q.format).toBe(format);
    expect(canonicalize(q)).toBe(printed);
  });
});

// YAML numbers reach Kubernetes as Go's encoding/json text of the float64 (same as Number#toString).
const numberTable: Array<[number, string, QuantityFormat, string]> = [
  [1, '1', 'DecimalSI', '1'],
  [0.5, '0.5', 'DecimalSI', '500m'],
  [1e9, '1000000000', 'DecimalSI', '1G'],
  [1e3, '1000', 'DecimalSI', '1k'],
  [0.1, '0.1', 'DecimalSI', '100m'],
  [1e21, '1e+21', 'DecimalExponent', '1e+21'], // kept verbatim: Go's fast path finds it canonical
  [1e-7, '1e-7', 'DecimalExponent', '100e-9'],
  [-2, '-2', 'DecimalSI', '-2'],
  [0, '0', 'DecimalSI', '0'],
];
describe('parseQuantity — numbers from YAML', () => {
  it.each(numberTable)('%d is read as %s', (input, text, format, printed) => {
    const q = parseQuantity(input);
    expect(q.text).toBe(text);
    expect(q.format).toBe(format);
    expect(canonicalize(q)).toBe(printed);
  });

  it('rejects non-finite numbers and non-quantity values', () => {
    expect(() => parseQuantity(Number.NaN)).toThrow(QuantityError);
    expect(() => parseQuantity(Number.POSITIVE_INFINITY)).toThrow(QuantityError);
    for (const value of [null, undefined, true, {}, ['1']]) {
      const result = tryParseQuantity(value);
      expect(result.ok).toBe(false);
    }
  });
});

// TestJSONWhitespace: Quantity.UnmarshalJSON trims whitespace before ParseQuantity.
const whitespaceTable: Array<[unknown, string]> = [
  [' 1', '1'],
  ['1 ', '1'],
  [1, '1'],
  [' 1', '1'],
  ['1 ', '1'],
  [10, '10'],
  [-1, '-1'],
  [' -1', '-1'],
  ['\t2Gi\n', '2Gi'],
];
describe('tryParseManifestQuantity — TestJSONWhitespace', () => {
  it.each(whitespaceTable)('%j → %s', (input, printed) => {
    const result = tryParseManifestQuantity(input);
    expect(result.ok).toBe(true);
    if (result.ok) expect(canonicalize(result.quantity)).toBe(printed);
    if (typeof input === 'string' && input !== input.trim()) expect(tryParseQuantity(input).ok).toBe(false);
  });
});

// TestStringQuantityAsApproximateFloat64.
const floatTable: Array<[string, number]> = [
  ['2Ki', 2048],
  ['1.1Ki', 1126.4],
  ['1Mi', 1.048576e6],
  ['2Gi', 2.147483648e9],
  ['100m', 0.1],
  ['-1.5', -1.5],
  ['1e-2147483648', 1e-9],
];
describe('quantityToNumber', () => {
  it.each(floatTable)('%s ≈ %d', (input, expected) => {
    expect(quantityToNumber(parseQuantity(input))).toBe(expected);
  });
});

describe('TestQuantityParseZero', () => {
  it('"0" prints as "0"', () => {
    const q = parseQuantity('0');
    expect(canonicalize(q)).toBe('0');
    expect(q.format).toBe('DecimalSI');
    expect(quantityToNumber(q)).toBe(0);
  });
});
