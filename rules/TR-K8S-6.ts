import {
  containersOf,
  defineRule,
  deleteKey,
  describeObject,
  documentOf,
  getPath,
  isRecord,
  isTemplatedValue,
  matchesLabelSelector,
  podSpecOf,
  podSpecPath,
  setScalar,
  splitDotted,
  WORKLOAD_KINDS,
  YamlEditError,
  type EditResult,
  type FixChange,
  type Fixer,
  type FixOutcome,
  type K8sObject,
  type MessageData,
  type RuleFix,
  type ServiceValues,
  type ValuePath,
} from '../src/engine/rule-kit.ts';

const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

export default defineRule({
  meta: {
    id: 'TR-K8S-6',
    title: { en: 'External traffic only through the Ingress controller', ru: 'Внешний трафик только через Ingress-контроллер' },
    description: {
      en: "Services are ClusterIP (or headless): NodePort, LoadBalancer and externalIPs open paths around the Ingress controller and need an explicit, justified exception, as do pods on the node's own address (hostNetwork, hostPort). Every Ingress uses one of the platform's ingress classes and terminates TLS.",
      ru: 'Сервисы имеют тип ClusterIP (или headless): NodePort, LoadBalancer и externalIPs открывают путь в обход Ingress-контроллера и допустимы только по явному обоснованному исключению, как и поды на собственном адресе узла (hostNetwork, hostPort). Каждый Ingress использует один из платформенных классов Ingress и терминирует TLS.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: true,
    docs: {
      details: [
        'Services: `spec.type` NodePort or LoadBalancer is reported on `type:` (for a service chart: `service.type` in the values file); ClusterIP, headless (`clusterIP: None`), ExternalName (a DNS alias that exposes nothing) and no type at all are accepted. `spec.externalIPs` on any Service is reported too: it makes kube-proxy accept traffic for those addresses on every node. An internal load balancer (cloud annotations) is still a LoadBalancer.',
        "Pods on the node's address: `hostNetwork: true` in any pod spec (Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet, Job, CronJob, Argo Rollouts' Rollout) is reported on that line, and every `ports[].hostPort` of a container or init container on its own line (a number or a numeric string; `0` is how the API server spells \"unset\" and is accepted). Both let a node accept traffic for the pod outside the Ingress controller and outside every NetworkPolicy, exactly as a NodePort does; a DaemonSet that must read the node (node-exporter, a CNI agent) carries an exception. `hostPID` and `hostIPC` share the node's processes and IPC, not its ports: BP-NON-ROOT judges them with the other Pod Security Standard controls.",
        'Exceptions: `bplus.io/exception-TR-K8S-6: "<reason>"` on the Service (for a service chart: under `service.annotations`), on the workload or on its pod template waives it, as does an `exceptions:` entry in the configuration; an empty reason does not, and is reported by itself.',
        'Ingresses: `spec.ingressClassName` must be one of `ingress.classNames` (default `nginx`). The deprecated `kubernetes.io/ingress.class` annotation alone is reported (controllers are dropping it; use the field). No class at all is accepted only when the repository defines an allowed IngressClass marked `ingressclass.kubernetes.io/is-default-class: "true"`. With `ingress.requireTls` (the default) an Ingress needs `spec.tls`, and every host of its rules must be covered by a TLS entry (exact or `*.` wildcard of one label; an entry without hosts covers all).',
        'Gateway API `HTTPRoute`s are accepted as exposure (the successor of ingress-nginx, retired in March 2026); no finding is made on them. Every namespace is reviewed, not only production: a node port opened by a staging Service is open on the same nodes.',
        'Values Helm fills in at render time (`{{ ... }}`) are not judged.',
      ].join('\n\n'),
      incorrect: 'service:\n  type: LoadBalancer\ningress:\n  enabled: true\n  className: traefik',
      correct:
        'service:\n  type: ClusterIP\ningress:\n  enabled: true\n  className: nginx\n  host: api.balance-plus.io\n  tls:\n    secretName: api-gateway-tls',
      fix: 'For a service chart `bplus fix` sets `service.type: ClusterIP` and removes `service.nodePort` (Services of manifests and other charts, Ingress and externalIPs findings are fixed by hand); expose it with `ingress.enabled: true`, the platform class and a TLS secret. A `hostPort` is removed when a Service in the same namespace selects the pod and targets that container port by number or name, with the same protocol: the port stays reachable through the Service. Without such a Service the hostPort is left to a person, who knows what relies on it; `hostNetwork` is never removed automatically.',
      examples: [
        {
          concern: 'hostNetwork',
          incorrect:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: edge }\nspec:\n  template:\n    spec:\n      hostNetwork: true\n      containers:\n        - name: edge\n          ports: [{ containerPort: 8080 }]',
          correct:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: edge }\nspec:\n  template:\n    spec:\n      containers:\n        - name: edge\n          ports: [{ containerPort: 8080 }]   # behind a ClusterIP Service and an Ingress',
        },
        {
          concern: 'hostPort',
          incorrect: 'containers:\n  - name: edge\n    ports:\n      - containerPort: 8080\n        hostPort: 80',
          correct:
            'containers:\n  - name: edge\n    ports:\n      - name: http\n        containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata: { name: edge }\nspec:\n  selector: { app: edge }\n  ports: [{ port: 80, targetPort: http }]',
        },
      ],
    },
    peers: [
      'kube-linter `exposed-services`, `host-network`',
      'Polaris `hostNetworkSet`, `hostPortSet`',
      'Checkov CKV_K8S_19 (hostNetwork), CKV_K8S_26 (hostPort)',
      'Kubescape C-0041 (HostNetwork access), C-0044 (Container hostPort)',
    ],
    messages: {
      exposedService: {
        en: '{object} is of type {type}: expose it through the Ingress controller and keep the Service ClusterIP, or add the annotation bplus.io/exception-TR-K8S-6 with the reason',
        ru: '{object} имеет тип {type}: публикуйте его через Ingress-контроллер, оставив Service типа ClusterIP, либо добавьте аннотацию bplus.io/exception-TR-K8S-6 с обоснованием',
      },
      externalIPs: {
        en: '{object} sets externalIPs: every node accepts traffic for them outside the Ingress controller; remove them, or add the annotation bplus.io/exception-TR-K8S-6 with the reason',
        ru: '{object} задаёт externalIPs: каждый узел принимает на них трафик в обход Ingress-контроллера; удалите их или добавьте аннотацию bplus.io/exception-TR-K8S-6 с обоснованием',
      },
      hostNetwork: {
        en: "{object} sets hostNetwork: true: its pods listen on the node's own addresses, around the Ingress controller and every NetworkPolicy; remove it and expose the port through a ClusterIP Service and an Ingress, or add the annotation bplus.io/exception-TR-K8S-6 with the reason",
        ru: '{object} задаёт hostNetwork: true: его поды слушают на адресах самого узла, в обход Ingress-контроллера и всех NetworkPolicy; уберите его и публикуйте порт через Service типа ClusterIP и Ingress, либо добавьте аннотацию bplus.io/exception-TR-K8S-6 с обоснованием',
      },
      hostPort: {
        en: 'container "{container}" of {object} binds hostPort {port}: every node running it accepts traffic on that port around the Ingress controller, as a NodePort would; remove hostPort and expose containerPort through a ClusterIP Service and an Ingress, or add the annotation bplus.io/exception-TR-K8S-6 with the reason',
        ru: 'контейнер «{container}» в {object} занимает hostPort {port}: каждый узел, где он работает, принимает трафик на этот порт в обход Ingress-контроллера, как при NodePort; уберите hostPort и публикуйте containerPort через Service типа ClusterIP и Ingress, либо добавьте аннотацию bplus.io/exception-TR-K8S-6 с обоснованием',
      },
      noIngressClass: {
        en: '{object} has no ingressClassName: set one of {classes}',
        ru: 'у {object} не задан ingressClassName: укажите один из {classes}',
      },
      legacyClassAnnotation: {
        en: '{object} selects its class with the deprecated annotation kubernetes.io/ingress.class only: set spec.ingressClassName to one of {classes}',
        ru: '{object} выбирает класс только устаревшей аннотацией kubernetes.io/ingress.class: задайте spec.ingressClassName, один из {classes}',
      },
      unknownIngressClass: {
        en: '{object} uses ingress class "{className}", not one of the platform\'s ({classes})',
        ru: '{object} использует класс Ingress «{className}», а не один из платформенных ({classes})',
      },
      noTls: {
        en: '{object} has no TLS: add a tls entry with the host and its certificate Secret',
        ru: 'у {object} нет TLS: добавьте запись tls с хостом и Secret его сертификата',
      },
      hostWithoutTls: {
        en: '{object} serves host {host} without TLS: add it to a tls entry',
        ru: '{object} обслуживает хост {host} без TLS: добавьте его в запись tls',
      },
    },
  },
  check(context) {
    const { config } = context;
    const classes = config.ingress.classNames;
    const classList = classes.join(', ');

    for (const service of context.objects('Service')) {
      const values = context.serviceValues(service);
      const fix: RuleFix | undefined = values ? (fixer) => serviceToClusterIp(fixer, values) : undefined;
      const type = getPath(service.raw, ['spec', 'type']);
      if ((type === 'NodePort' || type === 'LoadBalancer') && !isTemplatedValue(type)) {
        context.report({ messageId: 'exposedService', data: { object: describeObject(service), type }, object: service, path: ['spec', 'type'], fix });
      }
      const externalIPs = getPath(service.raw, ['spec', 'externalIPs']);
      if (Array.isArray(externalIPs) && externalIPs.length > 0) {
        context.report({ messageId: 'externalIPs', data: { object: describeObject(service) }, object: service, path: ['spec', 'externalIPs'] });
      }
    }

    checkHostExposure(
      context.objects(...WORKLOAD_KINDS),
      context.objects('Service'),
      (report) => context.report(report),
      (o) => context.serviceValues(o) !== undefined,
    );

    const defaultClass = context
      .objects('IngressClass')
      .some((c) => classes.includes(c.metadata.name) && c.metadata.annotations[DEFAULT_CLASS_ANNOTATION] === 'true');

    for (const ingress of context.objects('Ingress')) {
      const object = describeObject(ingress);
      const data = { object, classes: classList };
      const className = getPath(ingress.raw, ['spec', 'ingressClassName']);
      const legacy = ingress.metadata.annotations[LEGACY_CLASS_ANNOTATION];
      if (className === undefined || className === null || className === '') {
        if (legacy !== undefined) {
          context.report({ messageId: 'legacyClassAnnotation', data, object: ingress, path: ['metadata', 'annotations', LEGACY_CLASS_ANNOTATION] });
        } else if (!defaultClass) {
          context.report({ messageId: 'noIngressClass', data, object: ingress, path: ['spec', 'ingressClassName'] });
        }
      } else if (!isTemplatedValue(className) && !(typeof className === 'string' && classes.includes(className))) {
        context.report({ messageId: 'unknownIngressClass', data: { ...data, className }, object: ingress, path: ['spec', 'ingressClassName'] });
      }

      if (config.ingress.requireTls)
        checkTls(ingress, (messageId, host) =>
          context.report({
            messageId,
            data: { object, host: host ?? '' },
            object: ingress,
            path: messageId === 'noTls' ? ['spec', 'tls'] : host === undefined ? ['spec', 'rules'] : hostPath(ingress, host),
          }),
        );
    }
  },
});

