import { connectivityOf, defaultEnvironment, netpolOptionsOf, productionObjects, serviceGraphOf } from '../src/engine/connectivity.ts';
import {
  defineRule,
  formatLabelSelector,
  getPath,
  isRecord,
  platformObjectsDirectory,
  selectsEverything,
  serviceValuesOf,
  splitDotted,
  WORKLOAD_KINDS,
  type Fixer,
  type FixOutcome,
  type K8sObject,
  type LabelSelector,
  type Location,
  type RuleContext,
  type RuleFix,
  type RuleMessages,
  type ValuePath,
} from '../src/engine/rule-kit.ts';
import {
  analyzeConnectivity,
  checkServiceGraph,
  findDefaultDeny,
  findOverBroadRules,
  type ConnectivityMatrix,
  type Endpoint,
  type GraphViolation,
  type NetpolOptions,
  type OverBroadRule,
  type PolicyRef,
} from '../src/netpol/index.ts';

type Direction = 'ingress' | 'egress';

const messages = {
  noDefaultDeny: {
    en: 'namespace "{namespace}" has no default-deny NetworkPolicy for policyTypes [{directions}]: a pod that no other policy selects for that direction accepts or opens any connection. Add a NetworkPolicy with `podSelector: {}`, `policyTypes: [Ingress, Egress]` and no rules',
    ru: 'в namespace «{namespace}» нет NetworkPolicy default-deny для policyTypes [{directions}]: под, который не выбран другой политикой для этого направления, принимает или открывает любые соединения. Добавьте NetworkPolicy с `podSelector: {}`, `policyTypes: [Ingress, Egress]` и без правил',
  },
  overBroadAllNamespaces: {
    en: 'NetworkPolicy {policy}: this {direction} rule with `namespaceSelector: {}` and no podSelector covers every pod in every namespace of the cluster; name the namespaces (kubernetes.io/metadata.name) and the pods that need access',
    ru: 'NetworkPolicy {policy}: это правило {direction} с `namespaceSelector: {}` без podSelector охватывает все поды во всех namespace кластера; укажите нужные namespace (kubernetes.io/metadata.name) и поды, которым нужен доступ',
  },
  overBroadAnyNamespace: {
    en: 'NetworkPolicy {policy}: this {direction} rule with `namespaceSelector: {}` covers pods labelled {selector} in any namespace, including namespaces other teams control; name the namespace with kubernetes.io/metadata.name',
    ru: 'NetworkPolicy {policy}: это правило {direction} с `namespaceSelector: {}` охватывает поды с метками {selector} в любом namespace, в том числе в чужих; укажите namespace через kubernetes.io/metadata.name',
  },
  overBroadAllPodsInNamespaces: {
    en: 'NetworkPolicy {policy}: this {direction} rule with `podSelector: {}` covers every pod of the namespaces matching {selector}; select the pods of the services that need access',
    ru: 'NetworkPolicy {policy}: это правило {direction} с `podSelector: {}` охватывает все поды namespace, подходящих под {selector}; выберите поды тех сервисов, которым нужен доступ',
  },
  overBroadAllPods: {
    en: 'NetworkPolicy {policy}: this {direction} rule with `podSelector: {}` covers every pod in namespace {namespace}, not only the services that need access; select them by label',
    ru: 'NetworkPolicy {policy}: это правило {direction} с `podSelector: {}` охватывает все поды namespace {namespace}, а не только сервисы, которым нужен доступ; выберите их по меткам',
  },
  overBroadIpBlock: {
    en: 'NetworkPolicy {policy}: this {direction} rule with ipBlock {cidr} covers every {family} address, inside and outside the cluster; list only the CIDRs that are really needed',
    ru: 'NetworkPolicy {policy}: это правило {direction} с ipBlock {cidr} охватывает все адреса {family}, в кластере и за его пределами; укажите только действительно нужные CIDR',
  },
  overBroadNoPeers: {
    en: 'NetworkPolicy {policy}: this {direction} rule has no `{peerKey}` peers, so it covers every pod of every namespace and every address outside the cluster; list the peers that need it',
    ru: 'NetworkPolicy {policy}: в этом правиле {direction} нет пиров `{peerKey}`, поэтому оно охватывает все поды всех namespace и все адреса вне кластера; перечислите нужных пиров',
  },
  forbiddenReachable: {
    en: '{from} → {to} ({port}) is reachable, but the service graph forbids this edge: this {direction} rule of NetworkPolicy {policy} opens it',
    ru: '{from} → {to} ({port}) достижимо, хотя граф сервисов запрещает эту связь: её открывает это правило {direction} в NetworkPolicy {policy}',
  },
  forbiddenUnrestricted: {
    en: '{from} → {to} ({port}) is reachable, but the service graph forbids this edge: no NetworkPolicy isolates {from} for egress or {to} for ingress',
    ru: '{from} → {to} ({port}) достижимо, хотя граф сервисов запрещает эту связь: ни одна NetworkPolicy не изолирует ни egress {from}, ни ingress {to}',
  },
  undeclaredReachable: {
    en: '{from} → {to} ({port}) is reachable, but the service graph does not declare this edge (network.undeclared: forbid): this {direction} rule of NetworkPolicy {policy} opens it',
    ru: '{from} → {to} ({port}) достижимо, но граф сервисов не объявляет эту связь (network.undeclared: forbid): её открывает это правило {direction} в NetworkPolicy {policy}',
  },
  undeclaredUnrestricted: {
    en: '{from} → {to} ({port}) is reachable, but the service graph does not declare this edge (network.undeclared: forbid): no NetworkPolicy isolates {from} for egress or {to} for ingress',
    ru: '{from} → {to} ({port}) достижимо, но граф сервисов не объявляет эту связь (network.undeclared: forbid): ни одна NetworkPolicy не изолирует ни egress {from}, ни ingress {to}',
  },
  declaredBlocked: {
    en: '{from} → {to} ({ports}) is declared in the service graph, but NetworkPolicy {policy} blocks it: it isolates {side} for {direction} and no {direction} rule allows this connection, so {from} cannot work with {to}',
    ru: '{from} → {to} ({ports}) объявлено в графе сервисов, но NetworkPolicy {policy} это блокирует: она изолирует {direction} у {side}, и ни одно правило {direction} не разрешает это соединение, поэтому {from} не сможет работать с {to}',
  },
  dnsBlocked: {
    en: '{from} cannot resolve names: NetworkPolicy {policy} isolates its egress and no egress rule allows cluster DNS ({ports}); add an egress rule to kube-system/kube-dns on UDP and TCP 53',
    ru: '{from} не сможет разрешать имена: NetworkPolicy {policy} изолирует его egress, и ни одно правило egress не разрешает DNS кластера ({ports}); добавьте правило egress к kube-system/kube-dns на UDP и TCP 53',
  },
  invalidPolicy: {
    en: 'NetworkPolicy {policy} would be rejected by the API server ({problem}), so it neither isolates nor allows anything',
    ru: 'API-сервер отклонит NetworkPolicy {policy} ({problem}), поэтому она ничего не изолирует и ничего не разрешает',
  },
} satisfies RuleMessages;

