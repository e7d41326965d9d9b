/**
 * What a service chart's library renders, derived from its merged values without running Helm
 * (docs/values-contract.md). Every synthesised field remembers the values path it comes from, so a
 * finding on `spec.template.spec.containers[0].resources.limits` lands on `resources:` in the
 * values file a person edits. The fixture tests render the same charts with a real Helm and check
 * that both views reach the same verdicts.
 */
import type { BplusConfig, ServiceKind } from '../config/schema.ts';
import type { K8sObject, Location, ValuePath } from '../types.ts';
import type { Chart } from './charts.ts';
import { readMeta } from './objects.ts';
import { isRecord, splitDotted, type LayeredValues } from './values.ts';

type Json = Record<string, unknown>;

/** Longest-prefix mapping from object paths to values paths. */
type Provenance = Array<[objectPath: ValuePath, valuesPath: ValuePath]>;

const COMPONENT: Record<ServiceKind, string> = { fastapi: 'api', celery: 'worker', spa: 'frontend' };

export function objectsFromValues(chart: Chart, environment: string, values: LayeredValues, config: BplusConfig): K8sObject[] {
  const kind = chart.kind;
  if (!kind) return [];
  const keys = config.values;
  const key = (name: keyof BplusConfig['values']): string[] => splitDotted(keys[name]);
  const v = (path: ValuePath): unknown => values.get(path);
  const name = typeof v(['nameOverride']) === 'string' && v(['nameOverride']) ? String(v(['nameOverride'])) : chart.name;
  const namespace = config.production.namespace;
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/component': COMPONENT[kind],
    'balance-plus.io/service': name,
    ...stringMap(v(['podLabels'])),
  };
  const origin = { type: 'values' as const, chart: chart.dir, environment, library: chart.libraries[0]?.dependency.name ?? '' };
  const make = (raw: Json, provenance: Provenance): K8sObject => ({
    apiVersion: String(raw.apiVersion),
    kind: String(raw.kind),
    metadata: readMeta(raw),
    raw,
    origin,
    locate: (path) => locateThrough(provenance, path, values),
  });
  const objects: K8sObject[] = [];

  const autoscaling = record(v(key('autoscaling')));
  const keda = record(v(key('keda')));
  const hpaEnabled = kind !== 'celery' && autoscaling.enabled === true;
  const kedaEnabled = kind === 'celery' && keda.enabled === true;

  // The Deployment and its containers.
  const sidecars = list(v(key('sidecars')));
  const initContainers = list(v(key('initContainers')));
  const image = record(v(['image']));
  const main: Json = {
    name,
    image: `${String(image.repository ?? name)}:${String(image.tag ?? '')}`,
    resources: v(key('resources')),
    env: envList(v(key('env'))),
    envFrom: envFrom(name, v(key('config')), v(['secretEnvFrom'])),
    securityContext: v(['securityContext']),
  };
  Object.assign(main, libraryProbes(kind, record(v(['probes'])), record(v(['lifecycle']))));
  const containerPort = v(['containerPort']) ?? record(v(key('service'))).port;
  if (containerPort !== undefined) main.ports = [{ name: 'http', containerPort, protocol: 'TCP' }];

  const podSpec: Json = {
    // The libraries give sidecars and init containers the main container's securityContext.
    containers: [main, ...sidecars.map((s) => extraContainer(s, v(['securityContext'])))],
    initContainers: initContainers.map((c) => extraContainer(c, v(['securityContext']))),
    securityContext: v(['podSecurityContext']),
    terminationGracePeriodSeconds: orDefault(v(['terminationGracePeriodSeconds']), kind === 'celery' ? 600 : 30),
  };
  const deploymentSpec: Json = {
    selector: { matchLabels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name } },
    template: { metadata: { labels, annotations: stringMap(v(['podAnnotations'])) }, spec: podSpec },
  };
  // The library renders replicas only when no autoscaler owns the workload.
  if (!hpaEnabled && !kedaEnabled && v(key('replicas')) !== undefined) deploymentSpec.replicas = v(key('replicas'));
  const containerPaths: Provenance = [
    [['spec', 'template', 'spec', 'containers', 0, 'readinessProbe'], ['probes', 'readiness']],
    [['spec', 'template', 'spec', 'containers', 0, 'livenessProbe'], ['probes', 'liveness']],
    [['spec', 'template', 'spec', 'containers', 0, 'lifecycle', 'preStop', 'sleep', 'seconds'], ['lifecycle', 'preStopSleepSeconds']],
    [['spec', 'template', 'spec', 'containers', 0, 'lifecycle'], ['lifecycle']],
    [['spec', 'template', 'spec', 'containers', 0, 'resources'], key('resources')],
    ...Object.keys(record(v(key('env')))).map((envName, i): [ValuePath, ValuePath] => [['spec', 'template', 'spec', 'containers', 0, 'env', i], [...key('env'), envName]]),
    [['spec', 'template', 'spec', 'containers', 0, 'env'], key('env')],
    [['spec', 'template', 'spec', 'containers', 0, 'envFrom'], key('config')],
    [['spec', 'template', 'spec', 'containers', 0, 'securityContext'], ['securityContext']],
    [['spec', 'template', 'spec', 'containers', 0, 'image'], ['image']],
    [['spec', 'template', 'spec', 'containers', 0], key('resources').slice(0, -1)],
    ...sidecars.map((_, i): [ValuePath, ValuePath] => [['spec', 'template', 'spec', 'containers', i + 1], [...key('sidecars'), i]]),
    ...sidecars.map((_, i): [ValuePath, ValuePath] => [['spec', 'template', 'spec', 'containers', i + 1, 'securityContext'], ['securityContext']]),
    ...initContainers.map((_, i): [ValuePath, ValuePath] => [['spec', 'template', 'spec', 'initContainers', i, 'securityContext'], ['securityContext']]),
    ...initContainers.map((_, i): [ValuePath, ValuePath] => [['spec', 'template', 'spec', 'initContainers', i], [...key('initContainers'), i]]),
    [['spec', 'template', 'spec', 'securityContext'], ['podSecurityContext']],
    [['spec', 'template', 'spec', 'terminationGracePeriodSeconds'], ['terminationGracePeriodSeconds']],
    [['spec', 'template', 'metadata', 'annotations'], ['podAnnotations']],
    [['spec', 'replicas'], key('replicas')],
  ];
  objects.push(
    make({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace, labels }, spec: deploymentSpec }, containerPaths),
  );

  const service = record(v(key('service')));
  if (kind !== 'celery' || service.enabled === true) {
    objects.push(
      make(
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace, labels, annotations: stringMap(service.annotations) },
          spec: { type: service.type ?? 'ClusterIP', selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'http', port: service.port ?? 80, targetPort: 'http' }] },
        },
        [
          [['spec', 'type'], [...key('service'), 'type']],
          [['metadata', 'annotations'], [...key('service'), 'annotations']],
          [[], key('service')],
        ],
      ),
    );
  }

  const configValues = v(key('config'));
  if (isRecord(configValues) && Object.keys(configValues).length > 0) {
    objects.push(make({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config`, namespace, labels }, data: configValues }, [[["data"], key("config")]]));
  }

  if (hpaEnabled) {
    const metrics: Json[] = [];
    if (autoscaling.targetCPUUtilizationPercentage !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCPUUtilizationPercentage } } });
    }
    if (autoscaling.targetMemoryUtilizationPercentage !== undefined) {
      metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: autoscaling.targetMemoryUtilizationPercentage } } });
    }
    const a = key('autoscaling');
    objects.push(
      make(
        {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name, namespace, labels },
          spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: orDefault(autoscaling.minReplicas, 2), maxReplicas: orDefault(autoscaling.maxReplicas, 10), metrics },
        },
        [
          [['spec', 'minReplicas'], [...a, 'minReplicas']],
          [['spec', 'maxReplicas'], [...a, 'maxReplicas']],
          [['spec', 'metrics'], a],
          [[], a],
        ],
      ),
    );
  }

  if (kedaEnabled) {
    const k = key('keda');
    const auth = record(keda.authenticationRef);
    const authName = `${name}-rabbitmq`;
    objects.push(
      make(
        {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'ScaledObject',
          metadata: { name, namespace, labels },
          spec: {
            scaleTargetRef: { name },
            minReplicaCount: 'minReplicaCount' in keda ? keda.minReplicaCount : 1,
            maxReplicaCount: orDefault(keda.maxReplicaCount, 10),
            pollingInterval: orDefault(keda.pollingInterval, 30),
            cooldownPeriod: keda.cooldownPeriod,
            triggers: [
              {
                type: 'rabbitmq',
                metadata: { mode: 'QueueLength', value: '20', protocol: 'http', vhostName: '/', ...pick(keda, ['queueName', 'mode', 'value', 'protocol', 'vhostName', 'host', 'password', 'hostFromEnv']) },
                authenticationRef: auth.secretName ? { name: authName } : undefined,
              },
            ],
          },
        },
        [
          [['spec', 'minReplicaCount'], [...k, 'minReplicaCount']],
          [['spec', 'maxReplicaCount'], [...k, 'maxReplicaCount']],
          [['spec', 'triggers', 0, 'metadata', 'host'], [...k, 'host']],
          [['spec', 'triggers', 0, 'metadata', 'password'], [...k, 'password']],
          [['spec', 'triggers', 0, 'metadata', 'protocol'], [...k, 'protocol']],
          [['spec', 'triggers', 0, 'metadata', 'queueName'], [...k, 'queueName']],
          [['spec', 'triggers', 0, 'authenticationRef'], [...k, 'authenticationRef']],
          [[], k],
        ],
      ),
    );
    if (auth.secretName) {
      objects.push(
        make(
          {
            apiVersion: 'keda.sh/v1alpha1',
            kind: 'TriggerAuthentication',
            metadata: { name: authName, namespace, labels },
            spec: { secretTargetRef: [{ parameter: 'host', name: auth.secretName, key: auth.hostKey ?? 'host' }] },
          },
          [[[], [...k, 'authenticationRef']]],
        ),
      );
    }
  }

  const ingress = record(v(key('ingress')));
  if (ingress.enabled === true) {
    const i = key('ingress');
    const tls = record(ingress.tls);
    objects.push(
      make(
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name, namespace, labels },
          spec: {
            ingressClassName: ingress.className,
            tls: tls.secretName ? [{ hosts: [ingress.host], secretName: tls.secretName }] : undefined,
            rules: [{ host: ingress.host, http: { paths: [{ path: ingress.path ?? '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }],
          },
        },
        [
          [['spec', 'ingressClassName'], [...i, 'className']],
          [['spec', 'tls'], [...i, 'tls']],
          [['spec', 'rules'], [...i, 'host']],
          [[], i],
        ],
      ),
    );
  }

  const networkPolicy = record(v(key('networkPolicy')));
  if (networkPolicy.enabled === true) {
    const n = key('networkPolicy');
    const ingressFrom = list(networkPolicy.ingressFrom);
    const egressTo = list(networkPolicy.egressTo);
    objects.push(
      make(
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name, namespace, labels },
          spec: {
            podSelector: { matchLabels: { 'app.kubernetes.io/name': name } },
            policyTypes: ['Ingress', 'Egress'],
            ingress: ingressFrom.map(toPolicyRule('from')),
            egress: egressTo.map(toPolicyRule('to')),
          },
        },
        [
          ...ingressFrom.map((_, idx): [ValuePath, ValuePath] => [['spec', 'ingress', idx], [...n, 'ingressFrom', idx]]),
          ...egressTo.map((_, idx): [ValuePath, ValuePath] => [['spec', 'egress', idx], [...n, 'egressTo', idx]]),
          [[], n],
        ],
      ),
    );
  }

  const pdb = record(v(['podDisruptionBudget']));
  if (pdb.enabled === true) {
    objects.push(
      make(
        {
          apiVersion: 'policy/v1',
          kind: 'PodDisruptionBudget',
          metadata: { name, namespace, labels },
          spec: { minAvailable: orDefault(pdb.minAvailable, 1), selector: { matchLabels: { 'app.kubernetes.io/name': name } } },
        },
        [[[], ['podDisruptionBudget']]],
      ),
    );
  }
  return objects;
}

/**
 * What the libraries render whatever the values say (docs/values-contract.md): FastAPI probes on
 * /health/ready and /health/live and a preStop sleep (5 s), SPA probes on `/`, a Celery exec
 * liveness probe and no readiness probe.
 */
function libraryProbes(kind: ServiceKind, probes: Json, lifecycle: Json): Json {
  const http = (path: unknown) => ({ httpGet: { path, port: 'http' } });
  if (kind === 'celery') return { livenessProbe: { exec: { command: record(probes.liveness).command ?? ['celery-healthcheck'] } } };
  if (kind === 'spa') return { readinessProbe: http('/'), livenessProbe: http('/') };
  return {
    readinessProbe: http(record(probes.readiness).path ?? '/health/ready'),
    livenessProbe: http(record(probes.liveness).path ?? '/health/live'),
    lifecycle: { preStop: { sleep: { seconds: orDefault(lifecycle.preStopSleepSeconds, 5) } } },
  };
}

function extraContainer(entry: unknown, securityContext: unknown): Json {
  const container = { ...record(entry) };
  if (securityContext !== undefined && securityContext !== null) container.securityContext = securityContext;
  return container;
}

/** Helm's `default`: an unset, null, zero, false or empty value takes the default. */
function orDefault(value: unknown, fallback: unknown): unknown {
  return value === undefined || value === null || value === 0 || value === false || value === '' ? fallback : value;
}

/** Values entries `{podSelector, namespaceSelector, ipBlock, ports}` become one policy rule each. */
function toPolicyRule(direction: 'from' | 'to') {
  return (entry: unknown): Json => {
    const e = record(entry);
    const peer: Json = {};
    for (const field of ['podSelector', 'namespaceSelector', 'ipBlock']) if (e[field] !== undefined) peer[field] = e[field];
    const rule: Json = {};
    if (Array.isArray(e[direction])) rule[direction] = e[direction];
    else if (Object.keys(peer).length > 0) rule[direction] = [peer];
    if (e.ports !== undefined) rule.ports = e.ports;
    return rule;
  };
}

function locateThrough(provenance: Provenance, path: ValuePath, values: LayeredValues): Location {
  let best: [ValuePath, ValuePath] | undefined;
  for (const entry of provenance) {
    const [prefix] = entry;
    if (prefix.length <= path.length && prefix.every((seg, i) => seg === path[i]) && (!best || prefix.length > best[0].length)) best = entry;
  }
  if (!best) return values.locate([]);
  return values.locate([...best[1], ...path.slice(best[0].length)]);
}

function record(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record(value))) out[k] = String(v);
  return out;
}

function pick(source: Json, keys: string[]): Json {
  const out: Json = {};
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k];
  return out;
}

function envList(env: unknown): Json[] {
  return Object.entries(record(env)).map(([name, value]) => ({ name, value: value === null ? '' : String(value) }));
}

function envFrom(name: string, config: unknown, secrets: unknown): Json[] {
  const refs: Json[] = [];
  if (isRecord(config) && Object.keys(config).length > 0) refs.push({ configMapRef: { name: `${name}-config` } });
  for (const secret of list(secrets)) refs.push({ secretRef: { name: String(secret) } });
  return refs;
}
