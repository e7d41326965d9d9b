/** `ignore:` and exception path globs: gitignore conventions on top of picomatch. */
import { describe, expect, it } from 'vitest';
import { matchesAny } from '../../src/model/glob.ts';

describe('matchesAny', () => {
  it.each([
    ['charts/third-party/**', 'charts/third-party/redis/values.yaml', true],
    ['charts/third-party/**', 'charts/api/values.yaml', false],
    ['charts/third-party', 'charts/third-party/redis/values.yaml', true],
    ['charts/third-party/', 'charts/third-party/redis/values.yaml', true],
    ['/charts/api/values.yaml', 'charts/api/values.yaml', true],
    ['vendor', 'a/b/vendor/x.yaml', true],
    ['*.tpl', 'charts/api/templates/_helpers.tpl', true],
    ['values-?.yaml', 'charts/api/values-a.yaml', true],
    ['charts/{api-gateway,orchestrator}/**', 'charts/orchestrator/values.yaml', true],
    ['charts/{api-gateway,orchestrator}/**', 'charts/frontend/values.yaml', false],
    ['charts/*/values-{prod,staging}.yaml', 'charts/api/values-staging.yaml', true],
    ['charts/*/values-{prod,staging}.yaml', 'charts/api/values-dev.yaml', false],
    ['charts/[ab]*/**', 'charts/api/values.yaml', true],
    ['charts/[ab]*/**', 'charts/web/values.yaml', false],
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
