import { describe, expect, it } from 'vitest';
import { analyzeQos, computeQosClass, type QosClass, type QosContainer, type QosPod } from '../../src/k8s/qos.ts';

// Mirrors getResourceList(cpu, memory) in the Kubernetes tests: "" means absent.
function list(cpu: string | number, memory: string | number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (cpu !== '') out.cpu = cpu;
  if (memory !== '') out.memory = memory;
  return out;
}
function container(requests: Record<string, unknown>, limits: Record<string, unknown>): QosContainer {
  return { resources: { requests, limits } };
}

// pkg/apis/core/v1/helper/qos/qos_test.go TestComputePodQOS (same rows in
// pkg/apis/core/helper/qos/qos_test.go). Go runs these on undefaulted pods, so they are
// checked with applyDefaults: false as well as with defaulting (same answers for all rows).
const computePodQosTable: Array<[string, QosPod, QosClass]> = [
  ['guaranteed', { containers: [container(list('100m', '100Mi'), list('100m', '100Mi'))] }, 'Guaranteed'],
  [
    'guaranteed-guaranteed',
    { containers: [container(list('100m', '100Mi'), list('100m', '100Mi')), container(list('100m', '100Mi'), list('100m', '100Mi'))] },
    'Guaranteed',
  ],
  ['best-effort-best-effort', { containers: [container(list('', ''), list('', '')), container(list('', ''), list('', ''))] }, 'BestEffort'],
  ['best-effort', { containers: [container(list('', ''), list('', ''))] }, 'BestEffort'],
  ['best-effort-burstable', { containers: [container(list('', ''), list('', '')), container(list('1', ''), list('2', ''))] }, 'Burstable'],
  ['best-effort-guaranteed', { containers: [container(list('', ''), list('', '')), container(list('10m', '100Mi'), list('10m', '100Mi'))] }, 'Burstable'],
  ['burstable-cpu-guaranteed-memory', { containers: [container(list('', '100Mi'), list('', '100Mi'))] }, 'Burstable'],
  ['burstable-no-limits', { containers: [container(list('100m', '100Mi'), list('', ''))] }, 'Burstable'],
  [
    'burstable-guaranteed',
    { containers: [container(list('1', '100Mi'), list('2', '100Mi')), container(list('100m', '100Mi'), list('100m', '100Mi'))] },
    'Burstable',
  ],
  [
    'burstable-unbounded-but-requests-match-limits',
    { containers: [container(list('100m', '100Mi'), list('200m', '200Mi')), container(list('100m', '100Mi'), list('', ''))] },
    'Burstable',
  ],
  ['burstable-1', { containers: [container(list('10m', '100Mi'), list('100m', '200Mi'))] }, 'Burstable'],
  ['burstable-2', { containers: [container(list('0', '0'), list('100m', '200Mi'))] }, 'Burstable'],
  [
    'best-effort-hugepages',
    { containers: [container({ ...list('0', '0'), 'hugepages-2Mi': '1Gi' }, { ...list('0', '0'), 'hugepages-2Mi': '1Gi' })] },
    'BestEffort',
  ],
  [
    'init-container',
    { containers: [container(list('', ''), list('', ''))], initContainers: [container(list('10m', '100Mi'), list('100m', '200Mi'))] },
    'Burstable',
  ],
  // podLevelResourcesEnabled: true rows
  [
    'guaranteed-with-pod-level-resources',
    { containers: [container(list('', ''), list('', ''))], resources: { requests: list('10m', '100Mi'), limits: list('10m', '100Mi') } },
    'Guaranteed',
  ],
  [
    'guaranteed-with-pod-and-container-level-resources',
    { containers: [container(list('3m', '10Mi'), list('5m', '20Mi'))], resources: { requests: list('10m', '100Mi'), limits: list('10m', '100Mi') } },
    'Guaranteed',
  ],
  [
    'burstable-with-pod-level-resources',
    { containers: [container(list('', ''), list('', ''))], resources: { requests: list('10m', '10Mi'), limits: list('20m', '50Mi') } },
    'Burstable',
  ],
  [
    'burstable-with-pod-and-container-level-resources',
    { containers: [container(list('5m', '10Mi'), list('5m', '10Mi'))], resources: { requests: list('10m', '10Mi'), limits: list('20m', '50Mi') } },
    'Burstable',
  ],
  [
    'burstable-with-pod-and-container-level-requests',
    { containers: [container(list('5m', '10Mi'), list('', ''))], resources: { requests: list('10m', '10Mi'), limits: list('', '') } },
    'Burstable',
  ],
  [
    'burstable-with-pod-and-container-level-resources-2',
    {
      containers: [container(list('5m', '10Mi'), list('', '')), container(list('5m', '10Mi'), list('5m', '10Mi'))],
      resources: { requests: list('10m', '10Mi'), limits: list('5m', '') },
    },
    'Burstable',
  ],
];
describe('computeQosClass — TestComputePodQOS', () => {
  it.each(computePodQosTable)('%s → %s', (_name, pod, expected) => {
    expect(computeQosClass(pod)).toBe(expected);
    expect(analyzeQos(pod, { applyDefaults: false }).qosClass).toBe(expected);
  });
});