type MessageId = keyof typeof messages;
type Context = RuleContext<MessageId>;

export default defineRule({
  meta: {
    id: 'TR-K8S-7',
    title: { en: 'Default deny and explicit allows between services', ru: 'Default deny и явные разрешения между сервисами' },
    description: {
      en: 'The production namespace has a default-deny NetworkPolicy for ingress and egress; the connectivity all policies together allow matches the declared service graph: nothing it forbids is reachable (api-gateway → PostgreSQL), every edge it declares works, and no rule opens a direction to all pods, all namespaces or every address.',
      ru: 'В production namespace есть NetworkPolicy default-deny для ingress и egress; связность, которую разрешают все политики вместе, совпадает с объявленным графом сервисов: ничто запрещённое не достижимо (api-gateway → PostgreSQL), каждая объявленная связь работает, и ни одно правило не открывает доступ для всех подов, всех namespace или любых адресов.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: true,
    docs: {
      details: [
        "The rule looks at the production namespace (`production.namespace`): NetworkPolicies and workloads of plain manifests and infrastructure chart templates whose namespace is that one, unset or templated (`{{ .Release.Namespace }}`), and the NetworkPolicy and Deployment each service chart renders from its values (`networkPolicy.ingressFrom` / `egressTo`, pod labels `app.kubernetes.io/name` and `balance-plus.io/service`, container port `http`), once per production environment. Connectivity is computed with NetworkPolicy semantics exactly (src/netpol): a pod is isolated for a direction only by a policy that selects it with that policy type (policyTypes defaults to Ingress, plus Egress when egress rules exist); a connection needs the source's egress and the destination's ingress; missing or empty `from`/`to`/`ports` mean everyone / every port; podSelector and namespaceSelector in one peer are ANDed, in two peers ORed; named ports resolve on the destination's containers. Peers outside the repository are modelled: the ingress controller (`network.ingressControllerNamespace`), the KEDA operator (`network.kedaNamespace`), cluster DNS (kube-system/kube-dns) and an internet address.",
        "Findings: (1) no policy selecting every pod isolates the namespace for Ingress and for Egress: reported on the policy that almost does it (`podSelector: {}` with a missing policy type), else on the Namespace object, else on the infrastructure chart's Chart.yaml, else on the first NetworkPolicy. A production namespace declared by a Namespace object is judged even before any workload or policy lands in it (a repository that creates the namespace first and the services later starts with the deny); (2) over-broad rules: `namespaceSelector: {}`, `podSelector: {}`, ipBlock `0.0.0.0/0` or `::/0`, a rule without peers, on the exact line (only for directions the policy isolates: other rules are inert); (3) every forbidden edge of the service graph that is reachable, on the peer (its matching label) of each rule that opens it, on both sides; (4) every declared edge that is blocked, on the NetworkPolicy that blocks it (in values: `networkPolicy.ingressFrom` / `egressTo`), egress without cluster DNS included; (5) NetworkPolicies the API server would reject.",
        'The service graph is the platform diagram (ingress controller → api-gateway → orchestrator → PostgreSQL and RabbitMQ; condenser-worker → RabbitMQ and PostgreSQL; KEDA → RabbitMQ; every pod → DNS; api-gateway ↛ PostgreSQL). `network.allow` and `network.forbid` each replace the corresponding list when set (edges `{from, to, ports?}`, ports as `5432`, `"53/UDP"` or a container port name); services are identified by the `app.kubernetes.io/name` pod label, else the workload name; `*` is any workload of the repository. `network.undeclared: forbid` also reports every reachable edge the graph does not mention. An allowed edge without ports works when any declared port of the destination is open; a forbidden edge without ports is violated by any open port.',
      ].join('\n\n'),
      incorrect: [
        '# no default deny; api-gateway may open PostgreSQL',
        'networkPolicy:',
        '  enabled: true',
        '  egressTo:',
        '    - podSelector:',
        '        matchLabels:',
        '          balance-plus.io/service: postgresql',
        '      ports: [{protocol: TCP, port: 5432}]',
        '    - ipBlock: {cidr: 0.0.0.0/0}',
      ].join('\n'),
      correct: [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata: {name: default-deny-all, namespace: balance-plus}',
        'spec:',
        '  podSelector: {}',
        '  policyTypes: [Ingress, Egress]',
        '---',
        '# api-gateway values: egress to the orchestrator only (DNS comes from the namespace-wide policy)',
        'networkPolicy:',
        '  enabled: true',
        '  egressTo:',
        '    - podSelector: {matchLabels: {balance-plus.io/service: orchestrator}}',
        '      ports: [{protocol: TCP, port: 8000}]',
      ].join('\n'),
      examples: [
        {
          concern: 'a declared production namespace with nothing in it yet',
          incorrect: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: balance-plus',
          correct:
            'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: balance-plus\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny-all, namespace: balance-plus}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]',
        },
      ],
      fix: "`bplus fix` (or `/bplus fix TR-K8S-7`) adds the default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules) to the infrastructure chart's templates (else under manifests/), with an allow-DNS policy when no policy of the namespace allows DNS yet. Over-broad rules and graph violations are fixed by hand: `bplus netpol` shows who may reach whom.",
    },
    messages,
    peers: [
      'kube-linter `non-isolated-pod`',
      'Polaris `missingNetworkPolicy`',
      'Kubescape C-0030 (Ingress and Egress blocked), C-0260 (Missing network policy)',
    ],
  },
  check(context) {
    const config = context.config;
    const environments = context.model.objects.some((o) => o.origin.type === 'rendered') ? config.production.environments : [defaultEnvironment(config)];
    for (const environment of environments) checkEnvironment(context, environment);
  },
});

function checkEnvironment(context: Context, environment: string): void {
  const { model, config } = context;
  const namespace = config.production.namespace;
  const objects = productionObjects(model, environment);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
  // A production namespace declared by a Namespace object needs its default deny before the first
  // workload arrives: the object is where the finding goes.
  const declared = objects.some((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  if (policies.length === 0 && workloads.length === 0 && !declared) return;
  const here = locator(context);

  // 1. Default deny, both directions.
  const found = findDefaultDeny(policies, namespace);
  const missing = (['Ingress', 'Egress'] as const).filter((t) => !found[t === 'Ingress' ? 'ingress' : 'egress']);
  if (missing.length > 0) {
    const data = { namespace, directions: missing.join(', ') };
    const fix: RuleFix = (fixer) => addDefaultDeny(fixer, namespace);
    const at = defaultDenyLocation(context, objects, found);
    context.report({ messageId: 'noDefaultDeny', data, ...at, fix });
  }

  // 2. Over-broad rules.
  for (const finding of findOverBroadRules(policies, namespace)) {
    const { messageId, data } = describeOverBroad(finding, namespace);
    context.report({ messageId, data, object: finding.object, at: here(finding.object, finding.path) });
  }

  // 3. Connectivity against the declared service graph (one matrix per environment, shared).
  const matrix = connectivityOf(model, environment);
  for (const problem of matrix.problems) {
    if (problem.severity !== 'error') continue;
    context.report({
      messageId: 'invalidPolicy',
      data: { policy: problem.object.metadata.name, problem: problem.message },
      object: problem.object,
      at: here(problem.object, problem.path),
    });
  }
  const options = netpolOptionsOf(config);
  for (const violation of checkServiceGraph(matrix, serviceGraphOf(config, matrix))) {
    if (violation.kind === 'declared-blocked') reportBlocked(context, matrix, objects, options, violation);
    else reportReachable(context, matrix, violation);
  }
}

// ---- locations ---------------------------------------------------------------------------------

/**
 * Where a path of a NetworkPolicy lands. Values-derived policies are located through the
 * values contract: each `ingressFrom`/`egressTo` entry is one rule whose peer fields sit on the
 * entry itself (unless it lists `from`/`to` explicitly), so `spec.egress[1].to[0].podSelector`
 * is `networkPolicy.egressTo[1].podSelector`.
 */
function locator(context: Context): (object: K8sObject, path: ValuePath) => Location {
  const key = splitDotted(context.config.values.networkPolicy);
  return (object, path) => {
    // Helm's own provenance (src/helm/provenance.ts) puts a rendered service policy's fields on
    // their values lines; the values contract's layout is the fallback when no marker reached them.
    if (object.kind !== 'NetworkPolicy') return object.locate(path);
    const values = serviceValuesOf(context.model, object);
    const located = object.locate(path);
    if (!values || values.layers.some((l) => l.path === located.path)) return located;
    return values.locate(valuesPathOf(path, key, (p) => values.get(p)));
  };
}

function valuesPathOf(path: ValuePath, key: string[], get: (p: ValuePath) => unknown): ValuePath {
  const [spec, direction, index, ...rest] = path;
  if (spec !== 'spec' || (direction !== 'ingress' && direction !== 'egress')) return key;
  const list = direction === 'ingress' ? 'ingressFrom' : 'egressTo';
  if (index === undefined) return [...key, list];
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  const entry = get([...key, list, index]);
  if (rest[0] === peerKey && !(isRecord(entry) && Array.isArray(entry[peerKey]))) return [...key, list, index, ...rest.slice(2)];
  return [...key, list, index, ...rest];
}

function defaultDenyLocation(
  context: Context,
  objects: readonly K8sObject[],
  found: { ingress?: K8sObject; egress?: K8sObject },
): { object?: K8sObject; at: Location } {
  const namespace = context.config.production.namespace;
  // A policy that already denies one direction for every pod: the missing policy type goes there.
  for (const candidate of [found.ingress, found.egress]) {
    const spec = candidate && isRecord(candidate.raw.spec) ? candidate.raw.spec : undefined;
    if (!candidate || !spec) continue;
    const rules = (Array.isArray(spec.ingress) ? spec.ingress.length : 0) + (Array.isArray(spec.egress) ? spec.egress.length : 0);
    if (rules === 0) return { object: candidate, at: candidate.locate(['spec', 'policyTypes']) };
  }
  const declared = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  if (declared) return { object: declared, at: declared.locate([]) };
  const infrastructure = context.model.charts
    .filter((c) => c.role === 'infrastructure' && c.chartYaml)
    .sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0))[0];
  if (infrastructure?.chartYaml) return { at: { path: infrastructure.chartYamlPath, ...infrastructure.chartYaml.locate(['name']) } };
  const byPath = (a: K8sObject, b: K8sObject): number => {
    const pa = a.locate([]).path;
    const pb = b.locate([]).path;
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  };
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const manifestPolicy = policies.filter((o) => o.origin.type === 'manifest').sort(byPath)[0];
  if (manifestPolicy) return { object: manifestPolicy, at: manifestPolicy.locate(['metadata', 'name']) };
  const anyPolicy = policies.sort(byPath)[0];
  if (anyPolicy) return { object: anyPolicy, at: locator(context)(anyPolicy, []) };
  const workload = objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).sort(byPath)[0]!;
  return { object: workload, at: workload.locate(['metadata', 'namespace']) };
}

