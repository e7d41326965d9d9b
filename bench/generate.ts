/**
 * A generated Balance+-like repository for the benchmark: service charts (Chart.yaml, include,
 * values.yaml, values-prod.yaml with comments) on the real library charts (copied from the bundled
 * fixture at generation time, so Helm renders every service chart as it would in use), an
 * infrastructure chart's templates, and plain multi-document manifests with ConfigMaps of
 * realistic size. Deterministic for a given size.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const LIBRARIES = fileURLToPath(new URL('../fixtures/balance-plus/charts/library', import.meta.url));

const KINDS = [
  ['python-fastapi-service', 'api'],
  ['python-celery-worker', 'worker'],
  ['frontend-spa', 'frontend'],
] as const;

export interface GeneratedRepo {
  dir: string;
  files: number;
  bytes: number;
}

export interface GenerateOptions {
  /**
   * Library charts of one Chart.yaml each instead of the bundled ones: Helm refuses every service
   * chart at once (no template to include), so a review is YAML volume without 300 Helm renders
   * (test/app/off-thread.test.ts wants a heavy review, not a long one).
   */
  stubLibraries?: boolean;
}

export function generateRepository(dir: string, targetFiles = 1000, targetBytes = 10 * 1024 * 1024, options: GenerateOptions = {}): GeneratedRepo {
  let files = 0;
  let bytes = 0;
  const write = (relative: string, content: string): void => {
    const full = path.join(dir, relative);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, content);
    files++;
    bytes += Buffer.byteLength(content);
  };
  write('.github/bplus.yml', 'production:\n  environments: [prod]\n  namespace: balance-plus\n');
  // The bundled library charts, every file (templates and values.schema.json included): Helm
  // refuses a dependency that is not a chart, and a stub library would render nothing.
  const libraryVersion = new Map<string, string>();
  for (const [library] of KINDS) {
    if (options.stubLibraries) {
      write(`charts/library/${library}/Chart.yaml`, `apiVersion: v2\nname: ${library}\nversion: 1.4.0\ntype: library\n`);
      libraryVersion.set(library, '1.4.0');
      continue;
    }
    const from = path.join(LIBRARIES, library);
    for (const file of (readdirSync(from, { recursive: true }) as string[]).sort()) {
      if (!statSync(path.join(from, file)).isFile()) continue;
      write(`charts/library/${library}/${file.split(path.sep).join('/')}`, readFileSync(path.join(from, file), 'utf8'));
    }
    libraryVersion.set(library, /^version:\s*(\S+)/m.exec(readFileSync(path.join(from, 'Chart.yaml'), 'utf8'))?.[1] ?? '0.0.0');
  }
  // Four YAML files per service chart; the rest are manifests carrying most of the bytes.
  const services = Math.floor((targetFiles * 0.6) / 4);
  for (let i = 0; i < services; i++) {
    const [library, component] = KINDS[i % KINDS.length]!;
    const name = `svc-${String(i).padStart(4, '0')}`;
    write(
      `charts/${name}/Chart.yaml`,
      `apiVersion: v2\nname: ${name}\nversion: 0.${i}.0\ntype: application\ndependencies:\n  - name: ${library}\n    version: ${libraryVersion.get(library)}\n    repository: file://../library/${library}\n`,
    );
    write(`charts/${name}/templates/all.yaml`, `{{ include "${library}.all" . }}\n`);
    write(`charts/${name}/values.yaml`, serviceValues(name, component, i));
    // Every seventh service forgets its memory limit in production: a realistic share of findings.
    write(
      `charts/${name}/values-prod.yaml`,
      `# production overrides for ${name}\nreplicaCount: 3\nresources:\n  requests:\n    cpu: 500m\n    memory: 512Mi\n  limits:\n    cpu: "2"\n${i % 7 === 0 ? '    memory: null\n' : '    memory: 1Gi\n'}ingress:\n  host: ${name}.balance-plus.example\n`,
    );
  }
  // Everything else is in infrastructure charts (TR-K8S-1), 20 templates each.
  const infraCharts = Math.ceil((targetFiles - files) / 21);
  const templates = targetFiles - files - infraCharts;
  const perTemplate = Math.max(1024, Math.floor((targetBytes - bytes) / Math.max(1, templates)));
  for (let c = 0; c < infraCharts; c++) {
    write(`charts/infra-${c}/Chart.yaml`, `apiVersion: v2\nname: infra-${c}\nversion: 1.0.0\nannotations:\n  balance-plus.io/chart-role: infrastructure\n`);
  }
  for (let i = 0; i < templates; i++) write(`charts/infra-${i % infraCharts}/templates/app-${String(i).padStart(4, '0')}.yaml`, manifestFile(i, perTemplate));
  return { dir, files, bytes };
}

