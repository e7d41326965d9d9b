/**
 * Where a fix edits what a rule found: the document of a plain manifest or of a chart template
 * (for the object itself), or the values of a service chart (for an object rendered from them).
 * Built from the object, never from a finding's path and line.
 */
import type { RepositoryModel, ServiceValues } from '../../model/repository.ts';
import type { K8sObject } from '../../types.ts';
import { documentIndexAtLine } from '../../yaml/edit.ts';

export interface DocumentTarget {
  /** The file a person edits for this object: the manifest, or the chart template Helm named. */
  file: string;
  /** The object's document among the file's documents with content (undefined: not found). */
  docIndex(text: string): number | undefined;
}

/** The document an object is written in, for objects edited where they are written (not service charts). */
export function documentOf(object: K8sObject): DocumentTarget {
  const origin = object.origin;
  if (origin.type === 'manifest') return { file: origin.file, docIndex: () => origin.docIndex };
  // A template's documents are Helm text: the object's own first line tells which one it is.
  const line = Math.min(object.locate(['kind']).line, object.locate(['apiVersion']).line);
  return { file: origin.template, docIndex: (text) => documentIndexAtLine(text, line) };
}

/** The chart and layered values a service object was rendered from. */
export function serviceValuesFor(model: RepositoryModel, object: K8sObject): ServiceValues | undefined {
  const origin = object.origin;
  if (origin.type !== 'rendered') return undefined;
  return model.serviceValues.find((s) => s.chart.dir === origin.chart && s.environment === origin.environment);
}

/** The service's name as the library names it (`nameOverride`, else the chart's name). */
export function serviceName(values: ServiceValues): string {
  const override = values.values.get(['nameOverride']);
  return typeof override === 'string' && override ? override : values.chart.name;
}

/** Where new platform objects go: the infrastructure chart's templates, else `manifests/`. */
export function platformObjectsDirectory(model: RepositoryModel): { dir: string; inChart: boolean } {
  const infra = model.charts.find((c) => c.role === 'infrastructure');
  return infra ? { dir: `${infra.dir === '.' ? '' : `${infra.dir}/`}templates`, inChart: true } : { dir: 'manifests', inChart: false };
}