/** The most telling line of a peer: the label that selects the other end, else the selector, else the peer. */
function peerDetailPath(object: K8sObject, peerPath: ValuePath): ValuePath {
  const peer = getPath(object.raw, peerPath);
  if (!isRecord(peer)) return peerPath;
  for (const field of ['podSelector', 'namespaceSelector'] as const) {
    const selector = peer[field];
    if (!isRecord(selector)) continue;
    const labels = selector.matchLabels;
    if (isRecord(labels) && Object.keys(labels).length > 0) return [...peerPath, field, 'matchLabels', Object.keys(labels)[0]!];
    if (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0) return [...peerPath, field, 'matchExpressions', 0];
    return [...peerPath, field];
  }
  if (isRecord(peer.ipBlock)) return [...peerPath, 'ipBlock', 'cidr'];
  return peerPath;
}

// ---- over-broad rules ---------------------------------------------------------------------------

function describeOverBroad(finding: OverBroadRule, namespace: string): { messageId: MessageId; data: Record<string, string> } {
  const path = finding.path;
  const direction = path[1] === 'egress' ? 'egress' : 'ingress';
  const base = { policy: finding.object.metadata.name, direction, namespace };
  const last = path[path.length - 1];
  if (last === 'cidr') {
    const cidr = String(getPath(finding.object.raw, path));
    return { messageId: 'overBroadIpBlock', data: { ...base, cidr, family: cidr.includes(':') ? 'IPv6' : 'IPv4' } };
  }
  if (last === 'namespaceSelector' || last === 'podSelector') {
    const peer = getPath(finding.object.raw, path.slice(0, -1));
    const record = isRecord(peer) ? peer : {};
    const pods = record.podSelector as LabelSelector | undefined;
    const namespaces = record.namespaceSelector as LabelSelector | undefined;
    if (last === 'namespaceSelector') {
      if (!isRecord(pods) || selectsEverything(pods)) return { messageId: 'overBroadAllNamespaces', data: base };
      return { messageId: 'overBroadAnyNamespace', data: { ...base, selector: formatLabelSelector(pods) } };
    }
    if (isRecord(namespaces)) return { messageId: 'overBroadAllPodsInNamespaces', data: { ...base, selector: formatLabelSelector(namespaces) } };
    return { messageId: 'overBroadAllPods', data: base };
  }
  const peerKey = direction === 'ingress' ? 'from' : 'to';
  return {
    messageId: 'overBroadNoPeers',
    data: { ...base, peerKey },
  };
}

