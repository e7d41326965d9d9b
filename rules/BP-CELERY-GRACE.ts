import { componentOf, defineRule, isTemplatedValue, podSpecOf, podSpecPath } from '../src/engine/rule-kit.ts';
import { z } from 'zod';

/** The shortest grace period accepted for a Celery worker by default, in seconds. */
export const MIN_GRACE_SECONDS = 60;

const options = z
  .object({
    minimumGraceSeconds: z
      .number()
      .int()
      .min(1)
      .describe("The shortest terminationGracePeriodSeconds accepted for a Celery worker; set it to the longest task's duration and some."),
  })
  .strict();
/** Kubernetes' default when the pod spec does not set it. */
const KUBERNETES_DEFAULT_GRACE = 30;

export default defineRule({
  meta: {
    id: 'BP-CELERY-GRACE',
    title: { en: 'Termination grace long enough for a Celery task', ru: 'Период завершения, достаточный для задачи Celery' },
    description: {
      en: `Celery workers get a terminationGracePeriodSeconds of at least ${MIN_GRACE_SECONDS} s, and longer than their longest task, so that a scale-in or a rollout lets the worker finish its tasks (warm shutdown) instead of killing them after the default 30 s.`,
      ru: `Celery-воркеры получают terminationGracePeriodSeconds не меньше ${MIN_GRACE_SECONDS} с и дольше самой длинной задачи, чтобы при сокращении реплик или выкатке воркер доделал задачи (warm shutdown), а не был убит через стандартные 30 с.`,
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        `Workers are workloads whose pods carry \`app.kubernetes.io/component: worker\` (service charts on the python-celery-worker library always do). The minimum is the option \`minimumGraceSeconds\` (default ${MIN_GRACE_SECONDS} s); the platform recommends longer than the longest task, with Celery's \`worker_soft_shutdown_timeout\` inside it and \`task_acks_late\` so that a killed task is redelivered.`,
        `A manifest without the field gets Kubernetes' ${KUBERNETES_DEFAULT_GRACE} s and is reported on the pod spec. Service charts: the library renders \`terminationGracePeriodSeconds | default 600\` and the values model applies the same default, so an unset value (or 0) is fine there; a set one is judged on its line.`,
      ].join('\n\n'),
      incorrect: 'terminationGracePeriodSeconds: 30',
      correct: '# longest task ~8 minutes\nterminationGracePeriodSeconds: 600',
    },
    options: { schema: options, defaults: { minimumGraceSeconds: MIN_GRACE_SECONDS } },
    messages: {
      tooShort: {
        en: 'Celery worker {object} has terminationGracePeriodSeconds {grace}, under {min}: in-flight tasks are killed on scale-in and rollouts; set it longer than the longest task',
        ru: 'у Celery-воркера {object} terminationGracePeriodSeconds {grace} — меньше {min}: выполняющиеся задачи убиваются при сокращении реплик и выкатке; задайте больше самой длинной задачи',
      },
      unset: {
        en: 'Celery worker {object} does not set terminationGracePeriodSeconds, so Kubernetes gives it {grace} s, under {min}: in-flight tasks are killed on scale-in and rollouts; set it longer than the longest task',
        ru: 'Celery-воркер {object} не задаёт terminationGracePeriodSeconds, и Kubernetes даёт ему {grace} с — меньше {min}: выполняющиеся задачи убиваются при сокращении реплик и выкатке; задайте больше самой длинной задачи',
      },
    },
  },
  check(context) {
    for (const object of context.production('Deployment', 'StatefulSet', 'Rollout')) {
      if (componentOf(object) !== 'worker') continue;
      const spec = podSpecOf(object);
      const specPath = podSpecPath(object);
      if (!spec || !specPath) continue;
      const value = spec.terminationGracePeriodSeconds;
      if (isTemplatedValue(value)) continue;
      const unset = value === undefined || value === null;
      const grace = unset ? KUBERNETES_DEFAULT_GRACE : Number(value);
      const min = context.options.minimumGraceSeconds;
      if (!Number.isFinite(grace) || grace >= min) continue;
      context.report({
        messageId: unset ? 'unset' : 'tooShort',
        data: { object: `${object.kind}/${object.metadata.name}`, grace, min },
        object,
        path: [...specPath, 'terminationGracePeriodSeconds'],
      });
    }
  },
});
