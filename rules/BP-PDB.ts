import {
  defineRule,
  formatValue,
  getPath,
  isRecord,
  isServiceObject,
  matchesLabelSelector,
  sameEnvironment,
  sameRelease,
  serviceValuesOf,
  type K8sObject,
} from '../src/engine/rule-kit.ts';

const COMPONENT = 'app.kubernetes.io/component';

export default defineRule({
  meta: {
    id: 'BP-PDB',
    title: { en: 'PodDisruptionBudget for replicated API services', ru: 'PodDisruptionBudget для реплицированных API-сервисов' },
    description: {
      en: 'A FastAPI service that runs more than one replica has a PodDisruptionBudget selecting its pods, so that node drains and cluster upgrades never evict all of them at once.',
      ru: 'У FastAPI-сервиса с более чем одной репликой есть PodDisruptionBudget, выбирающий его поды, чтобы дренаж узлов и обновления кластера не вытесняли их все разом.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        "API services are Deployments whose pods carry `app.kubernetes.io/component: api` (service charts on the python-fastapi-service library always do). Replicated means `replicas` (or `replicaCount` in values) above 1, or an autoscaler minimum above 1: the HPA's `minReplicas` (values `autoscaling.minReplicas`) or a KEDA ScaledObject's `minReplicaCount`. An unset `autoscaling.minReplicas` counts as 2, what the library renders. A single-replica service is not reported: a PDB would only block drains.",
        'A PodDisruptionBudget counts when it is in the same namespace (no namespace means the production namespace) and its selector matches the pod template labels (apimachinery label-selector semantics). For a service chart, the PDB the library renders from `podDisruptionBudget.enabled` counts, as does one in manifests or an infrastructure chart. The finding lands on `podDisruptionBudget` in values, or on `replicas` (else `kind`) of a manifest.',
      ].join('\n\n'),
      incorrect: 'autoscaling: { enabled: true, minReplicas: 3 }\npodDisruptionBudget: { enabled: false }',
      correct: 'autoscaling: { enabled: true, minReplicas: 3 }\npodDisruptionBudget: { enabled: true, minAvailable: 2 }',
    },
    peers: ['Polaris `missingPodDisruptionBudget`'],
    messages: {
      missing: {
        en: '{object} runs {replicas} replicas but no PodDisruptionBudget selects its pods: a node drain may evict all of them at once; add one (podDisruptionBudget.enabled: true in a service chart)',
        ru: '{object} работает в {replicas} репликах, но ни один PodDisruptionBudget не выбирает его поды: дренаж узла может вытеснить их все разом; добавьте PDB (podDisruptionBudget.enabled: true в чарте сервиса)',
      },
    },
  },
  check(context) {
    const namespaceOf = (o: K8sObject): string => {
      const ns = o.metadata.namespace;
      return ns === undefined || ns.includes('{{') ? context.config.production.namespace : ns;
    };
    // Two service charts' objects pair only within one release; a PDB of another chart (an
    // infrastructure chart selecting the service) covers it in the same environment.
    const sameScope = (a: K8sObject, b: K8sObject): boolean =>
      isServiceObject(context.model, a) && isServiceObject(context.model, b) ? sameRelease(a, b) : sameEnvironment(a, b);
    const pdbs = context.objects('PodDisruptionBudget');
    const autoscalers = context.objects('HorizontalPodAutoscaler', 'ScaledObject');
    for (const object of context.production('Deployment', 'StatefulSet', 'Rollout')) {
      const podLabels = labelsAt(object.raw, ['spec', 'template', 'metadata', 'labels']);
      if ((podLabels[COMPONENT] ?? object.metadata.labels[COMPONENT]) !== 'api') continue;
      const replicas = replicasOf(
        object,
        autoscalers.filter((a) => sameScope(object, a) && namespaceOf(a) === namespaceOf(object)),
      );
      if (replicas <= 1) continue;
      const covered = pdbs.some((pdb) => {
        if (!sameScope(object, pdb) || namespaceOf(pdb) !== namespaceOf(object)) return false;
        const selector = getPath(pdb.raw, ['spec', 'selector']);
        return isRecord(selector) && matchesLabelSelector(selector, podLabels);
      });
      if (covered) continue;
      const data = { object: `${object.kind}/${object.metadata.name}`, replicas };
      const values = serviceValuesOf(context.model, object);
      if (values) {
        const at = context.model.locateMissingObject?.(object, 'PodDisruptionBudget') ?? values.locate(['podDisruptionBudget', 'enabled']);
        context.report({ messageId: 'missing', data, object, at });
        continue;
      }
      context.report({
        messageId: 'missing',
        data,
        object,
        path: object.raw.spec && isRecord(object.raw.spec) && object.raw.spec.replicas !== undefined ? ['spec', 'replicas'] : ['kind'],
      });
    }
  },
});

function labelsAt(raw: unknown, path: string[]): Record<string, string> {
  const value = getPath(raw, path);
  const out: Record<string, string> = {};
  if (isRecord(value)) for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = formatValue(v);
  return out;
}

/** The smallest number of replicas the workload runs: its own, or its autoscaler's minimum. */
function replicasOf(object: K8sObject, autoscalers: K8sObject[]): number {
  const minimums: number[] = [];
  for (const a of autoscalers) {
    const target = getPath(a.raw, ['spec', 'scaleTargetRef']);
    if (!isRecord(target) || target.name !== object.metadata.name) continue;
    if (target.kind !== undefined && target.kind !== object.kind) continue;
    // Unset: the HPA API defaults minReplicas to 1, KEDA to 0 (the values model already carries the libraries' defaults).
    const min = a.kind === 'HorizontalPodAutoscaler' ? (getPath(a.raw, ['spec', 'minReplicas']) ?? 1) : (getPath(a.raw, ['spec', 'minReplicaCount']) ?? 0);
    minimums.push(Number(min));
  }
  const known = minimums.filter((n) => Number.isFinite(n));
  if (known.length > 0) return Math.min(...known);
  const replicas = getPath(object.raw, ['spec', 'replicas']);
  return replicas === undefined || replicas === null ? 1 : Number(replicas);
}
