/**
 * Which lines of the head commit a pull request shows in its diff, from the `patch` hunks that
 * `GET /repos/{owner}/{repo}/pulls/{pull_number}/files` returns.
 */

/** A pull request's changed files as the reviewer needs them. */
export interface PullRequestDiff {
  /** Per head path, the head-side line numbers the diff shows (added lines and hunk context). */
  visibleLines: Map<string, Set<number>>;
  /** Per head path, the lines the pull request added or modified ("+" lines only). */
  addedLines: Map<string, Set<number>>;
  /** Per head path, head lines right after which the pull request removed lines. */
  removedAt: Map<string, Set<number>>;
  /** Head paths of every file the pull request touches (added, modified, renamed). */
  changedPaths: Set<string>;
  /** Paths the pull request deletes (nothing to annotate there). */
  removedPaths: Set<string>;
  /**
   * False when GitHub did not give the whole diff: more than 3,000 files, or a file whose patch
   * GitHub omits because it is too large. Then "changed" cannot be trusted to be complete.
   */
  complete: boolean;
}

/** The fields of one `pulls.listFiles` entry the reviewer reads. */
export interface ChangedFile {
  filename: string;
  status: string;
  patch?: string;
  previous_filename?: string;
  changes?: number;
}

/** GitHub stops listing a pull request's files here, whatever the pagination says. */
export const MAX_LISTED_FILES = 3000;

const HUNK_HEADER = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;

/** Parses the hunks of one file's patch into head-side line sets. */
export function parsePatch(patch: string): { visible: Set<number>; added: Set<number>; removedAt: Set<number> } {
  const visible = new Set<number>();
  const added = new Set<number>();
  const removedAt = new Set<number>();
  let line = 0;
  for (const text of patch.split('\n')) {
    const header = HUNK_HEADER.exec(text);
    if (header) {
      line = Number(header[1]);
      continue;
    }
    if (line === 0) continue;
    const marker = text[0];
    if (marker === '+') {
      visible.add(line);
      added.add(line);
      line++;
    } else if (marker === ' ' || text === '') {
      // An empty line inside a hunk is a context line whose leading space was trimmed.
      visible.add(line);
      line++;
    } else if (marker === '-') {
      // Gone from the head: remember where, so that the key that lost it counts as touched.
      removedAt.add(line - 1);
    }
    // "\ No newline at end of file" is not a line.
  }
  return { visible, added, removedAt };
}

export function diffFromFiles(files: readonly ChangedFile[]): PullRequestDiff {
  const diff: PullRequestDiff = {
    visibleLines: new Map(),
    addedLines: new Map(),
    removedAt: new Map(),
    changedPaths: new Set(),
    removedPaths: new Set(),
    complete: files.length < MAX_LISTED_FILES,
  };
  for (const file of files) {
    if (file.status === 'removed') {
      diff.removedPaths.add(file.filename);
      continue;
    }
    diff.changedPaths.add(file.filename);
    if (file.patch === undefined) {
      // Binary files and renames without edits have no patch; a large text diff has none either.
      if ((file.changes ?? 0) > 0 && file.status !== 'renamed') diff.complete = false;
      continue;
    }
    const { visible, added, removedAt } = parsePatch(file.patch);
    diff.visibleLines.set(file.filename, visible);
    diff.addedLines.set(file.filename, added);
    diff.removedAt.set(file.filename, removedAt);
  }
  return diff;
}

/**
 * Whether the pull request touches a finding: its lines are shown in the diff, or the pull
 * request added or removed a line inside the YAML block the finding points at. The second case
 * is a rule that reports a missing key on its parent (`resources:` after `limits` was deleted a
 * few lines below, out of the diff's context).
 */
export function isInDiff(diff: PullRequestDiff, path: string, line: number, endLine: number, blockEnd = endLine): boolean {
  const last = Math.max(line, endLine);
  const visible = diff.visibleLines.get(path);
  if (visible) for (let l = line; l <= last; l++) if (visible.has(l)) return true;
  const end = Math.max(last, blockEnd);
  const added = diff.addedLines.get(path);
  const removed = diff.removedAt.get(path);
  for (let l = line; l <= end; l++) if (added?.has(l) || removed?.has(l)) return true;
  return false;
}

/**
 * The last line of the YAML block that starts at `line` (1-based): the lines after it that are
 * blank, comments, or indented deeper than it (list items count from their dash).
 */
export function yamlBlockEnd(text: string, line: number): number {
  const lines = text.split('\n');
  const start = lines[line - 1];
  if (start === undefined) return line;
  const indent = indentation(start);
  let end = line;
  for (let i = line; i < lines.length; i++) {
    const current = lines[i]!;
    const trimmed = current.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (indentation(current) <= indent) break;
    end = i + 1;
  }
  return end;
}

function indentation(text: string): number {
  return text.length - text.trimStart().length;
}
