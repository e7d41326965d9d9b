/**
 * TR-K8S-6 (`service-clusterip`): a NodePort or LoadBalancer Service becomes ClusterIP.
 * In a service chart: `service.type` is set to ClusterIP in the file that sets it, and
 * `service.nodePort` is removed from every values file. In a manifest or template: `spec.type`
 * becomes ClusterIP and the fields the API server only accepts on NodePort/LoadBalancer go
 * (`ports[].nodePort`, `externalTrafficPolicy`, `healthCheckNodePort`, `loadBalancer*`,
 * `allocateLoadBalancerNodePorts`). Exposure belongs to an Ingress: a note says so.
 */
import { isRecord, splitDotted } from '../../model/values.ts';
import type { Fixer } from '../types.ts';
import { deleteKey, documentIndexAtLine, setScalar, type EditResult } from '../../yaml/edit.ts';
import { dataOf, manifestObjectAt, serviceValuesAt, serviceValuesOf, str } from './common.ts';

const NODE_ONLY_FIELDS = ['externalTrafficPolicy', 'healthCheckNodePort', 'loadBalancerIP', 'loadBalancerSourceRanges', 'loadBalancerClass', 'allocateLoadBalancerNodePorts'];

export const serviceClusterIpFixer: Fixer = {
  kind: 'service-clusterip',
  async fix(finding, context) {
    const data = dataOf(finding);
    const values = str(data.chart) ? serviceValuesOf(context.model, str(data.chart), str(data.environment)) : serviceValuesAt(context.model, finding.path);
    const ingressClass = context.config.ingress.classNames[0];
    if (values) {
      const serviceKey = splitDotted(context.config.values.service);
      const memoKey = `clusterip:${values.chart.dir}`;
      if (context.memo.has(memoKey)) return { status: 'covered' };
      context.memo.set(memoKey, true);
      const changes: Array<{ path: string; line: number; description: string }> = [];
      for (const layer of values.values.layers) {
        let text = await context.tree.read(layer.path);
        if (text === undefined || !layer.doc) continue;
        const docIndex = layer.doc.index;
        const descriptions: string[] = [];
        let line = Infinity;
        const record = (edit: EditResult | undefined, what: string): void => {
          if (!edit) return;
          text = edit.text;
          line = Math.min(line, edit.line);
          descriptions.push(what);
        };
        if (layer.doc.has([...serviceKey, 'type'])) record(setScalar(text, docIndex, [...serviceKey, 'type'], 'ClusterIP'), `${serviceKey.join('.')}.type: ClusterIP`);
        if (layer.doc.has([...serviceKey, 'nodePort'])) record(deleteKey(text, docIndex, [...serviceKey, 'nodePort']), `removed ${serviceKey.join('.')}.nodePort`);
        if (descriptions.length > 0) {
          context.tree.write(layer.path, text);
          changes.push({ path: layer.path, line: Number.isFinite(line) ? line : 1, description: descriptions.join(', ') });
        }
      }
      if (changes.length === 0) return { status: 'skipped', reason: `no values file of ${values.chart.dir} sets ${serviceKey.join('.')}.type: it comes from the library chart's defaults; set it to ClusterIP in values.yaml` };
      context.note(`${values.chart.dir}: the Service is ClusterIP now; if it must be reachable from outside the cluster, set ingress.enabled: true with className ${ingressClass} and TLS`);
      return { status: 'applied', changes };
    }

    const file = str(data.file) ?? finding.path;
    let text = await context.tree.read(file);
    if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
    const object = manifestObjectAt(context.model, { path: file, line: finding.line }, ['Service']);
    const docIndex = typeof data.docIndex === 'number' ? data.docIndex : (object?.origin.type === 'manifest' ? object.origin.docIndex : documentIndexAtLine(text, finding.line));
    if (docIndex === undefined || !object) return { status: 'skipped', reason: `no Service found at ${file}:${finding.line}` };
    const memoKey = `clusterip:${file}#${docIndex}`;
    if (context.memo.has(memoKey)) return { status: 'covered' };
    context.memo.set(memoKey, true);
    const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
    let line = Infinity;
    const done: string[] = [];
    const record = (edit: EditResult | undefined, what: string): void => {
      if (!edit) return;
      text = edit.text;
      line = Math.min(line, edit.line);
      done.push(what);
    };
    if (typeof spec.type === 'string' && spec.type.includes('{{')) return { status: 'skipped', reason: `${file}: spec.type is set by a template action; set the value it reads to ClusterIP` };
    record(setScalar(text, docIndex, ['spec', 'type'], 'ClusterIP'), 'spec.type: ClusterIP');
    const ports = Array.isArray(spec.ports) ? spec.ports : [];
    ports.forEach((port, i) => {
      if (isRecord(port) && port.nodePort !== undefined) record(deleteKey(text!, docIndex, ['spec', 'ports', i, 'nodePort']), `removed spec.ports[${i}].nodePort`);
    });
    for (const field of NODE_ONLY_FIELDS) if (spec[field] !== undefined) record(deleteKey(text, docIndex, ['spec', field]), `removed spec.${field}`);
    if (done.length === 0) return { status: 'covered' };
    context.tree.write(file, text);
    context.note(`Service ${object.metadata.name} is ClusterIP now; if it must be reachable from outside the cluster, add an Ingress with ingressClassName ${ingressClass} and TLS`);
    return { status: 'applied', changes: [{ path: file, line: Number.isFinite(line) ? line : 1, description: `Service ${object.metadata.name}: ${done.join(', ')}` }] };
  },
};
