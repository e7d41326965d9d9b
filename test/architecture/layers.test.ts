/**
 * The layering is the folder layout: source, model, engine with rules, reporters and fixers,
 * adapters (CLI, App, Vercel entry). No import goes upwards, the adapters do not lean on each
 * other, and the CLI commands are siblings (no import cycle among them).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cyclesWithin, importGraphOf, layerOf, layeringViolations, readImportGraph } from './import-graph.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const graph = readImportGraph(ROOT, ['src', 'rules', 'api']);

describe('layering of src/, rules/ and api/', () => {
  it('reads the real tree (every layer has files, and the engine imports the model)', () => {
    expect(graph.size).toBeGreaterThan(100);
    const edges = [...graph.get('src/engine/review.ts')!].map((e) => e.target);
    expect(edges).toContain('src/model/repository.ts');
    expect(edges).toContain('src/config/load.ts');
    for (const file of [
      'src/types.ts',
      'src/source/local.ts',
      'src/model/repository.ts',
      'rules/TR-K8S-3.ts',
      'src/report/sarif.ts',
      'src/cli/main.ts',
      'api/github/webhooks/index.ts',
    ]) {
      expect(graph.has(file), file).toBe(true);
      expect(layerOf(file), file).toBeGreaterThanOrEqual(0);
    }
  });

  it('has no import against the layering', () => {
    expect(layeringViolations(graph)).toEqual([]);
  });

  it('has no import cycle among the CLI modules', () => {
    expect(cyclesWithin(graph, 'src/cli/')).toEqual([]);
  });
});

describe('the layering check itself', () => {
  it('names a synthetic upward import, with its line', () => {
    const bad = importGraphOf({
      'src/model/charts.ts': "import type { Finding } from '../types.ts';\n\nimport { CHECK_RUN_NAME } from '../app/check-run.ts';\n",
      'src/report/sarif.ts': "const late = await import('../cli/main.ts');\n",
      'src/cli/check-command.ts': "import { reviewRepository } from '../engine/review.ts';\n",
      'src/app/index.ts': "import { main } from '../cli/main.ts';\n",
      'src/brand-new/thing.ts': '',
    });
    expect(layeringViolations(bad)).toEqual([
      'src/model/charts.ts:3 imports src/app/check-run.ts: the model layer must not depend on the adapters layer above it',
      'src/report/sarif.ts:1 imports src/cli/main.ts: the reporters and fixers layer must not depend on the adapters layer above it',
      'src/app/index.ts:1 imports src/cli/main.ts: the adapter src/app/ must not depend on the adapter src/cli/',
      'src/brand-new/thing.ts is in no layer: add its folder to LAYERS in test/architecture/import-graph.ts',
    ]);
  });

  it('finds a loop among CLI modules, type-only and dynamic imports included', () => {
    const looped = importGraphOf({
      'src/cli/main.ts': "import { runCheckCommand } from './check-command.ts';\nconst fix = await import('./fix-command.ts');\n",
      'src/cli/check-command.ts': "import type { CliIO } from './main.ts';\n",
      'src/cli/fix-command.ts': "import type { CliIO } from './io.ts';\n",
      'src/cli/io.ts': '',
    });
    expect(cyclesWithin(looped, 'src/cli/')).toEqual(['src/cli/check-command.ts → src/cli/main.ts → src/cli/check-command.ts']);
  });

  it('does not take an import in a comment or a string for one', () => {
    const quiet = importGraphOf({ 'src/model/x.ts': "// import '../app/index.ts';\nconst s = \"import('../cli/main.ts')\";\n" });
    expect(layeringViolations(quiet)).toEqual([]);
  });
});
