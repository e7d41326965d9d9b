import rule from '../../rules/BP-NON-ROOT.ts';
import { ruleTester, serviceChart, type InvalidCase, type ValidCase } from './rule-tester.ts';

const secure =
  'podSecurityContext:\n  runAsNonRoot: true\n  runAsUser: 10001\n  seccompProfile: { type: RuntimeDefault }\nsecurityContext:\n  readOnlyRootFilesystem: true\n  allowPrivilegeEscalation: false\n  capabilities: { drop: [ALL] }\n';
/** A Deployment with the given pod-level lines (under the pod spec) and container securityContext lines. */
const pod = (podSc: string, containerSc: string, init = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    spec:
${podSc}${init}      containers:
        - name: app
          image: app:1.0.0
${containerSc}`;
const seccompPod = '      securityContext:\n        runAsNonRoot: true\n        seccompProfile: { type: RuntimeDefault }\n';
const okContainer = '          securityContext:\n            allowPrivilegeEscalation: false\n            capabilities: { drop: [ALL] }\n';
/** A container securityContext that passes every control but the lines given. */
const container = (lines: string) => `          securityContext:\n            allowPrivilegeEscalation: false\n${lines}`;

export const cases: { valid: ValidCase[]; invalid: InvalidCase[] } = {
  valid: [
    {
      name: 'values: pod runAsNonRoot and seccomp, container no escalation and drop ALL',
      files: serviceChart('api-gateway', 'python-fastapi-service', secure),
    },
    {
      name: 'values: sidecars and init containers inherit the values securityContext',
      files: serviceChart(
        'orchestrator',
        'python-fastapi-service',
        `${secure}sidecars:\n  - name: otel\n    image: otel:1\ninitContainers:\n  - name: migrate\n    image: m:1\n`,
      ),
    },
    { name: 'manifest: pod level non-root and seccomp, container no escalation and drop ALL', files: { 'manifests/app.yaml': pod(seccompPod, okContainer) } },
    {
      name: 'manifest: everything at container level, Localhost profile, NET_BIND_SERVICE added',
      files: {
        'manifests/app.yaml': pod(
          '',
          container(
            '            runAsNonRoot: true\n            seccompProfile: { type: Localhost, localhostProfile: profiles/app.json }\n            capabilities:\n              add: [NET_BIND_SERVICE]\n              drop: [ALL]\n',
          ),
        ),
      },
    },
    {
      name: 'manifest: hostPID and hostIPC false',
      files: { 'manifests/app.yaml': pod(`      hostPID: false\n      hostIPC: false\n${seccompPod}`, okContainer) },
    },
    {
      name: 'manifest: a Windows pod is exempt from the Linux-only controls (seccomp, capabilities)',
      files: {
        'manifests/app.yaml': pod(
          '      os: { name: windows }\n      securityContext:\n        runAsNonRoot: true\n',
          '          securityContext:\n            allowPrivilegeEscalation: false\n',
        ),
      },
    },
    {
      name: 'manifest: templated profile and capabilities are left to render time',
      files: {
        'manifests/app.yaml': pod(
          '      securityContext:\n        runAsNonRoot: true\n        seccompProfile: {{ toYaml .Values.seccomp | nindent 10 }}\n',
          container('            capabilities:\n              add: [{{ .Values.capability }}]\n              drop: {{ .Values.drop }}\n'),
        ),
      },
    },
    { name: 'manifest outside production', files: { 'manifests/app.yaml': pod('', '').replace('  name: app\n', '  name: app\n  namespace: dev\n') } },
  ],
  invalid: [
    {
      name: 'values: no podSecurityContext, escalation not disabled, ALL not dropped',
      files: serviceChart('api-gateway', 'python-fastapi-service', '# api-gateway\nimage:\n  tag: "1.0"\nsecurityContext:\n  readOnlyRootFilesystem: true\n'),
      errors: [
        { messageId: 'runsAsRoot', path: 'charts/api-gateway/values.yaml', line: 2, column: 1, message: '"api-gateway"' },
        {
          messageId: 'noSeccompProfile',
          path: 'charts/api-gateway/values.yaml',
          line: 2,
          column: 1,
          message: 'container(s) "api-gateway" of Deployment/api-gateway run without a seccomp profile',
        },
        {
          messageId: 'privilegeEscalation',
          path: 'charts/api-gateway/values.yaml',
          line: 4,
          column: 1,
          message: 'container "api-gateway" of Deployment/api-gateway can gain privileges',
        },
        { messageId: 'capabilitiesNotDropped', path: 'charts/api-gateway/values.yaml', line: 4, column: 1 },
      ],
    },
    {
      name: 'values: prod overlay sets runAsUser 0, privileged, SYS_ADMIN and an Unconfined profile',
      files: serviceChart(
        'api-gateway',
        'python-fastapi-service',
        secure,
        'podSecurityContext:\n  runAsUser: 0\n  seccompProfile:\n    type: Unconfined\nsecurityContext:\n  privileged: true\n  capabilities:\n    add: [SYS_ADMIN]\n',
      ),
      errors: [
        { messageId: 'rootUser', path: 'charts/api-gateway/values-prod.yaml', line: 2, column: 3 },
        {
          messageId: 'unconfinedSeccomp',
          path: 'charts/api-gateway/values-prod.yaml',
          line: 4,
          column: 5,
          message: 'the pod of Deployment/api-gateway sets seccompProfile Unconfined',
        },
        { messageId: 'privileged', path: 'charts/api-gateway/values-prod.yaml', line: 6, column: 3 },
        { messageId: 'capabilityAdded', path: 'charts/api-gateway/values-prod.yaml', line: 8, column: 11, message: 'adds capability SYS_ADMIN' },
      ],
    },
    {
      name: "manifest: nothing set, init container too: grouped root and seccomp findings, each container's own",
      files: { 'manifests/app.yaml': pod('', '', '      initContainers:\n        - name: init\n          image: busybox:1.36\n') },
      errors: [
        { messageId: 'runsAsRoot', path: 'manifests/app.yaml', line: 7, column: 5, message: 'container(s) "init", "app" of Deployment/app may run as root' },
        { messageId: 'noSeccompProfile', path: 'manifests/app.yaml', line: 7, column: 5, message: 'container(s) "init", "app"' },
        { messageId: 'privilegeEscalation', path: 'manifests/app.yaml', line: 9, column: 11, message: '"init"' },
        { messageId: 'capabilitiesNotDropped', path: 'manifests/app.yaml', line: 9, column: 11, message: '"init"' },
        { messageId: 'privilegeEscalation', path: 'manifests/app.yaml', line: 12, column: 11, message: '"app"' },
        { messageId: 'capabilitiesNotDropped', path: 'manifests/app.yaml', line: 12, column: 11, message: '"app"' },
      ],
    },
    {
      name: 'manifest: container overrides the pod with runAsNonRoot false',
      files: { 'manifests/app.yaml': pod(seccompPod, container('            runAsNonRoot: false\n            capabilities: { drop: [ALL] }\n')) },
      errors: [{ messageId: 'runsAsRoot', path: 'manifests/app.yaml', line: 16, column: 13 }],
    },
    {
      name: 'manifest: privileged container with explicit escalation true',
      files: {
        'manifests/app.yaml': pod(
          seccompPod,
          '          securityContext:\n            privileged: true\n            allowPrivilegeEscalation: true\n            capabilities: { drop: [ALL] }\n',
        ),
      },
      errors: [
        { messageId: 'privileged', path: 'manifests/app.yaml', line: 15, column: 13 },
        { messageId: 'privilegeEscalation', path: 'manifests/app.yaml', line: 16, column: 13 },
      ],
    },
    {
      name: 'manifest: capabilities added one per line (ALL, NET_RAW, CAP_SYS_ADMIN, CAP_NET_BIND_SERVICE: names compared exactly), drop without ALL',
      files: {
        'manifests/app.yaml': pod(
          seccompPod,
          container(
            '            capabilities:\n              add:\n                - NET_BIND_SERVICE\n                - ALL\n                - NET_RAW\n                - CAP_SYS_ADMIN\n                - CAP_NET_BIND_SERVICE\n              drop: [NET_RAW, SYS_ADMIN]\n',
          ),
        ),
      },
      errors: [
        { messageId: 'capabilityAdded', path: 'manifests/app.yaml', line: 19, column: 19, message: 'adds capability ALL' },
        { messageId: 'capabilityAdded', path: 'manifests/app.yaml', line: 20, column: 19, message: 'adds capability NET_RAW' },
        { messageId: 'capabilityAdded', path: 'manifests/app.yaml', line: 21, column: 19, message: 'adds capability CAP_SYS_ADMIN' },
        { messageId: 'capabilityAdded', path: 'manifests/app.yaml', line: 22, column: 19, message: 'adds capability CAP_NET_BIND_SERVICE' },
        {
          messageId: 'capabilitiesNotDropped',
          path: 'manifests/app.yaml',
          line: 23,
          column: 15,
          message: 'container "app" of Deployment/app does not drop ALL capabilities',
        },
      ],
    },
    {
      name: 'manifest: pod profile RuntimeDefault but the container sets Unconfined; drop lowercase "all" is not ALL',
      files: {
        'manifests/app.yaml': pod(
          seccompPod,
          container('            seccompProfile:\n              type: Unconfined\n            capabilities: { drop: [all] }\n'),
        ),
      },
      errors: [
        {
          messageId: 'unconfinedSeccomp',
          path: 'manifests/app.yaml',
          line: 17,
          column: 15,
          message: 'container "app" of Deployment/app sets seccompProfile Unconfined',
        },
        { messageId: 'capabilitiesNotDropped', path: 'manifests/app.yaml', line: 18, column: 29 },
      ],
    },
    {
      name: 'manifest: hostPath and nfs volumes, each on its key; allowed volume types are silent',
      files: {
        'manifests/app.yaml': pod(
          `${seccompPod}      volumes:\n        - name: scratch\n          emptyDir: {}\n        - name: sock\n          hostPath: { path: /var/run/docker.sock }\n        - name: cfg\n          configMap: { name: cfg }\n        - name: shared\n          nfs: { server: nfs.internal, path: /exports }\n`,
          okContainer,
        ),
      },
      errors: [
        { messageId: 'restrictedVolume', path: 'manifests/app.yaml', line: 15, column: 11, message: 'volume "sock" of Deployment/app is a hostPath volume' },
        { messageId: 'restrictedVolume', path: 'manifests/app.yaml', line: 19, column: 11, message: 'volume "shared" of Deployment/app is a nfs volume' },
      ],
    },
    {
      name: "manifest: a Pod sharing the node's process and IPC namespaces",
      files: {
        'manifests/debug.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  hostPID: true\n  hostIPC: true\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile: { type: RuntimeDefault }\n  containers:\n    - name: shell\n      image: busybox:1.36\n      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }\n`,
      },
      errors: [
        {
          messageId: 'hostNamespace',
          path: 'manifests/debug.yaml',
          line: 6,
          column: 3,
          message: "Pod/debug sets hostPID: true: its containers share the node's process namespace",
        },
        { messageId: 'hostNamespace', path: 'manifests/debug.yaml', line: 7, column: 3, message: 'hostIPC' },
      ],
    },
    {
      name: 'every pod-bearing kind: a ReplicationController and an Argo Rollout are judged',
      files: {
        'manifests/rc.yaml': pod(seccompPod, container('            privileged: true\n            capabilities: { drop: [ALL] }\n')).replace(
          'apps/v1\nkind: Deployment',
          'v1\nkind: ReplicationController',
        ),
        'manifests/rollout.yaml': pod(seccompPod, container('            capabilities: { add: [SYS_PTRACE], drop: [ALL] }\n')).replace(
          'apps/v1\nkind: Deployment',
          'argoproj.io/v1alpha1\nkind: Rollout',
        ),
      },
      errors: [
        { messageId: 'privileged', path: 'manifests/rc.yaml', line: 16, column: 13, message: 'ReplicationController/app' },
        {
          messageId: 'capabilityAdded',
          path: 'manifests/rollout.yaml',
          line: 16,
          column: 35,
          message: 'container "app" of Rollout/app adds capability SYS_PTRACE',
        },
      ],
    },
  ],
};

ruleTester(rule, cases);
