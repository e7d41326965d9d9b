/**
 * SARIF 2.1.0 as GitHub code scanning accepts it: one run, the tool's rules with help URIs,
 * results with physical locations relative to the repository root (`%SRCROOT%`).
 */
import type { ReviewResult } from '../engine/api.ts';
import type { Rule } from '../engine/rule.ts';
import { docsUrl } from '../engine/rule.ts';
import type { Level } from '../types.ts';

const SARIF_LEVEL: Record<Level, 'error' | 'warning' | 'note'> = { failure: 'error', warning: 'warning', notice: 'note' };

export function formatSarif(result: ReviewResult, rules: readonly Rule[], version: string): string {
  const known = new Map(rules.map((r) => [r.meta.id, r]));
  const ruleIds = [...new Set([...rules.map((r) => r.meta.id), ...result.findings.map((f) => f.ruleId)])];
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bplus',
            version,
            informationUri: 'https://github.com/balance-plus/bplus',
            rules: ruleIds.map((id) => {
              const rule = known.get(id);
              return {
                id,
                name: id.replace(/[^A-Za-z0-9]/g, ''),
                shortDescription: { text: rule?.meta.title.en ?? id },
                fullDescription: { text: rule?.meta.description.en ?? id },
                helpUri: docsUrl(id),
                help: { text: rule?.meta.description.en ?? id, markdown: `[${id}](${docsUrl(id)})` },
                defaultConfiguration: { level: SARIF_LEVEL[rule?.meta.level ?? 'failure'] },
              };
            }),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: 'file:///' } },
        results: result.findings.map((f) => ({
          ruleId: f.ruleId,
          ruleIndex: index.get(f.ruleId),
          level: SARIF_LEVEL[f.level],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.path), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.line === f.endLine ? f.column + 1 : 1) },
              },
            },
          ],
          partialFingerprints: { 'bplus/v1': fingerprint(`${f.ruleId}|${f.path}|${f.messageId}|${f.message}`) },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** A line-independent fingerprint, so code scanning keeps an alert when lines above it move. */
function fingerprint(text: string): string {
  let h1 = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h1 = Math.imul(h1 ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h1.toString(16).padStart(8, '0');
}