// ---- service graph ------------------------------------------------------------------------------

function reportReachable(context: Context, matrix: ConnectivityMatrix, violation: GraphViolation): void {
  const connection = violation.connection;
  if (!connection) return;
  const here = locator(context);
  const forbidden = violation.kind === 'forbidden-reachable';
  const data = { from: violation.from, to: violation.to, port: `${connection.protocol} ${connection.port}` };
  const refs: PolicyRef[] = [];
  for (const side of [connection.allowedBy.egress, connection.allowedBy.ingress]) if (side !== 'unrestricted') refs.push(...side);
  for (const ref of refs) {
    const path = ref.peerPath ? peerDetailPath(ref.object, ref.peerPath) : ref.path;
    context.report({
      messageId: forbidden ? 'forbiddenReachable' : 'undeclaredReachable',
      data: { ...data, direction: ref.direction, policy: ref.policy },
      object: ref.object,
      at: here(ref.object, path),
    });
  }
  if (refs.length > 0) return;
  // Neither side is isolated: the workload itself is where a policy is missing.
  const endpoint = [matrix.endpoint(violation.fromEndpoint), matrix.endpoint(violation.toEndpoint)].find((e) => e?.object);
  if (!endpoint?.object) return;
  context.report({
    messageId: forbidden ? 'forbiddenUnrestricted' : 'undeclaredUnrestricted',
    data,
    object: endpoint.object,
    at: workloadLocation(context, endpoint.object),
  });
}

