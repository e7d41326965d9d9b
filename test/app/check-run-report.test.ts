import { describe, expect, it } from 'vitest';
import { annotationBatches, buildCheckRunReport, MAX_OUTPUT_CHARS, splitByDiff, toAnnotation } from '../../src/app/check-run.ts';
import { diffFromFiles, parsePatch } from '../../src/app/pull-request-diff.ts';
import type { ReviewResult } from '../../src/engine/api.ts';
import type { Finding } from '../../src/types.ts';

function finding(i: number, over: Partial<Finding> = {}): Finding {
  return {
    path: `charts/svc-${i % 7}/values.yaml`,
    line: 10 + (i % 40),
    column: 5,
    endLine: 10 + (i % 40),
    endColumn: 12,
    ruleId: `TR-K8S-${1 + (i % 9)}`,
    level: i % 3 === 0 ? 'warning' : 'failure',
    messageId: 'm',
    title: 'A rule',
    message: `container "app" has no cpu limit in production (finding ${i}) `.repeat(3),
    ...over,
  };
}

function result(findings: Finding[]): ReviewResult {
  return {
    findings,
    summary: {
      files: 300,
      yamlFiles: 250,
      charts: 12,
      serviceCharts: 8,
      environments: ['staging', 'prod'],
      failures: 0,
      warnings: 0,
      notices: 0,
      durationMs: 42,
      rules: Array.from({ length: 9 }, (_, i) => ({ ruleId: `TR-K8S-${i + 1}`, title: `Rule ${i + 1}`, level: 'failure', count: 0, docsUrl: '' })),
    },
  };
}

const everythingChanged = diffFromFiles(
  Array.from({ length: 7 }, (_, i) => ({ filename: `charts/svc-${i}/values.yaml`, status: 'added', patch: '@@ -0,0 +1,60 @@\n' + '+x\n'.repeat(60) })),
);

describe('check run report', () => {
  it('cuts annotations into batches of at most 50', () => {
    const batches = annotationBatches(Array.from({ length: 173 }, (_, i) => finding(i)));
    expect(batches.map((b) => b.length)).toEqual([50, 50, 50, 23]);
  });

  it('keeps columns only on single-line annotations and titles within 255 characters', () => {
    expect(toAnnotation(finding(1))).toMatchObject({ start_column: 5, end_column: 12 });
    const multi = toAnnotation(finding(1, { endLine: 14 }));
    expect(multi.start_column).toBeUndefined();
    expect(multi.end_column).toBeUndefined();
    expect(toAnnotation(finding(1, { title: 'x'.repeat(400) })).title.length).toBeLessThanOrEqual(255);
  });

  it('stays under 65,535 characters with a clear cut-off line when findings overflow', () => {
    const many = Array.from({ length: 5000 }, (_, i) => finding(i));
    const report = buildCheckRunReport(result(many), { repository: 'acme/gitops', headSha: 'a'.repeat(40) });
    expect(report.output.summary.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(report.output.text!.length).toBeLessThanOrEqual(MAX_OUTPUT_CHARS);
    expect(report.output.summary).toMatch(/✂️ \d+ more findings not shown/);
    expect(report.output.text).toMatch(/✂️ \d+ more findings not shown/);
    // Nothing annotated without a diff: every finding is listed instead.
    expect(report.annotationBatches).toEqual([]);
  });

  it('summarises one row per rule with pass/fail, counts and docs links', () => {
    const report = buildCheckRunReport(result([finding(1), finding(2)]), { repository: 'acme/gitops', headSha: 'a'.repeat(40), diff: everythingChanged });
    expect(report.conclusion).toBe('failure');
    expect(report.output.summary).toContain('| [TR-K8S-2](https://github.com/balance-plus/bplus/blob/main/docs/rules/TR-K8S-2.md) Rule 2 | ❌ fail | 1 | 1 |');
    expect(report.output.summary).toContain('| [TR-K8S-1](https://github.com/balance-plus/bplus/blob/main/docs/rules/TR-K8S-1.md) Rule 1 | ✅ pass | 0 | 0 |');
    expect(report.output.summary).toContain('300 files');
    expect(report.output.summary).toContain('`staging`, `prod`');
    expect(report.output.summary).toContain('### How to fix');
    expect(report.annotationBatches.flat()).toHaveLength(2);
  });

  it('failOn changed ignores failures outside the diff; neutral mode never fails', () => {
    const outside = [finding(1, { path: 'charts/other/values.yaml' })];
    const ctx = { repository: 'acme/gitops', headSha: 'a'.repeat(40), diff: everythingChanged };
    expect(buildCheckRunReport(result(outside), ctx).conclusion).toBe('failure');
    expect(buildCheckRunReport(result(outside), { ...ctx, failOn: 'changed' }).conclusion).toBe('success');
    expect(buildCheckRunReport(result(outside), { ...ctx, neutral: true }).conclusion).toBe('neutral');
    expect(buildCheckRunReport(result([]), ctx).output.title).toBe('All platform rules pass');
  });
});

describe('patch hunks', () => {
  it('numbers head lines across hunks, counting context and skipping removed lines', () => {
    const patch = ['@@ -1,4 +1,4 @@', ' a', '-b', '+B', ' c', '', '@@ -20,2 +20,3 @@', ' t', '+u', ' v', '\\ No newline at end of file'].join('\n');
    const { visible, added } = parsePatch(patch);
    expect([...added]).toEqual([2, 21]);
    expect([...visible]).toEqual([1, 2, 3, 4, 20, 21, 22]);
  });

  it('marks the diff incomplete at 3,000 files or when GitHub omits a patch', () => {
    expect(diffFromFiles([{ filename: 'a.yaml', status: 'modified', changes: 9000 }]).complete).toBe(false);
    expect(diffFromFiles(Array.from({ length: 3000 }, (_, i) => ({ filename: `${i}.yaml`, status: 'added', patch: '@@ -0,0 +1 @@\n+x' }))).complete).toBe(
      false,
    );
    expect(
      diffFromFiles([
        { filename: 'logo.png', status: 'added' },
        { filename: 'old.yaml', status: 'removed' },
      ]).complete,
    ).toBe(true);
  });
});

describe('touched findings', () => {
  it('counts a finding on a parent key as touched when lines inside its block were removed', () => {
    const head = ['image:', '  tag: 1', 'resources:', '  requests:', '    cpu: 1', '    memory: 1Gi', '', 'ingress:', '  host: x', ''].join('\n');
    // limits (3 lines) removed after line 6: the diff's context reaches line 4, not `resources:` on 3.
    const diff = diffFromFiles([
      {
        filename: 'v.yaml',
        status: 'modified',
        patch: '@@ -4,6 +4,3 @@\n   requests:\n     cpu: 1\n     memory: 1Gi\n-  limits:\n-    cpu: 2\n-    memory: 2Gi',
      },
    ]);
    const atResources = {
      path: 'v.yaml',
      line: 3,
      column: 1,
      endLine: 3,
      endColumn: 10,
      ruleId: 'TR-K8S-3',
      level: 'failure' as const,
      message: 'no limits',
      messageId: 'm',
      title: 't',
    };
    const atIngress = { ...atResources, line: 8, endLine: 8 };
    const split = splitByDiff([atResources, atIngress], diff, new Map([['v.yaml', head]]));
    expect(split.inDiff).toEqual([atResources]);
    expect(split.outsideDiff).toEqual([atIngress]);
    expect(splitByDiff([atResources], diff).inDiff).toEqual([]);
  });
});
