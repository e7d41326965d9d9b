/**
 * What reviewers read: the check-run summary of a real review (the engine over a violating
 * variant of the fixture), rendered as GitHub-flavoured Markdown in headless Chromium and
 * screenshotted into test-artifacts/check-run-summary.png. The page is then read back as a
 * reader sees it (rendered text and boxes): the title, the verdict with the counts, and a rule
 * table whose failing rules and counts are the review's own; a summary with wrong counts fails.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { reviewRepository } from '../../src/engine/review.ts';
import type { ReviewResult } from '../../src/engine/api.ts';
import { MemorySource } from '../../src/source/local.ts';
import { appliedConfig } from '../../src/app/config.ts';
import { diffFromFiles, type ChangedFile } from '../../src/app/pull-request-diff.ts';
import { buildCheckRunReport, type CheckRunReport } from '../../src/app/check-run.ts';
import type { Finding } from '../../src/types.ts';
import { diffTrees } from './fake-github.ts';
import { fixtureTree, HEAD_SHA, ROOT, violatingVariant, type Variant } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const WIDTH = 1012;
/** Each on files of its own (charts that no other one changes), so their findings add up. */
const VARIANTS = ['tr-k8s-4-besteffort', 'tr-k8s-6-nodeport', 'tr-k8s-9-plain-secret', 'tr-k8s-8-env-literal-flood', 'tr-k8s-1-raw-deployment'];

/** Several variants at once, so the summary shows failures, warnings and the outside-diff list. */
function combinedVariant(): Variant {
  const base = fixtureTree();
  const head = new Map(base);
  const expected: Variant['expected'] = [];
  for (const name of VARIANTS) {
    const variant = violatingVariant(base, name);
    for (const [file, content] of variant.head) if (!base.get(file)?.equals(content)) head.set(file, content);
    expected.push(...variant.expected);
  }
  return { name: 'combined', head, expected };
}

/** What the summary must show, computed from the findings themselves, not from the summary. */
interface ExpectedSummary {
  title: string;
  failures: number;
  /** Findings per rule that has any. */
  counts: ReadonlyMap<string, number>;
  failingRules: ReadonlySet<string>;
}

function expectedSummary(title: string, findings: readonly Finding[]): ExpectedSummary {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return {
    title,
    failures: findings.filter((f) => f.level === 'failure').length,
    counts,
    failingRules: new Set(findings.filter((f) => f.level === 'failure').map((f) => f.ruleId)),
  };
}

/**
 * What a reader of the rendered page sees that differs from `expected`, one line each (empty
 * when the page is right): the header and the rule table visible and unclipped, the title, the
 * verdict's count, and each rule's result and count.
 */
async function misreadings(tab: Page, expected: ExpectedSummary): Promise<string[]> {
  const wrong: string[] = [];
  const header = tab.locator('.header');
  const table = tab.locator('table', { has: tab.locator('th', { hasText: /^Rule$/ }) }).first();
  for (const [name, element] of [
    ['header', header],
    ['rule table', table],
  ] as const) {
    const box = await element.boundingBox();
    if (!box || box.width === 0 || box.height === 0 || !(await element.isVisible())) wrong.push(`the ${name} is not visible`);
    else if (box.x < 0 || box.x + box.width > WIDTH)
      wrong.push(`the ${name} overflows the page (${Math.round(box.x)}..${Math.round(box.x + box.width)} of ${WIDTH} px)`);
  }
  if (await table.evaluate((t) => t.scrollWidth > t.clientWidth)) wrong.push('the rule table is cut off on the right');
  const headerText = await header.innerText();
  if (!headerText.includes(expected.title)) wrong.push(`the header reads "${headerText}", not the title "${expected.title}"`);
  const verdict = await tab.locator('h2').first().innerText();
  const shownFailures = /(\d+) failures?/.exec(verdict)?.[1];
  if (Number(shownFailures) !== expected.failures) wrong.push(`the verdict reads "${verdict}", not ${expected.failures} failures`);
  const rows = await table.evaluate((t) => [...(t as HTMLTableElement).rows].slice(1).map((r) => [...r.cells].map((c) => c.innerText.trim())));
  const shown = new Map(rows.map(([rule = '', result = '', count = '']) => [rule.split(/\s/)[0]!, { result, count: Number(count) }]));
  for (const [ruleId, count] of expected.counts) {
    const row = shown.get(ruleId);
    if (!row) wrong.push(`${ruleId} has ${count} finding(s) but no row in the rule table`);
    else {
      if (row.count !== count) wrong.push(`${ruleId}: the table shows ${row.count} finding(s), the review has ${count}`);
      if (expected.failingRules.has(ruleId) !== row.result.includes('fail')) wrong.push(`${ruleId}: the table shows "${row.result}"`);
    }
  }
  for (const [ruleId, row] of shown)
    if (!expected.counts.has(ruleId) && row.count !== 0) wrong.push(`${ruleId}: the table shows ${row.count} finding(s), the review has none`);
  return wrong;
}

