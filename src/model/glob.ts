/** Minimal gitignore-like globs for `ignore:` and exception paths: `*`, `**`, `?`, `{a,b}`, `!re-include`. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else {
      source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // A pattern without a slash matches at any depth; a directory pattern matches what is below it.
  const anchored = glob.includes('/') ? `^${source}` : `^(?:.*/)?${source}`;
  return new RegExp(`${anchored}(?:/.*)?$`);
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
    if (expandBraces(negated ? glob.slice(1) : glob).some((g) => globToRegExp(g).test(path))) matched = !negated;
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