type HostReport =
  | { messageId: 'hostNetwork'; data: MessageData; object: K8sObject; path: ValuePath }
  | { messageId: 'hostPort'; data: MessageData; object: K8sObject; path: ValuePath; fix?: RuleFix };

/**
 * `hostNetwork: true` and `ports[].hostPort` put a pod on the node's own address, exactly as a
 * NodePort does. A hostPort of 0 is "unset" for the API server (and the Pod Security Standards).
 */
function checkHostExposure(
  workloads: K8sObject[],
  services: K8sObject[],
  report: (r: HostReport) => void,
  fromServiceChart: (object: K8sObject) => boolean,
): void {
  for (const object of workloads) {
    const specPath = podSpecPath(object);
    const spec = podSpecOf(object);
    if (!specPath || !spec) continue;
    const name = describeObject(object);
    if (spec.hostNetwork === true || spec.hostNetwork === 'true') {
      report({ messageId: 'hostNetwork', data: { object: name }, object, path: [...specPath, 'hostNetwork'] });
    }
    for (const ref of containersOf(object)) {
      const ports = ref.container.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((port, index) => {
        if (!isRecord(port)) return;
        const hostPort = port.hostPort;
        if (hostPort === undefined || hostPort === null || hostPort === 0 || hostPort === '0' || isTemplatedValue(hostPort)) return;
        const path = [...ref.path, 'ports', index, 'hostPort'];
        // A manifest, or a template of a chart that is not a service chart (edited where it is written).
        const editable = object.origin.type === 'manifest' || (object.origin.type === 'rendered' && !fromServiceChart(object));
        const exposedBy = editable ? serviceExposing(object, port, services) : undefined;
        const fix: RuleFix | undefined = exposedBy ? (fixer) => removeHostPort(fixer, object, path, exposedBy.metadata.name) : undefined;
        report({ messageId: 'hostPort', data: { container: ref.name, object: name, port: hostPort }, object, path, ...(fix ? { fix } : {}) });
      });
    }
  }
}

