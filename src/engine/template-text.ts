/**
 * Helm template actions as they show in statically parsed chart templates. The YAML parser masks
 * actions, so a block filled in by an action on the following lines parses as an empty key:
 *
 *     resources:
 *       {{- toYaml .Values.resources | nindent 12 }}
 *
 * reads as `resources: null`. Rules must not judge such a block: Helm decides it at render time.
 */
import type { RepositoryModel } from '../model/repository.ts';
import { getPath } from '../model/values.ts';
import type { K8sObject, ValuePath } from '../types.ts';
import { isTemplatedValue } from './workloads.ts';

/**
 * Whether the value at `path` of a template-derived object is filled in by Helm: a templated
 * string, or an empty key followed by a template action on the next non-blank line.
 */
export function isTemplatedBlock(model: RepositoryModel, object: K8sObject, path: ValuePath): boolean {
  const value = getPath(object.raw, path);
  if (isTemplatedValue(value)) return true;
  if (value !== null || object.origin.type !== 'manifest') return false;
  const text = model.yamlFiles.get(object.origin.file)?.text;
  if (text === undefined) return false;
  const at = object.locate(path);
  const lines = text.split(/\r?\n/);
  for (let i = at.line; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    return line.startsWith('{{');
  }
  return false;
}

/**
 * Whether the line of `path` in a template-derived object sits right under a control action
 * (`{{- if not .Values.autoscaling.enabled }}`), so that Helm may leave it out when rendering.
 */
export function isGuardedByAction(model: RepositoryModel, object: K8sObject, path: ValuePath): boolean {
  if (object.origin.type !== 'manifest') return false;
  const text = model.yamlFiles.get(object.origin.file)?.text;
  if (text === undefined) return false;
  const lines = text.split(/\r?\n/);
  for (let i = object.locate(path).line - 2; i >= 0; i--) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    return /^\{\{-?\s*(if|with|range)\b/.test(line);
  }
  return false;
}
