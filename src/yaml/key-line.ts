/**
 * Where a YAML key is written on a line, found by scans instead of the backtracking patterns that
 * did it before (issue 12). Each function matches exactly what its pattern matched (the pattern is
 * quoted above it), and each reads every character a bounded number of times: a lazy key followed
 * by `\s*:` is resolved by finding the first `:` or `#` once, not by trying every key length.
 */
import { isLineTerminator, isSpace, skipSpaces } from './text-scan.ts';

const COLON = 0x3a;
const HASH = 0x23;
const DASH = 0x2d;
const QUESTION = 0x3f;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const TEMPLATE_MARK = 0xe000;

/** `\s*:(?:\s|$)` at `from` (no flag m): spaces, a colon, then a space or the end of the text. */
function colonFollows(text: string, from: number): boolean {
  const colon = skipSpaces(text, from);
  return text.charCodeAt(colon) === COLON && (colon + 1 === text.length || isSpace(text.charCodeAt(colon + 1)));
}

/**
 * `[^:#]*?\s*:(?:\s|$)` from `from`: the end of the shortest key that the colon ends. The colon is
 * necessarily the first `:` or `#` at or after `from` (the key and the spaces contain neither), and
 * the shortest key stops where the spaces before it start. -1 when there is no such colon.
 */
