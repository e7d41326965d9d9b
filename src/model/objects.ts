/** Kubernetes objects as the rules see them, from parsed YAML documents. */
import type { K8sObject, ObjectMeta, ObjectOrigin, ValuePath } from '../types.ts';
import type { YamlDocument } from '../yaml/parse.ts';
import { formatValue } from '../yaml/format-value.ts';
import { isRecord } from './values.ts';

export function isK8sDocument(value: unknown): value is Record<string, unknown> & { apiVersion: string; kind: string } {
  return isRecord(value) && typeof value.kind === 'string' && typeof value.apiVersion === 'string';
}

export function readMeta(raw: Record<string, unknown>): ObjectMeta {
  const metadata = isRecord(raw.metadata) ? raw.metadata : {};
  return {
    name: typeof metadata.name === 'string' ? metadata.name : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    labels: stringRecord(metadata.labels),
    annotations: stringRecord(metadata.annotations),
  };
}

function stringRecord(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = formatValue(v);
  return out;
}

export function objectFromDocument(file: string, doc: YamlDocument, origin: ObjectOrigin): K8sObject | undefined {
  if (!isK8sDocument(doc.value)) return undefined;
  const raw = doc.value;
  return {
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata: readMeta(raw),
    raw,
    origin,
    locate: (path: ValuePath) => ({ path: file, ...doc.locate(path) }),
  };
}

/** `Deployment/api-gateway` style name used in messages. */
export function describeObject(object: K8sObject): string {
  return `${object.kind}/${object.metadata.name || '(unnamed)'}`;
}

/** Kinds bplus understands; anything else is reported once as not reviewed. */
export const KNOWN_KINDS = new Set([
  'Namespace',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'Job',
  'CronJob',
  'Pod',
  'Service',
  'Ingress',
  'IngressClass',
  'NetworkPolicy',
  'ConfigMap',
  'Secret',
  'SealedSecret',
  'HorizontalPodAutoscaler',
  'ScaledObject',
  'ScaledJob',
  'TriggerAuthentication',
  'ClusterTriggerAuthentication',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'LimitRange',
  'ResourceQuota',
  'CustomResourceDefinition',
  'HTTPRoute',
  'Gateway',
  'ServiceMonitor',
  'PodMonitor',
  'PrometheusRule',
  'VaultStaticSecret',
  'VaultDynamicSecret',
  'VaultAuth',
  'VaultConnection',
  'ExternalSecret',
  'SecretStore',
  'Application',
  'ApplicationSet',
  'Kustomization',
  'HelmRelease',
  'HelmRepository',
  'GitRepository',
  'Certificate',
  'Issuer',
  'ClusterIssuer',
  'PriorityClass',
  'VerticalPodAutoscaler',
  'List',
  'ReplicationController',
  'Rollout',
]);

/**
 * Every kind that carries a pod: the built-in controllers (ReplicationController included, still
 * served by the API server) and Argo Rollouts' Rollout, whose `spec.template` has the Deployment's
 * shape. A Rollout with `spec.workloadRef` instead of a template points at a Deployment that is
 * reviewed as itself.
 */
export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod', 'Rollout']);

/** The value path of a workload's pod spec (Pod, templates, CronJob's job template). */
export function podSpecPath(object: K8sObject): ValuePath | undefined {
  switch (object.kind) {
    case 'Pod':
      return ['spec'];
    case 'CronJob':
      return ['spec', 'jobTemplate', 'spec', 'template', 'spec'];
    default:
      return WORKLOAD_KINDS.has(object.kind) ? ['spec', 'template', 'spec'] : undefined;
  }
}
