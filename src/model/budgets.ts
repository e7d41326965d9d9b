/**
 * The model's budgets, from `limits:` in the configuration (docs/security.md): what one YAML file
 * may cost to parse, and how many objects one review keeps. Crossing one is a problem that names
 * the file and the limit; the rest of the repository is still modelled.
 */
import type { BplusConfig } from '../config/schema.ts';
import type { FileProblem, K8sObject } from '../types.ts';
import type { ParseOptions } from '../yaml/parse.ts';

export function yamlBudgets(config: BplusConfig): ParseOptions {
  return { maxExpandedBytes: config.limits.maxExpandedBytes, maxDocuments: config.limits.maxDocumentsPerFile };
}

/**
 * Keeps the first `limits.maxObjects` objects (in the model's order: files in listing order), and
 * one problem per file whose objects were left out, on that file's first left-out object.
 */
export function keepObjectBudget(objects: K8sObject[], config: BplusConfig): { objects: K8sObject[]; problems: FileProblem[] } {
  const limit = config.limits.maxObjects;
  if (objects.length <= limit) return { objects, problems: [] };
  const problems: FileProblem[] = [];
  const reported = new Set<string>();
  for (const object of objects.slice(limit)) {
    const at = object.locate([]);
    if (reported.has(at.path)) continue;
    reported.add(at.path);
    problems.push({
      ...at,
      endLine: at.line,
      endColumn: at.column,
      code: 'limit-exceeded',
      message: `the repository has ${objects.length} Kubernetes objects, over the limit of ${limit} (limits.maxObjects); the objects of ${at.path} from this one on were not reviewed`,
    });
  }
  return { objects: objects.slice(0, limit), problems };
}
