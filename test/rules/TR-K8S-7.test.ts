/**
 * TR-K8S-7: default deny, over-broad rules, and the connectivity of all policies against the
 * declared service graph. Each case is a small repository; line numbers are the lines a person
 * must change. Several cases mirror the Kubernetes network-policy e2e tests
 * (test/e2e/network/netpol/network_policy.go) where they can be expressed here:
 *  - "should support a 'default-deny-ingress' policy" / "default-deny-all" → default-deny cases;
 *  - "should enforce policy based on PodSelector and NamespaceSelector" (one peer with both,
 *    ANDed) versus "...PodSelector or NamespaceSelector" (two peers, ORed) → the `from` traps;
 *  - "should allow egress access on one named port" / "should enforce updated policy" with a
 *    named port the pod does not declare → named-port cases;
 *  - "should deny egress from all pods in a namespace" (DNS lost) → egress-without-DNS cases.
 */
import { describe, expect, it } from 'vitest';
import rule from '../../rules/TR-K8S-7.ts';
import { findingsOf, fixesOf, ruleTester, serviceChart, type Files } from './rule-tester.ts';

const NS = `apiVersion: v1
kind: Namespace
metadata:
  name: balance-plus
`;

const DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all
  namespace: balance-plus
spec:
  podSelector: {}
  policyTypes:
    - Ingress
    - Egress
`;

const DNS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: allow-dns
  namespace: balance-plus
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: kube-system
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - { protocol: UDP, port: 53 }
        - { protocol: TCP, port: 53 }
`;

/** A workload manifest; pod labels as the library charts render them. Ports line 18+. */
function workload(name: string, ports: Array<[string, number]> = [], kind = 'Deployment'): string {
  const portLines = ports.length
    ? `          ports:\n${ports.map(([n, p]) => `            - { name: ${n}, containerPort: ${p}, protocol: TCP }\n`).join('')}`
    : '';
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: balance-plus
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
        balance-plus.io/service: ${name}
    spec:
      containers:
        - name: main
          image: registry.example/${name}:1.0.0
${portLines}`;
}

/**
 * A policy for one service. `ingress`/`egress` are YAML blocks indented for the list under
 * `spec.ingress` / `spec.egress` (or omitted). Line 7 is `podSelector:`, line 10 `policyTypes:`,
 * line 11 `ingress:` (or `egress:`), line 12 the first line of its block.
 */
function policy(name: string, opts: { ingress?: string; egress?: string; types?: string } = {}): string {
  let text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: balance-plus
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  policyTypes: ${opts.types ?? '[Ingress, Egress]'}
`;
  if (opts.ingress !== undefined) text += `  ingress:\n${opts.ingress}`;
  if (opts.egress !== undefined) text += `  egress:\n${opts.egress}`;
  return text;
}

/** values for a FastAPI service chart: networkPolicy at line 12, ingressFrom line 14. */
function apiValues(ingressFrom: string, egressTo: string): string {
  return `image:
  repository: registry.example/svc
  tag: "1.0.0"
resources:
  requests: { cpu: 250m, memory: 256Mi }
  limits: { cpu: "1", memory: 512Mi }
containerPort: 8000
service:
  type: ClusterIP
  port: 8000
# network
networkPolicy:
  enabled: true
  ingressFrom:
${ingressFrom}  egressTo:
${egressTo}`;
}

const FROM_INGRESS_NGINX = `    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ingress-nginx
      ports:
        - { protocol: TCP, port: 8000 }
`;
const TO_ORCHESTRATOR = `    - podSelector:
        matchLabels:
          balance-plus.io/service: orchestrator
      ports:
        - { protocol: TCP, port: 8000 }
`;
const FROM_API_GATEWAY = `    - podSelector:
        matchLabels:
          balance-plus.io/service: api-gateway
      ports:
        - { protocol: TCP, port: 8000 }
`;
const TO_POSTGRES = `    - podSelector:
        matchLabels:
          balance-plus.io/service: postgresql
      ports:
        - { protocol: TCP, port: 5432 }
`;

