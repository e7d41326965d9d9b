import {
  addMissing,
  containersOf,
  defineRule,
  describeObject,
  getPath,
  hasPath,
  isGuardedByAction,
  isRecord,
  isServiceObject,
  isTemplatedBlock,
  isTemplatedValue,
  sameRelease,
  serviceValuesFor,
  serviceValuesOf,
  setScalar,
  splitDotted,
  type BplusConfig,
  type ContainerRef,
  type Fixer,
  type FixOutcome,
  type K8sObject,
  type Location,
  type Report,
  type RepositoryModel,
  type RuleFix,
  type RuleMessages,
  type ServiceKind,
  type ServiceValues,
  type ValuePath,
} from '../src/engine/rule-kit.ts';

/** Kinds an HPA or a ScaledObject can scale among those bplus models. */
const SCALABLE_KINDS = ['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'Rollout'];

/** What Kubernetes and KEDA default to in a plain manifest. */
const API_DEFAULTS = { hpaMin: 1, kedaMin: 0, kedaMax: 100 };

interface Scaler {
  object: K8sObject;
  type: 'hpa' | 'keda';
  targetKind: string;
  targetName: string;
}

const messages = {
  apiNoHpa: {
    en: 'API service {object} has no HorizontalPodAutoscaler on cpu or memory: enable autoscaling',
    ru: 'у API-сервиса {object} нет HorizontalPodAutoscaler по cpu или памяти: включите автомасштабирование',
  },
  hpaApiVersion: {
    en: '{object} uses {apiVersion}: use autoscaling/v2',
    ru: '{object} использует {apiVersion}: используйте autoscaling/v2',
  },
  hpaNoResourceMetric: {
    en: '{object} scales {target} on no cpu or memory Resource metric: add a cpu and/or memory target',
    ru: '{object} масштабирует {target} без метрики Resource по cpu или памяти: добавьте цель по cpu и/или памяти',
  },
  missingRequestForMetric: {
    en: 'container "{container}" of {target} has no {resource} request, but {object} scales on {resource} utilization: the HPA cannot compute it',
    ru: 'у контейнера «{container}» в {target} нет request по {resource}, а {object} масштабирует по утилизации {resource}: HPA не сможет её вычислить',
  },
  minBelowOne: {
    en: '{object}: {field} is {value}; it must be at least 1',
    ru: '{object}: {field} = {value}; значение должно быть не меньше 1',
  },
  noMaxReplicas: {
    en: '{object} has no maxReplicas: set the upper bound',
    ru: 'у {object} нет maxReplicas: задайте верхнюю границу',
  },
  minAboveMax: {
    en: '{object}: minimum {min} is above maximum {max}',
    ru: '{object}: минимум {min} больше максимума {max}',
  },
  workerNoScaledObject: {
    en: 'Celery worker {object} has no KEDA ScaledObject: scale it on its RabbitMQ queue length',
    ru: 'у Celery-воркера {object} нет KEDA ScaledObject: масштабируйте его по длине очереди RabbitMQ',
  },
  noRabbitmqTrigger: {
    en: '{object} scales Celery worker {target} without a rabbitmq trigger: scale it on its queue',
    ru: '{object} масштабирует Celery-воркер {target} без триггера rabbitmq: масштабируйте его по очереди',
  },
  noQueueName: {
    en: 'rabbitmq trigger {index} of {object} has no queueName',
    ru: 'у триггера rabbitmq {index} в {object} нет queueName',
  },
  inlinePassword: {
    en: 'rabbitmq trigger {index} of {object} carries a password in its metadata: move the credentials into a Secret read through a TriggerAuthentication, and rotate the password',
    ru: 'триггер rabbitmq {index} в {object} содержит пароль в metadata: перенесите учётные данные в Secret, читаемый через TriggerAuthentication, и смените пароль',
  },
  inlineHostCredentials: {
    en: 'rabbitmq trigger {index} of {object} has credentials in its host URL: take host from a Secret through a TriggerAuthentication, and rotate the password',
    ru: 'в URL host триггера rabbitmq {index} в {object} есть учётные данные: берите host из Secret через TriggerAuthentication и смените пароль',
  },
  noAuthenticationRef: {
    en: 'rabbitmq trigger {index} of {object} has no authenticationRef: read the broker credentials through a TriggerAuthentication',
    ru: 'у триггера rabbitmq {index} в {object} нет authenticationRef: получайте учётные данные брокера через TriggerAuthentication',
  },
  unknownAuthenticationRef: {
    en: 'rabbitmq trigger {index} of {object} refers to {kind} "{name}", which is not defined in the repository',
    ru: 'триггер rabbitmq {index} в {object} ссылается на {kind} «{name}», которого нет в репозитории',
  },
  hpaAndScaledObject: {
    en: '{object} and {other} both scale {target}: KEDA creates its own HPA, so the two fight; keep one',
    ru: '{object} и {other} масштабируют {target} одновременно: KEDA создаёт свой HPA, и они конфликтуют; оставьте один',
  },
  twoAutoscalers: {
    en: '{object} and {other} both scale {target}: they fight over the replica count; keep one',
    ru: '{object} и {other} масштабируют {target} одновременно и спорят о числе реплик; оставьте один',
  },
  replicasWithAutoscaler: {
    en: '{target} fixes replicas: {replicas} while {object} owns its scale: every sync resets the autoscaler; remove spec.replicas',
    ru: '{target} фиксирует replicas: {replicas}, хотя числом реплик управляет {object}: каждая синхронизация сбрасывает автоскейлер; удалите spec.replicas',
  },
} satisfies RuleMessages;

type MessageId = keyof typeof messages;

export default defineRule({
  meta: {
    id: 'TR-K8S-5',
    title: { en: 'Autoscaling: HPA for API services, KEDA for Celery workers', ru: 'Автомасштабирование: HPA для API-сервисов, KEDA для Celery-воркеров' },
    description: {
      en: 'In production a FastAPI service is scaled by a HorizontalPodAutoscaler (autoscaling/v2) on cpu and/or memory, whose containers request what it measures, with 1 ≤ minReplicas ≤ maxReplicas; a Celery worker is scaled by a KEDA ScaledObject with a rabbitmq trigger on its queue, credentials through a TriggerAuthentication. No workload has both an HPA and a ScaledObject, and none an autoscaler fights with a fixed spec.replicas.',
      ru: 'В production FastAPI-сервис масштабируется HorizontalPodAutoscaler (autoscaling/v2) по cpu и/или памяти, его контейнеры запрашивают (requests) то, что он измеряет, и 1 ≤ minReplicas ≤ maxReplicas; Celery-воркер масштабируется KEDA ScaledObject с триггером rabbitmq по своей очереди, учётные данные — через TriggerAuthentication. Ни у одной нагрузки нет одновременно HPA и ScaledObject, и ни с одним автоскейлером не спорит фиксированный spec.replicas.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: true,
    docs: {
      details: [
        'FastAPI services: Deployments of a service chart on the fastapi library, and manifests labelled `app.kubernetes.io/component: api`. Celery workers: Deployments of a chart on the celery library, manifests labelled `app.kubernetes.io/component: worker`, and manifests whose container runs `celery … worker`. Other workloads (the SPA, PostgreSQL) are not required to autoscale, but the conflict, replicas and min/max checks apply to every autoscaler.',
        "An autoscaler belongs to a workload when its `scaleTargetRef` names it (kind and name; a ScaledObject's kind defaults to Deployment) in the same namespace (a missing or templated namespace matches any) and, for objects of charts, the same chart and environment. A plain manifest may target a chart's workload.",
        'HPA metrics: a `Resource` or `ContainerResource` metric on cpu or memory is required; an HPA with no metrics at all is accepted, because Kubernetes defaults it to 80 % cpu utilization. A `Utilization` target needs the matching request on every app container (on the named container for `ContainerResource`); a limit counts as a request, as the API server defaults one from the other. `AverageValue` targets need no request. A KEDA ScaledObject with a cpu or memory trigger is accepted in place of an HPA for an API service (KEDA creates that HPA). Anything but autoscaling/v2 is reported (v2beta1/v2beta2 are removed, v1 knows cpu only).',
        "Replica bounds: minReplicas below 1 (scale to zero is an alpha feature for HPAs; KEDA may go to 0) and minimum above maximum are reported; a manifest HPA without maxReplicas is invalid. In values the library's `| default` applies: an unset (or 0) autoscaling.minReplicas renders as 2, maxReplicas as 10, keda.maxReplicaCount as 10, keda.minReplicaCount as 1 only when unset.",
        'KEDA rabbitmq triggers need `queueName`, and an `authenticationRef` to a TriggerAuthentication (or ClusterTriggerAuthentication) defined in the repository. `password` in the trigger metadata, and a `host` with user information (`amqp://user:pass@…`), are reported on that key; the value is never repeated in the message. `hostFromEnv` without a TriggerAuthentication is reported as a missing authenticationRef.',
        'Conflicts: an HPA and a ScaledObject on one workload (KEDA creates its own HPA; the HPA is reported), or two autoscalers of one kind (the second is reported). A fixed `spec.replicas` on a workload that an autoscaler owns is reported on `replicas` (unless a template action such as `{{- if not .Values.autoscaling.enabled }}` guards it). For service charts the library renders replicas only when no autoscaler is enabled, so `replicaCount` left in values beside `autoscaling.enabled: true` is harmless and not reported: it is the fallback when autoscaling is switched off.',
        'Production only: values of production environments, manifests in the production namespace or without one.',
      ].join('\n\n'),
      incorrect:
        'autoscaling:\n  enabled: false\nreplicaCount: 3\n---\nkeda:\n  enabled: true\n  queueName: condense\n  password: s3cr3t   # inline credential',
      correct:
        'autoscaling:\n  enabled: true\n  minReplicas: 2\n  maxReplicas: 10\n  targetCPUUtilizationPercentage: 70\n---\nkeda:\n  enabled: true\n  queueName: condense\n  authenticationRef:\n    secretName: rabbitmq-keda\n    hostKey: host',
      fix: 'For service charts, `bplus fix` enables autoscaling (FastAPI) or KEDA (Celery) with the platform defaults of the configuration (`defaults.autoscaling`, `defaults.keda`). Credentials, conflicts and replicas are fixed by hand.',
    },
    messages,
  },
  check(context) {
    const { model, config } = context;
    const report = (r: Report<MessageId>): void => context.report(r);
    const workloads = context.production(...SCALABLE_KINDS);
    const scalers: Scaler[] = [];
    for (const object of context.production('HorizontalPodAutoscaler', 'ScaledObject')) {
      const ref = getPath(object.raw, ['spec', 'scaleTargetRef']);
      const type = object.kind === 'ScaledObject' ? 'keda' : 'hpa';
      const targetName = isRecord(ref) && typeof ref.name === 'string' ? ref.name : '';
      const targetKind = isRecord(ref) && typeof ref.kind === 'string' ? ref.kind : type === 'keda' ? 'Deployment' : '';
      scalers.push({ object, type, targetKind, targetName });
      if (type === 'hpa') checkHpaBounds(object, report);
      else checkScaledObject(object, model, report);
    }

    for (const workload of workloads) {
      const owners = scalers
        .filter(
          (s) => s.targetName !== '' && s.targetName === workload.metadata.name && s.targetKind === workload.kind && sameScope(s.object, workload, config),
        )
        // Kept first (the others are reported): a ScaledObject over an HPA, the library's over a hand-written one.
        .sort((a, b) => rank(a) - rank(b));
      const target = describeObject(workload);

      owners.slice(1).forEach((owner) => {
        const other = owners.find((o) => o.type !== owner.type) ?? owners[0]!;
        report({
          messageId: other.type !== owner.type ? 'hpaAndScaledObject' : 'twoAutoscalers',
          data: { object: describeObject(owner.object), other: describeObject(other.object), target },
          object: owner.object,
          path: ['spec', 'scaleTargetRef'],
        });
      });

      const replicas = getPath(workload.raw, ['spec', 'replicas']);
      if (
        owners.length > 0 &&
        replicas !== undefined &&
        replicas !== null &&
        !isTemplatedValue(replicas) &&
        !isGuardedByAction(model, workload, ['spec', 'replicas'])
      ) {
        report({
          messageId: 'replicasWithAutoscaler',
          data: { target, replicas, object: describeObject(owners[0]!.object) },
          object: workload,
          path: ['spec', 'replicas'],
        });
      }

      const kind = serviceKindOf(workload, model);
      for (const hpa of owners.filter((o) => o.type === 'hpa')) checkHpaMetrics(hpa.object, workload, model, kind === 'fastapi', report);
      const fix = autoscalingFix(workload, kind);
      if (kind === 'fastapi') {
        const hpas = owners.filter((o) => o.type === 'hpa');
        const kedaOnResources = owners.some((o) => o.type === 'keda' && triggers(o.object).some((t) => t.type === 'cpu' || t.type === 'memory'));
        if (hpas.length === 0 && !kedaOnResources) {
          report({ messageId: 'apiNoHpa', data: { object: target }, object: workload, ...missingAutoscalerAt(workload, model, config, 'autoscaling'), fix });
        }
      } else if (kind === 'celery') {
        const scaledObjects = owners.filter((o) => o.type === 'keda');
        if (scaledObjects.length === 0) {
          report({
            messageId: 'workerNoScaledObject',
            data: { object: target },
            object: workload,
            ...missingAutoscalerAt(workload, model, config, 'keda'),
            fix,
          });
        }
        for (const so of scaledObjects) {
          if (!triggers(so.object).some((t) => t.type === 'rabbitmq')) {
            report({ messageId: 'noRabbitmqTrigger', data: { object: describeObject(so.object), target }, object: so.object, path: ['spec', 'triggers'] });
          }
        }
      }
    }

    function autoscalingFix(object: K8sObject, kind: ServiceKind | undefined): RuleFix | undefined {
      const values = serviceValuesFor(model, object);
      if (!values || !kind) return undefined;
      return (fixer) => enableAutoscaling(fixer, values, kind);
    }

    function checkHpaBounds(hpa: K8sObject, emit: (r: Report<MessageId>) => void): void {
      const object = describeObject(hpa);
      const fromValues = isServiceObject(model, hpa);
      const fix = fromValues ? autoscalingFix(hpa, chartKind(hpa, model)) : undefined;
      if (hpa.apiVersion !== 'autoscaling/v2')
        emit({ messageId: 'hpaApiVersion', data: { object, apiVersion: hpa.apiVersion }, object: hpa, path: ['apiVersion'] });
      const rawMin = getPath(hpa.raw, ['spec', 'minReplicas']);
      const rawMax = getPath(hpa.raw, ['spec', 'maxReplicas']);
      if (isTemplatedValue(rawMin) || isTemplatedValue(rawMax)) return;
      // Rendered objects carry what the templates' `| default`s made of the values.
      const min = asInteger(rawMin) ?? (rawMin === undefined ? API_DEFAULTS.hpaMin : undefined);
      const max = asInteger(rawMax);
      if (rawMax === undefined || rawMax === null) emit({ messageId: 'noMaxReplicas', data: { object }, object: hpa, path: ['spec', 'maxReplicas'] });
      if (min !== undefined && min < 1) {
        emit({ messageId: 'minBelowOne', data: { object, field: 'minReplicas', value: min }, object: hpa, path: ['spec', 'minReplicas'], fix });
      } else if (min !== undefined && max !== undefined && min > max) {
        emit({ messageId: 'minAboveMax', data: { object, min, max }, object: hpa, path: ['spec', 'minReplicas'], fix });
      }
    }

    function checkScaledObject(so: K8sObject, repository: RepositoryModel, emit: (r: Report<MessageId>) => void): void {
      const object = describeObject(so);
      const fromValues = isServiceObject(repository, so);
      const rawMin = getPath(so.raw, ['spec', 'minReplicaCount']);
      const rawMax = getPath(so.raw, ['spec', 'maxReplicaCount']);
      if (!isTemplatedValue(rawMin) && !isTemplatedValue(rawMax)) {
        const min = rawMin === undefined ? API_DEFAULTS.kedaMin : asInteger(rawMin);
        const max = rawMax === undefined ? API_DEFAULTS.kedaMax : asInteger(rawMax);
        if (min !== undefined && max !== undefined && min > max) {
          emit({
            messageId: 'minAboveMax',
            data: { object, min, max },
            object: so,
            path: ['spec', 'minReplicaCount'],
            fix: fromValues ? autoscalingFix(so, chartKind(so, repository)) : undefined,
          });
        }
      }
      triggers(so).forEach((trigger, i) => {
        if (trigger.type !== 'rabbitmq') return;
        const base: ValuePath = ['spec', 'triggers', i];
        const data = { object, index: i + 1 };
        const metadata = isRecord(trigger.raw.metadata) ? trigger.raw.metadata : {};
        const queueName = metadata.queueName;
        if (queueName === undefined || queueName === null || (typeof queueName === 'string' && !queueName.trim())) {
          emit({ messageId: 'noQueueName', data, object: so, path: [...base, 'metadata', 'queueName'] });
        }
        if (metadata.password !== undefined && metadata.password !== null && metadata.password !== '') {
          emit({ messageId: 'inlinePassword', data, object: so, path: [...base, 'metadata', 'password'] });
        }
        if (typeof metadata.host === 'string' && !isTemplatedValue(metadata.host) && hasUserInfo(metadata.host)) {
          emit({ messageId: 'inlineHostCredentials', data, object: so, path: [...base, 'metadata', 'host'] });
        }
        const auth = trigger.raw.authenticationRef;
        if (!isRecord(auth) || typeof auth.name !== 'string' || !auth.name) {
          emit({ messageId: 'noAuthenticationRef', data, object: so, path: [...base, 'authenticationRef'] });
          return;
        }
        if (isTemplatedValue(auth.name)) return;
        const authKind = auth.kind === 'ClusterTriggerAuthentication' ? 'ClusterTriggerAuthentication' : 'TriggerAuthentication';
        const defined = repository.objects.some(
          (o) => o.kind === authKind && o.metadata.name === auth.name && (authKind === 'ClusterTriggerAuthentication' || sameScope(o, so, config)),
        );
        if (!defined)
          emit({
            messageId: 'unknownAuthenticationRef',
            data: { ...data, kind: authKind, name: auth.name },
            object: so,
            path: [...base, 'authenticationRef', 'name'],
          });
      });
    }
  },
});

function rank(scaler: Scaler): number {
  return (scaler.type === 'keda' ? 0 : 2) + (scaler.object.origin.type === 'rendered' ? 0 : 1);
}

interface Trigger {
  type: string;
  raw: Record<string, unknown>;
}

function triggers(so: K8sObject): Trigger[] {
  const list = getPath(so.raw, ['spec', 'triggers']);
  return Array.isArray(list) ? list.filter(isRecord).map((raw) => ({ type: typeof raw.type === 'string' ? raw.type : '', raw })) : [];
}

/** `amqp://user:pass@host/vhost`, `http://user@host`: user information in a URL. */
function hasUserInfo(host: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]*@/.test(host.trim());
}

function asInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function chartKind(object: K8sObject, model: RepositoryModel): ServiceKind | undefined {
  const chart = object.origin.chart;
  return chart === undefined ? undefined : model.charts.find((c) => c.dir === chart)?.kind;
}

const COMPONENT_KINDS: Record<string, ServiceKind> = { api: 'fastapi', worker: 'celery', frontend: 'spa' };

/** FastAPI, Celery or SPA: from the chart's library, the component label, or a `celery worker` command. */
export function serviceKindOf(object: K8sObject, model: RepositoryModel): ServiceKind | undefined {
  const fromChart = chartKind(object, model);
  if (fromChart) return fromChart;
  const templateLabels = getPath(object.raw, ['spec', 'template', 'metadata', 'labels']);
  const component =
    object.metadata.labels['app.kubernetes.io/component'] ?? (isRecord(templateLabels) ? templateLabels['app.kubernetes.io/component'] : undefined);
  if (typeof component === 'string' && COMPONENT_KINDS[component]) return COMPONENT_KINDS[component];
  const runsCelery = containersOf(object).some((c) => {
    const words = [c.container.command, c.container.args].flatMap((v) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [])).join(' ');
    return /(^|[\s/])celery(\s|$)/.test(words) && /(^|\s)worker(\s|$)/.test(words);
  });
  return runsCelery ? 'celery' : undefined;
}

