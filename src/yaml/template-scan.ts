/**
 * Scans of Helm template text that replace backtracking patterns (issue 12): template comments
 * and variable bindings. Each matches exactly what its pattern matched (quoted above it) and reads
 * every character a bounded number of times.
 */
import { isIdentifierStart, isSpace, isWordCharacter, skipSpaces, skipWordCharacters } from './text-scan.ts';

/**
 * Replaces every template comment `{{/* … *\/}}` (also `{{- /* … *\/ -}}`) by spaces, line breaks
 * kept: `text.replace(/\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g, blank)`.
 *
 * The pattern tried every `{{` against the rest of the text; a comment that is never closed made
 * that quadratic. Here a comment ends at the first `*\/` followed by `}}`; when none follows, no
 * later comment can end either (it would need a later one), so the scan stops there. Each `{{`
 * and each `*\/` is looked at once.
 */
export function blankTemplateComments(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  for (let open = text.indexOf('{{'); open !== -1;) {
    let body = open + 2;
    if (text.charCodeAt(body) === 0x2d) body++; // `-`
    body = skipSpaces(text, body);
    if (!text.startsWith('/*', body)) {
      open = text.indexOf('{{', open + 1);
      continue;
    }
    const end = commentEnd(text, body + 2);
    if (end === -1) break;
    parts.push(text.slice(copied, open), text.slice(open, end).replace(/[^\n]/g, ' '));
    copied = end;
    open = text.indexOf('{{', end);
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/** `[\s\S]*?\*\/\s*-?\}\}` from `from`: the index after the comment's `}}`, or -1. */
function commentEnd(text: string, from: number): number {
  for (let star = text.indexOf('*/', from); star !== -1; star = text.indexOf('*/', star + 1)) {
    let close = skipSpaces(text, star + 2);
    if (text.charCodeAt(close) === 0x2d) close++; // `-`
    if (text.startsWith('}}', close)) return close + 2;
  }
  return -1;
}

export interface VariableBinding {
  /** The variable's name, without `$`. */
  name: string;
  /** What it is bound to: a `.Values…` path (with its `$`, `.root` or `.` prefix) or `$other.path`. */
  target: string;
}

/**
 * Every `$name := target` (or `=`) of an action whose target is a values path or another variable,
 * optionally through `(` and `default X`: the matches, in order, of
 * `/\$([A-Za-z_]\w*)\s*:?=\s*(?:\(?\s*)(?:default\s+\S+\s+)?((?:\$|\.root|\.)?\.?Values(?:\.[A-Za-z_][\w-]*)*|\$[A-Za-z_]\w*(?:\.[A-Za-z_][\w-]*)*)/g`.
 *
 * Linear: an attempt starts at each `$`; what it reads up to its target (name, spaces, `:=`, `(`)
 * holds no other `$`, so those stretches never overlap; a `default X` and a target follow a
 * stretch that ends with `=`, `(` or spaces, which none of them contains, so each is read by at
 * most one attempt. A failed attempt resumes at the next `$`, a match after its end.
 */
export function variableBindings(body: string): VariableBinding[] {
  const out: VariableBinding[] = [];
  for (let dollar = body.indexOf('$'); dollar !== -1;) {
    const binding = bindingAt(body, dollar);
    if (binding) out.push(binding.binding);
    dollar = body.indexOf('$', binding ? binding.end : dollar + 1);
  }
  return out;
}

function bindingAt(body: string, dollar: number): { binding: VariableBinding; end: number } | undefined {
  if (!isIdentifierStart(body.charCodeAt(dollar + 1))) return undefined;
  const nameEnd = skipWordCharacters(body, dollar + 2);
  let at = skipSpaces(body, nameEnd);
  if (body.charCodeAt(at) === 0x3a) at++; // `:`
  if (body.charCodeAt(at) !== 0x3d) return undefined; // `=`
  at = skipSpaces(body, at + 1);
  if (body.charCodeAt(at) === 0x28) at = skipSpaces(body, at + 1); // `(`
  if (body.startsWith('default', at)) {
    // `default\s+\S+\s+`; without it the target would have to start with `d`, which none can.
    const argument = skipSpaces(body, at + 7);
    if (argument === at + 7) return undefined;
    let argumentEnd = argument;
    while (argumentEnd < body.length && !isSpace(body.charCodeAt(argumentEnd))) argumentEnd++;
    if (argumentEnd === argument) return undefined;
    at = skipSpaces(body, argumentEnd);
    if (at === argumentEnd) return undefined;
  }
  const end = bindingTargetEnd(body, at);
  if (end === -1) return undefined;
  return { binding: { name: body.slice(dollar + 1, nameEnd), target: body.slice(at, end) }, end };
}

/** The target alternatives in the pattern's order: a values path first, then `$variable.path`. */
function bindingTargetEnd(body: string, at: number): number {
  const values = valuesWordAt(body, at);
  if (values !== -1) return fieldsEnd(body, values + 'Values'.length);
  if (body.charCodeAt(at) === 0x24 && isIdentifierStart(body.charCodeAt(at + 1))) return fieldsEnd(body, skipWordCharacters(body, at + 2));
  return -1;
}

/**
 * `(?:\$|\.root|\.)?\.?Values` at `at`: where its `Values` starts, or -1. The prefixes are tried
 * in the pattern's order, each with and without the optional dot.
 */
function valuesWordAt(body: string, at: number): number {
  const prefixEnds: number[] = [];
  if (body.charCodeAt(at) === 0x24) prefixEnds.push(at + 1);
  if (body.startsWith('.root', at)) prefixEnds.push(at + 5);
  if (body.charCodeAt(at) === 0x2e) prefixEnds.push(at + 1);
  prefixEnds.push(at);
  for (const prefixEnd of prefixEnds) {
    if (body.startsWith('.Values', prefixEnd)) return prefixEnd + 1;
    if (body.startsWith('Values', prefixEnd)) return prefixEnd;
  }
  return -1;
}

/** `(?:\.[A-Za-z_][\w-]*)*` from `at`: the end of the field path. */
function fieldsEnd(body: string, at: number): number {
  let end = at;
  while (body.charCodeAt(end) === 0x2e && isIdentifierStart(body.charCodeAt(end + 1))) {
    end += 2;
    while (end < body.length && (isWordCharacter(body.charCodeAt(end)) || body.charCodeAt(end) === 0x2d)) end++;
  }
  return end;
}
