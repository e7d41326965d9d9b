import { defineRule, isRecord, isTemplatedValue } from '../src/engine/rule-kit.ts';

export default defineRule({
  meta: {
    id: 'BP-KEDA-HTTP',
    title: { en: 'KEDA RabbitMQ queue length over the management API', ru: 'Длина очереди RabbitMQ в KEDA через management API' },
    description: {
      en: 'A KEDA rabbitmq trigger in QueueLength mode uses protocol http (the management API), which counts unacknowledged messages too; over AMQP only ready messages count, so busy workers look idle and are scaled in while they process tasks.',
      ru: 'Триггер KEDA rabbitmq в режиме QueueLength использует protocol http (management API), который учитывает и неподтверждённые сообщения; по AMQP учитываются только готовые сообщения, поэтому занятые воркеры выглядят простаивающими и сокращаются посреди обработки задач.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        "Checked on every `rabbitmq` trigger of production ScaledObjects and ScaledJobs (manifests, chart templates, and the ScaledObject the python-celery-worker library renders from `keda`). QueueLength is the mode when `mode` is `QueueLength`, or unset (KEDA's default, also with the legacy `queueLength` parameter). The protocol is reported when it is `amqp`, unset, or `auto` with no inline `http(s)://` host: KEDA then follows the host's scheme, and the host normally comes from a TriggerAuthentication with an `amqp://` URL (kedacore/keda#356, #2572, #5050). Service charts: the library renders `keda.protocol` with `http` as its default, so only an explicit `amqp` or `auto` is reported there, on its line.",
        "The http protocol needs the management plugin and a host like `http://user:password@rabbitmq:15672/vhost` in the TriggerAuthentication's Secret (never inline: see TR-K8S-5 and TR-K8S-9).",
      ].join('\n\n'),
      incorrect: 'keda:\n  mode: QueueLength\n  protocol: amqp',
      correct: 'keda:\n  mode: QueueLength\n  protocol: http',
    },
    messages: {
      amqp: {
        en: 'the rabbitmq trigger of {object} counts the queue length over protocol {protocol}: only ready messages count, so busy workers are scaled in mid-task; set protocol: http (management API) so that unacked messages count',
        ru: 'триггер rabbitmq в {object} считает длину очереди через protocol {protocol}: учитываются только готовые сообщения, и занятые воркеры сокращаются посреди задачи; задайте protocol: http (management API), чтобы учитывались неподтверждённые сообщения',
      },
      unset: {
        en: 'the rabbitmq trigger of {object} sets no protocol, so KEDA counts the queue length over AMQP: only ready messages count, so busy workers are scaled in mid-task; set protocol: http (management API) so that unacked messages count',
        ru: 'триггер rabbitmq в {object} не задаёт protocol, и KEDA считает длину очереди по AMQP: учитываются только готовые сообщения, и занятые воркеры сокращаются посреди задачи; задайте protocol: http (management API), чтобы учитывались неподтверждённые сообщения',
      },
    },
  },
  check(context) {
    for (const object of context.production('ScaledObject', 'ScaledJob')) {
      const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
      const triggers = Array.isArray(spec.triggers) ? spec.triggers : [];
      triggers.forEach((trigger, index) => {
        if (!isRecord(trigger) || trigger.type !== 'rabbitmq') return;
        const metadata = isRecord(trigger.metadata) ? trigger.metadata : {};
        const mode = metadata.mode;
        if (isTemplatedValue(mode) || (mode !== undefined && mode !== 'QueueLength')) return;
        const protocol = metadata.protocol;
        if (isTemplatedValue(protocol) || protocol === 'http') return;
        if (protocol !== undefined && protocol !== 'amqp' && protocol !== 'auto') return;
        if (protocol !== 'amqp' && typeof metadata.host === 'string' && /^https?:\/\//i.test(metadata.host)) return;
        const path = ['spec', 'triggers', index, 'metadata', 'protocol'];
        context.report({
          messageId: protocol === undefined ? 'unset' : 'amqp',
          data:
            protocol === undefined
              ? { object: `${object.kind}/${object.metadata.name}` }
              : { object: `${object.kind}/${object.metadata.name}`, protocol: String(protocol) },
          object,
          path,
        });
      });
    }
  },
});
