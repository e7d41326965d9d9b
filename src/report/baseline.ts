/**
 * `--baseline FILE`: the findings a team has accepted for now. A finding matches a baseline entry
 * with the same rule, path and fingerprint (see fingerprint.ts), so moving lines does not make old
 * findings new; each entry absorbs one finding, so a second identical finding is new.
 */
import { z } from 'zod';
import type { Finding } from '../types.ts';
import type { Fingerprinted } from './fingerprint.ts';

export const BASELINE_VERSION = 1;

const entrySchema = z.object({ ruleId: z.string(), path: z.string(), fingerprint: z.string(), line: z.number().optional(), message: z.string().optional() });
const baselineSchema = z.object({ version: z.literal(BASELINE_VERSION), findings: z.array(entrySchema) });

export type BaselineEntry = z.infer<typeof entrySchema>;

export function parseBaseline(text: string, file: string): BaselineEntry[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${(error as Error).message}); write a new one with --write-baseline`);
  }
  const parsed = baselineSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is not a bplus baseline (version ${BASELINE_VERSION}); write a new one with --write-baseline`);
  return parsed.data.findings;
}

/** The baseline file for these findings: sorted, one entry per finding, line and message for people. */
export function formatBaseline(findings: ReadonlyArray<Fingerprinted>): string {
  const entries = findings
    .map(({ finding: f, fingerprint }) => ({ ruleId: f.ruleId, path: f.path, fingerprint, line: f.line, message: f.message }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0)));
  return `${JSON.stringify({ version: BASELINE_VERSION, findings: entries }, null, 2)}\n`;
}

/** Splits findings into those the baseline does not know (new) and those it absorbs. */
export function applyBaseline<F extends Finding>(findings: ReadonlyArray<Fingerprinted<F>>, baseline: readonly BaselineEntry[]) {
  const available = new Map<string, number>();
  const key = (ruleId: string, path: string, fingerprint: string): string => `${ruleId}\u0000${path}\u0000${fingerprint}`;
  for (const e of baseline) available.set(key(e.ruleId, e.path, e.fingerprint), (available.get(key(e.ruleId, e.path, e.fingerprint)) ?? 0) + 1);
  const fresh: Array<Fingerprinted<F>> = [];
  const known: Array<Fingerprinted<F>> = [];
  for (const item of findings) {
    const k = key(item.finding.ruleId, item.finding.path, item.fingerprint);
    const left = available.get(k) ?? 0;
    if (left > 0) {
      available.set(k, left - 1);
      known.push(item);
    } else fresh.push(item);
  }
  return { fresh, known };
}
