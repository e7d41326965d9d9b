import { containersOf, defineRule, isRecord, isServiceObject, WORKLOAD_KINDS } from '../src/engine/rule-kit.ts';

export default defineRule({
  meta: {
    id: 'BP-READONLY-ROOTFS',
    title: { en: 'Read-only root filesystem', ru: 'Корневая файловая система только для чтения' },
    description: {
      en: 'Every container sets securityContext.readOnlyRootFilesystem: true, so that an intruder cannot drop binaries or alter the image at run time; writable paths are emptyDir or volume mounts.',
      ru: 'Каждый контейнер задаёт securityContext.readOnlyRootFilesystem: true, чтобы злоумышленник не мог подложить исполняемые файлы или изменить образ во время работы; записываемые пути — emptyDir или тома.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details:
        'Checked on every container and init container of production workloads in manifests and chart templates. Service charts: the library applies the values `securityContext` to the main container and to every init container and sidecar, so the finding lands on `securityContext` in the values file. Templated values are not judged. Applications that write to /tmp or a cache mount an emptyDir there (the platform libraries mount /tmp).',
      incorrect: 'securityContext:\n  allowPrivilegeEscalation: false',
      correct: 'securityContext:\n  readOnlyRootFilesystem: true\n  allowPrivilegeEscalation: false',
    },
    peers: [
      'kube-linter `no-read-only-root-fs`',
      'Polaris `notReadOnlyRootFilesystem`',
      'Checkov CKV_K8S_22',
      'Kubescape C-0017 (Immutable container filesystem)',
    ],
    messages: {
      writable: {
        en: 'container "{container}" ({field}) of {object} has a writable root filesystem: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes',
        ru: 'у контейнера «{container}» ({field}) в {object} корневая файловая система доступна для записи: задайте securityContext.readOnlyRootFilesystem: true и смонтируйте emptyDir туда, куда он пишет',
      },
    },
  },
  check(context) {
    for (const object of context.production(...WORKLOAD_KINDS)) {
      const containers = containersOf(object);
      // Values: the library copies the main container's securityContext to every other container.
      const checked = isServiceObject(context.model, object) ? containers.filter((c) => c.role === 'container').slice(0, 1) : containers;
      for (const ref of checked) {
        const sc = isRecord(ref.container.securityContext) ? ref.container.securityContext : {};
        const value = sc.readOnlyRootFilesystem;
        if (value === true || (typeof value === 'string' && value.includes('{{'))) continue;
        context.report({
          messageId: 'writable',
          data: {
            field: ref.role === 'initContainer' ? 'initContainers' : 'containers',
            container: ref.name,
            object: `${object.kind}/${object.metadata.name}`,
          },
          object,
          path: [...ref.path, 'securityContext', 'readOnlyRootFilesystem'],
        });
      }
    }
  },
});