describe.skipIf(!existsSync(CHROMIUM))('check run summary in Chromium', () => {
  const variant = combinedVariant();
  let browser: Browser;
  let result: ReviewResult;
  let render: (result: ReviewResult) => CheckRunReport;

  beforeAll(async () => {
    const base = fixtureTree();
    const config = appliedConfig(parseYaml(base.get('.github/bplus.yml')!.toString()) as Record<string, unknown>);
    result = await reviewRepository(new MemorySource(variant.head), { config: config.loaded });
    const diff = diffFromFiles(diffTrees(base, variant.head) as unknown as ChangedFile[]);
    const texts = new Map([...variant.head].map(([file, content]) => [file, content.toString('utf8')]));
    render = (r) => buildCheckRunReport(r, { repository: 'balance-plus/gitops', headSha: HEAD_SHA, diff, headTexts: texts });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(report: CheckRunReport): Promise<Page> {
    const tab = await browser.newPage({ viewport: { width: WIDTH, height: 800 } });
    await tab.setContent(page(report.output.title, await marked.parse(report.output.summary, { gfm: true })), { waitUntil: 'load' });
    return tab;
  }

  it('shows the title, the verdict and every failing rule with its count, as the review found them', async () => {
    const report = render(result);
    // The variants' own expectations: their rules fail (or warn) in this review.
    const found = (f: Variant['expected'][number]) => result.findings.some((g) => g.ruleId === f.ruleId && g.path === f.path && g.line === f.line);
    expect(variant.expected.filter((f) => !found(f))).toEqual([]);
    const tab = await open(report);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'check-run-summary.md'), report.output.summary);
    writeFileSync(path.join(ARTIFACTS, 'check-run-summary.html'), await tab.content());
    await tab.screenshot({ path: path.join(ARTIFACTS, 'check-run-summary.png'), fullPage: true });
    const expected = expectedSummary(report.output.title, result.findings);
    expect([...expected.failingRules]).toEqual(expect.arrayContaining(['TR-K8S-1', 'TR-K8S-3', 'TR-K8S-4', 'TR-K8S-6', 'TR-K8S-9', 'input']));
    expect(expected.counts.get('TR-K8S-8')).toBeGreaterThanOrEqual(variant.expected.filter((f) => f.ruleId === 'TR-K8S-8').length);
    expect(await misreadings(tab, expected)).toEqual([]);
  }, 120_000);

  it('a summary whose counts differ from the review is caught', async () => {
    const expected = expectedSummary(render(result).output.title, result.findings);
    // One TR-K8S-8 warning and one TR-K8S-6 failure left out of what the summary is made from.
    const dropped = [result.findings.find((f) => f.ruleId === 'TR-K8S-8')!, result.findings.find((f) => f.ruleId === 'TR-K8S-6')!];
    const tampered = {
      findings: result.findings.filter((f) => !dropped.includes(f)),
      summary: { ...result.summary, rules: result.summary.rules.map((r) => (r.ruleId === 'TR-K8S-6' ? { ...r, count: r.count - 1 } : r)) },
    };
    const tab = await open(render(tampered));
    const wrong = await misreadings(tab, expected);
    expect(wrong).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^the header reads .*, not the title/),
        expect.stringMatching(/^the verdict reads .*, not \d+ failures$/),
        `TR-K8S-8: the table shows ${expected.counts.get('TR-K8S-8')! - 1} finding(s), the review has ${expected.counts.get('TR-K8S-8')}`,
        `TR-K8S-6: the table shows ${expected.counts.get('TR-K8S-6')! - 1} finding(s), the review has ${expected.counts.get('TR-K8S-6')}`,
      ]),
    );
  }, 120_000);
});

if (!existsSync(CHROMIUM)) {
  console.warn(`summary screenshot skipped: ${CHROMIUM} is absent (apt-get install chromium)`);
}

/** A page styled like GitHub's check run view (system fonts, no network). */
function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; padding: 24px 32px; background: #fff; max-width: 948px; }
h2 { font-size: 1.5em; border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; margin-top: 0; }
h3 { font-size: 1.25em; margin-top: 24px; }
table { border-collapse: collapse; margin: 16px 0; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font: 85% ui-monospace, SFMono-Regular, Menlo, monospace; }
a { color: #0969da; text-decoration: none; }
.header { border: 1px solid #d1d9e0; border-radius: 6px 6px 0 0; background: #f6f8fa; padding: 12px 16px; font-weight: 600; margin: -8px 0 16px; }
</style></head><body><div class="header">Balance+ platform rules — ${title}</div>${body}</body></html>`;
}
