/**
 * Character tests and skips shared by the hand-written scans that replace backtracking regular
 * expressions (issue 12: every pattern applied to repository text runs in linear time). They
 * mirror what the regular-expression syntax means exactly, so a scan matches what its pattern did.
 */

/**
 * `\s` of a JavaScript regular expression: WhiteSpace and LineTerminator of the language
 * specification (the same set `String.prototype.trim` removes).
 */
export function isSpace(code: number): boolean {
  if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) return true;
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** What ends a line for `^`, `$` (flag m) and `.`: `\n`, `\r`, U+2028, U+2029. */
export function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** `\d`: an ASCII digit. */
export function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** `[A-Za-z_]`: what may start a Go template identifier or a field name. */
export function isIdentifierStart(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}

/** `\w`: `[A-Za-z0-9_]` (without the u flag). */
export function isWordCharacter(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

/** The first index at or after `from` that is not `\s` (the text's length if none). */
export function skipSpaces(text: string, from: number): number {
  let at = from;
  while (at < text.length && isSpace(text.charCodeAt(at))) at++;
  return at;
}

/** The first index at or after `from` that is not `\w` (the text's length if none). */
export function skipWordCharacters(text: string, from: number): number {
  let at = from;
  while (at < text.length && isWordCharacter(text.charCodeAt(at))) at++;
  return at;
}