function workloadLocation(context: Context, object: K8sObject): Location {
  const values = serviceValuesOf(context.model, object);
  // The values line that switched the service's own policy off, as Helm's templates guard it.
  if (values) return context.model.locateMissingObject?.(object, 'NetworkPolicy') ?? values.locate(splitDotted(context.config.values.networkPolicy));
  return object.locate(['spec', 'template', 'metadata', 'labels']);
}

/** A copy of a policy reduced to one direction: it isolates and allows only there. */
function oneDirection(object: K8sObject, direction: Direction): K8sObject {
  const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
  const reduced: Record<string, unknown> = { ...spec, policyTypes: [direction === 'ingress' ? 'Ingress' : 'Egress'] };
  delete reduced[direction === 'ingress' ? 'egress' : 'ingress'];
  return { ...object, raw: { ...object.raw, spec: reduced } };
}

/**
 * Whether one side alone blocks the pair: the policies isolating that side, reduced to that
 * direction, analysed with just the two workloads (the other side then unrestricted). Only done
 * for the few declared edges that are blocked.
 */
function sideBlocks(violation: GraphViolation, direction: Direction, a: Endpoint, b: Endpoint, objects: readonly K8sObject[], options: NetpolOptions): boolean {
  const refs = violation.isolatedBy?.[direction] ?? [];
  if (refs.length === 0) return false;
  const subset: K8sObject[] = objects.filter((o) => o.kind === 'Namespace');
  for (const e of [a, b]) if (e.object) subset.push(e.object);
  const seen = new Set<K8sObject>();
  for (const ref of refs) {
    if (seen.has(ref.object)) continue;
    seen.add(ref.object);
    subset.push(oneDirection(ref.object, direction));
  }
  const sub = analyzeConnectivity(subset, options);
  const from = sub.endpoint(a.id);
  const to = sub.endpoint(b.id);
  if (!from || !to || from.id !== a.id || to.id !== b.id) return true;
  const ports = violation.edge?.ports?.length
    ? violation.edge.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }))
    : b.ports.map((p) => ({ port: p.port, protocol: p.protocol }));
  if (ports.length === 0) return sub.allowedPorts(from.id, to.id).length === 0;
  return !ports.some((p) => sub.allowed(from.id, to.id, p.port, p.protocol));
}