function effectiveNamespace(object: K8sObject, config: BplusConfig): string | undefined {
  if (object.origin.type === 'rendered' && object.metadata.namespace === undefined) return config.production.namespace;
  const ns = object.metadata.namespace;
  return ns === undefined || isTemplatedValue(ns) ? undefined : ns;
}

/** Whether two objects are deployed together: same namespace, and same chart (and environment) when both come from charts. */
function sameScope(a: K8sObject, b: K8sObject, config: BplusConfig): boolean {
  const na = effectiveNamespace(a, config);
  const nb = effectiveNamespace(b, config);
  if (na !== undefined && nb !== undefined && na !== nb) return false;
  return sameRelease(a, b);
}

/** Where to ask for a missing autoscaler: `autoscaling.enabled`/`keda.enabled` in values; the workload's kind line in a manifest. */
function missingAutoscalerAt(
  workload: K8sObject,
  model: RepositoryModel,
  config: BplusConfig,
  key: 'autoscaling' | 'keda',
): { at: Location } | { path: ValuePath } {
  const values = serviceValuesOf(model, workload);
  if (!values) return { path: ['kind'] };
  // The values line that switched the autoscaler off, as Helm's templates guard it.
  const guarded = model.locateMissingObject?.(workload, key === 'keda' ? 'ScaledObject' : 'HorizontalPodAutoscaler');
  return { at: guarded ?? values.locate([...splitDotted(config.values[key]), 'enabled']) };
}

