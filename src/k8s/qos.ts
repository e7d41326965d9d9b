/**
 * Pod QoS class, as Kubernetes computes it for a pod the API server has defaulted.
 *  - Classification: pkg/apis/core/helper/qos/qos.go ComputePodQOS (and its v1 twin).
 *  - Defaulting applied first, because ComputePodQOS only ever sees defaulted pods:
 *    pkg/apis/core/v1/defaults.go SetDefaults_Pod — a container limit with no request
 *    makes the request equal to the limit; with pod-level resources, defaultPodRequests.
 * Written from those definitions, not translated from them.
 *
 * Version choices (see also computeQosClass options):
 *  - Pod-level resources (spec.resources, KEP-2837; feature gate PodLevelResources, beta and
 *    on by default since v1.34) are honoured by default, with the newer
 *    PodLevelResourcesFixKubeletQOSClass rule: the pod-level path is taken only when the pod
 *    sets a supported pod-level resource (cpu, memory, hugepages-*).
 *  - defaultPodLimits (pod limits derived from container limits, newest releases) is not modelled.
 */
import { compareQuantities, makeQuantity, tryParseQuantity, type Quantity } from './quantity.ts';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface ContainerResources {
  requests?: Record<string, unknown>;
  limits?: Record<string, unknown>;
}

export interface QosContainer {
  name?: string;
  resources?: ContainerResources;
  /** Init containers with restartPolicy Always are sidecars (they run alongside the app). */
  restartPolicy?: string;
}

export interface QosPod {
  containers: QosContainer[];
  initContainers?: QosContainer[];
  /** Pod-level resources (spec.resources). */
  resources?: ContainerResources;
}

export interface QosOptions {
  /** Honour spec.resources (PodLevelResources gate). Default true. */
  podLevelResources?: boolean;
  /** Apply SetDefaults_Pod request defaulting before classifying. Default true. */
  applyDefaults?: boolean;
}

export interface InvalidQuantity {
  /** e.g. "containers[0].resources.limits.memory" */
  path: string;
  value: unknown;
  error: string;
}

export interface QosAnalysis {
  qosClass: QosClass;
  /** Whether the pod-level (spec.resources) rules decided the class. */
  usedPodLevelResources: boolean;
  /** Values Kubernetes would reject; they are left out of the computation. */
  invalidQuantities: InvalidQuantity[];
}

/** Only these two resources decide QoS (supportedQoSComputeResources). */
const QOS_RESOURCES = ['cpu', 'memory'] as const;
type QosResource = (typeof QOS_RESOURCES)[number];
type QosList = Partial<Record<QosResource, Quantity>>;

const ZERO = makeQuantity(0n, 0, 'DecimalSI');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSupportedPodLevelResource(name: string): boolean {
  return name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');
}

function add(a: Quantity, b: Quantity): Quantity {
  // Align on the smaller exponent; both are exact, so the sum is too.
  const exponent = Math.min(a.exponent, b.exponent);
  const scaled = (q: Quantity) => q.mantissa * 10n ** BigInt(q.exponent - exponent);
  return makeQuantity(scaled(a) + scaled(b), exponent, a.format);
}

function max(a: Quantity, b: Quantity): Quantity {
  return compareQuantities(a, b) >= 0 ? a : b;
}

/** Parses the cpu and memory entries of one ResourceList; bad values are reported and skipped. */
class ResourceReader {
  readonly invalid: InvalidQuantity[] = [];

  read(list: unknown, path: string): QosList {
    const out: QosList = {};
    if (!isRecord(list)) return out;
    for (const name of QOS_RESOURCES) {
      if (!Object.prototype.hasOwnProperty.call(list, name)) continue;
      const value = list[name];
      const parsed = tryParseQuantity(value);
      if (parsed.ok) out[name] = parsed.quantity;
      else this.invalid.push({ path: `${path}.${name}`, value, error: parsed.error });
    }
    return out;
  }
}

interface ContainerLists {
  requests: QosList;
  limits: QosList;
  sidecar: boolean;
}

/** SetDefaults_Pod: a resource with a limit but no request gets request = limit. */
function defaultRequests(requests: QosList, limits: QosList, hasLimits: boolean): QosList {
  if (!hasLimits) return requests;
  const out: QosList = { ...requests };
  for (const name of QOS_RESOURCES) {
    const limit = limits[name];
    if (out[name] === undefined && limit !== undefined) out[name] = limit;
  }
  return out;
}

function readContainers(pod: QosPod, reader: ResourceReader, applyDefaults: boolean): { containers: ContainerLists[]; initContainers: ContainerLists[] } {
  const readOne = (c: QosContainer, path: string): ContainerLists => {
    const resources = isRecord(c?.resources) ? c.resources : {};
    const limits = reader.read(resources.limits, `${path}.resources.limits`);
    const rawRequests = reader.read(resources.requests, `${path}.resources.requests`);
    // Defaulting copies the limit, even an unparseable one; skipping it keeps "invalid" honest.
    const requests = applyDefaults ? defaultRequests(rawRequests, limits, isRecord(resources.limits)) : rawRequests;
    return { requests, limits, sidecar: c?.restartPolicy === 'Always' };
  };
  return {
    containers: (pod.containers ?? []).map((c, i) => readOne(c, `containers[${i}]`)),
    initContainers: (pod.initContainers ?? []).map((c, i) => readOne(c, `initContainers[${i}]`)),
  };
}

