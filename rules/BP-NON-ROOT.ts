import {
  containersOf,
  defineRule,
  formatValue,
  isRecord,
  isServiceObject,
  podSpecOf,
  podSpecPath,
  WORKLOAD_KINDS,
  type ContainerRef,
  type RuleMessages,
} from '../src/engine/rule-kit.ts';

/** The one capability the restricted Pod Security Standard lets a container add. */
const ALLOWED_ADDED_CAPABILITY = 'NET_BIND_SERVICE';
const ALLOWED_SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);
/** The volume types the restricted standard allows; any other source (hostPath, nfs, iscsi...) is reported. */
const ALLOWED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const messages = {
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
  capabilityAdded: {
    en: 'container "{container}" of {object} adds capability {capability}: the restricted Pod Security Standard allows adding only NET_BIND_SERVICE; remove it',
    ru: 'контейнер «{container}» в {object} добавляет capability {capability}: стандарт Pod Security restricted разрешает добавлять только NET_BIND_SERVICE; уберите её',
  },
  capabilitiesNotDropped: {
    en: 'container "{container}" of {object} does not drop ALL capabilities: set securityContext.capabilities.drop: [ALL]',
    ru: 'контейнер «{container}» в {object} не сбрасывает все capabilities: задайте securityContext.capabilities.drop: [ALL]',
  },
  noSeccompProfile: {
    en: 'container(s) {names} of {object} run without a seccomp profile: set securityContext.seccompProfile.type: RuntimeDefault on the pod',
    ru: 'контейнер(ы) {names} в {object} работают без профиля seccomp: задайте securityContext.seccompProfile.type: RuntimeDefault на уровне пода',
  },
  unconfinedSeccomp: {
    en: '{where} of {object} sets seccompProfile Unconfined: every system call is allowed; use RuntimeDefault (or a Localhost profile)',
    ru: '{where} в {object} задаёт seccompProfile Unconfined: разрешены все системные вызовы; используйте RuntimeDefault (или профиль Localhost)',
  },
  restrictedVolume: {
    en: 'volume "{volume}" of {object} is a {source} volume: the restricted Pod Security Standard allows only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes',
    ru: 'том «{volume}» в {object} имеет тип {source}: стандарт Pod Security restricted допускает только тома configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected и secret',
  },
  hostNamespace: {
    en: "{object} sets {field}: true: its containers share the node's {namespace} namespace; remove it",
    ru: '{object} задаёт {field}: true: его контейнеры разделяют с узлом пространство имён {namespace}; уберите его',
  },
} satisfies RuleMessages;

