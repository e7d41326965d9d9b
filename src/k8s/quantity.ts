/**
 * resource.Quantity, as k8s.io/apimachinery/pkg/api/resource/quantity.go defines it:
 * ParseQuantity (including its rounding, capping and format rules) and String()
 * (CanonicalizeBytes, plus the verbatim reuse of already-canonical input).
 * Written from the Go definitions, not translated from them.
 *
 * Values are kept exactly as mantissa × 10^exponent with BigInt mantissas, so that
 * comparisons never go through floating point ("1Gi" vs "1073741824", "0.1" vs "100m").
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** Exact value = mantissa × 10^exponent; normalised: mantissa has no trailing zeros, 0 has exponent 0. */
  readonly mantissa: bigint;
  readonly exponent: number;
  /** The text that was parsed (numbers are first turned into the text Kubernetes would receive). */
  readonly text: string;
  readonly format: QuantityFormat;
  /**
   * Go keeps the input string as the canonical form when the fast parse path finds it
   * already canonical (Quantity.s); String() then returns it verbatim, even "+1" or "1.500".
   */
  readonly verbatim?: string;
}

export class QuantityError extends Error {
  constructor(
    message: string,
    readonly input: unknown,
  ) {
    super(message);
    this.name = 'QuantityError';
  }
}

const DECIMAL_SUFFIX_EXPONENTS: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX_EXPONENTS: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIX_EXPONENTS).map(([s, e]) => [e, s]));
const BINARY_SUFFIX_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIX_EXPONENTS).map(([s, e]) => [e, s]));
/** Characters Go's scanner accepts at the start of a suffix, before an optional sign and digits. */
const SUFFIX_CHARS = 'eEinumkKMGTP';
/** BinarySI values are capped at the largest int64 (maxAllowed in quantity.go). */
const MAX_BINARY = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
/** Every parsed value is rounded (away from zero) to a multiple of 10^-9 — Nano scale. */
const NANO_EXPONENT = -9;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

interface ScannedQuantity {
  negative: boolean;
  /** integer digits with leading zeros stripped; "0" when none remain */
  whole: string;
  fraction: string;
  suffix: string;
  /** whether the numeric part holds any digit at all (Go's slow path needs one) */
  hasDigits: boolean;
}

/** The lexical split Go's parseQuantityString makes, or null for ErrFormatWrong. */
function scan(text: string): ScannedQuantity | null {
  let pos = 0;
  const end = text.length;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    pos++;
  }
  const digitsStart = pos;
  while (text[pos] === '0') pos++;
  // All zeros (or nothing) after the sign: Go returns zero without looking for a suffix.
  if (pos >= end) return { negative, whole: '0', fraction: '', suffix: '', hasDigits: pos > digitsStart };

  const wholeStart = pos;
  while (isDigit(text[pos])) pos++;
  const whole = text.slice(wholeStart, pos) || '0';
  let fraction = '';
  if (text[pos] === '.') {
    const fractionStart = ++pos;
    while (isDigit(text[pos])) pos++;
    fraction = text.slice(fractionStart, pos);
  }
  const hasDigits = /[0-9]/.test(text.slice(digitsStart, pos));

  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(text.charAt(pos))) pos++;
  if (text[pos] === '-' || text[pos] === '+') pos++;
  while (isDigit(text[pos])) pos++;
  if (pos < end) return null;
  return { negative, whole, fraction, suffix: text.slice(suffixStart), hasDigits };
}

