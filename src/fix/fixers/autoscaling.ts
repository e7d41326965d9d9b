/**
 * TR-K8S-5 (`enable-autoscaling`): a FastAPI service or SPA gets `autoscaling.enabled: true`
 * with the platform's `defaults.autoscaling` for whatever is missing; a Celery worker gets
 * `keda.enabled: true` with `defaults.keda`, its first Celery queue as `queueName`,
 * `mode: QueueLength` and `protocol: http`. The settings go into the environment's overlay
 * when the chart has one (production only changes), else into `values.yaml`. A KEDA
 * TriggerAuthentication needs a Secret with the RabbitMQ connection: `authenticationRef` is set
 * only when the repository already has a `rabbitmq-keda` (Sealed)Secret; otherwise a note says
 * what to add.
 */
import { isRecord, splitDotted } from '../../model/values.ts';
import type { Fixer } from '../types.ts';
import { addMissing, hasPath, setScalar } from '../../yaml/edit.ts';
import { dataOf, serviceValuesOf, str, type Json } from './common.ts';

export const KEDA_SECRET = 'rabbitmq-keda';

export const autoscalingFixer: Fixer = {
  kind: 'enable-autoscaling',
  async fix(finding, context) {
    const data = dataOf(finding);
    const values = serviceValuesOf(context.model, str(data.chart), str(data.environment));
    if (!values) return { status: 'skipped', reason: 'the service chart of this finding was not found in the reviewed tree' };
    const kind = str(data.serviceKind) ?? values.chart.kind;
    const celery = kind === 'celery';
    const keyPath = splitDotted(celery ? context.config.values.keda : context.config.values.autoscaling);
    const memoKey = `autoscaling:${values.chart.dir}:${values.environment}`;
    if (context.memo.has(memoKey)) return { status: 'covered' };
    context.memo.set(memoKey, true);

    const merged = values.values.get(keyPath);
    const current = isRecord(merged) ? merged : {};
    const wanted: Json = {};
    if (celery) {
      const d = context.config.defaults.keda;
      const queues = values.values.get(['celery', 'queues']);
      const queue = Array.isArray(queues) && typeof queues[0] === 'string' ? queues[0] : undefined;
      if (current.queueName === undefined && !queue) {
        return { status: 'skipped', reason: `set ${keyPath.join('.')}.queueName to the worker's RabbitMQ queue (celery.queues is empty), then run the fix again` };
      }
      const defaults: Json = { queueName: queue, mode: 'QueueLength', value: d.value, protocol: 'http', minReplicaCount: d.minReplicaCount, maxReplicaCount: d.maxReplicaCount };
      for (const [k, v] of Object.entries(defaults)) if (current[k] === undefined && v !== undefined) wanted[k] = v;
      if (current.authenticationRef === undefined) {
        const hasSecret = context.model.objects.some((o) => (o.kind === 'SealedSecret' || o.kind === 'Secret') && o.metadata.name === KEDA_SECRET);
        if (hasSecret) wanted.authenticationRef = { secretName: KEDA_SECRET, hostKey: 'host' };
        else context.note(`${values.chart.dir}: KEDA reads the RabbitMQ connection through a TriggerAuthentication: add a SealedSecret "${KEDA_SECRET}" with a key "host" (amqp://user:password@host:5672/vhost) and set ${keyPath.join('.')}.authenticationRef.secretName: ${KEDA_SECRET}`);
      }
    } else {
      const d = context.config.defaults.autoscaling;
      const defaults: Json = { minReplicas: d.minReplicas, maxReplicas: d.maxReplicas, targetCPUUtilizationPercentage: d.targetCPUUtilizationPercentage };
      for (const [k, v] of Object.entries(defaults)) if (current[k] === undefined) wanted[k] = v;
    }

    const file = values.chart.environmentFiles.get(values.environment) ?? values.chart.valuesFile;
    const layer = values.values.layers.find((l) => l.path === file);
    if (!file || !layer) return { status: 'skipped', reason: `${values.chart.dir} has no values file to write to` };
    let text = await context.tree.read(file);
    if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
    const docIndex = layer.doc?.index ?? 0;
    let line: number | undefined;
    if (current.enabled !== true) {
      const edit = hasPath(text, docIndex, [...keyPath, 'enabled']) ? setScalar(text, docIndex, [...keyPath, 'enabled'], true) : addMissing(text, docIndex, keyPath, { enabled: true });
      if (edit) {
        text = edit.text;
        line = edit.line;
      }
    }
    if (Object.keys(wanted).length > 0) {
      const edit = addMissing(text, docIndex, keyPath, wanted);
      if (edit) {
        text = edit.text;
        line = Math.min(line ?? edit.line, edit.line);
      }
    }
    if (line === undefined) return { status: 'covered' };
    context.tree.write(file, text);
    const what = celery ? 'KEDA ScaledObject on the RabbitMQ queue length' : 'HorizontalPodAutoscaler on CPU';
    return { status: 'applied', changes: [{ path: file, line, description: `enabled ${keyPath.join('.')} (${what}) with the platform defaults${Object.keys(wanted).length ? `: ${Object.keys(wanted).join(', ')}` : ''}` }] };
  },
};