export default defineRule({
  meta: {
    id: 'BP-NON-ROOT',
    title: { en: 'Non-root, unprivileged containers', ru: 'Контейнеры без root и без привилегий' },
    description: {
      en: "Pods meet the Kubernetes restricted Pod Security Standard: containers run as a non-root user (runAsNonRoot: true, never UID 0), are never privileged, cannot gain privileges (allowPrivilegeEscalation: false), drop ALL capabilities and add none but NET_BIND_SERVICE, run under a RuntimeDefault or Localhost seccomp profile, share neither the node's process nor its IPC namespace, and mount only the volume types the standard allows (no hostPath).",
      ru: 'Поды соответствуют стандарту Pod Security restricted: контейнеры работают не от root (runAsNonRoot: true, никогда UID 0), никогда не privileged, не могут повысить привилегии (allowPrivilegeEscalation: false), сбрасывают все capabilities (drop ALL) и добавляют только NET_BIND_SERVICE, работают с профилем seccomp RuntimeDefault или Localhost не разделяют с узлом ни пространство процессов, ни IPC и монтируют только разрешённые стандартом типы томов (без hostPath).',
    },
    level: 'warning',
    pack: 'recommended',
    fixable: false,
    docs: {
      details: [
        "The controls are those of the restricted Pod Security Standard (kubernetes.io/docs/concepts/security/pod-security-standards), which includes the baseline one. Each finding lands on the line that breaks the control; a control satisfied by nothing lands on the pod's `securityContext` (grouping the containers that inherit from it) or on the container's.",
        "Running as non-root: the effective setting is the container's, else the pod's, as the kubelet computes it. `runAsUser` alone does not satisfy it (the standard requires `runAsNonRoot: true`); an explicit `runAsUser: 0` at either level is reported as well.",
        'Privileges: `privileged: true` is always reported; `allowPrivilegeEscalation` defaults to true, so it must be set to false on every container.',
        'Capabilities: every entry of `capabilities.add` other than `NET_BIND_SERVICE` is reported on its own line (`SYS_ADMIN`, `NET_RAW`, `ALL`...); `capabilities.drop` must contain `ALL` (reported on `drop`, or on the nearest existing key when it is missing). Names are compared exactly, as Pod Security admission compares them: `CAP_NET_BIND_SERVICE` or `all` is not what the standard allows or requires, even where a container runtime would accept it.',
        "Seccomp: the effective profile (container's `seccompProfile.type`, else the pod's) must be `RuntimeDefault` or `Localhost`; `Unconfined` at any level is reported on that line, and a container with no profile at all is reported on the pod's `securityContext.seccompProfile`. Pods with `spec.os.name: windows` are exempt from the Linux-only controls (seccomp, capabilities), as in the standard.",
        'Volumes: only `configMap`, `csi`, `downwardAPI`, `emptyDir`, `ephemeral`, `persistentVolumeClaim`, `projected` and `secret` volumes are allowed; any other source (`hostPath`, `nfs`, `iscsi`...) is reported on its key. Host namespaces: `hostPID: true` and `hostIPC: true` are reported on their lines. `hostNetwork` and `hostPort`, which also open a path around the Ingress controller, are TR-K8S-6 findings.',
        "Checked on every container and init container of production workloads of every pod-bearing kind (Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob, Argo Rollouts' Rollout) in manifests and chart templates. Service charts: findings land on `podSecurityContext` / `securityContext` in values; the library applies `securityContext` to sidecars and init containers too, so only the main container is judged there. Values Helm fills in at render time are not judged.",
      ].join('\n\n'),
      incorrect: 'securityContext:\n  privileged: true',
      correct:
        'podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: RuntimeDefault } }\nsecurityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }',
      examples: [
        {
          concern: 'capabilities added beyond NET_BIND_SERVICE, or ALL not dropped',
          incorrect: 'securityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    add: [SYS_ADMIN]\n    drop: [NET_RAW]',
          correct: 'securityContext:\n  allowPrivilegeEscalation: false\n  capabilities:\n    add: [NET_BIND_SERVICE]\n    drop: [ALL]',
        },
        {
          concern: 'seccomp profile',
          incorrect: 'podSecurityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: Unconfined',
          correct: 'podSecurityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault',
        },
        {
          concern: 'volume types',
          incorrect: 'volumes:\n  - name: docker\n    hostPath: { path: /var/run/docker.sock }',
          correct: 'volumes:\n  - name: scratch\n    emptyDir: {}\n  - name: data\n    persistentVolumeClaim: { claimName: data }',
        },
        {
          concern: 'host process and IPC namespaces',
          incorrect: 'apiVersion: v1\nkind: Pod\nmetadata: { name: debug }\nspec:\n  hostPID: true\n  hostIPC: true',
          correct: 'apiVersion: v1\nkind: Pod\nmetadata: { name: debug }\nspec:\n  hostPID: false',
        },
      ],
    },
    peers: [
      'kube-linter `run-as-non-root`, `privileged-container`, `privilege-escalation-container`, `drop-net-raw-capability`, `host-pid`, `host-ipc`',
      'Polaris `runAsRootAllowed`, `runAsPrivileged`, `privilegeEscalationAllowed`, `insecureCapabilities`, `dangerousCapabilities`, `hostPIDSet`, `hostIPCSet`',
      'kube-linter `sensitive-host-mounts`, `docker-sock` (any hostPath, not only sensitive ones)',
      'Checkov CKV_K8S_16, CKV_K8S_17, CKV_K8S_18, CKV_K8S_20, CKV_K8S_23, CKV_K8S_25, CKV_K8S_28, CKV_K8S_31, CKV_K8S_37, CKV_K8S_39',
      'Kubescape C-0013 (Non-root containers), C-0016 (Allow privilege escalation), C-0038 (Host PID/IPC privileges), C-0046 (Insecure capabilities), C-0055 (Linux hardening), C-0057 (Privileged container)',
    ],
    messages,
  },
  check(context) {
    for (const object of context.production(...WORKLOAD_KINDS)) {
      const specPath = podSpecPath(object);
      const spec = podSpecOf(object);
      if (!specPath || !spec) continue;
      const pod = isRecord(spec.securityContext) ? spec.securityContext : {};
      const podScPath = [...specPath, 'securityContext'];
      const all = containersOf(object);
      const refs: ContainerRef[] = isServiceObject(context.model, object) ? all.filter((c) => c.role === 'container').slice(0, 1) : all;
      const name = `${object.kind}/${object.metadata.name}`;
      const linux = !(isRecord(spec.os) && spec.os.name === 'windows');

      for (const [field, namespace] of [
        ['hostPID', 'process'],
        ['hostIPC', 'IPC'],
      ] as const) {
        if (spec[field] === true || spec[field] === 'true')
          context.report({ messageId: 'hostNamespace', data: { object: name, field, namespace }, object, path: [...specPath, field] });
      }
      if (Array.isArray(spec.volumes)) {
        spec.volumes.forEach((volume, index) => {
          if (!isRecord(volume)) return;
          for (const source of Object.keys(volume)) {
            if (source === 'name' || ALLOWED_VOLUME_SOURCES.has(source) || templated(source)) continue;
            const volumeName = typeof volume.name === 'string' ? volume.name : `#${index + 1}`;
            context.report({
              messageId: 'restrictedVolume',
              data: { volume: volumeName, object: name, source },
              object,
              path: [...specPath, 'volumes', index, source],
            });
          }
        });
      }
      const podSeccomp = seccompType(pod);
      if (linux && podSeccomp === 'Unconfined') {
        context.report({ messageId: 'unconfinedSeccomp', data: { where: 'the pod', object: name }, object, path: [...podScPath, 'seccompProfile', 'type'] });
      }

      const inheritRoot: string[] = [];
      const withoutSeccomp: string[] = [];
      for (const ref of refs) {
        const sc = isRecord(ref.container.securityContext) ? ref.container.securityContext : {};
        const scPath = [...ref.path, 'securityContext'];
        const data = { container: ref.name, object: name };
        const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
        if (nonRoot !== true && !templated(nonRoot)) {
          if (sc.runAsNonRoot === false) {
            context.report({ messageId: 'runsAsRoot', data: { names: `"${ref.name}"`, object: name }, object, path: [...scPath, 'runAsNonRoot'] });
          } else inheritRoot.push(ref.name);
        }
        const user = sc.runAsUser ?? pod.runAsUser;
        if (user === 0 || user === '0') {
          const path = sc.runAsUser !== undefined ? [...scPath, 'runAsUser'] : [...podScPath, 'runAsUser'];
          context.report({ messageId: 'rootUser', data, object, path });
        }
        if (sc.privileged === true) context.report({ messageId: 'privileged', data, object, path: [...scPath, 'privileged'] });
        if (sc.allowPrivilegeEscalation !== false && !templated(sc.allowPrivilegeEscalation)) {
          context.report({ messageId: 'privilegeEscalation', data, object, path: [...scPath, 'allowPrivilegeEscalation'] });
        }
        if (!linux) continue;

        const capabilities = isRecord(sc.capabilities) ? sc.capabilities : {};
        const capPath = [...scPath, 'capabilities'];
        if (Array.isArray(capabilities.add)) {
          capabilities.add.forEach((capability, index) => {
            if (typeof capability !== 'string' || templated(capability) || capability === ALLOWED_ADDED_CAPABILITY) return;
            context.report({ messageId: 'capabilityAdded', data: { ...data, capability }, object, path: [...capPath, 'add', index] });
          });
        }
        if (!templated(capabilities.drop) && !(Array.isArray(capabilities.drop) && capabilities.drop.some((c) => c === 'ALL' || templated(c)))) {
          context.report({ messageId: 'capabilitiesNotDropped', data, object, path: [...capPath, 'drop'] });
        }

        const own = seccompType(sc);
        if (own === 'Unconfined') {
          context.report({
            messageId: 'unconfinedSeccomp',
            data: { where: `container "${ref.name}"`, object: name },
            object,
            path: [...scPath, 'seccompProfile', 'type'],
          });
        } else if (own === undefined && podSeccomp === undefined) withoutSeccomp.push(ref.name);
      }
      if (inheritRoot.length > 0) {
        context.report({ messageId: 'runsAsRoot', data: { names: quoted(inheritRoot), object: name }, object, path: [...podScPath, 'runAsNonRoot'] });
      }
      if (withoutSeccomp.length > 0) {
        context.report({
          messageId: 'noSeccompProfile',
          data: { names: quoted(withoutSeccomp), object: name },
          object,
          path: [...podScPath, 'seccompProfile'],
        });
      }
    }
  },
});

/**
 * `RuntimeDefault`, `Localhost`, `Unconfined`, or undefined when not set. A templated or unknown
 * type counts as set (left to render time and to the API server's validation).
 */
function seccompType(securityContext: Record<string, unknown>): string | undefined {
  const profile = securityContext.seccompProfile;
  if (templated(profile)) return 'RuntimeDefault';
  if (!isRecord(profile) || profile.type === undefined || profile.type === null) return undefined;
  if (templated(profile.type)) return 'RuntimeDefault';
  const type = formatValue(profile.type);
  return ALLOWED_SECCOMP_TYPES.has(type) || type === 'Unconfined' ? type : 'RuntimeDefault';
}

function quoted(names: string[]): string {
  return names.map((c) => `"${c}"`).join(', ');
}

function templated(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}
