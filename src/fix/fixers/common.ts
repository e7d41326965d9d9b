/** Lookups several fixers share: a service chart's layered values, the object a finding is about. */
import type { ServiceValues } from '../../model/repository.ts';
import type { RepositoryModel } from '../../model/repository.ts';
import type { Finding, K8sObject } from '../../types.ts';
import { isRecord } from '../../model/values.ts';

export type Json = Record<string, unknown>;

export function dataOf(finding: Finding): Json {
  return isRecord(finding.fix?.data) ? finding.fix!.data : {};
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function serviceValuesOf(model: RepositoryModel, chart: string | undefined, environment: string | undefined): ServiceValues | undefined {
  const candidates = model.serviceValues.filter((s) => s.chart.dir === chart);
  return candidates.find((s) => s.environment === environment) ?? candidates[0];
}

/** The service chart whose values file holds the finding, if any. */
export function serviceValuesAt(model: RepositoryModel, path: string): ServiceValues | undefined {
  return model.serviceValues.find((s) => s.values.layers.some((l) => l.path === path));
}

/** The manifest object (plain file or chart template) whose document holds the finding's line. */
export function manifestObjectAt(model: RepositoryModel, finding: Pick<Finding, 'path' | 'line'>, kinds?: readonly string[]): K8sObject | undefined {
  let best: K8sObject | undefined;
  let bestLine = -1;
  for (const object of model.objects) {
    if (object.origin.type !== 'manifest' || object.origin.file !== finding.path) continue;
    if (kinds && !kinds.includes(object.kind)) continue;
    const start = object.locate([]).line;
    const kindLine = object.locate(['kind']).line;
    const first = Math.min(start, kindLine, object.locate(['apiVersion']).line);
    if (first <= finding.line && first > bestLine) {
      best = object;
      bestLine = first;
    }
  }
  return best;
}

export function serviceName(values: ServiceValues): string {
  const override = values.values.get(['nameOverride']);
  return typeof override === 'string' && override ? override : values.chart.name;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
