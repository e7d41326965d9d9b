import rule from '../../rules/BP-KEDA-HTTP.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const keda = (extra: string) =>
  `keda:\n  enabled: true\n  queueName: condense\n  mode: QueueLength\n  value: "20"\n${extra}  authenticationRef:\n    secretName: rabbitmq-keda\n`;
const scaled = (metadata: string, kind = 'ScaledObject') => `apiVersion: keda.sh/v1alpha1
kind: ${kind}
metadata:
  name: worker
spec:
  scaleTargetRef: { name: worker }
  triggers:
    - type: cpu
      metadata: { value: "80" }
    - type: rabbitmq
      authenticationRef: { name: rabbitmq-keda }
      metadata:
        queueName: condense
${metadata}`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    { name: 'values: protocol http', files: serviceChart('condenser-worker', 'python-celery-worker', keda('  protocol: http\n')) },
    { name: 'values: protocol unset, the library renders http', files: serviceChart('condenser-worker', 'python-celery-worker', keda('')) },
    { name: 'values: KEDA disabled', files: serviceChart('condenser-worker', 'python-celery-worker', 'keda:\n  enabled: false\n') },
    {
      name: 'manifest: MessageRate mode is out of scope',
      files: { 'manifests/so.yaml': scaled('        mode: MessageRate\n        value: "10"\n        protocol: http\n') },
    },
    {
      name: 'manifest: auto with an inline http host (TR-K8S-9 judges the host)',
      files: { 'manifests/so.yaml': scaled('        mode: QueueLength\n        protocol: auto\n        host: http://rabbitmq:15672/\n') },
    },
    { name: 'manifest: ScaledJob with http', files: { 'manifests/so.yaml': scaled('        mode: QueueLength\n        protocol: http\n', 'ScaledJob') } },
  ],
  invalid: [
    {
      name: 'values: protocol amqp set in the prod overlay',
      files: serviceChart('condenser-worker', 'python-celery-worker', keda('  protocol: http\n'), '# prod\nkeda:\n  protocol: amqp\n'),
      errors: [
        {
          messageId: 'amqp',
          path: 'charts/condenser-worker/values-prod.yaml',
          line: 3,
          column: 3,
          message: 'the rabbitmq trigger of ScaledObject/condenser-worker counts the queue length over protocol amqp',
        },
      ],
    },
    {
      name: 'values: protocol auto (the host comes from the TriggerAuthentication)',
      files: serviceChart('condenser-worker', 'python-celery-worker', keda('  protocol: auto\n')),
      errors: [{ messageId: 'amqp', path: 'charts/condenser-worker/values.yaml', line: 6, column: 3, message: 'over protocol auto' }],
    },
    {
      name: 'manifest: mode unset (QueueLength by default) and protocol auto',
      files: { 'manifests/so.yaml': scaled('        queueLength: "20"\n        protocol: auto\n') },
      errors: [{ messageId: 'amqp', path: 'manifests/so.yaml', line: 15, column: 9, message: 'over protocol auto' }],
    },
    {
      name: 'manifest: ScaledJob without protocol, on the trigger metadata',
      files: { 'manifests/so.yaml': scaled('        mode: QueueLength\n', 'ScaledJob') },
      errors: [{ messageId: 'unset', path: 'manifests/so.yaml', line: 12, column: 7, message: 'ScaledJob/worker' }],
    },
  ],
};

ruleTester(rule, cases);