// pkg/apis/core/v1/helper/qos/qos_test.go TestCollectContainerLevelResources: the
// "isGuaranteed" flag there is only the every-container-limits-cpu-and-memory check; the class
// follows from the sums (requests 450m/550Mi ≠ limits 1100m/1300Mi → Burstable).
const collectTable: Array<[string, QosPod, QosClass]> = [
  ['single container, full limits above requests', { containers: [container(list('100m', '200Mi'), list('200m', '400Mi'))] }, 'Burstable'],
  [
    'two containers + init with cpu+memory limits',
    {
      containers: [container(list('100m', '100Mi'), list('200m', '200Mi')), container(list('300m', '400Mi'), list('800m', '1000Mi'))],
      initContainers: [container(list('50m', '50Mi'), list('100m', '100Mi'))],
    },
    'Burstable',
  ],
  ['only cpu limit, zero requests ignored', { containers: [container(list('0', '0'), list('100m', ''))] }, 'Burstable'],
  [
    'init container missing cpu limit',
    {
      containers: [container(list('100m', '100Mi'), list('200m', '300Mi')), container(list('300m', '100Mi'), list('50m', '300Mi'))],
      initContainers: [container(list('50m', '50Mi'), list('', '50Mi'))],
    },
    'Burstable',
  ],
  [
    'hugepages do not count',
    { containers: [container({ ...list('250m', '256Mi'), 'hugepages-2Mi': '4Mi' }, { ...list('250m', '256Mi'), 'hugepages-2Mi': '8Mi' })] },
    'Guaranteed',
  ],
];
describe('computeQosClass — TestCollectContainerLevelResources', () => {
  it.each(collectTable)('%s → %s', (_name, pod, expected) => {
    expect(computeQosClass(pod)).toBe(expected);
  });
});

// SetDefaults_Pod (pkg/apis/core/v1/defaults.go): a limit without a request becomes the request.
// Plus exact comparison and YAML-number edge cases.
const defaultingTable: Array<[string, QosPod, QosClass, QosClass]> = [
  // name, pod, class after defaulting, class if the pod were not defaulted
  ['limits only → Guaranteed once defaulted', { containers: [container({}, list('1', '1Gi'))] }, 'Guaranteed', 'Burstable'],
  ['limits only, no requests key', { containers: [{ resources: { limits: list('500m', '512Mi') } }] }, 'Guaranteed', 'Burstable'],
  ['limit cpu only defaulted, memory request without limit', { containers: [container(list('', '1Gi'), list('1', ''))] }, 'Burstable', 'Burstable'],
  [
    'init container limits only is defaulted too',
    { containers: [container(list('1', '1Gi'), list('1', '1Gi'))], initContainers: [{ resources: { limits: list('2', '2Gi') } }] },
    'Guaranteed',
    'Burstable',
  ],
  ['explicit request below the limit is kept', { containers: [container(list('500m', ''), list('1', '1Gi'))] }, 'Burstable', 'Burstable'],
  ['1 equals 1000m exactly', { containers: [container(list('1', '1Gi'), list('1000m', '1073741824'))] }, 'Guaranteed', 'Guaranteed'],
  ['0.1 equals 100m exactly', { containers: [container(list('0.1', '1G'), list('100m', '1e9'))] }, 'Guaranteed', 'Guaranteed'],
  ['YAML numbers: cpu 1, memory 1e9', { containers: [container(list(1, 1e9), list('1', '1G'))] }, 'Guaranteed', 'Guaranteed'],
  ['one nano apart is not equal', { containers: [container(list('1', '1Gi'), list('1000000001n', '1Gi'))] }, 'Burstable', 'Burstable'],
  ['zero limits count as absent', { containers: [container(list('0', '0'), list('0', '0'))] }, 'BestEffort', 'BestEffort'],
  [
    'ephemeral-storage alone is BestEffort',
    { containers: [container({ 'ephemeral-storage': '1Gi' }, { 'ephemeral-storage': '1Gi' })] },
    'BestEffort',
    'BestEffort',
  ],
  ['no containers at all', { containers: [] }, 'BestEffort', 'BestEffort'],
];
describe('computeQosClass — request defaulting and exactness', () => {
  it.each(defaultingTable)('%s', (_name, pod, defaulted, raw) => {
    expect(computeQosClass(pod)).toBe(defaulted);
    expect(analyzeQos(pod, { applyDefaults: false }).qosClass).toBe(raw);
  });
});

