/**
 * Line diffs of planned edits: `bplus fix --dry-run` prints them as a patch `git apply` takes,
 * the GitHub flow turns them into suggestions, tests check that a fix only adds lines. The line
 * alignment is jsdiff's (the `diff` package: Myers' algorithm, removed lines before added ones in
 * a change, the unified format's edge cases such as a missing final newline), not our own.
 */
import { diffArrays, structuredPatch } from 'diff';

export type DiffOp = { kind: 'same' | 'add' | 'del'; text: string; oldLine: number; newLine: number };

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every line of `before` and `after` as kept, removed or added, removed lines first in a change. */
export function diffLines(before: string, after: string): DiffOp[] {
  const ops: DiffOp[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const part of diffArrays(splitLines(before), splitLines(after))) {
    for (const text of part.value) {
      if (part.added) ops.push({ kind: 'add', text, oldLine, newLine: ++newLine });
      else if (part.removed) ops.push({ kind: 'del', text, oldLine: ++oldLine, newLine });
      else ops.push({ kind: 'same', text, oldLine: ++oldLine, newLine: ++newLine });
    }
  }
  return ops;
}

export interface Hunk {
  /** First and last old (head-side) lines replaced; `oldEnd < oldStart` for a pure insertion after `oldEnd`. */
  oldStart: number;
  oldEnd: number;
  /** The new lines that take their place. */
  added: string[];
  removed: number;
}

/** Consecutive changes as replacement hunks (no context). */
export function changeHunks(before: string, after: string): Hunk[] {
  const ops = diffLines(before, after);
  const hunks: Hunk[] = [];
  let current: Hunk | undefined;
  for (const op of ops) {
    if (op.kind === 'same') {
      current = undefined;
      continue;
    }
    if (!current) {
      current = { oldStart: op.kind === 'del' ? op.oldLine : op.oldLine + 1, oldEnd: op.kind === 'del' ? op.oldLine - 1 : op.oldLine, added: [], removed: 0 };
      hunks.push(current);
    }
    if (op.kind === 'del') {
      current.oldEnd = op.oldLine;
      current.removed++;
    } else current.added.push(op.text);
  }
  return hunks;
}

/**
 * A unified diff of one file, in the form `git apply` (and `patch -p1`) accepts: `a/` and `b/`
 * prefixes, `/dev/null` for a new file, `-N,0` for an empty side.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string, options: { context?: number } = {}): string {
  const patch = structuredPatch(`a/${path}`, `b/${path}`, before ?? '', after, undefined, undefined, { context: options.context ?? 3 });
  if (patch.hunks.length === 0) return '';
  const out: string[] = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  for (const h of patch.hunks) {
    const range = (start: number, count: number): string => `${count === 0 ? start - 1 : start},${count}`;
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`, ...h.lines);
  }
  return out.join('\n') + '\n';
}
