import { defineRule } from '../src/engine/rule.ts';
import { isServiceObject } from '../src/engine/service-objects.ts';
import { containersOf, isProduction, podSpecOf, type ContainerRef } from '../src/engine/workloads.ts';
import { podSpecPath, WORKLOAD_KINDS } from '../src/model/objects.ts';
import { isRecord } from '../src/model/values.ts';

type MessageId = 'runsAsRoot' | 'rootUser' | 'privileged' | 'privilegeEscalation';

export default defineRule<MessageId>({
  meta: {
    id: 'BP-NON-ROOT',
    title: { en: 'Non-root, unprivileged containers', ru: 'Контейнеры без root и без привилегий' },
    description: {
      en: 'Containers run as a non-root user (runAsNonRoot: true at pod or container level), are never privileged, and cannot gain privileges (allowPrivilegeEscalation: false), as the Kubernetes restricted Pod Security Standard requires.',
      ru: 'Контейнеры работают не от root (runAsNonRoot: true на уровне пода или контейнера), никогда не privileged и не могут повысить привилегии (allowPrivilegeEscalation: false), как требует стандарт Pod Security restricted.',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        'The effective setting is the container\'s, else the pod\'s (`securityContext` of the pod spec), as the kubelet computes it. `runAsUser` alone does not satisfy the rule (the restricted Pod Security Standard requires `runAsNonRoot: true`); an explicit `runAsUser: 0` is reported as well. `allowPrivilegeEscalation` defaults to true, so it must be set to false on every container; `privileged: true` is always reported.',
        'Checked on every container and init container of production workloads in manifests and chart templates. Service charts: findings land on `podSecurityContext` / `securityContext` in values; the library applies `securityContext` to sidecars and init containers too, so only the main container is judged there.',
      ].join('\n\n'),
      incorrect: 'securityContext:\n  privileged: true',
      correct: 'podSecurityContext: { runAsNonRoot: true, runAsUser: 10001 }\nsecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }',
    },
    messages: {
      runsAsRoot: {
        en: 'container(s) {names} of {object} may run as root: set runAsNonRoot: true (pod securityContext, not overridden by a container)',
        ru: 'контейнер(ы) {names} в {object} могут работать от root: задайте runAsNonRoot: true (в securityContext пода, без переопределения в контейнере)',
      },
      rootUser: {
        en: 'container "{container}" of {object} runs as UID 0 (runAsUser: 0): use a non-root UID',
        ru: 'контейнер «{container}» в {object} работает с UID 0 (runAsUser: 0): используйте UID не root',
      },
      privileged: {
        en: 'container "{container}" of {object} is privileged: it has full access to the node; remove privileged: true',
        ru: 'контейнер «{container}» в {object} привилегированный: он имеет полный доступ к узлу; уберите privileged: true',
      },
      privilegeEscalation: {
        en: 'container "{container}" of {object} can gain privileges: set securityContext.allowPrivilegeEscalation: false',
        ru: 'контейнер «{container}» в {object} может повысить привилегии: задайте securityContext.allowPrivilegeEscalation: false',
      },
    },
  },
  check(context) {
    for (const object of context.objects(...WORKLOAD_KINDS)) {
      if (!isProduction(object, context.config)) continue;
      const specPath = podSpecPath(object);
      const spec = podSpecOf(object);
      if (!specPath || !spec) continue;
      const pod = isRecord(spec.securityContext) ? spec.securityContext : {};
      const all = containersOf(object);
      const refs: ContainerRef[] = isServiceObject(context.model, object) ? all.filter((c) => c.role === 'container').slice(0, 1) : all;
      const name = `${object.kind}/${object.metadata.name}`;
      const inheritRoot: string[] = [];
      for (const ref of refs) {
        const sc = isRecord(ref.container.securityContext) ? ref.container.securityContext : {};
        const scPath = [...ref.path, 'securityContext'];
        const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        if (nonRoot !== true && !templated(nonRoot)) {
          if (sc.runAsNonRoot === false) {
            context.report({ messageId: 'runsAsRoot', data: { names: `"${ref.name}"`, object: name }, object, path: [...scPath, 'runAsNonRoot'] });
          } else inheritRoot.push(ref.name);
        }
        const user = sc.runAsUser ?? pod.runAsUser;
        if (user === 0 || user === '0') {
          const path = sc.runAsUser !== undefined ? [...scPath, 'runAsUser'] : [...specPath, 'securityContext', 'runAsUser'];
          context.report({ messageId: 'rootUser', data: { container: ref.name, object: name }, object, path });
        }
        if (sc.privileged === true) context.report({ messageId: 'privileged', data: { container: ref.name, object: name }, object, path: [...scPath, 'privileged'] });
        if (sc.allowPrivilegeEscalation !== false && !templated(sc.allowPrivilegeEscalation)) {
          context.report({ messageId: 'privilegeEscalation', data: { container: ref.name, object: name }, object, path: [...scPath, 'allowPrivilegeEscalation'] });
        }
      }
      if (inheritRoot.length > 0) {
        context.report({
          messageId: 'runsAsRoot',
          data: { names: inheritRoot.map((c) => `"${c}"`).join(', '), object: name },
          object,
          path: [...specPath, 'securityContext', 'runAsNonRoot'],
        });
      }
    }
  },
});

function templated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}
