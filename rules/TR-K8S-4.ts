import {
  addDefaultResources,
  defineRule,
  formatValue,
  describeObject,
  getPath,
  isRecord,
  isTemplatedBlock,
  isTemplatedValue,
  podSpecOf,
  podSpecPath,
  WORKLOAD_KINDS,
  type K8sObject,
  type RepositoryModel,
  type ValuePath,
} from '../src/engine/rule-kit.ts';
import { analyzeQos, type QosPod } from '../src/k8s/qos.ts';

export default defineRule({
  meta: {
    id: 'TR-K8S-4',
    title: { en: 'QoS Guaranteed or Burstable, never BestEffort', ru: 'QoS Guaranteed или Burstable, никогда BestEffort' },
    description: {
      en: 'In production no pod may land in the BestEffort QoS class, computed exactly as the kubelet does: BestEffort pods get no guaranteed share of cpu or memory and are the first evicted under node pressure.',
      ru: 'В production ни один под не должен получать класс QoS BestEffort, вычисленный в точности как это делает kubelet: поды BestEffort не получают гарантированной доли cpu и памяти и вытесняются с узла первыми.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: true,
    docs: {
      details: [
        "The class is computed as Kubernetes computes it (pkg/apis/core/helper/qos), after the API server's defaulting (a limit without a request makes the request equal to the limit): BestEffort when no container and no init container (sidecars included) has a non-zero cpu or memory request or limit; pod-level `spec.resources` (PodLevelResources, on by default since 1.34) decide when they set cpu or memory. Other resources (ephemeral-storage, GPUs, hugepages in containers) do not count, nor do zero quantities: a pod with only `ephemeral-storage` or only `cpu: 0` is still BestEffort.",
        "The finding points at the first container's `resources` (for a service chart: `resources:` in the values file, or the first key of the production overlay when no file sets it), where the fix goes.",
        'Production only: values of production environments, manifests in the production namespace or without one. TR-K8S-3 fires on the same pods; it asks more (requests and limits on every container), this rule names the consequence.',
        'Not judged: pods whose containers or resources are filled in by Helm at render time (`{{ ... }}`, also a `resources:` key followed by `{{- toYaml ... }}` on the next line), pods without containers, and pods whose only quantities are invalid (the API server rejects them; TR-K8S-3 reports them).',
      ].join('\n\n'),
      incorrect: 'containers:\n  - name: worker\n    image: worker:1.0\n    resources:\n      limits:\n        ephemeral-storage: 1Gi',
      correct:
        'containers:\n  - name: worker\n    image: worker:1.0\n    resources:\n      requests: { cpu: 250m, memory: 256Mi }\n      limits:   { cpu: "1",  memory: 512Mi }',
      fix: "Same fix as TR-K8S-3: `bplus fix` adds the platform's default resources for the service kind (`defaults.resources`) to the values file.",
    },
    messages: {
      bestEffort: {
        en: '{object} would run as QoS BestEffort: no container sets a cpu or memory request or limit, so its pods are evicted first under node pressure',
        ru: '{object} получит класс QoS BestEffort: ни один контейнер не задаёт requests или limits по cpu и памяти, поэтому его поды вытесняются первыми при нехватке ресурсов на узле',
      },
      bestEffortUncounted: {
        en: '{object} would run as QoS BestEffort: its resources set only {resources}, which do not count for QoS; set cpu and memory requests and limits',
        ru: '{object} получит класс QoS BestEffort: в resources заданы только {resources}, а они не учитываются в QoS; задайте requests и limits по cpu и памяти',
      },
    },
  },
  check(context) {
    for (const object of context.production(...WORKLOAD_KINDS)) {
      const spec = podSpecOf(object);
      const specPath = podSpecPath(object);
      if (!spec || !specPath || !Array.isArray(spec.containers) || spec.containers.length === 0) continue;
      const containers = context.containers(object);
      const templated = (path: ValuePath) => templatedResources(context.model, object, path);
      if (containers.some((c) => templated([...c.path, 'resources'])) || templated([...specPath, 'resources'])) continue;
      if (isTemplatedBlock(context.model, object, [...specPath, 'initContainers'])) continue;
      if (spec.containers.some((c) => !isRecord(c)) || (Array.isArray(spec.initContainers) && spec.initContainers.some((c) => !isRecord(c)))) continue;

      const pod: QosPod = {
        containers: spec.containers as QosPod['containers'],
        initContainers: Array.isArray(spec.initContainers) ? (spec.initContainers as QosPod['containers']) : [],
        resources: isRecord(spec.resources) ? spec.resources : undefined,
      };
      const analysis = analyzeQos(pod);
      if (analysis.qosClass !== 'BestEffort' || analysis.invalidQuantities.length > 0) continue;

      const uncounted = uncountedResources([...containers.map((c) => c.container.resources), spec.resources]);
      const values = context.serviceValues(object);
      const fix = values ? addDefaultResources(values, { list: 'containers', index: 0 }) : undefined;
      context.report({
        messageId: uncounted.length > 0 ? 'bestEffortUncounted' : 'bestEffort',
        data: { object: describeObject(object), resources: uncounted.join(', ') },
        object,
        path: [...specPath, 'containers', 0, 'resources'],
        fix,
      });
    }
  },
});

/** Anything Helm fills in later: the whole block, a section, or one quantity. */
function templatedResources(model: RepositoryModel, object: K8sObject, path: ValuePath): boolean {
  if (isTemplatedBlock(model, object, path)) return true;
  const resources = getPath(object.raw, path);
  if (!isRecord(resources)) return false;
  return ['requests', 'limits'].some((section) => {
    const list = resources[section];
    return isTemplatedBlock(model, object, [...path, section]) || (isRecord(list) && Object.values(list).some(isTemplatedValue));
  });
}

/** Names such as `limits.ephemeral-storage` or `requests.cpu: 0` that are set but do not count. */
function uncountedResources(lists: unknown[]): string[] {
  const out = new Set<string>();
  for (const resources of lists) {
    if (!isRecord(resources)) continue;
    for (const section of ['requests', 'limits']) {
      const list = resources[section];
      if (!isRecord(list)) continue;
      for (const [name, value] of Object.entries(list)) {
        if (value === null || value === undefined) continue;
        out.add(name === 'cpu' || name === 'memory' ? `${section}.${name}: ${formatValue(value)}` : `${section}.${name}`);
      }
    }
  }
  return [...out];
}
