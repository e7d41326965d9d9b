/**
 * Findings that are not about the platform rules but about whether the review could read what it
 * was given: bad files, a bad configuration, waivers without a reason.
 */
import { describeObject } from '../model/objects.ts';
import { defineRule } from './rule.ts';
import { isValidatable, validateObject } from './schema-validation.ts';

export const inputRule = defineRule({
  meta: {
    id: 'input',
    title: { en: 'Unreadable input', ru: 'Нечитаемый файл' },
    description: {
      en: "A file could not be reviewed: malformed YAML or JSON, duplicate keys, alias bombs, files over the size cap, binary or non-UTF-8 files, charts without Chart.yaml, a chart Helm refuses to render (required, fail, values.schema.json, a parse error: Helm's own message), a chart dependency that is neither file:// nor vendored. The rest of the repository is still reviewed.",
      ru: 'Файл не удалось проверить: ошибка YAML или JSON, повторяющиеся ключи, «бомба» из алиасов, превышен размер, двоичный файл или не UTF-8, чарт без Chart.yaml, чарт, который Helm отказывается рендерить (required, fail, values.schema.json, ошибка разбора: сообщение самого Helm), зависимость чарта не через file:// и не в charts/. Остальной репозиторий проверяется.',
    },
    level: 'failure',
    pack: 'core',
    fixable: false,
    docs: {
      details: 'Every problem here fails, because an unreadable file cannot be shown to comply. A kind bplus does not know is not unreadable: see `kind`.',
      incorrect: 'a: [1, 2',
      correct: 'a: [1, 2]',
    },
    // One message per kind of problem (FileProblem['code']), so that Russian output says in Russian
    // what happened; the detail (the parser's own words) follows in parentheses.
    messages: {
      problem: { en: '{message}', ru: 'файл не проверен ({message})' },
      'yaml-syntax': { en: '{message}', ru: 'синтаксическая ошибка YAML, файл не проверен; исправьте строку ({message})' },
      'yaml-duplicate-key': { en: '{message}', ru: 'повторяющийся ключ YAML: парсеры расходятся в том, какое значение победит; оставьте один ({message})' },
      'yaml-alias-bomb': { en: '{message}', ru: 'документ разворачивается через алиасы в слишком много узлов («бомба» из алиасов), не проверен ({message})' },
      'file-too-large': { en: '{message}', ru: 'файл больше лимита limits.maxFileBytes, не проверен; уменьшите его или поднимите лимит ({message})' },
      'binary-file': { en: '{message}', ru: 'двоичный файл вместо YAML, не проверен ({message})' },
      'not-utf8': { en: '{message}', ru: 'файл не в кодировке UTF-8, не проверен; сохраните его в UTF-8 ({message})' },
      'chart-missing-chart-yaml': { en: '{message}', ru: 'у чарта нет Chart.yaml: Helm не сможет его отрендерить, он не проверен как чарт ({message})' },
      'chart-invalid': { en: '{message}', ru: 'Chart.yaml неполон или неверен: нужны apiVersion, name и version ({message})' },
      'config-invalid': { en: '{message}', ru: 'ошибка конфигурации ({message})' },
      'read-error': { en: '{message}', ru: 'файл не удалось прочитать, он не проверен ({message})' },
    },
  },
  check: () => undefined,
});

export const kindRule = defineRule({
  meta: {
    id: 'kind',
    title: { en: 'Kind not reviewed', ru: 'Kind не проверяется' },
    description: {
      en: 'An object of a kind bplus has no rules for (a custom resource, an API it does not model). It was read and is kept for naming and connectivity, but no rule judges its contents; a notice, never a failure.',
      ru: 'Объект kind, для которого в bplus нет правил (пользовательский ресурс, не моделируемый API). Он прочитан и учитывается для имён и связности, но его содержимое не проверяется ни одним правилом; это уведомление, а не ошибка.',
    },
    level: 'notice',
    pack: 'core',
    fixable: false,
    docs: {
      details:
        "Reported once per object, on its `kind:` line. Pod-bearing kinds (Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob, Argo Rollouts' Rollout) are all reviewed. Silence it for a path with `rules: { kind: off }` or an `exceptions:` entry.",
      incorrect: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }',
      correct: 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: w }',
    },
    messages: { unknownKind: { en: '{message}', ru: 'правила bplus не проверяют этот kind, объект только прочитан ({message})' } },
  },
  check: () => undefined,
});

