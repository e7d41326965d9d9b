/**
 * The platform's default requests and limits for a service chart's kind (`defaults.resources`),
 * shared by TR-K8S-3 and TR-K8S-4: only the keys missing from the merged values are added, in the
 * file `LayeredValues.locate` points at (the file that already holds the nearest part of
 * `resources`, else the environment's overlay) — or, for a sidecar or an init container, in the
 * file whose list wins the merge (Helm replaces lists). Existing lines are never touched: the keys
 * are inserted as new lines. A default never makes a request exceed an existing limit (the request
 * is lowered to the limit) nor a limit fall under an existing request (the limit is raised).
 */
import { compareQuantities, tryParseManifestQuantity } from '../../k8s/quantity.ts';
import type { ServiceValues } from '../../model/repository.ts';
import { getPath, isRecord, splitDotted } from '../../model/values.ts';
import type { PathSegment } from '../../types.ts';
import { addMissing, setScalar } from '../../yaml/edit.ts';
import type { FixOutcome, Fixer, RuleFix } from '../rule.ts';

type Json = Record<string, unknown>;

const SECTIONS = ['requests', 'limits'] as const;
const RESOURCES = ['cpu', 'memory'] as const;

/** Which container of the service: the main one, a sidecar or an init container (as the library renders them). */
export interface ServiceContainer {
  list: 'containers' | 'initContainers';
  /** Index in the rendered list: containers[0] is the main container, containers[1..] the sidecars. */
  index: number;
}

export function addDefaultResources(values: ServiceValues, container: ServiceContainer): RuleFix {
  return (fixer) => addDefaults(fixer, values, container);
}

async function addDefaults(fixer: Fixer, values: ServiceValues, container: ServiceContainer): Promise<FixOutcome> {
  const kind = values.chart.kind;
  const defaults = kind ? fixer.config.defaults.resources[kind] : undefined;
  if (!defaults) return { status: 'skipped', reason: `no default resources are configured for this chart's kind (defaults.resources.${kind ?? '?'})` };

  const keys = fixer.config.values;
  const { index } = container;
  let resourcesPath: PathSegment[];
  let listPath: PathSegment[] | undefined;
  let label: string;
  if (container.list === 'initContainers') {
    listPath = splitDotted(keys.initContainers);
    resourcesPath = [...listPath, index, 'resources'];
    label = `init container ${index + 1}`;
  } else if (index > 0) {
    listPath = splitDotted(keys.sidecars);
    resourcesPath = [...listPath, index - 1, 'resources'];
    label = `sidecar ${index}`;
  } else {
    resourcesPath = splitDotted(keys.resources);
    label = 'the main container';
  }

  const merged = values.values.get(resourcesPath);
  const current = isRecord(merged) ? merged : {};
  const wanted: Json = {};
  const added: string[] = [];
  for (const section of SECTIONS) {
    const have = isRecord(current[section]) ? current[section] : {};
    for (const resource of RESOURCES) {
      if (have[resource] !== undefined && have[resource] !== null) continue;
      const other = section === 'requests' ? 'limits' : 'requests';
      const otherSection = current[other];
      const otherValue = isRecord(otherSection) ? otherSection[resource] : undefined;
      const value = reconcile(section, defaults[section][resource], otherValue);
      const target = isRecord(wanted[section]) ? wanted[section] : (wanted[section] = {});
      target[resource] = value;
      added.push(`${section}.${resource} ${String(value)}`);
    }
  }
  if (added.length === 0) return { status: 'covered' };

  const file = listPath ? values.values.sourceOf(listPath) : values.values.locate(resourcesPath).path;
  if (!file) return { status: 'skipped', reason: `no values file sets ${listPath?.join('.')}` };
  const layer = values.values.layers.find((l) => l.path === file);
  if (!layer) return { status: 'skipped', reason: `${file} is not a values file of ${values.chart.dir}` };
  const text = await fixer.tree.read(file);
  if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
  const docIndex = layer.doc?.index ?? 0;
  let edited = text;
  let line: number | undefined;
  // A key set to null in this file (Helm's "remove") cannot be added again: its value is replaced.
  for (const [section, values] of Object.entries(wanted)) {
    if (!isRecord(values)) continue;
    for (const [resource, value] of Object.entries(values)) {
      const path = [...resourcesPath, section, resource];
      if (!layer.doc?.has(path) || getPath(layer.doc.value, path) !== null || (typeof value !== 'string' && typeof value !== 'number')) continue;
      const replaced = setScalar(edited, docIndex, path, value);
      if (!replaced) continue;
      edited = replaced.text;
      line = Math.min(line ?? replaced.line, replaced.line);
    }
  }
  const edit = addMissing(edited, docIndex, resourcesPath, wanted);
  if (edit) {
    edited = edit.text;
    line = Math.min(line ?? edit.line, edit.line);
  }
  if (line === undefined) return { status: 'covered' };
  fixer.tree.write(file, edited);
  return {
    status: 'applied',
    changes: [{ path: file, line, description: `added ${added.join(', ')} to ${resourcesPath.join('.')} (${label}; platform defaults for ${kind})` }],
  };
}

/** The default, unless it would contradict what the other section already says. */
function reconcile(section: 'requests' | 'limits', value: string | number, other: unknown): string | number {
  if (typeof other !== 'string' && typeof other !== 'number') return value;
  const mine = tryParseManifestQuantity(value);
  const theirs = tryParseManifestQuantity(other);
  if (!mine.ok || !theirs.ok) return value;
  const cmp = compareQuantities(mine.quantity, theirs.quantity);
  if (section === 'requests' && cmp > 0) return other;
  if (section === 'limits' && cmp < 0) return other;
  return value;
}
