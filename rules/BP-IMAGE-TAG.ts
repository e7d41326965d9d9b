import { containersOf, defineRule, isServiceObject, isTemplatedValue, WORKLOAD_KINDS, type RuleMessages } from '../src/engine/rule-kit.ts';

/** The tag of an image reference (`registry:5000/team/app:1.2@sha256:...`), and whether it has a digest. */
export function parseImage(image: string): { tag: string | undefined; digest: boolean } {
  const at = image.indexOf('@');
  const digest = at >= 0 && /^@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/.test(image.slice(at));
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const tag = colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
  return { tag: tag === '' ? undefined : tag, digest };
}

const messages = {
  latest: {
    en: 'container "{container}" ({field}) of {object} uses the tag latest: pin a version (or a digest)',
    ru: 'контейнер «{container}» ({field}) в {object} использует тег latest: зафиксируйте версию (или digest)',
  },
  missingTag: {
    en: 'container "{container}" ({field}) of {object} has no image tag, which means latest: pin a version (or a digest)',
    ru: 'у контейнера «{container}» ({field}) в {object} не указан тег образа, то есть latest: зафиксируйте версию (или digest)',
  },
} satisfies RuleMessages;

export default defineRule({
  meta: {
    id: 'BP-IMAGE-TAG',
    title: { en: 'Pinned image tags', ru: 'Зафиксированные теги образов' },
    description: {
      en: 'Every container image names an explicit tag other than latest, or a digest, so that a rollout deploys exactly what was reviewed and a rollback returns to a known image.',
      ru: 'Каждый образ контейнера указывает явный тег, отличный от latest, или digest: тогда выкатывается ровно то, что проверили, а откат возвращает известный образ.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details:
        'Checked on every container and init container of production workloads: values of service charts (`image.tag`, and the `image` of sidecars and init containers), manifests and chart templates. A digest (`@sha256:...`) pins the image whatever the tag says, so `app:latest@sha256:...` is accepted. A missing tag means `latest` to the container runtime. Templated images (`{{ .Values.image }}`) are not judged.',
      incorrect: 'image:\n  repository: registry.balance-plus.internal/api-gateway\n  tag: latest',
      correct: 'image:\n  repository: registry.balance-plus.internal/api-gateway\n  tag: "1.4.2"',
    },
    peers: ['kube-linter `latest-tag`', 'Polaris `tagNotSpecified`', 'Checkov CKV_K8S_14'],
    messages,
  },
  check(context) {
    for (const object of context.production(...WORKLOAD_KINDS)) {
      const containers = containersOf(object);
      containers.forEach((ref) => {
        const image = ref.container.image;
        if (typeof image !== 'string' || isTemplatedValue(image) || image.trim() === '') return;
        const { tag, digest } = parseImage(image.trim());
        if (digest || (tag !== undefined && tag !== 'latest')) return;
        // Values: the main container's image is `image.repository` + `image.tag`; point at the tag.
        const isValuesMain = isServiceObject(context.model, object) && ref.role === 'container' && ref.path.at(-1) === 0;
        const init = ref.role === 'initContainer';
        context.report({
          messageId: tag === 'latest' ? 'latest' : 'missingTag',
          data: {
            field: init ? 'initContainers' : 'containers',
            container: ref.name,
            object: `${object.kind}/${object.metadata.name}`,
          },
          object,
          path: isValuesMain ? [...ref.path, 'image', 'tag'] : [...ref.path, 'image'],
        });
      });
    }
  },
});
