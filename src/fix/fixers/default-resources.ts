/**
 * TR-K8S-3 / TR-K8S-4 (`default-resources`): the platform's default requests and limits for the
 * chart's service kind (`defaults.resources`), only for the keys missing from the merged values,
 * written into the file `LayeredValues.locate` points at (the file that already holds the
 * nearest part of `resources`, else the environment's overlay) — or, for a sidecar or an init
 * container, into the file whose list wins the merge (Helm replaces lists). Existing lines are
 * never touched: the keys are inserted as new lines. A default never makes a request exceed an
 * existing limit (the request is lowered to the limit) nor a limit fall under an existing
 * request (the limit is raised to the request).
 */
import { compareQuantities, tryParseManifestQuantity } from '../../k8s/quantity.ts';
import { isRecord, splitDotted } from '../../model/values.ts';
import type { PathSegment } from '../../types.ts';
import type { Fixer } from '../types.ts';
import { addMissing } from '../../yaml/edit.ts';
import { dataOf, serviceValuesOf, str, type Json } from './common.ts';

const SECTIONS = ['requests', 'limits'] as const;
const RESOURCES = ['cpu', 'memory'] as const;

export const defaultResourcesFixer: Fixer = {
  kind: 'default-resources',
  async fix(finding, context) {
    const data = dataOf(finding);
    const values = serviceValuesOf(context.model, str(data.chart), str(data.environment));
    if (!values) return { status: 'skipped', reason: 'the service chart of this finding was not found in the reviewed tree' };
    const kind = values.chart.kind;
    const defaults = kind ? context.config.defaults.resources[kind] : undefined;
    if (!defaults) return { status: 'skipped', reason: `no default resources are configured for this chart's kind (defaults.resources.${kind ?? '?'})` };

    const keys = context.config.values;
    const [field, indexText] = (str(data.container) ?? 'containers.0').split('.');
    const index = Number(indexText ?? 0);
    let resourcesPath: PathSegment[];
    let listPath: PathSegment[] | undefined;
    let label: string;
    if (field === 'initContainers') {
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
      const have = isRecord(current[section]) ? (current[section] as Json) : {};
      for (const resource of RESOURCES) {
        if (have[resource] !== undefined && have[resource] !== null) continue;
        const other = section === 'requests' ? 'limits' : 'requests';
        const otherValue = isRecord(current[other]) ? (current[other] as Json)[resource] : undefined;
        const value = reconcile(section, defaults[section][resource], otherValue);
        ((wanted[section] ??= {}) as Json)[resource] = value;
        added.push(`${section}.${resource} ${String(value)}`);
      }
    }
    if (added.length === 0) return { status: 'covered' };

    const file = listPath ? values.values.sourceOf(listPath) : values.values.locate(resourcesPath).path;
    if (!file) return { status: 'skipped', reason: `no values file sets ${listPath?.join('.')}` };
    const layer = values.values.layers.find((l) => l.path === file);
    if (!layer) return { status: 'skipped', reason: `${file} is not a values file of ${values.chart.dir}` };
    const text = await context.tree.read(file);
    if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
    // A null in the file (`limits: null`, Helm's "remove") cannot be added to: it must be replaced.
    const edit = addMissing(text, layer.doc?.index ?? 0, resourcesPath, wanted);
    if (!edit) return { status: 'covered' };
    context.tree.write(file, edit.text);
    return {
      status: 'applied',
      changes: [{ path: file, line: edit.line, description: `added ${added.join(', ')} to ${resourcesPath.join('.')} (${label}; platform defaults for ${kind})` }],
    };
  },
};

/** The default, unless it would contradict what the other section already says. */
function reconcile(section: 'requests' | 'limits', value: string | number, other: unknown): string | number {
  if (other === undefined || other === null) return value;
  const mine = tryParseManifestQuantity(value);
  const theirs = tryParseManifestQuantity(other);
  if (!mine.ok || !theirs.ok) return value;
  const cmp = compareQuantities(mine.quantity, theirs.quantity);
  if (section === 'requests' && cmp > 0) return other as string | number;
  if (section === 'limits' && cmp < 0) return other as string | number;
  return value;
}
