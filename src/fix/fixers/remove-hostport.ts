/**
 * TR-K8S-6 (`remove-hostport`): a container port's `hostPort` goes when a Service in the same
 * namespace already selects the pods and targets that port. The Service (behind an Ingress) is
 * how the port is reached; the hostPort only adds a path around the Ingress controller on every
 * node that runs the pod. Without such a Service the finding carries no hint: removing the
 * hostPort would cut whatever relies on it, so a person decides.
 */
import type { PathSegment } from '../../types.ts';
import type { Fixer } from '../types.ts';
import { deleteKey, documentIndexAtLine, YamlEditError } from '../../yaml/edit.ts';
import { dataOf, str } from './common.ts';

export const removeHostPortFixer: Fixer = {
  kind: 'remove-hostport',
  async fix(finding, context) {
    const data = dataOf(finding);
    const file = str(data.file) ?? finding.path;
    const valuePath = Array.isArray(data.valuePath) ? (data.valuePath as PathSegment[]) : undefined;
    if (!valuePath || valuePath.at(-1) !== 'hostPort') return { status: 'skipped', reason: `${file}:${finding.line}: no hostPort to remove` };
    const text = await context.tree.read(file);
    if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
    // A chart template's object (rendered by Helm) names no document: the finding's line does.
    const docIndex = typeof data.docIndex === 'number' ? data.docIndex : documentIndexAtLine(text, finding.line);
    if (docIndex === undefined) return { status: 'skipped', reason: `${file}:${finding.line}: no hostPort to remove` };
    const memoKey = `hostport:${file}#${docIndex}:${valuePath.join('.')}`;
    if (context.memo.has(memoKey)) return { status: 'covered' };
    context.memo.set(memoKey, true);
    let edit;
    try {
      edit = deleteKey(text, docIndex, valuePath);
    } catch (error) {
      if (error instanceof YamlEditError) return { status: 'skipped', reason: `${file}:${finding.line}: ${error.message}` };
      throw error;
    }
    if (!edit) return { status: 'covered' };
    context.tree.write(file, edit.text);
    const where = valuePath.slice(0, -1).map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('').replace(/^\./, '');
    context.note(`${file}: hostPort removed; the port stays reachable through Service ${str(data.service) ?? ''} (and an Ingress for traffic from outside)`);
    return { status: 'applied', changes: [{ path: file, line: edit.line, description: `removed ${where}.hostPort (Service ${str(data.service) ?? '?'} exposes the port)` }] };
  },
};