/** Keep strictly positive values and sum them per resource (processResourceList). */
function addPositive(total: QosList, list: QosList): void {
  for (const name of QOS_RESOURCES) {
    const q = list[name];
    if (q === undefined || compareQuantities(q, ZERO) <= 0) continue;
    const current = total[name];
    total[name] = current === undefined ? q : add(current, q);
  }
}

function positiveNames(list: QosList): Set<QosResource> {
  return new Set(
    QOS_RESOURCES.filter((name) => {
      const q = list[name];
      return q !== undefined && compareQuantities(q, ZERO) > 0;
    }),
  );
}

/**
 * Effective pod requests from containers (component-helpers AggregateContainerRequests):
 * app containers and sidecars add up; each ordinary init container runs alone next to the
 * sidecars started before it, and the pod needs the larger of the two phases.
 */
function aggregateContainerRequests(containers: ContainerLists[], initContainers: ContainerLists[]): QosList {
  const total: QosList = {};
  for (const c of containers) addAll(total, c.requests);
  const sidecars: QosList = {};
  const initPeak: QosList = {};
  for (const c of initContainers) {
    let phase: QosList;
    if (c.sidecar) {
      addAll(total, c.requests);
      addAll(sidecars, c.requests);
      phase = sidecars;
    } else {
      phase = { ...c.requests };
      addAll(phase, sidecars);
    }
    for (const name of QOS_RESOURCES) {
      const q = phase[name];
      const peak = initPeak[name];
      if (q !== undefined) initPeak[name] = peak === undefined ? q : max(peak, q);
    }
  }
  for (const name of QOS_RESOURCES) {
    const peak = initPeak[name];
    const current = total[name];
    if (peak !== undefined) total[name] = current === undefined ? peak : max(current, peak);
  }
  return total;
}

function addAll(total: QosList, list: QosList): void {
  for (const name of QOS_RESOURCES) {
    const q = list[name];
    if (q === undefined) continue;
    const current = total[name];
    total[name] = current === undefined ? q : add(current, q);
  }
}

function classify(requests: QosList, limits: QosList, limitsCoverCpuAndMemory: boolean): QosClass {
  const requested = QOS_RESOURCES.filter((n) => requests[n] !== undefined);
  const limited = QOS_RESOURCES.filter((n) => limits[n] !== undefined);
  if (requested.length === 0 && limited.length === 0) return 'BestEffort';
  const equal = requested.every((n) => {
    const limit = limits[n];
    const request = requests[n];
    return limit !== undefined && request !== undefined && compareQuantities(limit, request) === 0;
  });
  return limitsCoverCpuAndMemory && equal && requested.length === limited.length ? 'Guaranteed' : 'Burstable';
}

/** QoS class plus the evidence: which rules applied and which values were unusable. */
export function analyzeQos(pod: QosPod, options: QosOptions = {}): QosAnalysis {
  const reader = new ResourceReader();
  const applyDefaults = options.applyDefaults ?? true;
  const { containers, initContainers } = readContainers(pod, reader, applyDefaults);

  const podResources = isRecord(pod.resources) ? pod.resources : undefined;
  const podLevelSet =
    podResources !== undefined &&
    [podResources.requests, podResources.limits].some((list) => isRecord(list) && Object.keys(list).some(isSupportedPodLevelResource));

  if ((options.podLevelResources ?? true) && podLevelSet && podResources !== undefined) {
    const limits = reader.read(podResources.limits, 'resources.limits');
    let requests = reader.read(podResources.requests, 'resources.requests');
    if (applyDefaults && isRecord(podResources.limits) && Object.keys(podResources.limits).length > 0) {
      // defaultPodRequests: missing pod requests come from the containers' effective
      // requests when they ask for the resource, otherwise from the pod limit.
      const fromContainers = aggregateContainerRequests(containers, initContainers);
      requests = { ...requests };
      for (const name of QOS_RESOURCES) {
        if (requests[name] !== undefined) continue;
        const value = fromContainers[name] ?? limits[name];
        if (value !== undefined) requests[name] = value;
      }
    }
    const positiveRequests: QosList = {};
    const positiveLimits: QosList = {};
    addPositive(positiveRequests, requests);
    addPositive(positiveLimits, limits);
    // Only a pod that sets limits at all can fail the "limits for cpu and memory" check here.
    const hasLimits = isRecord(podResources.limits) && Object.keys(podResources.limits).length > 0;
    const covered = !hasLimits || (positiveNames(limits).has('cpu') && positiveNames(limits).has('memory'));
    return {
      qosClass: classify(positiveRequests, positiveLimits, covered),
      usedPodLevelResources: true,
      invalidQuantities: reader.invalid,
    };
  }

  // Container path: ephemeral containers cannot set resources, so they never count.
  const requests: QosList = {};
  const limits: QosList = {};
  let everyContainerLimitsCpuAndMemory = true;
  for (const c of [...containers, ...initContainers]) {
    addPositive(requests, c.requests);
    addPositive(limits, c.limits);
    const found = positiveNames(c.limits);
    if (!found.has('cpu') || !found.has('memory')) everyContainerLimitsCpuAndMemory = false;
  }
  return {
    qosClass: classify(requests, limits, everyContainerLimitsCpuAndMemory),
    usedPodLevelResources: false,
    invalidQuantities: reader.invalid,
  };
}

/**
 * QoS class of a pod (or pod template spec) as the cluster would assign it once created.
 * Values that are not valid quantities are ignored (see analyzeQos for the list).
 */
export function computeQosClass(
  pod: { containers: Array<{ resources?: ContainerResources }>; initContainers?: Array<{ resources?: ContainerResources }> },
  options: QosOptions = {},
): QosClass {
  return analyzeQos(pod, options).qosClass;
}
