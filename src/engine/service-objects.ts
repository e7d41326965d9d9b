/**
 * Rendered objects of service charts (charts on a platform library): their fields are edited in
 * the chart's values, so rules point at values lines and their fixes edit values files for them.
 */
import type { RepositoryModel } from '../model/repository.ts';
import type { LayeredValues } from '../model/values.ts';
import type { K8sObject } from '../types.ts';

/** The layered values (values.yaml + the environment's overlay) behind a rendered service object. */
export function serviceValuesOf(model: RepositoryModel, object: K8sObject): LayeredValues | undefined {
  const origin = object.origin;
  if (origin.type !== 'rendered') return undefined;
  return model.serviceValues.find((sv) => sv.chart.dir === origin.chart && sv.environment === origin.environment)?.values;
}

/** Whether Helm rendered `object` from a service chart (its values are where a person edits it). */
export function isServiceObject(
  model: RepositoryModel,
  object: K8sObject,
): object is K8sObject & { origin: { type: 'rendered'; chart: string; environment: string; template: string } } {
  return serviceValuesOf(model, object) !== undefined;
}

/** Whether two objects are deployed together by Helm: rendered by the same chart for the same environment. */
export function sameRelease(a: K8sObject, b: K8sObject): boolean {
  if (a.origin.type !== 'rendered' || b.origin.type !== 'rendered') return true;
  return a.origin.chart === b.origin.chart && a.origin.environment === b.origin.environment;
}

/**
 * Whether a service chart's object came out of its platform library (its template includes the
 * library), rather than from a template the chart carries itself.
 */
export function renderedByLibrary(model: RepositoryModel, object: K8sObject): boolean {
  if (!isServiceObject(model, object)) return false;
  const chart = model.charts.find((c) => c.dir === object.origin.chart);
  const library = chart?.libraries[0]?.dependency.name;
  if (!library) return false;
  const text = model.templateTexts.get(object.origin.template) ?? '';
  return text.includes(`"${library}.`);
}

/** Whether two objects are deployed in the same environment (manifests are in every one). */
export function sameEnvironment(a: K8sObject, b: K8sObject): boolean {
  return a.origin.type !== 'rendered' || b.origin.type !== 'rendered' || a.origin.environment === b.origin.environment;
}
