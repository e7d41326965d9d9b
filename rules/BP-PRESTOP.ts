import {
  componentOf,
  defineRule,
  getPath,
  isRecord,
  isTemplatedValue,
  mainContainer,
  podSpecOf,
  podSpecPath,
  serviceValuesOf,
  type RuleMessages,
} from '../src/engine/rule-kit.ts';

const DEFAULT_GRACE_SECONDS = 30;

const messages = {
  missing: {
    en: 'container "{container}" of {object} has no preStop sleep: the pod stops accepting connections while it still receives traffic; add lifecycle.preStop.sleep.seconds (e.g. 5)',
    ru: 'у контейнера «{container}» в {object} нет preStop-паузы: под перестаёт принимать соединения, пока на него ещё идёт трафик; добавьте lifecycle.preStop.sleep.seconds (например, 5)',
  },
  tooLong: {
    en: 'the preStop sleep of {seconds} s in {object} is not shorter than terminationGracePeriodSeconds ({grace} s): the process is killed without a graceful shutdown; shorten the sleep or lengthen the grace period',
    ru: 'preStop-пауза {seconds} с в {object} не короче terminationGracePeriodSeconds ({grace} с): процесс будет убит без корректного завершения; сократите паузу или увеличьте период',
  },
} satisfies RuleMessages;

export default defineRule({
  meta: {
    id: 'BP-PRESTOP',
    title: { en: 'preStop sleep for API pods', ru: 'preStop-пауза для подов API' },
    description: {
      en: 'FastAPI pods wait in a preStop hook (the native sleep action, or an exec sleep) before SIGTERM, so that the endpoints controller and the Ingress stop routing to a pod before it stops accepting connections; the pause must end well within the termination grace period.',
      ru: 'Поды FastAPI ждут в хуке preStop (встроенное действие sleep или exec sleep) до SIGTERM, чтобы контроллер endpoints и Ingress перестали направлять трафик в под раньше, чем он перестанет принимать соединения; пауза должна заканчиваться задолго до конца terminationGracePeriodSeconds.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        'API pods carry `app.kubernetes.io/component: api` (service charts on the python-fastapi-service library always do). The main container (the `kubectl.kubernetes.io/default-container`, else the first) needs `lifecycle.preStop` with `sleep: {seconds}` (GA in Kubernetes 1.34) or an `exec` command that runs `sleep`; an httpGet hook does not delay SIGTERM in a way the rule can verify.',
        'The sleep must be shorter than `terminationGracePeriodSeconds` (30 when unset): the grace period counts from the start of the hook, so a sleep as long as the grace period leaves no time for a graceful shutdown and the process is killed. Service charts: the library always renders a preStop sleep (`lifecycle.preStopSleepSeconds`, 5 when unset or 0), so only its length against the grace period is judged there.',
      ].join('\n\n'),
      incorrect: 'lifecycle:\n  preStopSleepSeconds: 30\nterminationGracePeriodSeconds: 30',
      correct: 'lifecycle:\n  preStopSleepSeconds: 5\nterminationGracePeriodSeconds: 30',
    },
    messages,
  },
  check(context) {
    for (const object of context.production('Deployment', 'StatefulSet', 'Rollout')) {
      if (componentOf(object) !== 'api') continue;
      const main = mainContainer(object);
      const spec = podSpecOf(object);
      const specPath = podSpecPath(object);
      if (!main || !spec || !specPath) continue;
      const name = `${object.kind}/${object.metadata.name}`;
      const preStop = getPath(main.container, ['lifecycle', 'preStop']);
      let seconds: unknown;
      let secondsPath = [...main.path, 'lifecycle', 'preStop'];
      if (isRecord(preStop) && isRecord(preStop.sleep)) {
        seconds = preStop.sleep.seconds;
        secondsPath = [...secondsPath, 'sleep', 'seconds'];
      } else if (
        isRecord(preStop) &&
        isRecord(preStop.exec) &&
        Array.isArray(preStop.exec.command) &&
        preStop.exec.command.some((c) => /\bsleep\b/.test(String(c)))
      ) {
        seconds = /\bsleep\s+(\d+)/.exec(preStop.exec.command.map(String).join(' '))?.[1];
        secondsPath = [...secondsPath, 'exec', 'command'];
      } else {
        context.report({ messageId: 'missing', data: { container: main.name, object: name }, object, path: [...main.path, 'lifecycle'] });
        continue;
      }
      const grace = graceOf(spec.terminationGracePeriodSeconds);
      const sleep = Number(seconds);
      if (isTemplatedValue(seconds) || grace === undefined || !Number.isFinite(sleep) || seconds === undefined) continue;
      if (sleep < grace) continue;
      const data = { seconds: sleep, grace, object: name };
      const values = serviceValuesOf(context.model, object);
      if (values) {
        // Point at what the author set: the sleep, else the grace period that became too short.
        const sleepSet = values.sourceOf(['lifecycle', 'preStopSleepSeconds']) !== undefined;
        context.report({
          messageId: 'tooLong',
          data,
          object,
          at: values.locate(sleepSet ? ['lifecycle', 'preStopSleepSeconds'] : ['terminationGracePeriodSeconds']),
        });
      } else context.report({ messageId: 'tooLong', data, object, path: secondsPath });
    }
  },
});

function graceOf(value: unknown): number | undefined {
  if (isTemplatedValue(value)) return undefined;
  if (value === undefined || value === null) return DEFAULT_GRACE_SECONDS;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
