/**
 * What reviewers read: the check-run summary of a real review (the engine over a violating
 * variant of the fixture), rendered as GitHub-flavoured Markdown and screenshotted in headless
 * Chromium into test-artifacts/check-run-summary.png.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { marked } from 'marked';
import { chromium } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { reviewRepository } from '../../src/engine/review.ts';
import { MemorySource } from '../../src/source/local.ts';
import { appliedConfig } from '../../src/app/config.ts';
import { diffFromFiles, type ChangedFile } from '../../src/app/diff.ts';
import { buildCheckRunReport } from '../../src/app/check-run.ts';
import { diffTrees } from './fake-github.ts';
import { fixtureTree, HEAD_SHA, ROOT, violatingVariant, type Variant } from './harness.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');

/** Several variants at once, so the summary shows failures, warnings and the outside-diff list. */
function combinedVariant(): Variant {
  const base = fixtureTree();
  const head = new Map(base);
  for (const name of ['tr-k8s-3-no-limits', 'tr-k8s-6-nodeport', 'tr-k8s-9-plain-secret', 'tr-k8s-8-env-literal-flood']) {
    try {
      for (const [file, content] of violatingVariant(base, name).head) if (!base.get(file)?.equals(content)) head.set(file, content);
    } catch {
      // A variant a colleague has not written yet: the others still make the point.
    }
  }
  return { name: 'combined', head, expected: [] };
}

describe.skipIf(!existsSync(CHROMIUM))('check run summary screenshot', () => {
  it('renders the summary as GitHub-flavoured Markdown in Chromium', async () => {
    const base = fixtureTree();
    const variant = combinedVariant();
    const config = appliedConfig(parseYaml(base.get('.github/bplus.yml')!.toString()) as Record<string, unknown>);
    const result = await reviewRepository(new MemorySource(variant.head), { config: config.loaded });
    const diff = diffFromFiles(diffTrees(base, variant.head) as unknown as ChangedFile[]);
    const texts = new Map([...variant.head].map(([file, content]) => [file, content.toString('utf8')]));
    const report = buildCheckRunReport(result, { repository: 'balance-plus/gitops', headSha: HEAD_SHA, diff, headTexts: texts });
    const html = page(report.output.title, await marked.parse(report.output.summary, { gfm: true }));
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(path.join(ARTIFACTS, 'check-run-summary.md'), report.output.summary);
    writeFileSync(path.join(ARTIFACTS, 'check-run-summary.html'), html);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const tab = await browser.newPage({ viewport: { width: 1012, height: 800 } });
      await tab.setContent(html, { waitUntil: 'load' });
      const file = path.join(ARTIFACTS, 'check-run-summary.png');
      await tab.screenshot({ path: file, fullPage: true });
      expect(existsSync(file)).toBe(true);
      expect(await tab.locator('table tr').count()).toBeGreaterThan(5);
    } finally {
      await browser.close();
    }
  });
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
