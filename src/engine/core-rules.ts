/**
 * Findings that are not about the platform rules but about whether the review could read what it
 * was given: bad files, a bad configuration, waivers without a reason.
 */
import { defineRule } from './rule.ts';

export const inputRule = defineRule({
  meta: {
    id: 'input',
    title: { en: 'Unreadable input', ru: 'Нечитаемый файл' },
    description: {
      en: 'A file could not be reviewed: malformed YAML, duplicate keys, alias bombs, files over the size cap, binary or non-UTF-8 files, charts without Chart.yaml, kinds bplus does not know. The rest of the repository is still reviewed.',
      ru: 'Файл не удалось проверить: ошибка YAML, повторяющиеся ключи, «бомба» из алиасов, превышен размер, двоичный файл или не UTF-8, чарт без Chart.yaml, неизвестный kind. Остальной репозиторий проверяется.',
    },
    level: 'failure',
    pack: 'core',
    fixable: false,
    docs: { details: 'Unknown kinds are notices; everything else fails, because an unreadable file cannot be shown to comply.', incorrect: 'a: [1, 2', correct: 'a: [1, 2]' },
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
      'unknown-kind': { en: '{message}', ru: 'bplus не знает этот kind и проверяет его только как YAML ({message})' },
      'config-invalid': { en: '{message}', ru: 'ошибка конфигурации ({message})' },
      'read-error': { en: '{message}', ru: 'файл не удалось прочитать, он не проверен ({message})' },
    },
  },
  check: () => undefined,
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
      configuration: { en: 'the exceptions entry for {rule} has no written reason, so it does not apply', ru: 'запись exceptions для {rule} без обоснования не действует' },
    },
  },
  check: () => undefined,
});

export const coreRules = [inputRule, configRule, exceptionRule];