const POSTGRES_POLICY = policy('postgresql', {
  types: '[Ingress]',
  ingress: `    - from:
        - podSelector:
            matchLabels:
              balance-plus.io/service: orchestrator
      ports:
        - { protocol: TCP, port: 5432 }
`,
});

/** A compliant slice of the platform: gateway and orchestrator from values, PostgreSQL as manifests. */
function platform(overrides: Files = {}): Files {
  return {
    'manifests/namespace.yaml': NS,
    'manifests/default-deny.yaml': DENY,
    'manifests/allow-dns.yaml': DNS,
    'manifests/postgresql.yaml': workload('postgresql', [['postgresql', 5432]], 'StatefulSet'),
    'manifests/postgresql-policy.yaml': POSTGRES_POLICY,
    ...serviceChart('api-gateway', 'python-fastapi-service', apiValues(FROM_INGRESS_NGINX, TO_ORCHESTRATOR)),
    ...serviceChart('orchestrator', 'python-fastapi-service', apiValues(FROM_API_GATEWAY, TO_POSTGRES)),
    ...overrides,
  };
}

/** Two manifests-only services under a configured graph (no platform defaults in the way). */
const SMALL_GRAPH_CONFIG = `network:
  allow:
    - { from: web, to: db, ports: [5432] }
    - { from: "*", to: dns, ports: ["53/UDP", "TCP/53"] }
  forbid:
    - { from: cron, to: db }
`;

function smallRepo(overrides: Files = {}): Files {
  return {
    '.github/bplus.yml': SMALL_GRAPH_CONFIG,
    'manifests/namespace.yaml': NS,
    'manifests/default-deny.yaml': DENY,
    'manifests/allow-dns.yaml': DNS,
    'manifests/web.yaml': workload('web', [['http', 8080]]),
    'manifests/cron.yaml': workload('cron'),
    'manifests/db.yaml': workload('db', [['postgresql', 5432]], 'StatefulSet'),
    'manifests/web-policy.yaml': policy('web', {
      types: '[Egress]',
      egress: `    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: db
      ports:
        - { protocol: TCP, port: 5432 }
`,
    }),
    'manifests/db-policy.yaml': policy('db', {
      types: '[Ingress]',
      ingress: `    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: web
      ports:
        - { protocol: TCP, port: postgresql }
`,
    }),
    ...overrides,
  };
}

