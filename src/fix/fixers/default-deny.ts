/**
 * TR-K8S-7 (`add-default-deny`): a NetworkPolicy selecting every pod of the production namespace
 * with both policy types and no rule (deny all ingress and egress), added as a template of the
 * infrastructure chart when the repository has one, else under `manifests/`. Denying egress
 * also denies DNS: when no policy of the namespace allows port 53, an allow-DNS policy
 * (kube-system/kube-dns, UDP and TCP 53) is added in the same file, as the platform's declared
 * graph allows every pod to reach cluster DNS.
 */
import type { Fixer } from '../types.ts';
import { dataOf, str } from './common.ts';

export const defaultDenyFixer: Fixer = {
  kind: 'add-default-deny',
  async fix(finding, context) {
    const namespace = str(dataOf(finding).namespace) ?? context.config.production.namespace;
    const memoKey = `deny:${namespace}`;
    if (context.memo.has(memoKey)) return { status: 'covered' };
    context.memo.set(memoKey, true);

    const infra = context.model.charts.find((c) => c.role === 'infrastructure');
    const dir = infra ? `${infra.dir === '.' ? '' : `${infra.dir}/`}templates` : 'manifests';
    let file = `${dir}/networkpolicy-default-deny.yaml`;
    for (let i = 2; context.tree.exists(file); i++) file = `${dir}/networkpolicy-default-deny-${i}.yaml`;
    const namespaceText = infra ? '{{ .Release.Namespace }}' : namespace;

    const allowsDns = context.model.objects.some(
      (o) => o.kind === 'NetworkPolicy' && (o.metadata.namespace === undefined || o.metadata.namespace === namespace || o.metadata.namespace.includes('{{')) && /"port":\s*(53|"dns")/.test(JSON.stringify(o.raw)),
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
    context.tree.write(file, docs.join('---\n'));
    context.note(`default deny is on for namespace ${namespace}: every connection the services need must now be allowed by a NetworkPolicy (the charts' networkPolicy.ingressFrom/egressTo); check \`bplus netpol\` before merging`);
    return {
      status: 'applied',
      changes: [{ path: file, line: 1, description: `added NetworkPolicy default-deny-all (ingress and egress) for namespace ${namespace}${allowsDns ? '' : ' and allow-dns-egress (no policy allowed DNS yet)'}` }],
    };
  },
};