/**
 * A Service in the workload's namespace that selects its pods and targets this container port (by
 * number or by name): with it in place the hostPort adds nothing an Ingress needs, so the fix may
 * remove it.
 */
function serviceExposing(workload: K8sObject, port: Record<string, unknown>, services: K8sObject[]): K8sObject | undefined {
  const podLabels =
    workload.kind === 'Pod'
      ? workload.metadata.labels
      : stringLabels(
          getPath(
            workload.raw,
            workload.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels'] : ['spec', 'template', 'metadata', 'labels'],
          ),
        );
  const containerPort = Number(port.containerPort);
  const portName = typeof port.name === 'string' ? port.name : undefined;
  const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
  return services.find((service) => {
    if ((service.metadata.namespace ?? '') !== (workload.metadata.namespace ?? '')) return false;
    const selector = getPath(service.raw, ['spec', 'selector']);
    if (!isRecord(selector) || Object.keys(selector).length === 0) return false;
    if (!matchesLabelSelector({ matchLabels: stringLabels(selector) }, podLabels)) return false;
    const servicePorts = getPath(service.raw, ['spec', 'ports']);
    if (!Array.isArray(servicePorts)) return false;
    return servicePorts.some((sp) => {
      if (!isRecord(sp)) return false;
      if ((typeof sp.protocol === 'string' ? sp.protocol : 'TCP') !== protocol) return false;
      const target = sp.targetPort ?? sp.port;
      if (typeof target === 'string' && !/^\d+$/.test(target)) return portName !== undefined && target === portName;
      return Number(target) === containerPort;
    });
  });
}

