/**
 * Words for a value read from a user's file, for messages. `String(value)` prints a mapping as
 * "[object Object]", which tells the reader nothing; here a mapping or a list is written in YAML's
 * flow style (`{x: 1}`, `[a, b]`), as the reader would recognise it from the file.
 *
 * The value may be hostile (a huge or deeply nested mapping): the work is bounded by a depth and
 * a number of entries per collection, and the text by `max` characters where a message needs it
 * short (a value that is data, such as a chart's repository URL, is kept whole by default).
 */
const MAX_DEPTH = 3;
const MAX_ENTRIES = 8;

/** A string as it is; anything else as YAML's flow style writes it; at most `max` characters. */
export function formatValue(value: unknown, max = Number.POSITIVE_INFINITY): string {
  const text = typeof value === 'string' ? value : flow(value, 0, new Set());
  return text.length > max ? `${text.slice(0, Math.max(0, max - 1))}…` : text;
}

/** What went wrong, from anything a `catch` receives (a library may throw a non-Error). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : formatValue(error);
}

function flow(value: unknown, depth: number, open: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return '';
    case 'symbol':
      return value.description ?? 'symbol';
    case 'function':
      return 'function';
    case 'object':
      break;
  }
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  // An alias in YAML can make a value contain itself; it is written once.
  if (open.has(value)) return '*';
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[…]' : '{…}';
  open.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ENTRIES).map((item: unknown) => flow(item, depth + 1, open));
      if (value.length > MAX_ENTRIES) items.push('…');
      return `[${items.join(', ')}]`;
    }
    const entries: string[] = [];
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (entries.length === MAX_ENTRIES) {
        entries.push('…');
        break;
      }
      const item: unknown = Reflect.get(value, key);
      entries.push(`${/^[\w./-]+$/.test(key) ? key : JSON.stringify(key)}: ${flow(item, depth + 1, open)}`);
    }
    return `{${entries.join(', ')}}`;
  } finally {
    open.delete(value);
  }
}