function reportBlocked(context: Context, matrix: ConnectivityMatrix, objects: readonly K8sObject[], options: NetpolOptions, violation: GraphViolation): void {
  const a = matrix.endpoint(violation.fromEndpoint);
  const b = matrix.endpoint(violation.toEndpoint);
  if (!a || !b) return;
  const here = locator(context);
  const ports = violation.edge?.ports?.length
    ? violation.edge.ports.map((p) => `${p.protocol ?? 'TCP'} ${p.port}`).join(', ')
    : b.ports.length
      ? [...new Set(b.ports.map((p) => `${p.protocol} ${p.port}`))].join(', ')
      : 'any port';
  const isDns = violation.to === 'dns';
  for (const direction of ['egress', 'ingress'] as const) {
    if (!sideBlocks(violation, direction, a, b, objects, options)) continue;
    const refs = violation.isolatedBy?.[direction] ?? [];
    // The service's own policy (where the allow belongs), else the namespace's deny for that
    // direction (a namespace-wide policy without rules there), else any isolating policy.
    const ref = refs.find((r) => !selectsEverything(podSelectorOf(r.object))) ?? refs.find((r) => !hasRules(r.object, direction)) ?? refs[0];
    if (!ref) continue;
    const own = !selectsEverything(podSelectorOf(ref.object));
    const path: ValuePath = own ? ['spec', direction] : ['spec', 'policyTypes'];
    const side = direction === 'egress' ? violation.from : violation.to;
    context.report({
      messageId: isDns && direction === 'egress' ? 'dnsBlocked' : 'declaredBlocked',
      data: { from: violation.from, to: violation.to, ports, policy: ref.policy, direction, side },
      object: ref.object,
      at: here(ref.object, path),
    });
  }
}

