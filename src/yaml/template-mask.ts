/**
 * Helm templates and templated values contain Go template actions (`{{ .Values.x }}`) that are not
 * YAML. We replace each action by a placeholder of exactly the same length, so every offset (and
 * so every line and column) stays true, parse, then put the original text back into the strings.
 *
 * - an action alone on its line (`{{- if .Values.x }}`, `{{- end }}`) becomes a comment;
 * - an action inside a line becomes a plain-scalar placeholder: a private-use character, the
 *   action's number, then filler. Private-use characters are printable in YAML and never appear
 *   in real manifests, so restoring cannot touch anything else.
 */

export interface MaskedText {
  text: string;
  actions: string[];
}

const MARK = '\uE000';
const FILL = '\uE001';
const PLACEHOLDER = /\uE000(\d+)\uE001*/g;

export interface MaskOptions {
  /**
   * Leave `{{` that starts inside a YAML comment alone. Right for files Helm does not render
   * (values files, plain manifests): there a `{{` in a comment is text, and masking up to the next
   * `}}` would swallow every line in between. In templates Helm runs such actions, so they are masked.
   */
  skipComments?: boolean;
}

export function maskTemplateActions(text: string, options: MaskOptions = {}): MaskedText {
  const actions: string[] = [];
  let out = '';
  let copied = 0;
  let from = 0;
  for (;;) {
    const open = text.indexOf('{{', from);
    if (open === -1) break;
    if (options.skipComments && startsInComment(text, open)) {
      from = open + 2;
      continue;
    }
    const close = text.indexOf('}}', open + 2);
    if (close === -1) break;
    const end = close + 2;
    const action = text.slice(open, end);
    out += text.slice(copied, open) + maskOne(text, action, open, actions);
    copied = end;
    from = end;
  }
  return { text: out + text.slice(copied), actions };
}

function maskOne(text: string, action: string, offset: number, actions: string[]): string {
  if (action.includes('\n')) {
    // Multi-line actions (comments, long pipelines) become blank lines of the same shape.
    return action.replace(/[^\n]/g, ' ');
  }
  // Scanned only over blanks: each run of blanks is read by the actions on either side of it,
  // never the whole line once per action (a long line of actions would be quadratic).
  if (onlyBlanksBetweenLineAnd(text, offset, -1) && onlyBlanksBetweenLineAnd(text, offset + action.length, 1)) return '#' + ' '.repeat(action.length - 1);
  const id = String(actions.length);
  actions.push(action);
  return MARK + id + FILL.repeat(Math.max(0, action.length - id.length - 1));
}

/** Whether only blanks lie between `from` and the line's start (step -1) or end (step 1). */
function onlyBlanksBetweenLineAnd(text: string, from: number, step: 1 | -1): boolean {
  for (let i = step === 1 ? from : from - 1; i >= 0 && i < text.length; i += step) {
    const ch = text.charCodeAt(i);
    if (ch === 10) return true;
    if (ch !== 32 && ch !== 9 && ch !== 13 && ch !== 11 && ch !== 12 && !/\s/.test(text[i]!)) return false;
  }
  return true;
}

/** Whether `offset` lies in a YAML comment: after a `#` that starts a line or follows a blank, outside quotes. */
export function startsInComment(text: string, offset: number): boolean {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let quote: string | undefined;
  for (let i = lineStart; i < offset; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"') i++;
    } else if (ch === '#' && (i === lineStart || text[i - 1] === ' ' || text[i - 1] === '\t')) {
      return true;
    } else if ((ch === '"' || ch === "'") && (i === lineStart || /[\s:[{,-]/.test(text[i - 1]!))) {
      quote = ch;
    }
  }
  return false;
}

/** Puts the original action text back into every string of a parsed value (in place, returns it). */
export function restoreTemplateActions(value: unknown, masked: MaskedText): unknown {
  if (masked.actions.length === 0) return value;
  const restoreString = (s: string): string => (s.includes(MARK) ? s.replace(PLACEHOLDER, (_m, id: string) => masked.actions[Number(id)] ?? '') : s);
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return restoreString(v);
    if (!v || typeof v !== 'object' || seen.has(v)) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    // Sound: a non-null object that is not an array is a mapping (the value came from YAML).
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const restoredKey = restoreString(key);
      const child = walk(record[key]);
      if (restoredKey !== key) delete record[key];
      record[restoredKey] = child;
    }
    return v;
  };
  return walk(value);
}
