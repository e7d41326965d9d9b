/**
 * Pure functions from a review result to what the Checks API accepts: conclusion, title, summary
 * and text within GitHub's limits, and annotations in batches GitHub takes in one request.
 * Nothing here talks to GitHub.
 */
import type { Finding, Level } from '../types.ts';
import type { ReviewResult, RuleSummary } from '../engine/api.ts';
import { isInDiff, yamlBlockEnd, type PullRequestDiff } from './pull-request-diff.ts';

export const CHECK_RUN_NAME = 'Balance+ platform rules';
/** GitHub refuses more annotations in one create/update request. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** GitHub's limit on `output.summary` and `output.text` ("Only 65535 characters are allowed"). */
export const MAX_OUTPUT_CHARS = 65_535;
export const MAX_TITLE_CHARS = 255;
/** `message` may hold 64 KB; a finding's message never needs that much. */
const MAX_MESSAGE_CHARS = 4_000;
export const RULE_DOCS_BASE = 'https://github.com/balance-plus/bplus/blob/main/docs/rules';

export type Conclusion = 'success' | 'failure' | 'neutral';
export type FailOn = 'all' | 'changed';

export interface CheckRunAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: Level;
  message: string;
  title: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
  text?: string;
}

export interface CheckRunReport {
  conclusion: Conclusion;
  output: CheckRunOutput;
  /** Every annotation, cut into request-sized batches; the first goes with the completing update. */
  annotationBatches: CheckRunAnnotation[][];
  /** Buttons on the completed run ("Fix"); an empty list clears a stale one. */
  actions?: Array<{ label: string; description: string; identifier: string }>;
}

export interface ReportContext {
  /** "owner/repo". */
  repository: string;
  headSha: string;
  /** The pull request's diff; without it every finding is listed and none annotated. */
  diff?: PullRequestDiff;
  failOn?: FailOn;
  /** Set when the pull request moved on while this commit was being reviewed. */
  supersededBy?: string;
  /** `review.neutral` (observation mode): a failing review completes as neutral. */
  neutral?: boolean;
  /** Head texts of changed files with findings: a finding's YAML block counts as touched. */
  headTexts?: ReadonlyMap<string, string>;
  /** What the pull request changes in who can reach whom (absent: not computed). */
  connectivity?: readonly string[];
}

export function ruleDocsUrl(ruleId: string): string {
  return `${RULE_DOCS_BASE}/${encodeURIComponent(ruleId)}.md`;
}

/** Findings split by whether the pull request's diff shows their lines. */
export function splitByDiff(findings: readonly Finding[], diff: PullRequestDiff | undefined, headTexts?: ReadonlyMap<string, string>) {
  const inDiff: Finding[] = [];
  const outsideDiff: Finding[] = [];
  for (const finding of findings) {
    const text = headTexts?.get(finding.path);
    const blockEnd = text === undefined ? finding.endLine : yamlBlockEnd(text, finding.line);
    if (diff && isInDiff(diff, finding.path, finding.line, finding.endLine, blockEnd)) inDiff.push(finding);
    else outsideDiff.push(finding);
  }
  return { inDiff, outsideDiff };
}

export function conclusionFor(
  findings: readonly Finding[],
  diff: PullRequestDiff | undefined,
  failOn: FailOn = 'all',
  headTexts?: ReadonlyMap<string, string>,
): Conclusion {
  // With an incomplete diff (over 3,000 files) "changed" cannot be told apart: judge everything.
  const judged = failOn === 'changed' && diff?.complete ? splitByDiff(findings, diff, headTexts).inDiff : findings;
  return judged.some((f) => f.level === 'failure') ? 'failure' : 'success';
}

export function toAnnotation(finding: Finding): CheckRunAnnotation {
  const annotation: CheckRunAnnotation = {
    path: finding.path,
    start_line: finding.line,
    end_line: Math.max(finding.line, finding.endLine),
    annotation_level: finding.level,
    message: truncate(finding.message, MAX_MESSAGE_CHARS),
    title: truncate(`${finding.ruleId}: ${finding.title}`, MAX_TITLE_CHARS),
  };
  // GitHub accepts a column range only within a single line.
  if (finding.line === finding.endLine && finding.column >= 1 && finding.endColumn >= finding.column) {
    annotation.start_column = finding.column;
    annotation.end_column = finding.endColumn;
  }
  return annotation;
}

export function annotationBatches(findings: readonly Finding[]): CheckRunAnnotation[][] {
  const batches: CheckRunAnnotation[][] = [];
  for (let i = 0; i < findings.length; i += MAX_ANNOTATIONS_PER_REQUEST) {
    batches.push(findings.slice(i, i + MAX_ANNOTATIONS_PER_REQUEST).map(toAnnotation));
  }
  return batches;
}