function plainKeyEnd(text: string, from: number): number {
  let stop = from;
  while (stop < text.length) {
    const code = text.charCodeAt(stop);
    if (code === COLON || code === HASH) break;
    stop++;
  }
  if (text.charCodeAt(stop) !== COLON) return -1;
  if (stop + 1 < text.length && !isSpace(text.charCodeAt(stop + 1))) return -1;
  let end = stop;
  while (end > from && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/** `"[^"]*"` (or with `'`) at `at` followed by `\s*:(?:\s|$)`: the end of the quoted key, or -1. */
function quotedKeyEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return -1;
  const close = text.indexOf(text[at]!, at + 1);
  return close !== -1 && colonFollows(text, close + 1) ? close + 1 : -1;
}

/** `-\s+` at `at`: the index after the dash's spaces, or -1. */
function afterDash(text: string, at: number): number {
  return text.charCodeAt(at) === DASH && at + 1 < text.length && isSpace(text.charCodeAt(at + 1)) ? skipSpaces(text, at + 1) : -1;
}

/**
 * The key a YAML line writes, as written (quotes kept), for naming a duplicate key:
 * `/^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s:#][^:#]*?)\s*:(?:\s|$)/` group 1.
 * The list-item dash is tried first; a key can also start with the dash when that fails.
 */
export function keyOfLine(line: string): string | undefined {
  const indent = skipSpaces(line, 0);
  const item = afterDash(line, indent);
  return (item !== -1 ? keyAt(line, item) : undefined) ?? keyAt(line, indent);
}

function keyAt(line: string, at: number): string | undefined {
  const quoted = quotedKeyEnd(line, at);
  if (quoted !== -1) return line.slice(at, quoted);
  if (at >= line.length) return undefined;
  const first = line.charCodeAt(at);
  if (isSpace(first) || first === COLON || first === HASH) return undefined;
  const end = plainKeyEnd(line, at + 1);
  return end === -1 ? undefined : line.slice(at, end);
}

export interface TemplateKeyLine {
  /** The spaces before everything else. */
  indent: string;
  /** The list-item dashes with their spaces (`- - `), possibly empty. */
  dashes: string;
  /** The key as written; U+E000 marks where a one-line template action stood. */
  key: string;
}

/** `[^\s#:'"\uE000]`: what may start a plain key of a template line. */
function startsPlainTemplateKey(code: number): boolean {
  return !Number.isNaN(code) && !isSpace(code) && code !== HASH && code !== COLON && code !== SINGLE_QUOTE && code !== DOUBLE_QUOTE && code !== TEMPLATE_MARK;
}

/**
 * The key a line of a template (actions blanked, a one-line action marked U+E000) writes:
 * `/^(\s*)((?:-\s+)*)(\uE000?[^\s#:'"\uE000][^:#]*?|"[^"]*"|'[^']*'|\uE000)\s*:(?:\s|$)/`.
 *
 * The pattern takes as many list dashes as it can, then gives them back one by one until a key
 * follows. Once a dash is the key's first character only a plain key can follow, and every plain
 * key starting at one of the dashes ends at the same colon, so one retry (the last dash) decides.
 */
export function templateKeyOfLine(line: string): TemplateKeyLine | undefined {
  const indentEnd = skipSpaces(line, 0);
  let lastDash = -1;
  let keyStart = indentEnd;
  for (let next = afterDash(line, keyStart); next !== -1; next = afterDash(line, keyStart)) {
    lastDash = keyStart;
    keyStart = next;
  }
  const indent = line.slice(0, indentEnd);
  const keyEnd = templateKeyEnd(line, keyStart);
  if (keyEnd !== -1) return { indent, dashes: line.slice(indentEnd, keyStart), key: line.slice(keyStart, keyEnd) };
  if (lastDash === -1) return undefined;
  const dashKeyEnd = plainKeyEnd(line, lastDash + 1);
  return dashKeyEnd === -1 ? undefined : { indent, dashes: line.slice(indentEnd, lastDash), key: line.slice(lastDash, dashKeyEnd) };
}

/** The four alternatives of the template key, in the pattern's order; the key's end or -1. */
function templateKeyEnd(line: string, at: number): number {
  const first = line.charCodeAt(at);
  if (first === TEMPLATE_MARK && startsPlainTemplateKey(line.charCodeAt(at + 1))) {
    const end = plainKeyEnd(line, at + 2);
    if (end !== -1) return end;
  } else if (startsPlainTemplateKey(first)) {
    const end = plainKeyEnd(line, at + 1);
    if (end !== -1) return end;
  }
  const quoted = quotedKeyEnd(line, at);
  if (quoted !== -1) return quoted;
  return first === TEMPLATE_MARK && colonFollows(line, at + 1) ? at + 1 : -1;
}

/**
 * Does a values file write an explicit (`? `) or a collection key (`[a, b]: 1`, `{a: 1}: 2`)?
 * `/^\s*(?:-\s+)*(?:\?(?:\s|$)|[[{].*[\]}]\s*:(?:\s|$))/m`, line by line: a match's key is on a
 * line that holds only spaces and list dashes before it, so checking each line from its start
 * finds every match. The spaces after a closing bracket may run onto the next lines, but each run
 * follows one bracket, so the text is read a bounded number of times.
 */
export function hasComplexKey(text: string): boolean {
  // Most files end their lines with `\n` only: then the next line is found natively.
  const newlinesOnly = !text.includes('\r') && !text.includes('\u2028') && !text.includes('\u2029');
  for (let lineStart = 0; lineStart !== -1;) {
    const stop = complexKeyAt(text, lineStart);
    if (stop === -1) return true;
    lineStart = nextLineStart(text, stop, newlinesOnly);
  }
  return false;
}

/** The start of the line after the one holding `from`, or -1 on the last line. */
function nextLineStart(text: string, from: number, newlinesOnly: boolean): number {
  if (newlinesOnly) {
    const newline = text.indexOf('\n', from);
    return newline === -1 ? -1 : newline + 1;
  }
  for (let at = from; at < text.length; at++) if (isLineTerminator(text.charCodeAt(at))) return at + 1;
  return -1;
}

/** Spaces of one line: `\s` without the line terminators. */
function isLineSpace(code: number): boolean {
  return isSpace(code) && !isLineTerminator(code);
}

/**
 * -1 when the line starting at `lineStart` writes a complex key; otherwise where reading it stopped
 * (still on that line).
 */
function complexKeyAt(text: string, lineStart: number): number {
  // Spaces, then list dashes each followed by spaces, all on this line.
  let at = lineStart;
  for (;;) {
    while (at < text.length && isLineSpace(text.charCodeAt(at))) at++;
    if (text.charCodeAt(at) !== DASH || !isLineSpace(text.charCodeAt(at + 1))) break;
    at++;
  }
  const first = text.charCodeAt(at);
  if (first === QUESTION) return at + 1 === text.length || isSpace(text.charCodeAt(at + 1)) ? -1 : at;
  if (first !== 0x5b && first !== 0x7b) return at; // `[` or `{`
  let close = at + 1;
  for (; close < text.length && !isLineTerminator(text.charCodeAt(close)); close++) {
    const code = text.charCodeAt(close);
    if (code !== 0x5d && code !== 0x7d) continue; // `]` or `}`
    const colon = skipSpaces(text, close + 1);
    if (text.charCodeAt(colon) === COLON && (colon + 1 === text.length || isSpace(text.charCodeAt(colon + 1)))) return -1;
  }
  return close;
}
