import { detectCredential } from '../src/engine/credentials.ts';
import { containersOf, defineRule, isRecord, isServiceObject, WORKLOAD_KINDS } from '../src/engine/rule-kit.ts';
import { z } from 'zod';

/** By default a container of a manifest may carry up to this many literal env values before it is reported. */
export const MAX_LITERAL_ENV = 3;

const options = z
  .object({
    maxLiteralEnv: z
      .number()
      .int()
      .min(0)
      .describe('How many literal `env[].value` entries a container of a manifest or chart template may carry before it is reported.'),
  })
  .strict();

export default defineRule({
  meta: {
    id: 'TR-K8S-8',
    title: { en: 'Non-secret configuration through ConfigMaps', ru: 'Несекретная конфигурация через ConfigMap' },
    description: {
      en: 'Configuration reaches pods from ConfigMaps (envFrom, configMapKeyRef or a mounted volume), not from literal values spread over workload specs, so that it is reviewed, diffed and changed in one place per service.',
      ru: 'Конфигурация попадает в поды из ConfigMap (envFrom, configMapKeyRef или смонтированный том), а не из литералов, разбросанных по спецификациям рабочих нагрузок: так её проверяют, сравнивают и меняют в одном месте для каждого сервиса.',
    },
    level: 'warning',
    pack: 'platform',
    fixable: false,
    docs: {
      details: [
        `Service charts: the platform libraries turn \`config:\` into the ConfigMap \`<name>-config\` mounted with envFrom, and \`env:\` into literal env entries. Every key of the merged \`env:\` map of a production environment is reported on its line in the values file that sets it, with the suggestion to move it under \`config:\`.`,
        `Objects rendered by Helm from a service chart (the fixture tests) are judged the same way, literal by literal. Manifests and chart templates (production only, as TR-K8S-3 decides it): a container (init containers included) with more than \`maxLiteralEnv\` (default ${MAX_LITERAL_ENV}) literal \`env[].value\` entries is reported once, on its \`env:\` key. A few literals (a feature flag, \`$(POD_IP)\` compositions) are tolerated. \`valueFrom\` entries (fieldRef, configMapKeyRef, secretKeyRef) are not literals.`,
        'A literal that holds a credential is not counted or reported here: TR-K8S-9 reports it as a failure (it must go to a Secret, not a ConfigMap).',
      ].join('\n\n'),
      incorrect: '# values.yaml\nenv:\n  LOG_LEVEL: info\n  ORCHESTRATOR_URL: http://orchestrator:8000',
      correct: '# values.yaml\nconfig:\n  LOG_LEVEL: info\n  ORCHESTRATOR_URL: http://orchestrator:8000\nenv: {}',
    },
    options: { schema: options, defaults: { maxLiteralEnv: MAX_LITERAL_ENV } },
    messages: {
      valuesEnv: {
        en: 'env "{key}" is a literal in the pod spec: move it under config: so that it reaches the pod from the ConfigMap {configMap}',
        ru: 'env «{key}» — литерал в спецификации пода: перенесите его в config:, чтобы он попадал в под из ConfigMap {configMap}',
      },
      manifestEnv: {
        en: 'container "{container}" ({field}) of {object} sets {count} env values as literals ({names}), more than {max}: put them in a ConfigMap and use envFrom or configMapKeyRef',
        ru: 'контейнер «{container}» ({field}) в {object} задаёт {count} значений env литералами ({names}) — больше {max}: вынесите их в ConfigMap и подключите через envFrom или configMapKeyRef',
      },
    },
  },
  check(context) {
    for (const object of context.production(...WORKLOAD_KINDS)) {
      for (const ref of containersOf(object)) {
        const env = Array.isArray(ref.container.env) ? ref.container.env : [];
        const literals: Array<{ name: string; index: number }> = [];
        env.forEach((entry, index) => {
          if (!isRecord(entry) || typeof entry.name !== 'string' || entry.value === undefined || entry.value === null) return;
          if (detectCredential(entry.name, entry.value)) return; // TR-K8S-9
          literals.push({ name: entry.name, index });
        });
        if (literals.length === 0) continue;
        // Objects of service charts: judged like their values, literal by literal.
        if (isServiceObject(context.model, object)) {
          // Only the main container has an `env:` map in the values contract.
          for (const literal of literals) {
            context.report({
              messageId: 'valuesEnv',
              data: { key: literal.name, configMap: `${object.metadata.name}-config` },
              object,
              path: [...ref.path, 'env', literal.index, 'value'],
            });
          }
        } else if (literals.length > context.options.maxLiteralEnv) {
          context.report({
            messageId: 'manifestEnv',
            data: {
              field: ref.role === 'initContainer' ? 'initContainers' : 'containers',
              container: ref.name,
              object: `${object.kind}/${object.metadata.name}`,
              count: literals.length,
              names: literals.map((l) => l.name).join(', '),
              max: context.options.maxLiteralEnv,
            },
            object,
            path: [...ref.path, 'env'],
          });
        }
      }
    }
  },
});
