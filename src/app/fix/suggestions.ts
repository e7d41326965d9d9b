/**
 * When bplus cannot push (a fork, a protected branch): the same edits as one pull-request review
 * with ```suggestion blocks, which the author applies with one click. A suggestion can only sit
 * on lines the pull request's diff shows; every other change (lines outside the diff, new files)
 * is written out in the review's body. Only new text is ever sent: the lines a suggestion
 * replaces are referred to by number, so a replaced clear-text Secret is never quoted.
 */
import { changeHunks, splitLines } from '../../fix/line-diff.ts';
import { credentialShape, detectCredential } from '../../engine/credentials.ts';
import type { PullRequestDiff } from '../pull-request-diff.ts';

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

export function buildSuggestions(
  edits: ReadonlyMap<string, string>,
  originals: ReadonlyMap<string, string | undefined>,
  diff: PullRequestDiff | undefined,
  /** Files that held clear-text values: none of their existing lines is ever quoted. */
  sensitive: ReadonlySet<string> = new Set(),
): SuggestionReview {
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
      // An insertion's suggestion repeats the line above it: never when that line may hold a value.
      const quotable = anchorText.every((line) => !sensitive.has(path) && !mayHoldCredential(line));
      const all = quotable && range(anchorStart, anchorEnd).every((l) => visible?.has(l));
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
  if (outside.length > 0)
    body += `\n\n**Changes outside this pull request's diff** (GitHub cannot suggest them; apply by hand or run \`bplus fix\` locally):\n\n${outside.join('\n\n')}`;
  return body.length > MAX_BODY ? `${body.slice(0, MAX_BODY)}\n\n… (cut: run \`bplus fix\` locally for the rest)` : body;
}

/** `key: value` or a bare scalar that the credential detector would flag. */
export function mayHoldCredential(line: string): boolean {
  const m = keyAndValue(line);
  if (m) return detectCredential(m[1], m[2].replace(/^["']|["']$/g, '')) !== undefined || (m[2] !== '' && credentialShape(m[2]) !== undefined);
  const scalar = line.replace(/^\s*-\s*/, '').trim();
  return scalar !== '' && credentialShape(scalar) !== undefined;
}

/**
 * `[ws][- ]["']key["'] : value # comment` split by index, as
 * `/^\s*(?:-\s+)?["']?([^"':#]+?)["']?\s*:\s*(.*?)\s*(?:#.*)?$/` would: that pattern backtracks to
 * the fifth power of a line of blanks and colons.
 */
function keyAndValue(line: string): [string, string, string] | undefined {
  let i = 0;
  while (i < line.length && /\s/.test(line[i]!)) i++;
  if (line[i] === '-' && /\s/.test(line[i + 1] ?? '')) {
    i++;
    while (i < line.length && /\s/.test(line[i]!)) i++;
  }
  if (line[i] === '"' || line[i] === "'") i++;
  let end = i;
  while (end < line.length && !`"':#`.includes(line[end]!)) end++;
  const key = line.slice(i, end).trimEnd();
  if (key === '') return undefined;
  let at = end;
  if (line[at] === '"' || line[at] === "'") at++;
  while (at < line.length && /\s/.test(line[at]!)) at++;
  if (line[at] !== ':') return undefined;
  const rest = line.slice(at + 1);
  const hash = rest.indexOf('#');
  const value = (hash === -1 ? rest : rest.slice(0, hash)).trim();
  return [line, key, value];
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
