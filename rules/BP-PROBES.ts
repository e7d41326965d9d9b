import { componentOf, defineRule, mainContainer } from '../src/engine/rule-kit.ts';

export default defineRule({
  meta: {
    id: 'BP-PROBES',
    title: { en: 'Readiness and liveness probes', ru: 'Проверки readiness и liveness' },
    description: {
      en: 'The main container of a long-running workload (Deployment, StatefulSet) has a readiness probe, so that it receives traffic only when it can serve, and a liveness probe, so that a hung process is restarted. Celery workers take no traffic and need only liveness.',
      ru: 'Основной контейнер долгоживущей нагрузки (Deployment, StatefulSet) имеет readiness-проверку, чтобы получать трафик только когда готов, и liveness-проверку, чтобы зависший процесс перезапускался. Celery-воркеры не принимают трафик, им нужна только liveness.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        'The main container is the one named by the `kubectl.kubernetes.io/default-container` pod annotation, else the first container: sidecars (proxies, agents) come with their own health handling, as kube-score judges probes per pod. Workers are recognised by the label `app.kubernetes.io/component: worker` (on the pod template, else on the object); they need liveness only (a heartbeat-file exec probe, never one that depends on the broker).',
        "Service charts: the platform libraries always render the main container's probes (FastAPI and SPA: readiness and liveness with default paths; Celery: a liveness exec probe with a default command), and the values model renders them too: values-derived workloads pass by construction, while manifests and chart templates are judged as written.",
      ].join('\n\n'),
      incorrect: 'containers:\n  - name: api\n    image: api:1.0.0\n    # no probes',
      correct:
        'containers:\n  - name: api\n    image: api:1.0.0\n    readinessProbe: { httpGet: { path: /health/ready, port: http } }\n    livenessProbe: { httpGet: { path: /health/live, port: http } }',
    },
    peers: [
      'kube-linter `no-liveness-probe`, `no-readiness-probe`',
      'Polaris `livenessProbeMissing`, `readinessProbeMissing`',
      'Checkov CKV_K8S_8, CKV_K8S_9',
      'Kubescape C-0018 (Configured readiness probe), C-0056 (Configured liveness probe)',
    ],
    messages: {
      missingReadiness: {
        en: 'container "{container}" of {object} has no readinessProbe: it receives traffic before it can serve and during shutdown',
        ru: 'у контейнера «{container}» в {object} нет readinessProbe: он получает трафик до готовности и во время остановки',
      },
      missingLiveness: {
        en: 'container "{container}" of {object} has no livenessProbe: a hung process is never restarted',
        ru: 'у контейнера «{container}» в {object} нет livenessProbe: зависший процесс никогда не будет перезапущен',
      },
    },
  },
  check(context) {
    for (const object of context.production('Deployment', 'StatefulSet', 'Rollout')) {
      const main = mainContainer(object);
      if (!main) continue;
      const worker = componentOf(object) === 'worker';
      const wanted = worker ? (['livenessProbe'] as const) : (['readinessProbe', 'livenessProbe'] as const);
      for (const probe of wanted) {
        if (main.container[probe] !== undefined && main.container[probe] !== null) continue;
        context.report({
          messageId: probe === 'readinessProbe' ? 'missingReadiness' : 'missingLiveness',
          data: { container: main.name, object: `${object.kind}/${object.metadata.name}` },
          object,
          path: main.path,
        });
      }
    }
  },
});