function stringLabels(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

function checkTls(ingress: K8sObject, report: (messageId: 'noTls' | 'hostWithoutTls', host?: string) => void): void {
  const tls = getPath(ingress.raw, ['spec', 'tls']);
  if (isTemplatedValue(tls)) return;
  const entries = Array.isArray(tls) ? tls.filter(isRecord) : [];
  if (entries.length === 0) {
    report('noTls');
    return;
  }
  if (entries.some((e) => !Array.isArray(e.hosts) || e.hosts.length === 0)) return;
  const covered = entries.flatMap((e) => (e.hosts as unknown[]).map(String));
  if (covered.some(isTemplatedValue)) return;
  for (const host of ruleHosts(ingress)) {
    if (isTemplatedValue(host) || covered.some((c) => hostMatches(c, host))) continue;
    report('hostWithoutTls', host);
  }
}

function ruleHosts(ingress: K8sObject): string[] {
  const rules = getPath(ingress.raw, ['spec', 'rules']);
  if (!Array.isArray(rules)) return [];
  return [
    ...new Set(
      rules
        .filter(isRecord)
        .map((r) => r.host)
        .filter((h): h is string => typeof h === 'string' && h !== ''),
    ),
  ];
}

function hostPath(ingress: K8sObject, host: string): (string | number)[] {
  const rules = getPath(ingress.raw, ['spec', 'rules']);
  const index = Array.isArray(rules) ? rules.findIndex((r) => isRecord(r) && r.host === host) : -1;
  return index < 0 ? ['spec', 'rules'] : ['spec', 'rules', index, 'host'];
}

/** TLS host `*.example.com` covers exactly one more label; otherwise an exact, case-insensitive match. */
function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (!p.startsWith('*.')) return false;
  const suffix = p.slice(1);
  return h.endsWith(suffix) && !h.slice(0, -suffix.length).includes('.') && h.length > suffix.length;
}