interface ResourceMetric {
  resource: 'cpu' | 'memory';
  utilization: boolean;
  /** For ContainerResource metrics: the one container measured. */
  container?: string;
}

function resourceMetrics(hpa: K8sObject): { metrics: ResourceMetric[] } {
  const spec = isRecord(hpa.raw.spec) ? hpa.raw.spec : {};
  if (hpa.apiVersion === 'autoscaling/v1') {
    // v1 scales on cpu only; without a target Kubernetes uses 80 %.
    return { metrics: [{ resource: 'cpu', utilization: true }] };
  }
  const list = Array.isArray(spec.metrics) ? spec.metrics.filter(isRecord) : [];
  if (list.length === 0) return { metrics: [{ resource: 'cpu', utilization: true }] };
  const metrics: ResourceMetric[] = [];
  for (const m of list) {
    const source = m.type === 'Resource' ? m.resource : m.type === 'ContainerResource' ? m.containerResource : undefined;
    if (!isRecord(source) || (source.name !== 'cpu' && source.name !== 'memory')) continue;
    const target = isRecord(source.target) ? source.target : {};
    // autoscaling/v2beta1 used targetAverageUtilization; treat it as Utilization too.
    const utilization = target.type === 'Utilization' || source.targetAverageUtilization !== undefined;
    metrics.push({
      resource: source.name,
      utilization,
      container: m.type === 'ContainerResource' && typeof source.container === 'string' ? source.container : undefined,
    });
  }
  return { metrics };
}

