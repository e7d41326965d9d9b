import { addDefaultResources, defineRule, isRecord, isTemplatedValue, WORKLOAD_KINDS } from '../src/engine/rule-kit.ts';
import { compareQuantities, tryParseManifestQuantity, type Quantity } from '../src/k8s/quantity.ts';

const RESOURCES = ['cpu', 'memory'] as const;

export default defineRule({
  meta: {
    id: 'TR-K8S-3',
    title: { en: 'Requests and limits on every container', ru: 'Requests и limits для каждого контейнера' },
    description: {
      en: 'In production every container, init container and sidecar sets cpu and memory requests and limits; each is a valid Kubernetes quantity and no request exceeds its limit.',
      ru: 'В production каждый контейнер, init-контейнер и sidecar задаёт requests и limits по cpu и memory; значения — корректные Kubernetes quantity, request не больше limit.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: true,
    docs: {
      details:
        'Checked on what a real Helm renders of every chart per production environment (findings on service charts land on the values line that sets the field) and on plain manifests. Quantities are parsed exactly as Kubernetes parses them (`500m`, `1Gi`, `1e3`, `0.5`); `1.5Gb` is invalid. A request above its limit is rejected by the API server, so it is reported here rather than at deploy time. Values that Helm fills in at render time (`{{ ... }}`) are not judged.',
      incorrect: 'resources:\n  requests:\n    cpu: 250m\n    memory: 256Mi\n  # no limits',
      correct: 'resources:\n  requests: { cpu: 250m, memory: 256Mi }\n  limits:   { cpu: "1",  memory: 512Mi }',
      fix: '`bplus fix` (or `/bplus fix TR-K8S-3`) adds the platform defaults for the service kind (`defaults.resources` in the configuration) to the values file, keeping comments and order.',
    },
    peers: [
      'kube-linter `unset-cpu-requirements`, `unset-memory-requirements`',
      'Polaris `cpuRequestsMissing`, `cpuLimitsMissing`, `memoryRequestsMissing`, `memoryLimitsMissing`',
      'Checkov CKV_K8S_10, CKV_K8S_11, CKV_K8S_12, CKV_K8S_13',
      'Kubescape C-0004 (Resources memory limit and request), C-0050 (Resources CPU limit and request)',
    ],
    messages: {
      missingResources: {
        en: '{role} "{container}" has no resources: set cpu and memory requests and limits',
        ru: '{role} «{container}» без resources: задайте requests и limits по cpu и memory',
      },
      missing: { en: '{role} "{container}" has no {section}.{resource}', ru: 'у {role} «{container}» нет {section}.{resource}' },
      invalidQuantity: {
        en: '{role} "{container}": {section}.{resource} "{value}" is not a Kubernetes quantity ({error})',
        ru: '{role} «{container}»: {section}.{resource} «{value}» — не Kubernetes quantity ({error})',
      },
      requestAboveLimit: {
        en: '{role} "{container}": {resource} request {request} is above its limit {limit}',
        ru: '{role} «{container}»: request {resource} {request} больше limit {limit}',
      },
    },
  },
  check(context) {
    for (const object of context.production(...WORKLOAD_KINDS)) {
      const values = context.serviceValues(object);
      for (const ref of context.containers(object)) {
        const role = ref.role === 'initContainer' ? 'init container' : 'container';
        const base = { role, container: ref.name };
        // A service chart's container is fixed in its values: the main one, a sidecar or an init container.
        const fix = values
          ? addDefaultResources(values, { list: ref.role === 'initContainer' ? 'initContainers' : 'containers', index: Number(ref.path.at(-1)) })
          : undefined;
        const resources = ref.container.resources;
        // `resources: "{{ toYaml .Values.resources }}"` is filled in by Helm (a key followed by an
        // action on the next lines is left out by the engine for every rule).
        if (isTemplatedValue(resources)) continue;
        if (!isRecord(resources) || (!isRecord(resources.requests) && !isRecord(resources.limits))) {
          context.report({ messageId: 'missingResources', data: base, object, path: [...ref.path, 'resources'], fix });
          continue;
        }
        const parsed: Record<string, Quantity | undefined> = {};
        for (const section of ['requests', 'limits'] as const) {
          const values = isRecord(resources[section]) ? resources[section] : {};
          for (const resource of RESOURCES) {
            const path = [...ref.path, 'resources', section, resource];
            const value = values[resource];
            if (value === undefined || value === null) {
              context.report({ messageId: 'missing', data: { ...base, section, resource }, object, path, fix });
              continue;
            }
            if (isTemplatedValue(value)) continue;
            const result = tryParseManifestQuantity(value);
            if (result.ok) parsed[`${section}.${resource}`] = result.quantity;
            else context.report({ messageId: 'invalidQuantity', data: { ...base, section, resource, value, error: result.error }, object, path });
          }
        }
        for (const resource of RESOURCES) {
          const request = parsed[`requests.${resource}`];
          const limit = parsed[`limits.${resource}`];
          if (request && limit && compareQuantities(request, limit) > 0) {
            context.report({
              messageId: 'requestAboveLimit',
              data: { ...base, resource, request: request.text, limit: limit.text },
              object,
              path: [...ref.path, 'resources', 'requests', resource],
            });
          }
        }
      }
    }
  },
});
