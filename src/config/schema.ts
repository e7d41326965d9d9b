/**
 * `.github/bplus.yml`: the reviewed repository's configuration. Every default below is the layout
 * of `shared/platform-rules.md`; organisations with another layout change only what differs.
 */
import { z } from 'zod';

/** The most a repository's configuration may raise each budget to. */
export const LIMIT_CEILINGS = {
  maxFileBytes: 64 * 1024 * 1024,
  maxExpandedBytes: 256 * 1024 * 1024,
  maxDocumentsPerFile: 100_000,
  maxObjects: 200_000,
  maxEnvironments: 200,
  maxExceptions: 10_000,
  maxFindings: 1_000_000,
} as const;

export const serviceKinds = ['fastapi', 'celery', 'spa'] as const;
export type ServiceKind = (typeof serviceKinds)[number];

const ruleLevel = z.enum(['off', 'notice', 'warning', 'failure']);
/** `level`, or ESLint's `[level, { options }]`; each rule validates its own options (rule metadata). */
const ruleSetting = z.union([ruleLevel, z.tuple([ruleLevel]), z.tuple([ruleLevel, z.record(z.string(), z.unknown())])]);

const quantityPair = z.object({ cpu: z.union([z.string(), z.number()]), memory: z.union([z.string(), z.number()]) });
const resourcesDefault = z.object({ requests: quantityPair, limits: quantityPair });

const edge = z.object({
  from: z.string().min(1),
  to: z.string().min(1),
  ports: z.array(z.union([z.number().int().min(1).max(65535), z.string()])).optional(),
});

/** API versions a Balance+ cluster serves beyond Kubernetes' own: KEDA, Sealed Secrets, Prometheus Operator. */
export const DEFAULT_API_VERSIONS = [
  'keda.sh/v1alpha1',
  'bitnami.com/v1alpha1',
  'monitoring.coreos.com/v1',
  'networking.k8s.io/v1',
  'autoscaling/v2',
  'policy/v1',
] as const;

