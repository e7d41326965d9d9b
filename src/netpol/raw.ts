/** Defensive reads of raw YAML/JSON bodies: repositories hold half-written manifests too. */
import { isRecord } from '../model/values.ts';

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** The list, or undefined when absent or null (YAML `from:` with nothing after it is null). */
export function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A label map; non-string values are stringified the way a YAML author usually meant them. */
export function asStringMap(value: unknown): Record<string, string> {
  const record = asRecord(value);
  const out: Record<string, string> = {};
  if (!record) return out;
  for (const [key, v] of Object.entries(record)) {
    if (typeof v === 'string') out[key] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = String(v);
  }
  return out;
}

export function hasKey(record: Record<string, unknown> | undefined, key: string): boolean {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) && record[key] !== null;
}