ruleTester(rule, {
  valid: [
    { name: 'a declared Namespace other than production, with nothing in it', files: { 'manifests/namespace.yaml': NS.replace('balance-plus', 'sandbox') } },
    {
      name: 'a declared production Namespace with its default deny and DNS policy, no workload yet',
      files: { 'manifests/namespace.yaml': NS, 'manifests/default-deny.yaml': DENY },
    },
    { name: 'a compliant slice of the platform (values and manifests, default graph)', files: platform() },
    { name: 'a configured graph, matched exactly; named ingress port resolved on the pod', files: smallRepo() },
    {
      name: 'default deny split over two policies, one per direction',
      files: platform({
        'manifests/default-deny.yaml': `${DENY.replace('    - Egress\n', '')}---\n${DENY.replace('default-deny-all', 'default-deny-egress').replace('    - Ingress\n', '')}`,
      }),
    },
    {
      name: 'omitted policyTypes with egress rules: defaulted to Ingress and Egress, so one policy denies both and allows DNS',
      files: platform({
        'manifests/default-deny.yaml': DNS.replace('  policyTypes: [Egress]\n', '').replace('allow-dns', 'deny-all-but-dns'),
        'manifests/allow-dns.yaml': '# folded into default-deny.yaml\n',
      }),
    },
    {
      name: 'one peer with podSelector AND namespaceSelector both naming something is not over-broad',
      files: platform({
        'charts/api-gateway/values.yaml': apiValues(
          `    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ingress-nginx
      podSelector:
        matchLabels:
          app.kubernetes.io/name: ingress-nginx
      ports:
        - { protocol: TCP, port: 8000 }
`,
          TO_ORCHESTRATOR,
        ),
      }),
    },
    {
      name: 'named egress port resolved on the destination (http = 8000)',
      files: platform({
        'charts/api-gateway/values.yaml': apiValues(FROM_INGRESS_NGINX, TO_ORCHESTRATOR.replace('port: 8000', 'port: http')),
      }),
    },
    {
      name: 'objects of another namespace are not production',
      files: { 'manifests/staging.yaml': workload('api-gateway').replace('namespace: balance-plus', 'namespace: staging') },
    },
    {
      name: 'templated namespaces of an infrastructure chart are the production namespace',
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n',
        'charts/platform/templates/deny.yaml': DENY.replace('namespace: balance-plus', 'namespace: {{ .Release.Namespace }}'),
        'charts/platform/templates/dns.yaml': DNS.replace('namespace: balance-plus', 'namespace: {{ .Release.Namespace }}'),
        'charts/platform/templates/db.yaml': workload('postgresql', [['postgresql', 5432]], 'StatefulSet').replace(
          'namespace: balance-plus',
          'namespace: {{ .Release.Namespace }}',
        ),
      },
    },
    {
      name: 'rules of a direction the policy does not isolate are inert: `egress: [{}]` under policyTypes [Ingress]',
      files: smallRepo({
        'manifests/extra.yaml': policy('web', { types: '[Ingress]', egress: '    - {}\n' }).replace('name: web\n  namespace', 'name: web-extra\n  namespace'),
      }),
    },
    {
      name: 'a forbidden edge with a port that is not open (configured "5432/TCP" only)',
      files: smallRepo({
        '.github/bplus.yml': SMALL_GRAPH_CONFIG.replace('{ from: cron, to: db }', '{ from: web, to: db, ports: ["6543/TCP"] }'),
      }),
    },
  ],
  invalid: [
    {
      name: 'a declared production Namespace with nothing in it yet: reported on the Namespace object',
      output: {
        'manifests/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n---\n# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n',
      },
      files: { 'manifests/namespace.yaml': NS },
      errors: [
        {
          messageId: 'noDefaultDeny',
          path: 'manifests/namespace.yaml',
          line: 1,
          column: 1,
          message: 'namespace "balance-plus" has no default-deny NetworkPolicy for policyTypes [Ingress, Egress]',
        },
      ],
    },
    {
      name: 'a production Namespace declared in JSON, templated name, nothing in it yet',
      output: {
        'charts/platform/templates/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: {{ .Release.Namespace }}\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n---\n# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\n  namespace: {{ .Release.Namespace }}\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n',
      },
      files: {
        'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 1.0.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n',
        'charts/platform/templates/ns.json': '{\n  "apiVersion": "v1",\n  "kind": "Namespace",\n  "metadata": {"name": "{{ .Release.Namespace }}"}\n}\n',
      },
      errors: [{ messageId: 'noDefaultDeny', path: 'charts/platform/templates/ns.json', line: 1, column: 1 }],
    },
    {
      name: 'no default deny: reported on the Namespace object, with the add-default-deny fix',
      output: {
        'manifests/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n',
      },
      files: platform({ 'manifests/default-deny.yaml': '# removed\n' }),
      // allow-dns still isolates every pod for egress: only Ingress is missing.
      errors: [{ messageId: 'noDefaultDeny', path: 'manifests/namespace.yaml', line: 1, column: 1, message: 'for policyTypes [Ingress]:' }],
    },
    {
      name: 'no default deny and no Namespace object: reported on the infrastructure chart',
      output: {
        'charts/platform/templates/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: {{ .Release.Namespace }}\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n---\n# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\n  namespace: {{ .Release.Namespace }}\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n',
      },
      files: {
        'charts/platform/Chart.yaml':
          '# platform\napiVersion: v2\nname: platform\nversion: 1.0.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n',
        'charts/platform/templates/db.yaml': workload('postgresql', [['postgresql', 5432]], 'StatefulSet'),
      },
      errors: [{ messageId: 'noDefaultDeny', path: 'charts/platform/Chart.yaml', line: 3, column: 1, message: 'policyTypes [Ingress, Egress]' }],
    },
    {
      name: 'omitted policyTypes on a rule-less podSelector {} policy: it denies ingress only',
      output: {
        'manifests/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n---\n# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n',
      },
      files: platform({
        'manifests/default-deny.yaml': DENY.replace('  policyTypes:\n    - Ingress\n    - Egress\n', ''),
        'manifests/allow-dns.yaml': '# none\n',
      }),
      errors: [
        // The services' own policies still isolate their egress, and nothing allows DNS any more.
        { messageId: 'dnsBlocked', path: 'charts/api-gateway/values.yaml', line: 20, column: 3, message: 'api-gateway cannot resolve names' },
        { messageId: 'dnsBlocked', path: 'charts/orchestrator/values.yaml', line: 20, column: 3, message: 'orchestrator cannot resolve names' },
        // The policy without policyTypes denies ingress only: default deny for Egress is missing.
        { messageId: 'noDefaultDeny', path: 'manifests/default-deny.yaml', line: 6, column: 1, message: 'for policyTypes [Egress]:' },
      ],
    },
    {
      name: 'trap: `egress: []` without policyTypes isolates nothing for egress',
      output: {
        'manifests/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n---\n# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n',
      },
      files: platform({
        'manifests/default-deny.yaml': DENY.replace('  policyTypes:\n    - Ingress\n    - Egress\n', '  ingress: []\n  egress: []\n'),
        'manifests/allow-dns.yaml': '# none\n',
      }),
      errors: [
        { messageId: 'dnsBlocked', path: 'charts/api-gateway/values.yaml', line: 20, column: 3 },
        { messageId: 'dnsBlocked', path: 'charts/orchestrator/values.yaml', line: 20, column: 3 },
        { messageId: 'noDefaultDeny', path: 'manifests/default-deny.yaml', line: 6, column: 1, message: 'for policyTypes [Egress]:' },
      ],
    },
    {
      name: 'trap: from [{podSelector: {}}, {namespaceSelector: {}}] is two peers (ORed): every pod here, and every pod anywhere',
      files: smallRepo({
        'manifests/db-policy.yaml': policy('db', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector: {}
        - namespaceSelector: {}
      ports:
        - { protocol: TCP, port: 5432 }
`,
        }),
      }),
      errors: [
        { messageId: 'overBroadAllPods', path: 'manifests/db-policy.yaml', line: 13, column: 11, message: 'every pod in namespace balance-plus' },
        { messageId: 'overBroadAllNamespaces', path: 'manifests/db-policy.yaml', line: 14, column: 11 },
      ],
    },
    {
      name: 'trap: one peer with podSelector {} AND namespaceSelector {} is one over-broad peer (every pod of every namespace)',
      files: smallRepo({
        'manifests/db-policy.yaml': policy('db', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector: {}
          namespaceSelector: {}
      ports:
        - { protocol: TCP, port: 5432 }
`,
        }),
      }),
      errors: [{ messageId: 'overBroadAllNamespaces', path: 'manifests/db-policy.yaml', line: 14, column: 11 }],
    },
    {
      name: 'namespaceSelector {} with a pod selector, and podSelector {} within named namespaces',
      files: smallRepo({
        'manifests/db-policy.yaml': policy('db', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: web
          namespaceSelector: {}
        - podSelector: {}
          namespaceSelector:
            matchLabels:
              team: reporting
      ports:
        - { protocol: TCP, port: 5432 }
`,
        }),
      }),
      errors: [
        { messageId: 'overBroadAnyNamespace', path: 'manifests/db-policy.yaml', line: 16, column: 11, message: 'app.kubernetes.io/name=web' },
        { messageId: 'overBroadAllPodsInNamespaces', path: 'manifests/db-policy.yaml', line: 17, column: 11, message: 'team=reporting' },
      ],
    },
    {
      name: 'egress ipBlock ::/0 in a manifest, on the cidr line',
      files: smallRepo({
        'manifests/web-policy.yaml': policy('web', {
          types: '[Egress]',
          egress: `    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: db
      ports:
        - { protocol: TCP, port: 5432 }
    - to:
        - ipBlock:
            cidr: "::/0"
`,
        }),
      }),
      errors: [{ messageId: 'overBroadIpBlock', path: 'manifests/web-policy.yaml', line: 20, column: 13, message: 'every IPv6 address' }],
    },
    {
      name: 'values: an egressTo entry with ports only (no peer) reaches every destination',
      files: platform({
        'charts/orchestrator/values-prod.yaml': `networkPolicy:
  egressTo:
${TO_POSTGRES}    - ports:
        - { protocol: TCP, port: 443 }
`,
      }),
      errors: [{ messageId: 'overBroadNoPeers', path: 'charts/orchestrator/values-prod.yaml', line: 8, column: 7, message: 'no `to` peers' }],
    },
    {
      name: 'forbidden edge api-gateway → postgresql: reported on the rule of each side that opens it',
      files: platform({
        'charts/api-gateway/values.yaml': apiValues(FROM_INGRESS_NGINX, TO_ORCHESTRATOR + TO_POSTGRES),
        'manifests/postgresql-policy.yaml': policy('postgresql', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector:
            matchLabels:
              balance-plus.io/service: orchestrator
        - podSelector:
            matchLabels:
              balance-plus.io/service: api-gateway
      ports:
        - { protocol: TCP, port: 5432 }
`,
        }),
      }),
      errors: [
        { messageId: 'forbiddenReachable', path: 'charts/api-gateway/values.yaml', line: 28, column: 11, message: 'api-gateway → postgresql (TCP 5432)' },
        {
          messageId: 'forbiddenReachable',
          path: 'manifests/postgresql-policy.yaml',
          line: 18,
          column: 15,
          message: 'ingress rule of NetworkPolicy postgresql',
        },
      ],
    },
    {
      name: 'forbidden edge with nothing isolating either side: on the workload, plus the missing default deny',
      output: {
        'manifests/networkpolicy-default-deny.yaml':
          '# TR-K8S-7: nothing reaches or leaves a pod of the namespace unless another policy allows it.\n# Added by bplus fix.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-all\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n    - Egress\n---\n# Every pod may resolve names through cluster DNS (kube-system/kube-dns), nothing else.\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow-dns-egress\n  namespace: balance-plus\nspec:\n  podSelector: {}\n  policyTypes:\n    - Egress\n  egress:\n    - to:\n        - namespaceSelector:\n            matchLabels:\n              kubernetes.io/metadata.name: kube-system\n          podSelector:\n            matchLabels:\n              k8s-app: kube-dns\n      ports:\n        - protocol: UDP\n          port: 53\n        - protocol: TCP\n          port: 53\n',
      },
      afterFix: ['declaredBlocked'],
      files: {
        'manifests/api-gateway.yaml': workload('api-gateway', [['http', 8000]]),
        'manifests/postgresql.yaml': workload('postgresql', [['postgresql', 5432]], 'StatefulSet'),
      },
      errors: [
        { messageId: 'noDefaultDeny', path: 'manifests/api-gateway.yaml', line: 5, column: 3, message: 'policyTypes [Ingress, Egress]' },
        { messageId: 'forbiddenUnrestricted', path: 'manifests/api-gateway.yaml', line: 12, column: 7, message: 'api-gateway → postgresql (TCP 5432)' },
      ],
    },
    {
      name: 'configured forbidden edge (cron → db) opened by a podSelector {} ingress peer',
      files: smallRepo({
        'manifests/cron-policy.yaml': policy('cron', {
          types: '[Egress]',
          egress: `    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: db
`,
        }),
        'manifests/db-policy.yaml': policy('db', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector: {}
      ports:
        - { protocol: TCP, port: 5432 }
`,
        }),
      }),
      errors: [
        { messageId: 'forbiddenReachable', path: 'manifests/cron-policy.yaml', line: 15, column: 15, message: 'cron → db (TCP 5432)' },
        { messageId: 'overBroadAllPods', path: 'manifests/db-policy.yaml', line: 13, column: 11 },
        { messageId: 'forbiddenReachable', path: 'manifests/db-policy.yaml', line: 13, column: 11, message: 'ingress rule of NetworkPolicy db' },
      ],
    },
    {
      name: 'egress without DNS: the service cannot resolve names (values policy, on egressTo)',
      files: {
        'manifests/default-deny.yaml': DENY,
        ...serviceChart('orchestrator', 'python-fastapi-service', apiValues(FROM_API_GATEWAY, TO_POSTGRES)),
      },
      errors: [{ messageId: 'dnsBlocked', path: 'charts/orchestrator/values.yaml', line: 20, column: 3, message: 'UDP 53, TCP 53' }],
    },
    {
      name: 'egress without DNS for a workload only the default deny selects: on the default deny',
      files: { 'manifests/default-deny.yaml': DENY, 'manifests/db.yaml': workload('postgresql', [['postgresql', 5432]]) },
      errors: [{ messageId: 'dnsBlocked', path: 'manifests/default-deny.yaml', line: 8, column: 3, message: 'postgresql cannot resolve names' }],
    },
    {
      name: 'declared edge blocked on the destination: orchestrator admits only frontend',
      files: platform({
        'charts/orchestrator/values.yaml': apiValues(FROM_API_GATEWAY.replace('api-gateway', 'frontend'), TO_POSTGRES),
      }),
      errors: [
        { messageId: 'declaredBlocked', path: 'charts/orchestrator/values.yaml', line: 14, column: 3, message: 'api-gateway → orchestrator (TCP 8000)' },
      ],
    },
    {
      name: 'declared edge blocked on both sides: neither policy mentions the other',
      files: platform({
        'charts/api-gateway/values.yaml': apiValues(FROM_INGRESS_NGINX, '    []\n'),
        'charts/orchestrator/values.yaml': apiValues('    []\n', TO_POSTGRES),
      }),
      errors: [
        { messageId: 'declaredBlocked', path: 'charts/api-gateway/values.yaml', line: 20, column: 3, message: 'isolates api-gateway for egress' },
        { messageId: 'declaredBlocked', path: 'charts/orchestrator/values.yaml', line: 14, column: 3, message: 'isolates orchestrator for ingress' },
      ],
    },
    {
      name: 'named port the destination does not declare opens nothing: the declared edge is blocked',
      files: smallRepo({
        'manifests/db-policy.yaml': policy('db', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: web
      ports:
        - { protocol: TCP, port: pgbouncer }
`,
        }),
      }),
      errors: [{ messageId: 'declaredBlocked', path: 'manifests/db-policy.yaml', line: 11, column: 3, message: 'web → db (TCP 5432)' }],
    },
    {
      name: 'undeclared: forbid reports a reachable edge the graph does not mention, on both sides',
      files: smallRepo({
        '.github/bplus.yml': SMALL_GRAPH_CONFIG.replace('  forbid:\n    - { from: cron, to: db }\n', '  forbid: []\n  undeclared: forbid\n'),
        'manifests/cron-policy.yaml': policy('cron', {
          types: '[Egress]',
          egress: `    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: db
`,
        }),
        'manifests/db-policy.yaml': policy('db', {
          types: '[Ingress]',
          ingress: `    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: web
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: cron
      ports:
        - { protocol: TCP, port: 5432 }
`,
        }),
      }),
      errors: [
        { messageId: 'undeclaredReachable', path: 'manifests/cron-policy.yaml', line: 15, column: 15, message: 'cron → db (TCP 5432)' },
        { messageId: 'undeclaredReachable', path: 'manifests/db-policy.yaml', line: 18, column: 15, message: 'network.undeclared: forbid' },
      ],
    },
    {
      name: 'a NetworkPolicy the API server would reject (protocol HTTP) is reported and ignored',
      files: smallRepo({
        'manifests/web-policy.yaml': policy('web', {
          types: '[Egress]',
          egress: `    - to:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: db
      ports:
        - { protocol: HTTP, port: 5432 }
`,
        }),
      }),
      errors: [
        // Ignored, it no longer opens web → db: the declared edge is blocked by the default deny.
        { messageId: 'declaredBlocked', path: 'manifests/default-deny.yaml', line: 8, column: 3, message: 'web → db (TCP 5432)' },
        { messageId: 'invalidPolicy', path: 'manifests/web-policy.yaml', line: 17, column: 13, message: 'protocol "HTTP"' },
      ],
    },
  ],
});

