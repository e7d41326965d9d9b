import path from 'node:path/posix';
import {
  defineRule,
  describeObject,
  INFRASTRUCTURE_ANNOTATION,
  WORKLOAD_KINDS,
  type Chart,
  type ChartDependency,
  type Location,
  type ValuePath,
} from '../src/engine/rule-kit.ts';

/** What the platform libraries render: a service chart that ships these itself copies the boilerplate. */
const BOILERPLATE_KINDS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Rollout',
  'Pod',
  'Service',
  'HorizontalPodAutoscaler',
  'ScaledObject',
  'TriggerAuthentication',
  'Ingress',
  'PodDisruptionBudget',
]);

/**
 * An exact version as a Helm dependency constraint: `1.3.0`, `=1.3.0`, `v1.3.0`, with an optional
 * pre-release and build. Partial versions (`1.3`, `1`) are ranges in Helm (Masterminds semver).
 */
const EXACT_VERSION = /^=?\s*v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export function isExactVersion(version: string): boolean {
  return EXACT_VERSION.test(version.trim());
}

function normalizeVersion(version: string): string {
  return version.trim().replace(/^=\s*/, '').replace(/^v/, '').split('+', 1)[0]!; // build metadata off, without a backtracking /\+.*$/
}

export default defineRule({
  meta: {
    id: 'TR-K8S-2',
    title: { en: 'One platform library chart per service', ru: 'Одна платформенная библиотека на сервис' },
    description: {
      en: 'A service chart depends on exactly one platform library chart (by name, at a pinned version) and only includes it: no Deployment, Service, HPA, Ingress or ScaledObject templates of its own copied beside the include. A chart that runs workloads without any platform library must be marked as infrastructure or moved onto a library.',
      ru: 'Сервисный чарт зависит ровно от одной платформенной библиотеки (по имени, с зафиксированной версией) и только подключает её: никаких собственных шаблонов Deployment, Service, HPA, Ingress или ScaledObject рядом с include. Чарт с рабочими нагрузками без платформенной библиотеки нужно либо пометить как инфраструктурный, либо перевести на библиотеку.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: false,
    docs: {
      details: [
        'Platform libraries are the chart names listed under `libraries` in the configuration (by default python-fastapi-service, python-celery-worker, frontend-spa). A chart that depends on one of them is a service chart.',
        "Pinned means one exact version: `1.3.0` (also `=1.3.0`, `v1.3.0`, with a pre-release or build). Ranges are refused: `^1.3.0`, `~1.3`, `>=1.3.0`, `1.3.x`, `*`, `1.3.0 - 1.4.0`, `a || b`, and partial versions such as `1.3`, which Helm treats as `~1.3`. A dependency without `version` is reported on the dependency. When the dependency is a `file://` path to a library chart in the same repository, the pinned version must be that chart's version, or `helm dependency build` fails.",
        "Two platform libraries in one chart: the second (and any further) dependency is reported; the chart's kind would be ambiguous.",
        "Copied boilerplate: a template of a service chart that is itself a Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Service, HorizontalPodAutoscaler, ScaledObject, TriggerAuthentication, Ingress or PodDisruptionBudget, reported on its `kind:` line. ConfigMaps, NetworkPolicies, ServiceAccounts and hook Jobs (a database migration) are accepted: the libraries do not render them for every need. When none of the chart's YAML templates includes the library (and the chart has no `.tpl` helpers that might), the library renders nothing: reported on the dependency.",
        'Application charts (neither library, service nor infrastructure) that ship workload templates are reported on their `name:` line (or on `dependencies:` when they have other dependencies): either depend on a platform library, or mark the chart with the annotation `balance-plus.io/chart-role: infrastructure`. Application charts without workloads are left alone. Infrastructure charts are out of scope.',
        'Findings on Chart.yaml are not about one object, so an annotation cannot waive them: use an `exceptions:` entry with `path: charts/<chart>/Chart.yaml` and a reason in the configuration. Copied templates are waived by the usual annotation on the object.',
      ].join('\n\n'),
      incorrect:
        'dependencies:\n  - name: python-fastapi-service\n    version: ^1.3.0\n    repository: file://../library/python-fastapi-service\n# plus templates/deployment.yaml copied from the library',
      correct:
        'dependencies:\n  - name: python-fastapi-service\n    version: 1.3.0\n    repository: file://../library/python-fastapi-service\n# templates/all.yaml:\n{{ include "python-fastapi-service.all" . }}',
      fix: 'Pin the exact library version; delete the copied templates and set the corresponding values instead (docs/values-contract.md).',
    },
    messages: {
      noLibrary: {
        en: 'chart {chart} deploys workloads ({objects}) but depends on no platform library ({libraries}): move it onto a library, or mark it `{annotation}: infrastructure`',
        ru: 'чарт {chart} разворачивает рабочие нагрузки ({objects}), но не зависит ни от одной платформенной библиотеки ({libraries}): переведите его на библиотеку или пометьте `{annotation}: infrastructure`',
      },
      severalLibraries: {
        en: 'chart {chart} depends on a second platform library {library} (already on {first}): a service chart uses exactly one',
        ru: 'чарт {chart} зависит от второй платформенной библиотеки {library} (уже подключена {first}): сервисный чарт использует ровно одну',
      },
      missingVersion: {
        en: 'dependency {library} of chart {chart} has no version: pin the exact library version',
        ru: 'у зависимости {library} чарта {chart} нет version: зафиксируйте точную версию библиотеки',
      },
      unpinnedVersion: {
        en: 'dependency {library} of chart {chart} is not pinned: "{version}" is a range; use one exact version such as 1.3.0',
        ru: 'версия зависимости {library} чарта {chart} не зафиксирована: «{version}» — это диапазон; укажите одну точную версию, например 1.3.0',
      },
      versionMismatch: {
        en: 'dependency {library} of chart {chart} pins {version}, but {repository} is version {actual}: helm dependency build would fail',
        ru: 'зависимость {library} чарта {chart} зафиксирована на {version}, а {repository} имеет версию {actual}: helm dependency build завершится ошибкой',
      },
      copiedBoilerplate: {
        en: "{object} is a template of service chart {chart}, beside the {library} include: this is the library's boilerplate; delete it and set the values instead",
        ru: '{object} — собственный шаблон сервисного чарта {chart} рядом с include библиотеки {library}: это шаблонный код библиотеки; удалите его и задайте значения в values',
      },
      libraryNotIncluded: {
        en: 'chart {chart} depends on {library} but no template includes it, so the library renders nothing: add a template with {{ include "{library}.all" . }}',
        ru: 'чарт {chart} зависит от {library}, но ни один шаблон её не подключает, поэтому библиотека ничего не рендерит: добавьте шаблон с {{ include "{library}.all" . }}',
      },
    },
  },
  check(context) {
    const { model, config } = context;
    const chartLocation = (chart: Chart, at: ValuePath): Location =>
      chart.chartYaml
        ? { path: chart.chartYamlPath, ...chart.chartYaml.locate(at) }
        : { path: chart.chartYamlPath, line: 1, column: 1, endLine: 1, endColumn: 1 };
    const depPath = (dep: ChartDependency, field?: string): ValuePath => (field ? ['dependencies', dep.index, field] : ['dependencies', dep.index]);
    // What Helm rendered from the chart's own templates (not from its subcharts'); for a service
    // chart, not from the templates that include its library.
    const ownObjects = (chart: Chart, library?: string) => {
      // With helpers of its own (.tpl), any include may reach the library.
      const viaHelpers = chart.templates.some((t) => t.endsWith('.tpl'));
      const includes = library ? new RegExp(viaHelpers ? `\\b(include|template)\\s+"` : `\\b(include|template)\\s+"${escapeRegExp(library)}\\.`) : undefined;
      const own = new Set(chart.templates.filter((t) => !includes?.test(model.templateTexts.get(t) ?? '')));
      return context.objects().filter((o) => o.origin.type === 'rendered' && o.origin.chart === chart.dir && own.has(o.origin.template));
    };

    for (const chart of model.charts) {
      if (chart.role === 'application') {
        const workloads = ownObjects(chart).filter((o) => WORKLOAD_KINDS.has(o.kind));
        if (workloads.length === 0) continue;
        const shown = workloads.slice(0, 3).map(describeObject).join(', ') + (workloads.length > 3 ? ', …' : '');
        context.report({
          messageId: 'noLibrary',
          data: { chart: chart.name, objects: shown, libraries: Object.keys(config.libraries).join(', '), annotation: INFRASTRUCTURE_ANNOTATION },
          at: chartLocation(chart, chart.dependencies.length > 0 ? ['dependencies'] : ['name']),
        });
        continue;
      }
      if (chart.role !== 'service') continue;

      const [first, ...others] = chart.libraries;
      for (const extra of others) {
        context.report({
          messageId: 'severalLibraries',
          data: { chart: chart.name, library: extra.dependency.name, first: first!.dependency.name },
          at: chartLocation(chart, depPath(extra.dependency, 'name')),
        });
      }

      for (const { dependency } of chart.libraries) {
        const base = { chart: chart.name, library: dependency.name };
        if (dependency.version === undefined || !dependency.version.trim()) {
          context.report({ messageId: 'missingVersion', data: base, at: chartLocation(chart, depPath(dependency, 'version')) });
          continue;
        }
        if (dependency.version.includes('{{')) continue;
        if (!isExactVersion(dependency.version)) {
          context.report({
            messageId: 'unpinnedVersion',
            data: { ...base, version: dependency.version },
            at: chartLocation(chart, depPath(dependency, 'version')),
          });
          continue;
        }
        const local = localChart(chart, dependency, model.charts);
        if (local?.version !== undefined && normalizeVersion(local.version) !== normalizeVersion(dependency.version)) {
          context.report({
            messageId: 'versionMismatch',
            data: { ...base, version: dependency.version, repository: dependency.repository ?? '', actual: local.version },
            at: chartLocation(chart, depPath(dependency, 'version')),
          });
        }
      }

      const library = first!.dependency.name;
      for (const object of ownObjects(chart, library)) {
        if (!BOILERPLATE_KINDS.has(object.kind)) continue;
        context.report({ messageId: 'copiedBoilerplate', data: { object: describeObject(object), chart: chart.name, library }, object, path: ['kind'] });
      }

      if (chart.libraries.length === 1 && !chart.templates.some((t) => t.endsWith('.tpl'))) {
        const texts = chart.templates.map((t) => model.templateTexts.get(t) ?? '');
        const pattern = new RegExp(`\\b(include|template)\\s+"${escapeRegExp(library)}\\.`);
        if (!texts.some((text) => pattern.test(text))) {
          context.report({
            messageId: 'libraryNotIncluded',
            data: { chart: chart.name, library },
            at: chartLocation(chart, depPath(first!.dependency, 'name')),
          });
        }
      }
    }
  },
});

/** The chart a `file://` dependency points at, when it is in the reviewed repository. */
function localChart(chart: Chart, dependency: ChartDependency, charts: readonly Chart[]): Chart | undefined {
  const repository = dependency.repository;
  if (!repository?.startsWith('file://')) return undefined;
  const target = path.normalize(path.join(chart.dir, repository.slice('file://'.length))).replace(/\/$/, '');
  return charts.find((c) => c.dir === target);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
