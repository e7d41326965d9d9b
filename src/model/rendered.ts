/**
 * Objects from `helm template` output, for reviewing what Helm really renders (the fixture tests
 * compare these verdicts with the verdicts reached from values). Locations point into the
 * rendered text under a synthetic path `<chart>@<environment>:<template>`.
 */
import type { K8sObject } from '../types.ts';
import { parseYaml } from '../yaml/parse.ts';
import { objectFromDocument } from './objects.ts';

const SOURCE_COMMENT = /^# Source: (.+)$/m;

export function objectsFromRendered(rendered: string, chart: string, environment: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const part of rendered.split(/^---$/m)) {
    const template = SOURCE_COMMENT.exec(part)?.[1]?.trim() ?? 'rendered';
    const parsed = parseYaml(part);
    for (const doc of parsed.docs) {
      const object = objectFromDocument(`${chart}@${environment}:${template}`, doc, { type: 'rendered', chart, environment, template });
      if (object) objects.push(object);
    }
  }
  return objects;
}