function checkHpaMetrics(
  hpa: K8sObject,
  workload: K8sObject,
  model: RepositoryModel,
  requireResourceMetric: boolean,
  emit: (r: Report<MessageId>) => void,
): void {
  const object = describeObject(hpa);
  const target = describeObject(workload);
  const { metrics } = resourceMetrics(hpa);
  if (metrics.length === 0) {
    if (requireResourceMetric) emit({ messageId: 'hpaNoResourceMetric', data: { object, target }, object: hpa, path: ['spec', 'metrics'] });
    return;
  }
  const app = containersOf(workload).filter((c) => c.role === 'container');
  const reported = new Set<string>();
  for (const metric of metrics) {
    if (!metric.utilization) continue;
    const measured = metric.container === undefined ? app : app.filter((c) => c.name === metric.container);
    for (const ref of measured) {
      if (hasRequest(ref, metric.resource, model) !== false) continue;
      const key = `${ref.name}\u0000${metric.resource}`;
      if (reported.has(key)) continue;
      reported.add(key);
      emit({
        messageId: 'missingRequestForMetric',
        data: { container: ref.name, target, resource: metric.resource, object },
        object: workload,
        path: [...ref.path, 'resources', 'requests', metric.resource],
      });
    }
  }
}

/** Whether the container (after API defaulting) requests the resource; undefined when Helm decides. */
function hasRequest(ref: ContainerRef, resource: 'cpu' | 'memory', model: RepositoryModel): boolean | undefined {
  const path = [...ref.path, 'resources'];
  if (isTemplatedBlock(model, ref.object, path)) return undefined;
  const resources = ref.container.resources;
  if (!isRecord(resources)) return false;
  for (const section of ['requests', 'limits']) {
    if (isTemplatedBlock(model, ref.object, [...path, section])) return undefined;
    const list = resources[section];
    if (isRecord(list) && list[resource] !== undefined && list[resource] !== null) return true;
  }
  return false;
}

