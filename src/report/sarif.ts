/**
 * SARIF 2.1.0 as GitHub code scanning reads it, typed with `@types/sarif` so that a misspelt
 * property is a compile error rather than a silently ignored field. One run; the tool's rules with
 * their help page (the same Markdown `npm run docs` generates) and a `security-severity` that code
 * scanning ranks alerts by; results with physical locations relative to the checkout
 * (`%SRCROOT%`), a line-independent fingerprint, and waived findings as `suppressions`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { coreRules } from '../engine/core-rules.ts';
import type { WaivedFinding } from '../engine/api.ts';
import type { Rule } from '../engine/rule.ts';
import { docsUrl } from '../engine/rule.ts';
import { ruleDocPage } from '../engine/rule-docs.ts';
import type { Finding, Level } from '../types.ts';
import type { Fingerprinted } from './fingerprint.ts';
import type { ReportView } from './view.ts';

const SARIF_LEVEL: Record<Level, Sarif.ReportingConfiguration.level> = { failure: 'error', warning: 'warning', notice: 'note' };

/**
 * Code scanning's bands: critical ≥ 9.0, high ≥ 7.0, medium ≥ 4.0, low < 4.0. Rules that guard a
 * security boundary (secrets, network isolation, external exposure, privileges) rank higher than
 * the operational ones at the same level.
 */
const SECURITY_RULES = new Set(['TR-K8S-6', 'TR-K8S-7', 'TR-K8S-9', 'BP-NON-ROOT', 'BP-READONLY-ROOTFS']);

export function securitySeverity(rule: Pick<Rule['meta'], 'id' | 'level'>): string {
  if (rule.id === 'TR-K8S-9') return '9.0';
  const security = SECURITY_RULES.has(rule.id);
  if (rule.level === 'failure') return security ? '8.0' : '6.5';
  if (rule.level === 'warning') return security ? '5.0' : '3.5';
  return '2.0';
}

/**
 * `srcRoot`: the reviewed directory (absolute); `%SRCROOT%` is declared as its file URI, so that
 * code scanning resolves the relative artifact paths against the checkout it knows.
 */
export function formatSarif(view: ReportView, rules: readonly Rule[], version: string, srcRoot?: string): string {
  const all = [...rules, ...coreRules];
  const known = new Map(all.map((r) => [r.meta.id, r]));
  const used = [...view.findings, ...view.waived].map((f) => f.finding.ruleId);
  const ruleIds = [...new Set([...all.map((r) => r.meta.id), ...used])];
  const index = new Map(ruleIds.map((id, i) => [id, i]));

  const descriptor = (id: string): Sarif.ReportingDescriptor => {
    const rule = known.get(id);
    const meta = rule?.meta;
    return {
      id,
      name: id.replace(/[^A-Za-z0-9]/g, ''),
      shortDescription: { text: meta?.title.en ?? id },
      fullDescription: { text: meta?.description.en ?? id },
      helpUri: docsUrl(id),
      help: rule ? { text: meta!.description.en, markdown: ruleDocPage(rule) } : { text: id },
      defaultConfiguration: { level: SARIF_LEVEL[meta?.level ?? 'failure'] },
      properties: {
        'security-severity': securitySeverity({ id, level: meta?.level ?? 'failure' }),
        precision: 'very-high',
        tags: ['kubernetes', meta?.pack ?? 'core', ...(SECURITY_RULES.has(id) ? ['security'] : [])],
      },
    };
  };

  const result = ({ finding: f, fingerprint }: Fingerprinted<Finding>, waived?: WaivedFinding): Sarif.Result => ({
    ruleId: f.ruleId,
    ruleIndex: index.get(f.ruleId)!,
    level: SARIF_LEVEL[f.level],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' },
          region: {
            startLine: f.line,
            startColumn: f.column,
            endLine: Math.max(f.line, f.endLine),
            endColumn: Math.max(f.endColumn, f.line >= f.endLine ? f.column + 1 : 1),
          },
        },
      },
    ],
    partialFingerprints: { 'bplus/v2': fingerprint },
    ...(f.fixable ? { properties: { fixable: true } } : {}),
    ...(waived
      ? { suppressions: [{ kind: waived.waivedBy === 'annotation' ? 'inSource' : 'external', status: 'accepted', justification: waived.reason }] }
      : {}),
  });

  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: { name: 'bplus', version, semanticVersion: version, informationUri: 'https://github.com/balance-plus/bplus', rules: ruleIds.map(descriptor) },
        },
        ...(srcRoot
          ? { originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(srcRoot.endsWith(path.sep) ? srcRoot : `${srcRoot}${path.sep}`).href } } }
          : {}),
        results: [...view.findings.map((f) => result(f)), ...view.waived.map((w) => result(w, w.finding))],
        properties: { waived: view.waived.length, baselined: view.baselined, quieted: view.quieted },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
