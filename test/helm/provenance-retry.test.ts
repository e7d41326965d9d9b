/**
 * A marker render Helm refuses (the template name comes from a value): the values the failing
 * line reads keep their real values and the second attempt renders (real Helm).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildMarkerValues, RenderedProvenance, TemplateIndex, valuesToKeepAfterFailure } from '../../src/helm/provenance.ts';
import { LayeredValues, readValuesLayer } from '../../src/model/values.ts';
import { HelmError, runHelm } from '../helpers/helm.ts';

const CHART = path.join(path.dirname(fileURLToPath(import.meta.url)), 'charts', 'picky');

describe('a marker render that fails', () => {
  it('keeps the values the failing line reads, and the retry traces the rest', async () => {
    const values = new LayeredValues([readValuesLayer('picky/values.yaml', await readFile(path.join(CHART, 'values.yaml'), 'utf8')).layer]);
    const files = [];
    for (const name of ['pod.yaml', '_kinds.tpl']) {
      files.push({ helmPath: `picky/templates/${name}`, path: `picky/templates/${name}`, text: await readFile(path.join(CHART, 'templates', name), 'utf8') });
    }
    const templates = new TemplateIndex(files);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'bplus-markers-'));
    try {
      const render = async (keep: Array<readonly (string | number)[]>) => {
        const markers = buildMarkerValues(values, { keep });
        await writeFile(path.join(tmp, 'm.yaml'), markers.text);
        const text = await runHelm(['template', 'picky', CHART, '-f', path.join(tmp, 'm.yaml'), '--skip-schema-validation']);
        return { text, markers };
      };
      // The template name built from a value is found statically too; without it, Helm refuses.
      expect(templates.comparedValues()).toContainEqual(['flavour']);
      const failure = await render([]).then(
        () => undefined,
        (e: HelmError) => e,
      );
      expect(failure?.stderr).toMatch(/no template "picky\.zq\d+qz"/);
      const keep = valuesToKeepAfterFailure(failure!.stderr, templates);
      expect(keep).toContainEqual(['flavour']);
      const marked = await render(keep);
      const real = await runHelm(['template', 'picky', CHART]);
      const provenance = new RenderedProvenance({ values, templates, rendered: real, marked });
      const pod = provenance.find('Pod', 'picky')!;
      const at = (p: Array<string | number>) => provenance.locate(pod, p);
      expect(at(['spec', 'containers', 0, 'ports', 0, 'containerPort'])).toMatchObject({ path: 'picky/values.yaml', line: 3, via: 'values' });
      expect(at(['spec', 'containers', 0, 'image'])).toMatchObject({ path: 'picky/values.yaml', line: 2, via: 'values' });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