function serviceValues(name: string, component: string, i: number): string {
  const config = Array.from({ length: 40 }, (_, k) => `  SETTING_${k}: "value-${i}-${k}"`).join('\n');
  return `# ${name}: generated ${component} service
image:
  repository: registry.balance-plus.internal/${name}
  tag: "1.${i}.0"
replicaCount: 2
resources:
  requests:
    cpu: 250m
    memory: 256Mi
  limits:
    cpu: "1"
    memory: 512Mi
initContainers:
  - name: migrate
    image: registry.balance-plus.internal/${name}-migrate:1.${i}.0
    resources:
      requests: { cpu: 100m, memory: 128Mi }
      limits: { cpu: 500m, memory: 256Mi }
config:
${config}
env: {}
service:
  type: ClusterIP
  port: 8000
ingress:
  enabled: ${component === 'frontend'}
  className: nginx
  host: ${name}.balance-plus.example
  tls: { secretName: ${name}-tls }
autoscaling:
  enabled: ${component !== 'worker'}
  minReplicas: 2
  maxReplicas: 10
  targetCPUUtilizationPercentage: 70
keda:
  enabled: ${component === 'worker'}
  queueName: q-${name}
  mode: QueueLength
  value: "20"
  protocol: http
  authenticationRef: { secretName: rabbitmq-keda, hostKey: host }
networkPolicy:
  enabled: true
  ingressFrom:
    - podSelector: { matchLabels: { balance-plus.io/service: api-gateway } }
      ports: [{ port: 8000, protocol: TCP }]
probes:
  readiness: { path: /health/ready }
  liveness: { path: /health/live }
podDisruptionBudget: { enabled: true, minAvailable: 1 }
podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: RuntimeDefault } }
securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: [ALL] } }
${component === 'worker' ? `celery:\n  app: ${name.replace(/-/g, '_')}.worker\n  queues: [q-${name}]\n  concurrency: 2\n` : ''}`;
}

/** A Deployment, its Service and a large ConfigMap (dashboards, feature flags) per file. */
function manifestFile(i: number, size: number): string {
  const name = `app-${i}`;
  const head = `# rendered by the infrastructure chart
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: {{ .Release.Namespace }}
  labels: { app.kubernetes.io/name: ${name} }
spec:
  replicas: 2
  selector: { matchLabels: { app.kubernetes.io/name: ${name} } }
  template:
    metadata:
      labels: { app.kubernetes.io/name: ${name} }
    spec:
      containers:
        - name: app
          image: registry.balance-plus.internal/${name}:1.0.${i}
          ports: [{ name: http, containerPort: 8080 }]
          resources:
            requests: { cpu: 100m, memory: 128Mi }
            limits: { cpu: 500m, memory: 256Mi }
---
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: "{{ .Release.Namespace }}" }
spec:
  type: ClusterIP
  selector: { app.kubernetes.io/name: ${name} }
  ports: [{ name: http, port: 80, targetPort: http }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ${name}-flags, namespace: balance-plus }
data:
`;
  const lines: string[] = [];
  let length = head.length;
  for (let k = 0; length < size; k++) {
    const line = `  flag_${k}: "enabled=${k % 2 === 0}; rollout=${(k * 7) % 100}; owner=team-${k % 13}"`;
    lines.push(line);
    length += line.length + 1;
  }
  return `${head}${lines.join('\n')}\n`;
}
