/**
 * What bplus reports on a service chart (its render path: materialised chart, marker render,
 * findings moved onto values lines) agrees, finding by finding, with the same rules judging what a
 * real Helm renders of the chart as CI would (`helm dependency build` + `helm template` of the
 * checkout, test/helpers/helm.ts), with no provenance at all: the same rule, message id and
 * message, as many times. And each finding the variant's expect.yaml lists lands on that path and
 * line. Checked on the example repository and on every variant that still renders.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/registry.ts';
import { reviewRepository, runRules } from '../../src/engine/review.ts';
import { splitRendered } from '../../src/helm/render.ts';
import { objectsFromRendered } from '../../src/model/rendered.ts';
import { LocalSource } from '../../src/source/local.ts';
import type { Finding } from '../../src/types.ts';
import { renderChart } from '../helpers/helm.ts';
import { BALANCE_PLUS_DIR, listVariants, loadExpectations, materialize, removeMaterialized } from '../helpers/overlay.ts';

/** Rules that judge rendered objects one by one; chart layout (1, 2), values files (9) and the namespace (7) are not per object. */
const OBJECT_RULES = /^(TR-K8S-[3-6]|TR-K8S-8|BP-.*)$/;
const SERVICE_CHARTS = ['api-gateway', 'orchestrator', 'condenser-worker', 'frontend'];

const rules = (await loadRules()).filter((r) => OBJECT_RULES.test(r.meta.id));
const variants: string[] = [];
for (const variant of await listVariants()) if ((await loadExpectations(variant)).helmRenders) variants.push(variant);
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map(removeMaterialized));
});

const verdict = (f: Finding) => `${f.ruleId}/${f.messageId}: ${f.message}`;

/** The object rules on `charts` as the review rendered and located them, and on Helm's own render of them. */
async function bothSides(repo: string, charts: string[]): Promise<{ review: Finding[]; rendered: string[] }> {
  const review = await reviewRepository(new LocalSource(repo));
  const model = review.model;
  // A chart whose values file bplus cannot read as Helm would (a duplicate key, which Helm settles
  // silently) is not rendered: it is one input finding there instead, and has nothing to compare.
  for (const name of charts.filter((c) => !model.renderedCharts.has(`charts/${c}`))) {
    expect(
      review.findings.some((f) => f.ruleId === 'input' && f.path.startsWith(`charts/${name}/values`)),
      `${name} not rendered without an input finding`,
    ).toBe(true);
  }
  charts = charts.filter((c) => model.renderedCharts.has(`charts/${c}`));
  const dirs = new Set(charts.map((c) => `charts/${c}`));
  const fromChart = (o: { origin: { type: string; chart?: string } }) => o.origin.type === 'rendered' && dirs.has(o.origin.chart ?? '');
  const independent = [];
  for (const name of charts) {
    const chart = model.charts.find((c) => c.dir === `charts/${name}`)!;
    const dir = path.join(repo, chart.dir);
    const text = await renderChart(dir, {
      valuesFiles: ['values.yaml', 'values-prod.yaml'].map((f) => path.join(dir, f)),
      releaseName: chart.name,
      namespace: model.config.production.namespace,
    });
    // No locator: findings stay on the template Helm names; only their verdicts are compared.
    for (const { object } of objectsFromRendered(splitRendered(text, [], new Set()), chart, 'prod')) independent.push(object);
  }
  if (charts.length > 0) expect(independent.length).toBeGreaterThan(0);
  // The charts' objects alone on both sides: what the review rendered and located, what Helm rendered.
  const reviewed = { ...model, objects: model.objects.filter(fromChart) };
  const rendered = { ...model, objects: independent };
  expect(reviewed.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(rendered.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort());
  return { review: runRules(reviewed, rules, review.config, 'en'), rendered: runRules(rendered, rules, review.config, 'en').map(verdict) };
}

let compared = 0;

describe('the render path and a plain Helm render agree, finding by finding', () => {
  afterAll(() => {
    // The variants exist to produce findings: an agreement of empty lists everywhere would prove nothing.
    if (variants.length > 0) expect(compared).toBeGreaterThan(variants.length);
  });

  it('example repository: every service chart', async () => {
    const { review, rendered } = await bothSides(BALANCE_PLUS_DIR, SERVICE_CHARTS);
    expect(review.map(verdict).sort()).toEqual([...rendered].sort());
  }, 120_000);

  for (const variant of variants) {
    it(`variant ${variant}`, async () => {
      const expectations = await loadExpectations(variant);
      const touched = [
        ...new Set(expectations.findings.map((f) => /^charts\/([^/]+)\//.exec(f.path)?.[1]).filter((c): c is string => !!c && SERVICE_CHARTS.includes(c))),
      ];
      const dir = await materialize(variant);
      made.push(dir);
      const charts = touched.length > 0 ? touched : ['api-gateway'];
      const { review, rendered } = await bothSides(dir, charts);
      // The same verdicts, each as many times (rule, message id, message).
      expect(review.map(verdict).sort()).toEqual([...rendered].sort());
      compared += rendered.length;
      // And the lines expect.yaml gives for the object rules are where the review put them.
      const placed = review.map((f) => `${f.ruleId} ${f.path}:${f.line}`);
      for (const f of expectations.findings.filter((e) => OBJECT_RULES.test(e.ruleId) && charts.some((c) => e.path.startsWith(`charts/${c}/`)))) {
        expect(placed, `${variant}: ${f.ruleId} at ${f.path}:${f.line}`).toContain(`${f.ruleId} ${f.path}:${f.line}`);
      }
    }, 120_000);
  }
});
