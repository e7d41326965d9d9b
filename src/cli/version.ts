import { createRequire } from 'node:module';

export function packageVersion(): string {
  // From src/cli (sources) or dist/src/cli (compiled): the package root is two or three levels up.
  const require = createRequire(import.meta.url);
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'bplus' && pkg.version) return pkg.version;
    } catch {
      // try the next level
    }
  }
  return '0.0.0';
}
