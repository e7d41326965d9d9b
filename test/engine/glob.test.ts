/** `ignore:` and exception path globs: gitignore conventions, braces, re-inclusion. */
import { describe, expect, it } from 'vitest';
import { MAX_BRACE_EXPANSIONS, expandBraces, matchesAny } from '../../src/model/glob.ts';

describe('matchesAny', () => {
  it.each([
    ['charts/third-party/**', 'charts/third-party/redis/values.yaml', true],
    ['charts/third-party/**', 'charts/api/values.yaml', false],
    ['charts/third-party', 'charts/third-party/redis/values.yaml', true],
    ['vendor', 'a/b/vendor/x.yaml', true],
    ['*.tpl', 'charts/api/templates/_helpers.tpl', true],
    ['values-?.yaml', 'charts/api/values-a.yaml', true],
    ['charts/{api-gateway,orchestrator}/**', 'charts/orchestrator/values.yaml', true],
    ['charts/{api-gateway,orchestrator}/**', 'charts/frontend/values.yaml', false],
    ['charts/*/values-{prod,staging}.yaml', 'charts/api/values-staging.yaml', true],
    ['charts/*/values-{prod,staging}.yaml', 'charts/api/values-dev.yaml', false],
    ['charts/{api,web-{a,b}}/values.yaml', 'charts/web-b/values.yaml', true],
    ['charts/{api,web-{a,b}}/values.yaml', 'charts/web-c/values.yaml', false],
    ['charts/{api}/values.yaml', 'charts/{api}/values.yaml', true],
    ['.github/**', '.github/bplus.yml', true],
    ['charts/*', 'charts/api/values.yaml', true],
    ['charts/*.yaml', 'charts/api/values.yaml', false],
  ])('%s matches %s: %s', (glob, path, expected) => {
    expect(matchesAny(path, [glob])).toBe(expected);
  });

  it('re-includes with !pattern, the last match winning', () => {
    const ignore = ['charts/third-party/**', '!charts/third-party/ours/**'];
    expect(matchesAny('charts/third-party/redis/values.yaml', ignore)).toBe(true);
    expect(matchesAny('charts/third-party/ours/values.yaml', ignore)).toBe(false);
    expect(matchesAny('charts/api/values.yaml', ignore)).toBe(false);
    expect(matchesAny('charts/api/values.yaml', ['!charts/api/**'])).toBe(false);
  });
});

describe('expandBraces', () => {
  it('expands alternatives, nested and repeated, and leaves unbalanced braces literal', () => {
    expect(expandBraces('a/{b,c}/{d,e}')).toEqual(['a/b/d', 'a/c/d', 'a/b/e', 'a/c/e']);
    expect(expandBraces('x{1,{2,3}}')).toEqual(['x1', 'x2', 'x3']);
    expect(expandBraces('x{1,2')).toEqual(['x{1,2']);
    expect(expandBraces('plain/**')).toEqual(['plain/**']);
  });

  it('stops at the expansion limit', () => {
    expect(expandBraces('{a,b}'.repeat(12))).toHaveLength(MAX_BRACE_EXPANSIONS);
  });
});