function hasRules(object: K8sObject, direction: Direction): boolean {
  const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
  const rules = spec[direction];
  return Array.isArray(rules) && rules.length > 0;
}

function podSelectorOf(object: K8sObject): LabelSelector {
  const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
  return isRecord(spec.podSelector) ? spec.podSelector : {};
}

/**
 * The fix: a NetworkPolicy selecting every pod of the production namespace with both policy types
 * and no rule (deny all ingress and egress), added as a template of the infrastructure chart when
 * the repository has one, else under `manifests/`. Denying egress also denies DNS: when no policy
 * of the namespace allows port 53, an allow-DNS policy (kube-system/kube-dns, UDP and TCP 53) is
 * added in the same file, as the platform's declared graph allows every pod to reach cluster DNS.
 */
function addDefaultDeny(fixer: Fixer, namespace: string): Promise<FixOutcome> {
  if (!fixer.claim(`deny:${namespace}`)) return Promise.resolve({ status: 'covered' });
  const { dir, inChart } = platformObjectsDirectory(fixer.model);
  let file = `${dir}/networkpolicy-default-deny.yaml`;
  for (let i = 2; fixer.tree.exists(file); i++) file = `${dir}/networkpolicy-default-deny-${i}.yaml`;
  const namespaceText = inChart ? '{{ .Release.Namespace }}' : namespace;

  const allowsDns = fixer.model.objects.some(
    (o) =>
      o.kind === 'NetworkPolicy' &&
      (o.metadata.namespace === undefined || o.metadata.namespace === namespace || o.metadata.namespace.includes('{{')) &&
      /"port":\s*(53|"dns")/.test(JSON.stringify(o.raw)),
  );
  const docs = [
    `# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.
# Added by bplus fix.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: ${namespaceText}
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
`,
  ];
  if (!allowsDns) {
    docs.push(`# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns-egress
  namespace: ${namespaceText}
spec:
  podSelector: {}
  policyTypes:
    - Egress
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - protocol: UDP
          port: 53
        - protocol: TCP
          port: 53
`);
  }
  fixer.tree.write(file, docs.join('---\n'));
  fixer.note(
    `default deny is on for namespace ${namespace}: every connection the services need must now be allowed by a NetworkPolicy (the charts' networkPolicy.ingressFrom/egressTo); check \`bplus netpol\` before merging`,
  );
  return Promise.resolve({
    status: 'applied',
    changes: [
      {
        path: file,
        line: 1,
        description: `added NetworkPolicy default-deny-all (ingress and egress) for namespace ${namespace}${allowsDns ? '' : ' and allow-dns-egress (no policy allowed DNS yet)'}`,
      },
    ],
  });
}