export const schemaRule = defineRule({
  meta: {
    id: 'schema',
    title: { en: 'Object the API server would reject', ru: 'Объект, который отклонит API-сервер' },
    description: {
      en: 'Every object (plain manifest, chart template without template actions, Helm-rendered object) is validated against the schema of its kind, as kubeconform does: a wrong type, a value outside an enum or a missing required field fails on its line. Kubernetes kinds follow the 1.34 API (kubernetes-models 5.1); KEDA ScaledObject, ScaledJob and TriggerAuthentication and Bitnami SealedSecret follow their CRDs.',
      ru: 'Каждый объект (обычный манифест, шаблон чарта без действий шаблонизатора, объект, отрендеренный Helm) проверяется по схеме своего kind, как это делает kubeconform: неверный тип, значение вне перечисления или отсутствующее обязательное поле — ошибка на своей строке. Kind Kubernetes — по API 1.34 (kubernetes-models 5.1); KEDA ScaledObject, ScaledJob и TriggerAuthentication и Bitnami SealedSecret — по их CRD.',
    },
    level: 'failure',
    pack: 'core',
    fixable: false,
    docs: {
      details:
        "Validators are generated from the OpenAPI of each API (the kubernetes-models family), loaded once per kind a review meets. Not judged: chart templates whose document holds a template action (any action may stand for any value until Helm renders it; the rendered objects are judged instead), the objects a service chart's values describe (a model, not input), kinds no package models (other CRDs). The generated schemas do not forbid unknown fields, so a misspelt field is not caught. Messages name the field and the constraint, never the value.",
      incorrect:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: "3"\n  template:\n    spec:\n      containers:\n        - image: web:1.0.0',
      correct:
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\nspec:\n  replicas: 3\n  selector: { matchLabels: { app: web } }\n  template:\n    metadata: { labels: { app: web } }\n    spec:\n      containers:\n        - name: web\n          image: web:1.0.0',
    },
    peers: ['kubeconform and kubeval (schema validation; strict mode for unknown fields)'],
    messages: {
      invalid: {
        en: '{object} would be rejected by the API server: {problem}',
        ru: 'API-сервер отклонит {object}: {problem}',
      },
    },
  },
  check(context) {
    for (const object of context.objects()) {
      if (!isValidatable(object)) continue;
      for (const problem of validateObject(object) ?? []) {
        context.report({ messageId: 'invalid', data: { object: describeObject(object), problem: problem.message }, object, path: problem.path });
      }
    }
  },
});

export const configRule = defineRule({
  meta: {
    id: 'config',
    title: { en: 'Invalid bplus configuration', ru: 'Неверная конфигурация bplus' },
    description: {
      en: '`.github/bplus.yml` does not match the configuration schema; the review went on with the defaults for what could not be read.',
      ru: '`.github/bplus.yml` не соответствует схеме; проверка выполнена со значениями по умолчанию для нечитаемых частей.',
    },
    level: 'failure',
    pack: 'core',
    fixable: false,
    docs: { details: 'See the configuration reference in the README.', incorrect: 'rules:\n  TR-K8S-3: loud', correct: 'rules:\n  TR-K8S-3: warning' },
    // The configuration's problems are phrased in the review's language by the loader (config/load.ts).
    messages: { problem: { en: '{message}', ru: '{message}' } },
  },
  check: () => undefined,
});

export const exceptionRule = defineRule({
  meta: {
    id: 'exception',
    title: { en: 'Waiver without a reason', ru: 'Исключение без обоснования' },
    description: {
      en: 'A rule may be waived only with a written reason: `bplus.io/exception-<RULE>: "<reason>"` on the object, or an `exceptions:` entry with `reason:` in the configuration.',
      ru: 'Правило можно отключить только с письменным обоснованием: аннотация `bplus.io/exception-<ПРАВИЛО>: "<причина>"` или запись `exceptions:` с `reason:` в конфигурации.',
    },
    level: 'failure',
    pack: 'core',
    fixable: false,
    docs: {
      details: 'An empty or whitespace-only reason does not waive anything; the waived finding is reported as well.',
      incorrect: 'metadata:\n  annotations:\n    bplus.io/exception-TR-K8S-6: ""',
      correct: 'metadata:\n  annotations:\n    bplus.io/exception-TR-K8S-6: "SIP trunk needs a UDP LoadBalancer (PLAT-142)"',
    },
    messages: {
      annotation: { en: 'the waiver of {rule} has no written reason, so it does not apply', ru: 'исключение из {rule} без обоснования не действует' },
      configuration: {
        en: 'the exceptions entry for {rule} has no written reason, so it does not apply',
        ru: 'запись exceptions для {rule} без обоснования не действует',
      },
    },
  },
  check: () => undefined,
});

export const coreRules = [inputRule, kindRule, schemaRule, configRule, exceptionRule];