export function buildCheckRunReport(result: ReviewResult, context: ReportContext): CheckRunReport {
  const { inDiff, outsideDiff } = splitByDiff(result.findings, context.diff, context.headTexts);
  const verdict = conclusionFor(result.findings, context.diff, context.failOn, context.headTexts);
  const conclusion = context.supersededBy || (context.neutral && verdict === 'failure') ? 'neutral' : verdict;
  return {
    conclusion,
    output: {
      title: truncate(titleFor(result, inDiff.length, context), MAX_TITLE_CHARS),
      summary: renderSummary(result, context, inDiff, outsideDiff),
      text: renderText(result.findings, context),
    },
    // A superseded commit is no longer what the pull request shows: do not clutter it.
    annotationBatches: context.supersededBy ? [] : annotationBatches(inDiff),
  };
}

/** The output of a run that could not finish: neutral, with the reason, never silently missing. */
export function buildIncompleteReport(reason: string, context: Pick<ReportContext, 'repository' | 'headSha'>): CheckRunReport {
  const summary = [
    '## ⚠️ The review could not complete',
    '',
    `Reviewing \`${context.repository}@${shortSha(context.headSha)}\` stopped with:`,
    '',
    '```',
    truncate(reason, 4_000),
    '```',
    '',
    'No verdict was reached, so this check is neutral rather than failing or passing. Use ' +
      '**Re-run** on this check (or push a commit) to review again; if it keeps happening, run ' +
      '`npx bplus check .` in the repository root locally and report the message above.',
  ].join('\n');
  return {
    conclusion: 'neutral',
    output: { title: 'Review could not complete', summary: truncate(summary, MAX_OUTPUT_CHARS) },
    annotationBatches: [],
  };
}

function titleFor(result: ReviewResult, annotated: number, context: ReportContext): string {
  if (context.supersededBy) return `Superseded by ${shortSha(context.supersededBy)}`;
  const { failures, warnings, notices } = countLevels(result.findings);
  if (failures + warnings + notices === 0) return 'All platform rules pass';
  const parts = [plural(failures, 'failure'), plural(warnings, 'warning'), plural(notices, 'notice')].filter((p) => !p.startsWith('0 '));
  return `${parts.join(', ')} (${annotated} on lines this pull request changed)`;
}

function renderSummary(result: ReviewResult, context: ReportContext, inDiff: readonly Finding[], outsideDiff: readonly Finding[]): string {
  const s = result.summary;
  const counts = countLevels(result.findings);
  const head: string[] = [];
  if (context.supersededBy) {
    head.push(
      `> **Superseded.** The pull request moved to \`${shortSha(context.supersededBy)}\` while ` +
        `\`${shortSha(context.headSha)}\` was being reviewed; the newer commit has its own check run. ` +
        'This result is kept for the record and does not gate anything.',
      '',
    );
  }
  const verdict =
    counts.failures > 0
      ? `## ❌ ${plural(counts.failures, 'failure')}`
      : counts.warnings + counts.notices > 0
        ? '## ✅ No failures'
        : '## ✅ All platform rules pass';
  head.push(verdict, '');
  head.push(
    `Reviewed \`${context.repository}@${shortSha(context.headSha)}\`: ${plural(s.files, 'file')} ` +
      `(${s.yamlFiles} YAML), ${plural(s.charts, 'chart')} (${s.serviceCharts} service), ` +
      `environments: ${s.environments.length ? s.environments.map((e) => `\`${e}\``).join(', ') : 'none found'}. ` +
      `${plural(counts.failures, 'failure')}, ${plural(counts.warnings, 'warning')}, ` +
      `${plural(counts.notices, 'notice')}; ${inDiff.length} on lines this pull request changed ` +
      `(annotated), ${outsideDiff.length} elsewhere (listed below)` +
      (s.waived ? `; ${plural(s.waived, 'finding')} waived with a written reason.` : '.'),
    '',
  );
  if (context.neutral) {
    head.push('`review.neutral: true` (observation mode): failures are reported but the check never fails.', '');
  }
  if (context.failOn === 'changed') {
    head.push(
      context.diff?.complete
        ? '`review.failOn: changed`: only findings on lines this pull request changed decide the result.'
        : '`review.failOn: changed` is set, but GitHub did not return the whole diff, so every finding decides the result.',
      '',
    );
  }
  head.push(...renderRuleTable(result, inDiff), '');
  if (context.connectivity) head.push(...renderConnectivity(context.connectivity), '');
  const howToFix = [
    '### How to fix',
    '',
    '- Open the **Files changed** tab: each annotated line says what the rule expects there.',
    '- Each rule links to its documentation, with compliant examples and the autofix where there is one.',
    '- Reproduce locally with `npx bplus check .` in the repository root (same rules, same configuration in `.github/bplus.yml`); `npx bplus fix .` applies the automatic fixes.',
    '- An exception needs a written reason: the annotation `bplus.io/exception-<RULE>: "<reason>"` on the object, or an `exceptions:` entry with `reason:` in `.github/bplus.yml`.',
    '',
  ];
  const footer = `<sub>bplus · ${s.durationMs} ms</sub>`;
  const fixed = head.join('\n') + '\n' + howToFix.join('\n');
  const listHeader = '### Findings outside the lines this pull request changed\n\n';
  if (outsideDiff.length === 0) return truncate(fixed + footer, MAX_OUTPUT_CHARS);
  const budget = MAX_OUTPUT_CHARS - fixed.length - listHeader.length - footer.length - 2;
  return truncate(fixed + listHeader + renderListWithin(outsideDiff, budget) + '\n\n' + footer, MAX_OUTPUT_CHARS);
}

function renderRuleTable(result: ReviewResult, inDiff: readonly Finding[]): string[] {
  const rules = rulesOf(result);
  const inDiffByRule = countBy(inDiff, (f) => f.ruleId);
  const lines = ['| Rule | Result | Findings | On changed lines |', '|---|---|---:|---:|'];
  for (const rule of rules) {
    const result = rule.count === 0 ? '✅ pass' : rule.level === 'failure' ? '❌ fail' : `⚠️ ${rule.level}`;
    const title = escapeCell(rule.title);
    lines.push(
      `| [${rule.ruleId}](${rule.docsUrl || ruleDocsUrl(rule.ruleId)}) ${title} | ${result} | ${rule.count} | ${inDiffByRule.get(rule.ruleId) ?? 0} |`,
    );
  }
  return lines;
}

/** The engine's rule summary, completed with any rule that has findings but no summary row. */
function rulesOf(result: ReviewResult): RuleSummary[] {
  const rules = new Map(result.summary.rules.map((r) => [r.ruleId, { ...r }]));
  const counted = countBy(result.findings, (f) => f.ruleId);
  for (const finding of result.findings) {
    if (!rules.has(finding.ruleId)) {
      rules.set(finding.ruleId, {
        ruleId: finding.ruleId,
        title: finding.title,
        level: finding.level,
        count: 0,
        docsUrl: ruleDocsUrl(finding.ruleId),
      });
    }
  }
  for (const rule of rules.values()) rule.count = counted.get(rule.ruleId) ?? rule.count;
  return [...rules.values()].sort((a, b) => compareRuleIds(a.ruleId, b.ruleId));
}

/** Full finding list for `output.text`, grouped by file; GitHub shows it under the summary. */
function renderText(findings: readonly Finding[], context: ReportContext): string | undefined {
  if (findings.length === 0) return undefined;
  const header = `### All findings in \`${context.repository}@${shortSha(context.headSha)}\`\n\n`;
  return header + renderListWithin(findings, MAX_OUTPUT_CHARS - header.length);
}

