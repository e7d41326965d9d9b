import { defineRule, describeObject, isRecord, WORKLOAD_KINDS } from '../src/engine/rule-kit.ts';

export default defineRule({
  meta: {
    id: 'TR-K8S-1',
    title: { en: 'Workloads are managed with Helm', ru: 'Рабочие нагрузки управляются через Helm' },
    description: {
      en: 'Every workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) is deployed from a Helm chart: a service chart on a platform library, or the infrastructure chart. A raw workload manifest outside any chart escapes versioning, per-environment values and every check the charts carry.',
      ru: 'Каждая рабочая нагрузка (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) разворачивается из Helm-чарта: сервисного чарта на платформенной библиотеке или инфраструктурного чарта. «Голый» манифест нагрузки вне чарта обходит версионирование, значения по окружениям и все проверки, заложенные в чарты.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: false,
    docs: {
      details: [
        'A workload is reported when it comes from a YAML file that is not a template of any chart (a file under a directory with a `Chart.yaml`, in its `templates/` folder). The finding points at its `kind:` line.',
        'Workload kinds: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and bare Pods. Workloads inside a `kind: List` are reported on their own `kind:` line.',
        'Every namespace counts, not only production: the requirement is about how manifests are managed, and a staging workload applied by hand drifts the same way.',
        'Not workloads, so never reported: Argo CD `Application`/`ApplicationSet`, Flux `HelmRelease`/`Kustomization` (they point at charts, which is how charts are meant to be deployed), Services, ConfigMaps, NetworkPolicies and the other plain objects in a `manifests/` folder.',
        'A folder that looks like a chart (`templates/` next to `values.yaml`) but has no `Chart.yaml` is reported by the input check; its workloads are reported here as well, because Helm cannot render them.',
      ].join('\n\n'),
      incorrect: '# manifests/reporting.yaml, applied by Argo CD as a directory\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: reporting',
      correct:
        '# charts/reporting/Chart.yaml depends on python-fastapi-service;\n# charts/reporting/templates/all.yaml:\n{{ include "python-fastapi-service.all" . }}',
      fix: 'Move the workload into a chart: a microservice becomes a thin service chart on its platform library (values only); anything else goes into the infrastructure chart.',
    },
    messages: {
      rawWorkload: {
        en: '{object} is a raw manifest outside any Helm chart: deploy it from a service chart on a platform library, or from the infrastructure chart',
        ru: '{object} — «голый» манифест вне Helm-чарта: разворачивайте его из сервисного чарта на платформенной библиотеке или из инфраструктурного чарта',
      },
      rawWorkloadInList: {
        en: '{kind}/{name} (item {index} of {object}) is a raw manifest outside any Helm chart: deploy it from a service chart on a platform library, or from the infrastructure chart',
        ru: '{kind}/{name} (элемент {index} в {object}) — «голый» манифест вне Helm-чарта: разворачивайте его из сервисного чарта на платформенной библиотеке или из инфраструктурного чарта',
      },
    },
  },
  check(context) {
    for (const object of context.objects()) {
      if (object.origin.type !== 'manifest' || object.origin.chart !== undefined) continue;
      if (WORKLOAD_KINDS.has(object.kind)) {
        context.report({ messageId: 'rawWorkload', data: { object: describeObject(object) }, object, path: ['kind'] });
        continue;
      }
      if (object.kind === 'List' && Array.isArray(object.raw.items)) {
        object.raw.items.forEach((item, index) => {
          if (!isRecord(item) || typeof item.kind !== 'string' || !WORKLOAD_KINDS.has(item.kind)) return;
          const name = isRecord(item.metadata) && typeof item.metadata.name === 'string' && item.metadata.name ? item.metadata.name : '(unnamed)';
          context.report({
            messageId: 'rawWorkloadInList',
            data: { kind: item.kind, name, index: index + 1, object: describeObject(object) },
            object,
            path: ['items', index, 'kind'],
          });
        });
      }
    }
  },
});
