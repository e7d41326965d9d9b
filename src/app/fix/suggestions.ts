/**
 * When bplus cannot push (a fork, a protected branch): the same edits as one pull-request review
 * with ```suggestion blocks, which the author applies with one click. A suggestion can only sit
 * on lines the pull request's diff shows; every other change (lines outside the diff, new files)
 * is written out in the review's body. Only new text is ever sent: the lines a suggestion
 * replaces are referred to by number, so a replaced clear-text Secret is never quoted.
 */
import { changeHunks, splitLines } from '../../fix/diff.ts';
import type { PullRequestDiff } from '../diff.ts';

export interface ReviewComment {
  path: string;
  line: number;
  start_line?: number;
  side: 'RIGHT';
  start_side?: 'RIGHT';
  body: string;
}

export interface SuggestionReview {
  comments: ReviewComment[];
  /** Markdown for the changes that cannot be suggestions. */
  outside: string[];
}

const MAX_BODY = 60_000;

export function buildSuggestions(edits: ReadonlyMap<string, string>, originals: ReadonlyMap<string, string | undefined>, diff: PullRequestDiff | undefined): SuggestionReview {
  const comments: ReviewComment[] = [];
  const outside: string[] = [];
  for (const [path, after] of [...edits].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const before = originals.get(path);
    if (before === undefined) {
      outside.push(`**New file \`${path}\`:**\n\n${fence(after, 'yaml')}`);
      continue;
    }
    const visible = diff?.visibleLines.get(path);
    const oldLines = splitLines(before);
    for (const hunk of changeHunks(before, after)) {
      const insertion = hunk.removed === 0;
      // A pure insertion after line L is suggested as "line L, then the new lines".
      const anchorStart = insertion ? Math.max(1, hunk.oldEnd) : hunk.oldStart;
      const anchorEnd = insertion ? Math.max(1, hunk.oldEnd) : hunk.oldEnd;
      const anchorText = insertion ? (hunk.oldEnd >= 1 ? [oldLines[hunk.oldEnd - 1] ?? ''] : []) : [];
      const replacement = insertion && hunk.oldEnd < 1 ? [...hunk.added, oldLines[0] ?? ''] : [...anchorText, ...hunk.added];
      const all = range(anchorStart, anchorEnd).every((l) => visible?.has(l));
      if (all) {
        comments.push({
          path,
          line: anchorEnd,
          ...(anchorStart < anchorEnd ? { start_line: anchorStart, start_side: 'RIGHT' as const } : {}),
          side: 'RIGHT',
          body: `bplus fix:\n${fence(replacement.join('\n'), 'suggestion')}`,
        });
      } else {
        const where = insertion ? `after line ${hunk.oldEnd}` : `replace lines ${hunk.oldStart}–${hunk.oldEnd} with`;
        outside.push(`\`${path}\` ${where}:\n\n${fence(hunk.added.join('\n'), 'yaml')}`);
      }
    }
  }
  return { comments, outside };
}

export function reviewBody(intro: string, outside: readonly string[]): string {
  let body = intro;
  if (outside.length > 0) body += `\n\n**Changes outside this pull request's diff** (GitHub cannot suggest them; apply by hand or run \`bplus fix\` locally):\n\n${outside.join('\n\n')}`;
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… (cut: run \`bplus fix\` locally for the rest)` : body;
}

function fence(text: string, lang: string): string {
  const ticks = text.includes('```') ? '````' : '```';
  return `${ticks}${lang}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}