export const configSchema = z
  .object({
    production: z
      .object({
        /** Environments reviewed as production: `values-<env>.yaml` overlays. */
        environments: z.array(z.string().min(1)).min(1).default(['prod']),
        namespace: z.string().min(1).default('balance-plus'),
      })
      .strict()
      .prefault({}),
    /** Library chart name → service kind. */
    libraries: z
      .record(z.string(), z.enum(serviceKinds))
      .default({ 'python-fastapi-service': 'fastapi', 'python-celery-worker': 'celery', 'frontend-spa': 'spa' }),
    /** Where in values each library reads its settings (dotted paths). */
    values: z
      .object({
        resources: z.string().default('resources'),
        initContainers: z.string().default('initContainers'),
        sidecars: z.string().default('sidecars'),
        replicas: z.string().default('replicaCount'),
        autoscaling: z.string().default('autoscaling'),
        keda: z.string().default('keda'),
        service: z.string().default('service'),
        ingress: z.string().default('ingress'),
        networkPolicy: z.string().default('networkPolicy'),
        env: z.string().default('env'),
        config: z.string().default('config'),
      })
      .strict()
      .prefault({}),
    ingress: z
      .object({
        classNames: z.array(z.string().min(1)).min(1).default(['nginx']),
        requireTls: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    network: z
      .object({
        ingressControllerNamespace: z.string().default('ingress-nginx'),
        kedaNamespace: z.string().default('keda'),
        /** The declared service graph; the default is the platform's diagram. */
        allow: z.array(edge).optional(),
        forbid: z.array(edge).optional(),
        undeclared: z.enum(['allow', 'forbid']).default('allow'),
      })
      .strict()
      .prefault({}),
    /** Rule id → level (or `off`), or `[level, { options }]`. */
    rules: z.record(z.string(), ruleSetting).default({}),
    /** The recommended pack (warnings) on or off as a whole. */
    recommended: z.boolean().default(true),
    /** Glob patterns of paths not reviewed at all. */
    ignore: z.array(z.string()).default([]),
    /** Waivers; each needs a written reason. */
    exceptions: z
      .array(
        z
          .object({
            rule: z.string().min(1),
            path: z.string().optional(),
            object: z.string().optional(),
            reason: z.string(),
          })
          .strict(),
      )
      .default([]),
    review: z
      .object({
        /** `changed`: the check run fails only on findings the pull request adds or touches. */
        failOn: z.enum(['all', 'changed']).default('all'),
        /** Complete the check run as neutral instead of failure (observation mode). */
        neutral: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    /**
     * Budgets (docs/security.md): crossing one is a finding that names the file and the limit; the
     * rest is still reviewed. The maxima are ceilings a repository's own configuration cannot pass.
     */
    limits: z
      .object({
        maxFileBytes: z
          .number()
          .int()
          .positive()
          .max(LIMIT_CEILINGS.maxFileBytes)
          .default(1024 * 1024),
        /** Bytes (keys and scalars) one YAML document may expand to through aliases and merge keys. */
        maxExpandedBytes: z
          .number()
          .int()
          .positive()
          .max(LIMIT_CEILINGS.maxExpandedBytes)
          .default(16 * 1024 * 1024),
        maxDocumentsPerFile: z.number().int().positive().max(LIMIT_CEILINGS.maxDocumentsPerFile).default(5_000),
        maxObjects: z.number().int().positive().max(LIMIT_CEILINGS.maxObjects).default(50_000),
        maxEnvironments: z.number().int().positive().max(LIMIT_CEILINGS.maxEnvironments).default(20),
        maxExceptions: z.number().int().positive().max(LIMIT_CEILINGS.maxExceptions).default(1_000),
        maxFindings: z.number().int().positive().max(LIMIT_CEILINGS.maxFindings).default(10_000),
      })
      .strict()
      .prefault({}),
    /** How charts are rendered (docs/helm.md): `helm template --kube-version … --api-versions …`. */
    helm: z
      .object({
        kubeVersion: z
          .string()
          .regex(/^v?\d+\.\d+(\.\d+)?$/, 'a Kubernetes version such as 1.31.0')
          .default('1.31.0'),
        /** Extra API versions Helm's `.Capabilities.APIVersions.Has` reports (besides the built-in ones). */
        apiVersions: z
          .array(z.string().regex(/^[A-Za-z0-9.-]+(\/[A-Za-z0-9.-]+)*(\/[A-Za-z0-9]+)?$/, 'group/version or group/version/Kind'))
          .default([...DEFAULT_API_VERSIONS]),
      })
      .strict()
      .prefault({}),
    /** What the autofix adds where resources are missing, per service kind. */
    defaults: z
      .object({
        resources: z.record(z.enum(serviceKinds), resourcesDefault).default({
          fastapi: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
          celery: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
          spa: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        }),
        autoscaling: z
          .object({
            minReplicas: z.number().int().min(1).default(2),
            maxReplicas: z.number().int().min(1).default(10),
            targetCPUUtilizationPercentage: z.number().int().min(1).max(100).default(70),
          })
          .prefault({}),
        keda: z
          .object({
            minReplicaCount: z.number().int().min(0).default(1),
            maxReplicaCount: z.number().int().min(1).default(20),
            value: z.string().default('20'),
          })
          .prefault({}),
      })
      .strict()
      .prefault({}),
    /** Organisation-level inheritance, resolved by the GitHub App (Probot `_extends`). */
    _extends: z.string().optional(),
  })
  .strict()
  // Levels stay where every reader expects them; options go to `ruleOptions` for the rules' own schemas.
  .transform(({ rules, ...rest }) => ({
    ...rest,
    rules: Object.fromEntries(Object.entries(rules).map(([id, setting]) => [id, typeof setting === 'string' ? setting : setting[0]])),
    ruleOptions: Object.fromEntries(
      Object.entries(rules).flatMap(([id, setting]) => (Array.isArray(setting) && setting[1] !== undefined ? [[id, setting[1]]] : [])),
    ),
  }));

export type BplusConfig = z.output<typeof configSchema>;

export const defaultConfig: BplusConfig = configSchema.parse({});
