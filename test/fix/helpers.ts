/** Fixture repositories for the fix tests, in memory: balance-plus with a violation overlay. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BALANCE_PLUS_DIR, VIOLATIONS_DIR, overlayChanges } from '../helpers/overlay.ts';
import { readTree } from '../app/fake-github.ts';
import { MemorySource } from '../../src/source/local.ts';

export type Files = Map<string, string>;

export async function variantFiles(variant: string): Promise<Files> {
  const files: Files = new Map();
  for (const [p, content] of readTree(BALANCE_PLUS_DIR)) {
    if (p.endsWith('Chart.lock') || /^charts\/[^/]+\/charts\//.test(p)) continue;
    files.set(p, content.toString('utf8'));
  }
  if (variant === 'balance-plus') return files;
  const changes = await overlayChanges(variant);
  for (const rel of changes.deleted) {
    for (const key of [...files.keys()]) if (key === rel || key.startsWith(`${rel}/`)) files.delete(key);
  }
  for (const rel of changes.written) files.set(rel.split(path.sep).join('/'), readFileSync(path.join(VIOLATIONS_DIR, variant, rel), 'utf8'));
  return files;
}

export function sourceOf(files: Files, name = 'memory'): MemorySource {
  return new MemorySource(files, name);
}

export function withEdits(files: Files, edits: ReadonlyMap<string, string>): Files {
  const out = new Map(files);
  for (const [p, c] of edits) out.set(p, c);
  return out;
}
