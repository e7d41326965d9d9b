/**
 * Minimal gitignore-like globs for `ignore:` and exception paths: `*` (within a directory), `**`
 * (any number of directories), `?` (one character but `/`), `{a,b}` alternatives and `!`
 * re-inclusion (see matchesAny). A pattern without a slash matches at
 * any depth; a pattern that names a directory matches everything below it.
 *
 * Patterns come from the reviewed repository's configuration, so they are matched without a
 * regular expression: a pattern of many `*` compiled to `[^/]*[^/]*…` backtracks polynomially in
 * the path's length. Here a path is matched segment by segment: inside a segment by the two-finger
 * wildcard walk (no backtracking past the last `*`), across segments by a table over (pattern
 * segment, path segment) pairs, so a match costs at most the product of the two lengths.
 */

/** A directory segment pattern, or `**`: any number (zero or more) of whole segments. */
type Segment = string | typeof GLOBSTAR;
const GLOBSTAR = Symbol('**');

interface CompiledGlob {
  segments: Segment[];
}

const compiled = new Map<string, CompiledGlob>();

function compile(glob: string): CompiledGlob {
  const cached = compiled.get(glob);
  if (cached) return cached;
  const parts = glob.split('/').filter((p, i, all) => p !== '' || (i > 0 && i < all.length - 1));
  const segments: Segment[] = glob.includes('/') ? [] : [GLOBSTAR];
  parts.forEach((part, index) => {
    const last = index === parts.length - 1;
    if (part === '**') {
      // `a/**` needs something below `a`; `a/**/b` allows nothing between.
      if (last) segments.push('*');
      segments.push(GLOBSTAR);
    } else if (part.startsWith('**')) {
      // `**.yaml`: any depth, then a name ending in `.yaml`.
      segments.push(GLOBSTAR, part.replace(/\*{2,}/g, '*'));
    } else {
      segments.push(part.replace(/\*{2,}/g, '*'));
    }
  });
  // A directory pattern matches what is below it.
  segments.push(GLOBSTAR);
  const result = { segments };
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(glob, result);
  return result;
}

/** `*` and `?` within one path segment: the classic two-finger walk, O(n·m) at worst, O(n) usually. */
export function matchSegment(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const ch = pattern[p];
    if (ch === '*') {
      star = p++;
      resume = t;
    } else if (ch !== undefined && (ch === '?' || ch === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

export function matchesGlob(path: string, glob: string): boolean {
  const pattern = compile(glob).segments;
  const names = path.split('/');
  // reachable[j]: the pattern's first i segments can match the path's first j names.
  let reachable = new Uint8Array(names.length + 1);
  reachable[0] = 1;
  for (const segment of pattern) {
    const next = new Uint8Array(names.length + 1);
    if (segment === GLOBSTAR) {
      let any = 0;
      for (let j = 0; j <= names.length; j++) {
        any |= reachable[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 0; j < names.length; j++) if (reachable[j] && matchSegment(segment, names[j]!)) next[j + 1] = 1;
    }
    reachable = next;
  }
  return reachable[names.length] === 1;
}

/**
 * Whether `path` is matched by the list, in order: `{a,b}` alternatives are expanded first (a
 * brace pattern used to match nothing, silently), and a pattern starting with `!` re-includes what
 * an earlier one matched, as in .gitignore (the last match wins).
 */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  let matched = false;
  for (const glob of globs) {
    const negated = glob.startsWith('!');
    if (matched !== negated) continue;
    if (expandBraces(negated ? glob.slice(1) : glob).some((g) => matchesGlob(path, g))) matched = !negated;
  }
  return matched;
}

/** At most this many patterns come out of one pattern's braces: `{a,b}{c,d}…` multiplies. */
export const MAX_BRACE_EXPANSIONS = 256;

/**
 * `charts/{api,web}/**` → `charts/api/**`, `charts/web/**`; nested and repeated groups expand
 * too. A `{` without a matching `}` or without a comma is literal. The expansion stops at
 * MAX_BRACE_EXPANSIONS patterns, so a configuration cannot make matching explode.
 */
export function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  if (open < 0) return [glob];
  let depth = 0;
  const commas: number[] = [];
  for (let i = open; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) {
      if (commas.length === 0) return expandBraces(glob.slice(i + 1)).map((rest) => glob.slice(0, i + 1) + rest);
      const bounds = [open, ...commas, i];
      const options = bounds.slice(0, -1).map((start, k) => glob.slice(start + 1, bounds[k + 1]));
      const head = glob.slice(0, open);
      const out: string[] = [];
      for (const tail of expandBraces(glob.slice(i + 1))) {
        for (const option of options) {
          for (const expanded of expandBraces(option)) {
            if (out.length === MAX_BRACE_EXPANSIONS) return out;
            out.push(head + expanded + tail);
          }
        }
      }
      return out;
    } else if (ch === ',' && depth === 1) commas.push(i);
  }
  return [glob];
}
