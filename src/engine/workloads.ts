/** Shared views of workloads that several rules need: containers, production scope. */
import type { BplusConfig } from '../config/schema.ts';
import { podSpecPath } from '../model/objects.ts';
import { getPath, isRecord } from '../model/values.ts';
import type { K8sObject, ValuePath } from '../types.ts';

export type ContainerRole = 'container' | 'initContainer';

export interface ContainerRef {
  object: K8sObject;
  container: Record<string, unknown>;
  name: string;
  role: ContainerRole;
  /** Value path of the container inside the object. */
  path: ValuePath;
}

/** Every container and init container of a workload, with its path. */
export function containersOf(object: K8sObject): ContainerRef[] {
  const specPath = podSpecPath(object);
  if (!specPath) return [];
  const spec = getPath(object.raw, specPath);
  if (!isRecord(spec)) return [];
  const refs: ContainerRef[] = [];
  for (const [field, role] of [
    ['initContainers', 'initContainer'],
    ['containers', 'container'],
  ] as const) {
    const list = spec[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container, index) => {
      if (!isRecord(container)) return;
      refs.push({ object, container, name: typeof container.name === 'string' ? container.name : `#${index + 1}`, role, path: [...specPath, field, index] });
    });
  }
  return refs;
}

export function podSpecOf(object: K8sObject): Record<string, unknown> | undefined {
  const specPath = podSpecPath(object);
  const spec = specPath ? getPath(object.raw, specPath) : undefined;
  return isRecord(spec) ? spec : undefined;
}

/**
 * Whether an object is deployed to production: values of a production environment, or a manifest
 * in the production namespace (or with no namespace, which Argo CD / Flux / Helm fill in with
 * the target namespace, or a templated one).
 */
export function isProduction(object: K8sObject, config: BplusConfig): boolean {
  if (object.origin.type !== 'manifest') return true;
  const ns = object.metadata.namespace;
  return ns === undefined || ns === config.production.namespace || ns.includes('{{');
}

/** Values Helm fills in at render time cannot be judged statically. */
export function isTemplatedValue(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

export const COMPONENT_LABEL = 'app.kubernetes.io/component';

/** `api`, `worker` or `frontend`, from the pod template's labels or the object's own. */
export function componentOf(object: K8sObject): string | undefined {
  const onPod = getPath(object.raw, ['spec', 'template', 'metadata', 'labels', COMPONENT_LABEL]);
  return typeof onPod === 'string' ? onPod : object.metadata.labels[COMPONENT_LABEL];
}

/** The container kubectl picks by default: the one the annotation names, else the first. */
export function mainContainer(object: K8sObject): ContainerRef | undefined {
  const containers = containersOf(object).filter((c) => c.role === 'container');
  const named = getPath(object.raw, ['spec', 'template', 'metadata', 'annotations', 'kubectl.kubernetes.io/default-container']);
  return containers.find((c) => c.name === named) ?? containers[0];
}