const KEDA_SECRET = 'rabbitmq-keda';

/**
 * The fix: a FastAPI service or SPA gets `autoscaling.enabled: true` with the platform's
 * `defaults.autoscaling` for whatever is missing; a Celery worker gets `keda.enabled: true` with
 * `defaults.keda`, its first Celery queue as `queueName`, `mode: QueueLength` and `protocol: http`.
 * The settings go into the environment's overlay when the chart has one (production only
 * changes), else into `values.yaml`. A KEDA TriggerAuthentication needs a Secret with the RabbitMQ
 * connection: `authenticationRef` is set only when the repository already has a `rabbitmq-keda`
 * (Sealed)Secret; otherwise a note says what to add.
 */
async function enableAutoscaling(fixer: Fixer, values: ServiceValues, kind: ServiceKind): Promise<FixOutcome> {
  const celery = kind === 'celery';
  const keyPath = splitDotted(celery ? fixer.config.values.keda : fixer.config.values.autoscaling);
  if (!fixer.claim(`autoscaling:${values.chart.dir}:${values.environment}`)) return { status: 'covered' };

  const merged = values.values.get(keyPath);
  const current = isRecord(merged) ? merged : {};
  const wanted: Record<string, unknown> = {};
  if (celery) {
    const d = fixer.config.defaults.keda;
    const queues = values.values.get(['celery', 'queues']);
    const queue = Array.isArray(queues) && typeof queues[0] === 'string' ? queues[0] : undefined;
    if (current.queueName === undefined && !queue) {
      return {
        status: 'skipped',
        reason: `set ${keyPath.join('.')}.queueName to the worker's RabbitMQ queue (celery.queues is empty), then run the fix again`,
      };
    }
    const defaults = {
      queueName: queue,
      mode: 'QueueLength',
      value: d.value,
      protocol: 'http',
      minReplicaCount: d.minReplicaCount,
      maxReplicaCount: d.maxReplicaCount,
    };
    for (const [k, v] of Object.entries(defaults)) if (current[k] === undefined && v !== undefined) wanted[k] = v;
    if (current.authenticationRef === undefined) {
      const hasSecret = fixer.model.objects.some((o) => (o.kind === 'SealedSecret' || o.kind === 'Secret') && o.metadata.name === KEDA_SECRET);
      if (hasSecret) wanted.authenticationRef = { secretName: KEDA_SECRET, hostKey: 'host' };
      else
        fixer.note(
          `${values.chart.dir}: KEDA reads the RabbitMQ connection through a TriggerAuthentication: add a SealedSecret "${KEDA_SECRET}" with a key "host" (amqp://user:password@host:5672/vhost) and set ${keyPath.join('.')}.authenticationRef.secretName: ${KEDA_SECRET}`,
        );
    }
  } else {
    const d = fixer.config.defaults.autoscaling;
    const defaults = { minReplicas: d.minReplicas, maxReplicas: d.maxReplicas, targetCPUUtilizationPercentage: d.targetCPUUtilizationPercentage };
    for (const [k, v] of Object.entries(defaults)) if (current[k] === undefined) wanted[k] = v;
  }

  const file = values.chart.environmentFiles.get(values.environment) ?? values.chart.valuesFile;
  const layer = values.values.layers.find((l) => l.path === file);
  if (!file || !layer) return { status: 'skipped', reason: `${values.chart.dir} has no values file to write to` };
  let text = await fixer.tree.read(file);
  if (text === undefined) return { status: 'skipped', reason: `${file} could not be read` };
  const docIndex = layer.doc?.index ?? 0;
  let line: number | undefined;
  if (current.enabled !== true) {
    const enabled = [...keyPath, 'enabled'];
    const edit = hasPath(text, docIndex, enabled) ? setScalar(text, docIndex, enabled, true) : addMissing(text, docIndex, keyPath, { enabled: true });
    if (edit) {
      text = edit.text;
      line = edit.line;
    }
  }
  if (Object.keys(wanted).length > 0) {
    const edit = addMissing(text, docIndex, keyPath, wanted);
    if (edit) {
      text = edit.text;
      line = Math.min(line ?? edit.line, edit.line);
    }
  }
  if (line === undefined) return { status: 'covered' };
  fixer.tree.write(file, text);
  const what = celery ? 'KEDA ScaledObject on the RabbitMQ queue length' : 'HorizontalPodAutoscaler on CPU';
  return {
    status: 'applied',
    changes: [
      {
        path: file,
        line,
        description: `enabled ${keyPath.join('.')} (${what}) with the platform defaults${Object.keys(wanted).length ? `: ${Object.keys(wanted).join(', ')}` : ''}`,
      },
    ],
  };
}
