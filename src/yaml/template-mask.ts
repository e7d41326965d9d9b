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

/**
 * Each `{{` up to the first `}}` after it, as `/\{\{-?[\s\S]*?-?\}\}/g` would find them, but
 * with indexOf: the lazy pattern rescans to the end of the text from every `{{` that is never
 * closed (quadratic on a file of `{{{{…`); this walk reads each character a bounded number of times.
 */
function replaceActions(text: string, replace: (action: string, offset: number) => string): string {
  const parts: string[] = [];
  let done = 0;
  for (let open = text.indexOf('{{'); open !== -1; open = text.indexOf('{{', done)) {
    const close = text.indexOf('}}', open + 2);
    if (close === -1) break;
    parts.push(text.slice(done, open), replace(text.slice(open, close + 2), open));
    done = close + 2;
  }
  parts.push(text.slice(done));
  return parts.join('');
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

export function maskTemplateActions(text: string): MaskedText {
  const actions: string[] = [];
  const masked = replaceActions(text, (action: string, offset: number) => {
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
  });
  return { text: masked, actions };
}

/** Puts the original action text back into every string of a parsed value (in place, returns it). */
export function restoreTemplateActions(value: unknown, masked: MaskedText): unknown {
  if (masked.actions.length === 0) return value;
  const restoreString = (s: string): string =>
    s.includes(MARK) ? s.replace(PLACEHOLDER, (_m, id: string) => masked.actions[Number(id)] ?? '') : s;
  const seen = new Set<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return restoreString(v);
    if (!v || typeof v !== 'object' || seen.has(v)) return v;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
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

/** True when a string still carries a template action (a value Helm fills in at render time). */
export function isTemplated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}
