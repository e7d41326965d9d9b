/**
 * Line diffs of planned edits: `bplus fix --dry-run` prints them, the GitHub flow turns them into
 * suggestions, tests check that a fix only adds lines. Removed lines of sensitive files (the
 * clear-text Secrets a fix replaces) can be redacted so that a diff printed in a CI log or
 * posted anywhere never repeats a value.
 */

export type DiffOp = { kind: 'same' | 'add' | 'del'; text: string; oldLine: number; newLine: number };

export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Myers-free LCS on trimmed common prefix/suffix: edits are small, files are values files. */
export function diffLines(before: string, after: string): DiffOp[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const am = a.slice(head, a.length - tail);
  const bm = b.slice(head, b.length - tail);
  const ops: DiffOp[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: 'same', text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  if (am.length * bm.length > 4_000_000) {
    am.forEach((t, i) => ops.push({ kind: 'del', text: t, oldLine: head + i + 1, newLine: head }));
    bm.forEach((t, j) => ops.push({ kind: 'add', text: t, oldLine: head + am.length, newLine: head + j + 1 }));
  } else {
    const lcs: Uint32Array[] = Array.from({ length: am.length + 1 }, () => new Uint32Array(bm.length + 1));
    for (let i = am.length - 1; i >= 0; i--) {
      for (let j = bm.length - 1; j >= 0; j--) lcs[i]![j] = am[i] === bm[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
    let i = 0;
    let j = 0;
    while (i < am.length || j < bm.length) {
      if (i < am.length && j < bm.length && am[i] === bm[j]) {
        ops.push({ kind: 'same', text: am[i]!, oldLine: head + i + 1, newLine: head + j + 1 });
        i++;
        j++;
      } else if (j < bm.length && (i >= am.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
        ops.push({ kind: 'add', text: bm[j]!, oldLine: head + i, newLine: head + j + 1 });
        j++;
      } else {
        ops.push({ kind: 'del', text: am[i]!, oldLine: head + i + 1, newLine: head + j });
        i++;
      }
    }
  }
  for (let k = tail; k > 0; k--) ops.push({ kind: 'same', text: a[a.length - k]!, oldLine: a.length - k + 1, newLine: b.length - k + 1 });
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

export function unifiedDiff(path: string, before: string | undefined, after: string, options: { redactRemoved?: boolean; context?: number } = {}): string {
  const context = options.context ?? 3;
  const ops = diffLines(before ?? '', after);
  const out: string[] = [`--- ${before === undefined ? '/dev/null' : `a/${path}`}`, `+++ b/${path}`];
  let k = 0;
  while (k < ops.length) {
    if (ops[k]!.kind === 'same') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    while (end < ops.length) {
      if (ops[end]!.kind !== 'same') {
        end++;
        continue;
      }
      let next = end;
      while (next < ops.length && ops[next]!.kind === 'same') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const slice = ops.slice(start, stop);
    const aCount = slice.filter((o) => o.kind !== 'add').length;
    const bCount = slice.filter((o) => o.kind !== 'del').length;
    const first = slice[0]!;
    const aStart = aCount === 0 ? first.oldLine : first.kind === 'add' ? first.oldLine + 1 : first.oldLine;
    const bStart = bCount === 0 ? first.newLine : first.kind === 'del' ? first.newLine + 1 : first.newLine;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    let redacted = 0;
    const flush = (): void => {
      if (redacted > 0) out.push(`-[${redacted} removed line(s) redacted: they held clear-text values]`);
      redacted = 0;
    };
    for (const op of slice) {
      if (op.kind === 'del' && options.redactRemoved) {
        redacted++;
        continue;
      }
      flush();
      out.push(`${op.kind === 'same' ? ' ' : op.kind === 'add' ? '+' : '-'}${op.text}`);
    }
    flush();
    k = stop;
  }
  return out.join('\n') + '\n';
}