describe('TR-K8S-7 findings in detail', () => {
  it('the missing default deny is fixed for the namespace, once for all its findings', async () => {
    const { fixable, plan } = await fixesOf(rule, platform({ 'manifests/default-deny.yaml': '# removed\n' }));
    expect(fixable.map((f) => f.messageId)).toEqual(['noDefaultDeny']);
    expect(plan.applied.map((a) => a.description)).toEqual([
      expect.stringContaining('added NetworkPolicy default-deny-all (ingress and egress) for namespace balance-plus'),
    ]);
  });

  it('speaks Russian with the edge and the port', async () => {
    const files = platform({
      'charts/api-gateway/values.yaml': apiValues(FROM_INGRESS_NGINX, TO_ORCHESTRATOR + TO_POSTGRES),
      'manifests/postgresql-policy.yaml': POSTGRES_POLICY.replace('balance-plus.io/service: orchestrator', 'balance-plus.io/service: api-gateway'),
    });
    const ru = await findingsOf(rule, files, undefined, 'ru');
    expect(ru.map((f) => f.message)).toContain(
      'api-gateway → postgresql (TCP 5432) достижимо, хотя граф сервисов запрещает эту связь: её открывает это правило egress в NetworkPolicy api-gateway',
    );
    // orchestrator lost its way in: a declared edge blocked on PostgreSQL's side.
    expect(ru.map((f) => f.message)).toContain(
      'orchestrator → postgresql (TCP 5432) объявлено в графе сервисов, но NetworkPolicy postgresql это блокирует: она изолирует ingress у postgresql, и ни одно правило ingress не разрешает это соединение, поэтому orchestrator не сможет работать с postgresql',
    );
    const dns = await findingsOf(
      rule,
      { 'manifests/default-deny.yaml': DENY, 'manifests/db.yaml': workload('postgresql', [['postgresql', 5432]]) },
      undefined,
      'ru',
    );
    expect(dns.map((f) => f.message)).toEqual([
      'postgresql не сможет разрешать имена: NetworkPolicy default-deny-all изолирует его egress, и ни одно правило egress не разрешает DNS кластера (UDP 53, TCP 53); добавьте правило egress к kube-system/kube-dns на UDP и TCP 53',
    ]);
  });

  it('configured namespaces of the ingress controller and KEDA are where the selectors must point', async () => {
    const files = platform({ '.github/bplus.yml': 'network:\n  ingressControllerNamespace: ingress-system\n' });
    const findings = await findingsOf(rule, files);
    expect(findings.map((f) => `${f.messageId} ${f.path}:${f.line}`)).toEqual(['declaredBlocked charts/api-gateway/values.yaml:14']);
    expect(findings[0]!.message).toContain('ingress-controller → api-gateway (TCP 8000)');
  });

  it('a waiver with a reason on the policy silences its findings', async () => {
    const files = smallRepo({
      'manifests/db-policy.yaml': policy('db', {
        types: '[Ingress]',
        ingress: `    - from:
        - podSelector: {}
      ports:
        - { protocol: TCP, port: 5432 }
`,
      }).replace(
        '  namespace: balance-plus\n',
        '  namespace: balance-plus\n  annotations:\n    bplus.io/exception-TR-K8S-7: "batch jobs of the namespace load the database (PLAT-7)"\n',
      ),
    });
    expect(await findingsOf(rule, files)).toEqual([]);
  });
});