/**
 * The fix of a service chart's NodePort or LoadBalancer Service: `service.type: ClusterIP` in the
 * file that sets it, and `service.nodePort` removed from every values file. Exposure belongs to an
 * Ingress: a note says so.
 */
async function serviceToClusterIp(fixer: Fixer, values: ServiceValues): Promise<FixOutcome> {
  const serviceKey = splitDotted(fixer.config.values.service);
  if (!fixer.claim(`clusterip:${values.chart.dir}`)) return { status: 'covered' };
  const changes: FixChange[] = [];
  for (const layer of values.values.layers) {
    let text = await fixer.tree.read(layer.path);
    if (text === undefined || !layer.doc) continue;
    const docIndex = layer.doc.index;
    const descriptions: string[] = [];
    let line = Infinity;
    const record = (edit: EditResult | undefined, what: string): void => {
      if (!edit) return;
      text = edit.text;
      line = Math.min(line, edit.line);
      descriptions.push(what);
    };
    if (layer.doc.has([...serviceKey, 'type']))
      record(setScalar(text, docIndex, [...serviceKey, 'type'], 'ClusterIP'), `${serviceKey.join('.')}.type: ClusterIP`);
    if (layer.doc.has([...serviceKey, 'nodePort'])) record(deleteKey(text, docIndex, [...serviceKey, 'nodePort']), `removed ${serviceKey.join('.')}.nodePort`);
    if (descriptions.length > 0) {
      fixer.tree.write(layer.path, text);
      changes.push({ path: layer.path, line: Number.isFinite(line) ? line : 1, description: descriptions.join(', ') });
    }
  }
  if (changes.length === 0)
    return {
      status: 'skipped',
      reason: `no values file of ${values.chart.dir} sets ${serviceKey.join('.')}.type: it comes from the library chart's defaults; set it to ClusterIP in values.yaml`,
    };
  fixer.note(
    `${values.chart.dir}: the Service is ClusterIP now; if it must be reachable from outside the cluster, set ingress.enabled: true with className ${fixer.config.ingress.classNames[0]} and TLS`,
  );
  return { status: 'applied', changes };
}

/**
 * The fix of a hostPort that a Service in the same namespace already exposes (the Service,
 * behind an Ingress, is how the port is reached): the `hostPort` line goes, in the manifest or
 * template where the workload is written.
 */
async function removeHostPort(fixer: Fixer, object: K8sObject, path: ValuePath, service: string): Promise<FixOutcome> {
  const target = documentOf(object);
  const text = await fixer.tree.read(target.file);
  if (text === undefined) return { status: 'skipped', reason: `${target.file} could not be read` };
  const docIndex = target.docIndex(text);
  if (docIndex === undefined) return { status: 'skipped', reason: `${target.file}: the document of ${describeObject(object)} was not found` };
  if (!fixer.claim(`hostport:${target.file}#${docIndex}:${path.join('.')}`)) return { status: 'covered' };
  let edit;
  try {
    edit = deleteKey(text, docIndex, path);
  } catch (error) {
    if (error instanceof YamlEditError) return { status: 'skipped', reason: `${target.file}: ${error.message}` };
    throw error;
  }
  if (!edit) return { status: 'covered' };
  fixer.tree.write(target.file, edit.text);
  const where = path
    .slice(0, -1)
    .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  fixer.note(`${target.file}: hostPort removed; the port stays reachable through Service ${service} (and an Ingress for traffic from outside)`);
  return {
    status: 'applied',
    changes: [{ path: target.file, line: edit.line, description: `removed ${where}.hostPort (Service ${service} exposes the port)` }],
  };
}