// defaultPodRequests (pkg/apis/core/v1/defaults.go) and the PodLevelResources switch.
const podLevelTable: Array<[string, QosPod, QosClass, QosClass]> = [
  // name, pod, class with pod-level resources, class with the gate off
  [
    'pod limits only: requests default to limits',
    { containers: [container(list('', ''), list('', ''))], resources: { limits: list('1', '1Gi') } },
    'Guaranteed',
    'BestEffort',
  ],
  [
    'pod limits only, containers request less: requests come from containers',
    { containers: [container(list('500m', '512Mi'), list('', ''))], resources: { limits: list('1', '1Gi') } },
    'Burstable',
    'Burstable',
  ],
  [
    'pod limits only, containers request exactly the limits',
    { containers: [container(list('500m', '512Mi'), list('', '')), container(list('500m', '512Mi'), list('', ''))], resources: { limits: list('1', '1Gi') } },
    'Guaranteed',
    'Burstable',
  ],
  [
    'only hugepages at pod level still selects the pod-level path',
    { containers: [container(list('1', '1Gi'), list('1', '1Gi'))], resources: { limits: { 'hugepages-2Mi': '2Mi' } } },
    'Burstable',
    'Guaranteed',
  ], // pod requests default from the containers; no pod cpu/memory limits
  [
    'only ephemeral-storage at pod level: container rules apply',
    { containers: [container(list('1', '1Gi'), list('1', '1Gi'))], resources: { limits: { 'ephemeral-storage': '1Gi' } } },
    'Guaranteed',
    'Guaranteed',
  ],
];
describe('computeQosClass — pod-level resources', () => {
  it.each(podLevelTable)('%s', (_name, pod, withPodLevel, gateOff) => {
    expect(computeQosClass(pod)).toBe(withPodLevel);
    expect(analyzeQos(pod, { podLevelResources: false }).qosClass).toBe(gateOff);
  });

  it('sidecar init containers add to the aggregate, ordinary init containers peak', () => {
    const pod: QosPod = {
      containers: [container(list('500m', '512Mi'), list('', ''))],
      initContainers: [{ restartPolicy: 'Always', resources: { requests: list('500m', '512Mi') } }, { resources: { requests: list('200m', '128Mi') } }],
      resources: { limits: list('1', '1Gi') },
    };
    expect(computeQosClass(pod)).toBe('Guaranteed');
    const withBigInit: QosPod = { ...pod, initContainers: [{ resources: { requests: list('2', '1Gi') } }] };
    expect(computeQosClass(withBigInit)).toBe('Burstable');
    expect(analyzeQos(pod).usedPodLevelResources).toBe(true);
  });
});

describe('analyzeQos — invalid quantities', () => {
  it('reports and skips values Kubernetes would reject', () => {
    const pod: QosPod = { containers: [container(list('1', '1Gb'), list('1', '1Gb'))] };
    const analysis = analyzeQos(pod);
    expect(analysis.invalidQuantities.map((i) => i.path)).toEqual(['containers[0].resources.limits.memory', 'containers[0].resources.requests.memory']);
    expect(analysis.qosClass).toBe('Burstable');
  });

  it('treats non-quantity YAML values (booleans, null) as invalid', () => {
    const analysis = analyzeQos({ containers: [container({ cpu: true }, { memory: null })] });
    expect(analysis.invalidQuantities).toHaveLength(2);
    expect(analysis.qosClass).toBe('BestEffort');
  });
});