/**
 * Renders findings as a Markdown list until `budget` characters, then a cut-off line that says
 * how many were left out, so a reader knows the list is not complete.
 */
export function renderListWithin(findings: readonly Finding[], budget: number): string {
  const lines: string[] = [];
  let used = 0;
  for (let i = 0; i < findings.length; i++) {
    const line = findingLine(findings[i]!);
    const cutOff = cutOffLine(findings.length - i - 1);
    // Keep room for the cut-off line that would follow if the next one did not fit.
    if (used + line.length + 1 + cutOff.length + 1 > budget) {
      lines.push(cutOffLine(findings.length - i));
      return lines.join('\n');
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

/** TR-K8S-7: what the pull request changes in who can reach whom in the production namespace. */
export function renderConnectivity(lines: readonly string[]): string[] {
  if (lines.length === 0) return ['**Network connectivity:** this pull request changes nothing in who can reach whom.'];
  const shown = lines.slice(0, 50).map((l) => `- ${l}`);
  if (lines.length > shown.length) shown.push(`- … and ${lines.length - shown.length} more`);
  return ['**Network connectivity changed by this pull request** (TR-K8S-7):', '', ...shown];
}

export function cutOffLine(omitted: number): string {
  return (
    `\n**✂️ ${plural(omitted, 'more finding')} not shown**: GitHub limits this text to ` +
    `${MAX_OUTPUT_CHARS.toLocaleString('en-US')} characters. Run \`npx bplus check .\` for the complete list.`
  );
}

function findingLine(f: Finding): string {
  const icon = f.level === 'failure' ? '❌' : f.level === 'warning' ? '⚠️' : 'ℹ️';
  const message = truncate(f.message.replace(/\s+/g, ' '), 500);
  return `- ${icon} \`${f.path}:${f.line}\` [${f.ruleId}](${ruleDocsUrl(f.ruleId)}): ${message}`;
}

function countLevels(findings: readonly Finding[]) {
  let failures = 0;
  let warnings = 0;
  let notices = 0;
  for (const f of findings) {
    if (f.level === 'failure') failures++;
    else if (f.level === 'warning') warnings++;
    else notices++;
  }
  return { failures, warnings, notices };
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** The nine platform rules first, then the recommended ones; TR-K8S-2 before TR-K8S-10. */
function compareRuleIds(a: string, b: string): number {
  const platformA = a.startsWith('TR-');
  const platformB = b.startsWith('TR-');
  if (platformA !== platformB) return platformA ? -1 : 1;
  const na = /(\d+)$/.exec(a);
  const nb = /(\d+)$/.exec(b);
  const pa = na ? a.slice(0, na.index) : a;
  const pb = nb ? b.slice(0, nb.index) : b;
  if (pa !== pb) return pa < pb ? -1 : 1;
  return Number(na?.[1] ?? 0) - Number(nb?.[1] ?? 0);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
