/**
 * A finding's identity that survives line shifts and the output language: rule, path, message id
 * and the text of the line it points at (whitespace-trimmed), not the line number and not the
 * localised message. Baselines and SARIF `partialFingerprints` use it.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../types.ts';

/** Reads a file of the reviewed repository as text (undefined when it cannot be read). */
export type ReadText = (path: string) => Promise<string | undefined>;

export interface Fingerprinted<F extends Finding = Finding> {
  finding: F;
  fingerprint: string;
}

export async function fingerprintFindings<F extends Finding>(findings: readonly F[], readText: ReadText): Promise<Array<Fingerprinted<F>>> {
  const lines = new Map<string, string[] | undefined>();
  const out: Array<Fingerprinted<F>> = [];
  for (const finding of findings) {
    if (!lines.has(finding.path)) lines.set(finding.path, (await readText(finding.path))?.split(/\r?\n/));
    const text = lines.get(finding.path)?.[finding.line - 1]?.trim() ?? '';
    out.push({ finding, fingerprint: fingerprintOf(finding, text) });
  }
  return out;
}

export function fingerprintOf(finding: Pick<Finding, 'ruleId' | 'path' | 'messageId'>, lineText: string): string {
  return createHash('sha256').update(`${finding.ruleId}\u0000${finding.path}\u0000${finding.messageId}\u0000${lineText}`).digest('hex').slice(0, 16);
}
