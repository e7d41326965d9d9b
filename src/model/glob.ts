/**
 * gitignore-like globs for `ignore:` and exception paths, matched by picomatch: `*`, `**`, `?`,
 * braces (`charts/{api,web}-*\/**`), classes and extglobs, which the former hand-written matcher
 * silently failed to match. Our layer keeps two gitignore conventions: a pattern without a slash
 * matches at any depth, a directory pattern matches everything below it; and in a list, a
 * pattern starting with `!` re-includes what an earlier pattern matched (the last match wins).
 */
import picomatch from 'picomatch';

const matchers = new Map<string, (path: string) => boolean>();

function matcher(glob: string): (path: string) => boolean {
  let isMatch = matchers.get(glob);
  if (!isMatch) {
    const pattern = glob.replace(/^\/+/, '').replace(/\/+$/, '');
    const anchored = glob.replace(/\/+$/, '').includes('/');
    const patterns = anchored ? [pattern, `${pattern}/**`] : [`**/${pattern}`, `**/${pattern}/**`];
    isMatch = picomatch(patterns, { dot: true });
    matchers.set(glob, isMatch);
  }
  return isMatch;
}

export function matchesGlob(path: string, glob: string): boolean {
  return matcher(glob)(path);
}

/** Whether `path` is matched by the list: patterns in order, `!pattern` un-matches, the last match wins. */
export function matchesAny(path: string, globs: readonly string[]): boolean {
  let matched = false;
  for (const glob of globs) {
    if (glob.startsWith('!')) {
      if (matched && matchesGlob(path, glob.slice(1))) matched = false;
    } else if (!matched && matchesGlob(path, glob)) matched = true;
  }
  return matched;
}