interface SuffixMeaning {
  base: 10 | 2;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(suffix: string): SuffixMeaning | null {
  const decimal = DECIMAL_SUFFIX_EXPONENTS[suffix];
  if (decimal !== undefined) return { base: 10, exponent: decimal, format: 'DecimalSI' };
  const binary = BINARY_SUFFIX_EXPONENTS[suffix];
  if (binary !== undefined) return { base: 2, exponent: binary, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt(…, 10, 64): optional sign, decimal digits, must fit in int64.
    const digits = suffix.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) return null;
    const parsed = BigInt(digits);
    if (parsed < INT64_MIN || parsed > INT64_MAX) return null;
    // Go then narrows it with int32(parsed): wrap-around included.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return null;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function digitCount(n: bigint): number {
  return n === 0n ? 0 : abs(n).toString().length;
}

/** Strip trailing decimal zeros into the exponent, so equal values have equal parts. */
function normalize(mantissa: bigint, exponent: number): { mantissa: bigint; exponent: number } {
  if (mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  const digits = mantissa.toString();
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48 /* 0 */) end--; // not /0+$/: quadratic on "000…x"
  const trimmed = digits.slice(0, end);
  return { mantissa: BigInt(trimmed), exponent: exponent + (digits.length - trimmed.length) };
}

/**
 * Round |mantissa × 10^exponent| up to a multiple of 10^-9, keeping the sign: Go rounds
 * with inf.RoundUp on the absolute value ("if you want some resources, you should get some").
 */
function roundUpToNano(mantissa: bigint, exponent: number): { mantissa: bigint; exponent: number } {
  if (exponent >= NANO_EXPONENT || mantissa === 0n) return { mantissa, exponent };
  const sign = mantissa < 0n ? -1n : 1n;
  const dropped = NANO_EXPONENT - exponent;
  // Smaller than one nano in magnitude: avoids building 10^dropped for absurd exponents.
  if (dropped > digitCount(mantissa)) return { mantissa: sign, exponent: NANO_EXPONENT };
  const divisor = 10n ** BigInt(dropped);
  const magnitude = abs(mantissa);
  const nanos = magnitude / divisor + (magnitude % divisor === 0n ? 0n : 1n);
  return { mantissa: sign * nanos, exponent: NANO_EXPONENT };
}

/** Compare |a| with |b| for normalised non-zero values, via order of magnitude first. */
function compareMagnitudes(a: { mantissa: bigint; exponent: number }, b: { mantissa: bigint; exponent: number }): -1 | 0 | 1 {
  const orderA = digitCount(a.mantissa) + a.exponent;
  const orderB = digitCount(b.mantissa) + b.exponent;
  if (orderA !== orderB) return orderA < orderB ? -1 : 1;
  // Same order of magnitude, so the exponents differ by at most the digit counts: cheap to align.
  const shift = a.exponent - b.exponent;
  const ma = abs(a.mantissa) * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const mb = abs(b.mantissa) * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return ma === mb ? 0 : ma < mb ? -1 : 1;
}

/**
 * The text Kubernetes receives for a YAML number: kubectl turns YAML into JSON with Go's
 * encoding/json, whose float formatting (shortest round-trip digits, exponent form below
 * 1e-6 and from 1e21 up) is the same as JavaScript's Number#toString.
 */
export function numberToQuantityText(value: number): string {
  if (!Number.isFinite(value)) throw new QuantityError(`quantity ${String(value)} is not a finite number`, value);
  return String(value);
}

/** Parse like resource.ParseQuantity. Numbers are read by their decimal text. */
export function parseQuantity(input: string | number): Quantity {
  const text = typeof input === 'number' ? numberToQuantityText(input) : input;
  if (typeof text !== 'string') throw new QuantityError(`quantity must be a string or number, got ${typeof input}`, input);
  if (text.length === 0) throw new QuantityError('quantity is empty', input);
  if (text === '0') return { mantissa: 0n, exponent: 0, text, format: 'DecimalSI', verbatim: '0' };

  const scanned = scan(text);
  if (scanned === null) {
    throw new QuantityError(`quantity ${JSON.stringify(text)} must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`, input);
  }
  const meaning = interpretSuffix(scanned.suffix);
  if (meaning === null) {
    throw new QuantityError(
      `quantity ${JSON.stringify(text)} has an unknown suffix ${JSON.stringify(scanned.suffix)} (expected one of n u m k M G T P E, Ki Mi Gi Ti Pi Ei, or e<exponent>)`,
      input,
    );
  }

  const { negative, whole, fraction } = scanned;
  const shifted = whole + fraction;
  const scale = meaning.base === 10 ? meaning.exponent - fraction.length : -fraction.length;

  // Go's int64 fast path decides only whether the input text is kept as the canonical form;
  // the value is the same either way. It runs when the digits surely fit in an int64.
  const fastPath =
    meaning.base === 10 ? 18 - shifted.length >= 0 && scale >= NANO_EXPONENT : fraction.length === 0 && 14 - whole.length - (meaning.exponent * 3) / 10 >= 0;
  if (!fastPath && !scanned.hasDigits) {
    // The slow path re-reads the number with inf.Dec, which needs at least one digit.
    throw new QuantityError(`quantity ${JSON.stringify(text)} has no digits`, input);
  }

  let mantissa = BigInt(shifted) * (meaning.base === 2 ? 1n << BigInt(meaning.exponent) : 1n);
  if (negative) mantissa = -mantissa;
  let value = roundUpToNano(mantissa, scale);
  let format = meaning.format;

  if (format === 'BinarySI') {
    value = normalize(value.mantissa, value.exponent);
    const cap = { mantissa: MAX_BINARY, exponent: 0 };
    if (value.mantissa !== 0n && compareMagnitudes(value, cap) > 0) {
      value = { mantissa: value.mantissa < 0n ? -MAX_BINARY : MAX_BINARY, exponent: 0 };
    }
    // Below one (but not zero) a binary suffix cannot be printed without rounding.
    if (value.mantissa !== 0n && compareMagnitudes(normalize(value.mantissa, value.exponent), { mantissa: 1n, exponent: 0 }) < 0) {
      format = 'DecimalSI';
    }
  }

  let verbatim: string | undefined;
  if (fastPath) {
    const keep = meaning.base === 2 ? (BigInt(shifted) & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
    if (keep) verbatim = text;
  }
  const normal = normalize(value.mantissa, value.exponent);
  return { mantissa: normal.mantissa, exponent: normal.exponent, text, format, ...(verbatim !== undefined ? { verbatim } : {}) };
}

/**
 * A quantity with the exact value mantissa × 10^exponent, as Go's constructors would hold it
 * (no verbatim text, so canonicalize() computes the form). `text` is its canonical form.
 */
export function makeQuantity(mantissa: bigint, exponent: number, format: QuantityFormat): Quantity {
  const normal = normalize(mantissa, exponent);
  const draft: Quantity = { mantissa: normal.mantissa, exponent: normal.exponent, text: '', format };
  return { ...draft, text: canonicalize(draft) };
}

/** Like parseQuantity but never throws; accepts any manifest value (strings and numbers). */
export function tryParseQuantity(text: unknown): { ok: true; quantity: Quantity } | { ok: false; error: string } {
  if (typeof text !== 'string' && typeof text !== 'number') {
    return { ok: false, error: `quantity must be a string or number, got ${text === null ? 'null' : typeof text}` };
  }
  try {
    return { ok: true, quantity: parseQuantity(text) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

// Go's strings.TrimSpace set (unicode.IsSpace); unlike String#trim it leaves U+FEFF alone.
function isGoSpace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) ||
    code === 32 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** strings.TrimSpace, by index: `/^\s+|\s+$/g` is quadratic on a long run of spaces inside a value. */
function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isGoSpace(text.charCodeAt(start))) start++;
  while (end > start && isGoSpace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * What the API server accepts in a manifest: Quantity.UnmarshalJSON trims surrounding
 * whitespace before ParseQuantity, so `memory: " 1Gi"` is admitted although
 * ParseQuantity(" 1Gi") fails. Use this for "would the cluster accept it".
 */
export function tryParseManifestQuantity(value: unknown): { ok: true; quantity: Quantity } | { ok: false; error: string } {
  return tryParseQuantity(typeof value === 'string' ? goTrimSpace(value) : value);
}

/** Exact three-way comparison of the values (formats are ignored, as in Quantity.Cmp). */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const signA = a.mantissa === 0n ? 0 : a.mantissa < 0n ? -1 : 1;
  const signB = b.mantissa === 0n ? 0 : b.mantissa < 0n ? -1 : 1;
  if (signA !== signB) return signA < signB ? -1 : 1;
  if (signA === 0) return 0;
  const byMagnitude = compareMagnitudes(a, b);
  return signA < 0 ? compareMagnitudes(b, a) : byMagnitude;
}

/** Approximate value as a double (correctly rounded from the exact value), for display and ratios. */
export function quantityToNumber(q: Quantity): number {
  return Number.parseFloat(`${q.mantissa}e${q.exponent}`);
}

/**
 * The text Quantity.String() prints. Faithful to Go including its quirks: verbatim reuse of
 * input like "+1", "01" or "1.500"; and DecimalSI values of 1000E and more lose their
 * suffix (Go finds no SI suffix above E and prints the bare mantissa, e.g. "1000E" → "1").
 */
export function canonicalize(q: Quantity): string {
  if (q.verbatim !== undefined) return q.verbatim;
  if (q.mantissa === 0n) return '0';

  let format = q.format;
  if (format === 'BinarySI') {
    const small = compareMagnitudes(q, { mantissa: 1024n, exponent: 0 }) < 0;
    // Binary suffixes only for whole numbers of at least 1024; otherwise print as DecimalSI.
    if (small || q.exponent < 0) format = 'DecimalSI';
  }

  if (format === 'BinarySI') {
    let amount = q.mantissa * 10n ** BigInt(q.exponent);
    let power = 0;
    while (amount % 1024n === 0n) {
      amount /= 1024n;
      power += 10;
    }
    return `${amount}${BINARY_SUFFIX_BY_EXPONENT.get(power) ?? ''}`;
  }

  // Lower the exponent to a multiple of three (Go's % truncates toward zero, hence the floor).
  const exponent = Math.floor(q.exponent / 3) * 3;
  const amount = q.mantissa * 10n ** BigInt(q.exponent - exponent);
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  return `${amount}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`;
}
