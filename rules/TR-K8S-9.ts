import { credentialLabel, credentialShape, detectCredential, embeddedCredentials, findCredentials, type CredentialMatch } from '../src/engine/credentials.ts';
import {
  containersOf,
  credentialInstruction,
  defineRule,
  documentOf,
  isRecord,
  isTemplatedValue,
  moveCredential,
  renderedByLibrary,
  sealSecretFile,
  WORKLOAD_KINDS,
  type K8sObject,
  type RuleContext,
  type RuleMessages,
  type ValuePath,
} from '../src/engine/rule-kit.ts';

const NAMESPACE_WIDE = 'sealedsecrets.bitnami.com/namespace-wide';
const CLUSTER_WIDE = 'sealedsecrets.bitnami.com/cluster-wide';
/** The smallest RSA key the controller accepts is 2048 bits: a 256-byte wrapped session key. */
const MIN_RSA_BYTES = 256;
const GCM_TAG_BYTES = 16;

const messages = {
  plainSecret: {
    en: 'Secret "{name}" keeps {count} value(s) ({keys}) in {field} in Git: base64 is not encryption. Replace it with a SealedSecret sealed with the environment\'s public certificate, and rotate these credentials: they were pushed in clear text',
    ru: 'Secret «{name}» хранит в Git значения ({count}: {keys}) в {field}: base64 — не шифрование. Замените его на SealedSecret, запечатанный публичным сертификатом окружения, и смените эти учётные данные: они попали в репозиторий в открытом виде',
  },
  credentialInValues: {
    en: 'values key "{key}" holds a credential in clear text: keep it in a SealedSecret-managed Secret (secretEnvFrom) and rotate it, it was pushed to Git',
    ru: 'ключ values «{key}» содержит учётные данные в открытом виде: храните их в Secret под управлением SealedSecret (secretEnvFrom) и смените — они попали в Git',
  },
  credentialShapeInValues: {
    en: 'values key "{key}" holds a value shaped like {kind} in clear text: keep it in a SealedSecret-managed Secret (secretEnvFrom) and rotate it, it was pushed to Git',
    ru: 'ключ values «{key}» содержит значение вида {kind} в открытом виде: храните его в Secret под управлением SealedSecret (secretEnvFrom) и смените — оно попало в Git',
  },
  credentialInConfigMap: {
    en: 'ConfigMap "{name}" key "{key}" holds a credential: ConfigMaps are for non-secret configuration; move it to a SealedSecret and rotate it, it was pushed to Git',
    ru: 'ключ «{key}» ConfigMap «{name}» содержит учётные данные: ConfigMap — только для несекретной конфигурации; перенесите их в SealedSecret и смените — они попали в Git',
  },
  credentialShapeInConfigMap: {
    en: 'ConfigMap "{name}" key "{key}" holds a value shaped like {kind}: ConfigMaps are for non-secret configuration; move it to a SealedSecret and rotate it, it was pushed to Git',
    ru: 'ключ «{key}» ConfigMap «{name}» содержит значение вида {kind}: ConfigMap — только для несекретной конфигурации; перенесите его в SealedSecret и смените — оно попало в Git',
  },
  credentialInEnv: {
    en: 'env "{key}" of container "{container}" in {object} is a credential literal: use valueFrom.secretKeyRef to a SealedSecret-managed Secret and rotate it, it was pushed to Git',
    ru: 'env «{key}» контейнера «{container}» в {object} — учётные данные литералом: используйте valueFrom.secretKeyRef на Secret под управлением SealedSecret и смените значение — оно попало в Git',
  },
  credentialShapeInEnv: {
    en: 'env "{key}" of container "{container}" in {object} is a literal shaped like {kind}: use valueFrom.secretKeyRef to a SealedSecret-managed Secret and rotate it, it was pushed to Git',
    ru: 'env «{key}» контейнера «{container}» в {object} — литерал вида {kind}: используйте valueFrom.secretKeyRef на Secret под управлением SealedSecret и смените значение — оно попало в Git',
  },
  credentialInObject: {
    en: '{object} holds a value shaped like {kind} at {field}: reference a Secret instead and rotate it, it was pushed to Git',
    ru: '{object} содержит значение вида {kind} в {field}: сошлитесь на Secret и смените значение — оно попало в Git',
  },
  emptyEncryptedData: {
    en: 'SealedSecret "{name}" has no spec.encryptedData: the controller would create an empty Secret; seal the values with kubeseal or bplus seal',
    ru: 'у SealedSecret «{name}» нет spec.encryptedData: контроллер создаст пустой Secret; запечатайте значения через kubeseal или bplus seal',
  },
  sealedNotBase64: {
    en: 'SealedSecret "{name}": encryptedData.{key} is not standard base64 with padding, so it is not a sealed value and the controller cannot decrypt it; re-seal it (and rotate it if a plaintext was pasted here)',
    ru: 'SealedSecret «{name}»: encryptedData.{key} — не стандартный base64 с выравниванием, то есть не запечатанное значение, и контроллер не сможет его расшифровать; запечатайте заново (и смените значение, если сюда вставили открытый текст)',
  },
  sealedShortKey: {
    en: 'SealedSecret "{name}": encryptedData.{key} announces an RSA part shorter than a 2048-bit key, so it is not a sealed value and the controller cannot decrypt it; re-seal it (and rotate it if it held a base64-encoded plaintext)',
    ru: 'SealedSecret «{name}»: encryptedData.{key} объявляет RSA-часть короче 2048-битного ключа, то есть это не запечатанное значение, и контроллер не сможет его расшифровать; запечатайте заново (и смените значение, если там был открытый текст в base64)',
  },
  sealedTruncated: {
    en: 'SealedSecret "{name}": encryptedData.{key} is shorter than its length prefix announces (RSA part and AES-GCM tag), so it is truncated or not a sealed value and the controller cannot decrypt it; re-seal it (and rotate it if it held a base64-encoded plaintext)',
    ru: 'SealedSecret «{name}»: encryptedData.{key} короче, чем объявляет префикс длины (RSA-часть и тег AES-GCM): значение обрезано или не запечатано, и контроллер не сможет его расшифровать; запечатайте заново (и смените значение, если там был открытый текст в base64)',
  },
  sealedForOtherTarget: {
    en: 'SealedSecret "{name}" was sealed for {field} "{sealed}" (spec.template.metadata) but is deployed as {field} "{actual}": with {scope} scope the controller fails with "no key could decrypt secret"; re-seal it for "{actual}"',
    ru: 'SealedSecret «{name}» запечатан для {field} «{sealed}» (spec.template.metadata), а развёртывается как {field} «{actual}»: при области {scope} контроллер не сможет расшифровать («no key could decrypt secret»); запечатайте заново для «{actual}»',
  },
  scopeOnTemplate: {
    en: 'SealedSecret "{name}": annotation {annotation} on spec.template.metadata has no effect, the controller reads the scope from the SealedSecret\'s own metadata; move it to metadata.annotations (and seal with that scope)',
    ru: 'SealedSecret «{name}»: аннотация {annotation} в spec.template.metadata ни на что не влияет — контроллер берёт область из metadata самого SealedSecret; перенесите её в metadata.annotations (и запечатайте с этой областью)',
  },
} satisfies RuleMessages;

type MessageId = keyof typeof messages;

export default defineRule({
  meta: {
    id: 'TR-K8S-9',
    title: { en: 'Secrets only through Sealed Secrets or Vault', ru: 'Секреты только через Sealed Secrets или Vault' },
    description: {
      en: 'Secrets reach the cluster as Kubernetes Secrets created by the Sealed Secrets controller (or Vault); Git never holds a plain Secret with data, nor a credential in values, ConfigMaps or env literals. SealedSecrets must be well-formed and sealed for the name and namespace they are deployed as.',
      ru: 'Секреты попадают в кластер как Kubernetes Secret, создаваемые контроллером Sealed Secrets (или Vault); в Git нет ни Secret с данными, ни учётных данных в values, ConfigMap или литералах env. SealedSecret должны быть корректными и запечатанными для того имени и namespace, под которыми они развёртываются.',
    },
    level: 'failure',
    pack: 'platform',
    fixable: true,
    docs: {
      details: [
        'Plain Secrets: every `kind: Secret` in manifests and chart templates whose `data` or `stringData` is non-empty is reported on its `kind:` line (base64 is an encoding, not encryption). Secrets without data are fine (a `kubernetes.io/service-account-token` Secret, a TLS Secret that cert-manager fills in). A templated Secret whose every value is produced at render time without `.Values` (Helm `lookup`, `randAlphaNum`, `genPrivateKey`) keeps nothing in Git and is accepted; one fed from `.Values` is reported, since the plaintext then lives in values or on a command line.',
        "Credentials in clear text (detection in `src/engine/credentials.ts`), by two independent signals. (1) The shape of a value, whatever its key: the rules of secretlint's recommended preset (`@secretlint/secretlint-rule-preset-recommend`, MIT, maintained with the services it knows: AWS access keys and secret keys, GCP service-account JSON, Slack, Stripe, SendGrid, Shopify, npm, GitLab, Grafana, OpenAI, Anthropic, Groq, Hugging Face, Linear, Notion, 1Password, HashiCorp Vault, Vercel, Databricks, Docker Hub, Figma, Cloudflare, Tailscale tokens, database URIs with a password, PEM private keys with real key material), then our own patterns for what the preset leaves out or where its pattern is not linear: a URL of any scheme with `user:password@` (amqp://, redis://), a libpq/ADO.NET `password=` connection string, a PEM private-key header even without its body, GitHub tokens, a signed JWT. (2) The name of the key, with a literal value: `password`, `DB_PASS`, `apiKey`, `client_secret`, `AUTH_TOKEN`...; widened to what real configurations use: an environment-style `*_KEY` (`AZURE_BATCH_KEY`, `MAILGUN_KEY`: in upper-case names a key is a credential unless the word before says which harmless key it is: `PUBLIC`, `PUBLISHABLE`, `SITE`, `ROUTING`, `CACHE`, `PARTITION`... so a Celery `ROUTING_KEY` stays configuration; camelCase settings such as `cacheKey` keep the narrower rule, because values files use them for non-secrets), the material of a key (`OCI_CLI_KEY_CONTENT`, `privateKeyPem`), `pwd`/`passwd` unless the value is a path (`PWD: /srv/app` is a working directory, `passwd: /etc/passwd` a file), and `Authorization`/`*_HEADER` keys whose value starts with a Bearer, Basic, Token, Digest or ApiKey scheme followed by a literal. Checked in every values file of every chart (on the key line of the file that holds it; merged service values add nothing a file walk misses), in ConfigMap `data` (an embedded file such as `app.ini: |` line by line), in `env[].value` literals of workloads, and by shape only in any other object (annotations, args, trigger metadata). The message names the key and the kind of credential (for the library, its rule and message id), never the value. References are not credentials: `{{ ... }}`, `$(VAR)`, `${VAR}`, `<path:...>`, `vault:`/`ref+` URIs, `secretKeyRef`, keys naming a Secret or a key in one (`existingSecret`, `secretName`, `passwordKey`), descriptive keys (`passwordLength`, `tokenTTL`). A placeholder literal such as `changeme` counts: it is what the deployment would use. Booleans never count; numbers under a credential key do. AWS's documented example key and placeholder private keys without key material are not reported by the preset.",
        'SealedSecrets (format of bitnami-labs/sealed-secrets): `spec.encryptedData` must be non-empty; each value standard base64 with padding that decodes to a 2-byte big-endian length, an RSA-OAEP part of at least 256 bytes (2048-bit key) that fits in what follows, and at least the 16-byte AES-GCM tag. The scope comes from the SealedSecret\'s own annotations (`sealedsecrets.bitnami.com/namespace-wide`, `cluster-wide`); on `spec.template.metadata` they have no effect and are reported. `spec.template.metadata` records the name and namespace the value was sealed for: under strict scope both, under namespace-wide scope the namespace, must equal the SealedSecret\'s own name and namespace where it is deployed (its `metadata.namespace`, or the production namespace when it has none or a templated one), otherwise the controller fails with "no key could decrypt secret". Cluster-wide values are not bound.',
        'Vault Agent injection (`vault.hashicorp.com/agent-inject`), Vault Secrets Operator (`VaultStaticSecret`, `VaultDynamicSecret`) and External Secrets (`ExternalSecret`) are accepted as they are. Messages never contain any part of a secret value.',
      ].join('\n\n'),
      incorrect:
        'apiVersion: v1\nkind: Secret\nmetadata: { name: postgresql-credentials }\ndata:\n  POSTGRES_PASSWORD: aHVudGVyMg==\n---\n# values.yaml\nenv:\n  DATABASE_URL: postgres://app:hunter2@postgresql:5432/balance',
      correct:
        'apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: postgresql-credentials, namespace: balance-plus }\nspec:\n  encryptedData:\n    POSTGRES_PASSWORD: AgB...\n  template:\n    metadata: { name: postgresql-credentials, namespace: balance-plus }\n---\n# values.yaml\nsecretEnvFrom: [postgresql-credentials]',
      examples: [
        {
          concern: 'credentials by shape (the secret-pattern library)',
          incorrect:
            'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: billing }\ndata:\n  STRIPE_API: sk_live_…            # any key: the value is a Stripe secret key\n  DATABASE_URL: postgres://app:…@db/app',
          correct:
            'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: billing }\ndata:\n  DATABASE_HOST: postgresql\n# the key and the password live in a SealedSecret, read with secretKeyRef / envFrom',
        },
        {
          concern: 'credentials by key name (*_KEY, *_KEY_CONTENT, pwd, Authorization headers)',
          incorrect: 'env:\n  - name: AZURE_BATCH_KEY\n    value: q1w2e3…\n  - name: AUTH_HEADER\n    value: "Bearer eyJ…"\n  - name: pwd\n    value: hunter2',
          correct:
            'env:\n  - name: AZURE_BATCH_KEY\n    valueFrom: { secretKeyRef: { name: batch, key: key } }\n  - name: AUTH_HEADER\n    value: "Bearer $(API_TOKEN)"   # expanded from a Secret-backed variable\n  - name: PWD\n    value: /srv/app                # a path, not a password',
        },
      ],
      fix: "`bplus fix` replaces a plain Secret by a SealedSecret sealed with the environment's public certificate. A credential in a service chart's `env.KEY` or `config.KEY`, set only in the production overlay, is sealed into the SealedSecret `<service>-credentials` and referenced through `secretEnvFrom`; any other credential (a ConfigMap, an env literal, a nested or shared value) is moved by hand, and the fix says how: put it in a Secret, seal it, reference it (`secretEnvFrom`, `secretKeyRef`). In every case the value was pushed to Git in clear text: rotate it.",
    },
    peers: [
      'kube-linter `env-var-secret`, `read-secret-from-env-var`',
      'Checkov CKV_K8S_35 (secrets as files), secrets framework CKV_SECRET_*',
      'Kubescape C-0012 (Applications credentials in configuration files)',
      'secretlint `@secretlint/secretlint-rule-preset-recommend` and `no-k8s-kind-secret`',
    ],
    messages,
  },
  check(context) {
    checkValuesFiles(context);
    for (const object of context.objects()) {
      // What a service chart's library renders carries what the values files walked above hold:
      // only its Secrets and SealedSecrets have more to see.
      if (renderedByLibrary(context.model, object) && object.kind !== 'Secret' && object.kind !== 'SealedSecret') continue;
      if (object.kind === 'Secret') checkSecret(context, object);
      else if (object.kind === 'SealedSecret') checkSealedSecret(context, object);
      else if (object.kind === 'ConfigMap') checkConfigMap(context, object);
      else {
        const envPaths = WORKLOAD_KINDS.has(object.kind) ? checkEnv(context, object) : new Set<string>();
        checkShapes(context, object, envPaths);
      }
    }
  },
});

/** The message for a credential found by its key name, or the one naming its shape. */
function pick<A extends MessageId, B extends MessageId>(match: CredentialMatch, byKey: A, byShape: B): { messageId: A | B; kind: Record<string, string> } {
  return match.reason === 'key-name' ? { messageId: byKey, kind: {} } : { messageId: byShape, kind: { kind: match.label } };
}

function checkValuesFiles(context: RuleContext<MessageId>): void {
  const seen = new Set<string>();
  for (const chart of context.model.charts) {
    for (const file of [chart.valuesFile, ...chart.environmentFiles.values()]) {
      if (!file || seen.has(file)) continue;
      seen.add(file);
      const yaml = context.model.yamlFiles.get(file);
      if (!yaml) continue;
      for (const doc of yaml.parsed.docs) {
        for (const hit of findCredentials(doc.value)) {
          const { messageId, kind } = pick(hit.match, 'credentialInValues', 'credentialShapeInValues');
          const at = { path: file, ...doc.locate(hit.path) };
          // Moved automatically only from a reviewed service chart's values; elsewhere a person moves it.
          const values = context.model.serviceValues.find((s) => s.chart.dir === chart.dir && s.values.layers.some((l) => l.path === file));
          const fix = values ? moveCredential({ values, file, path: hit.path.map(String), at }) : credentialInstruction(at, 'manifest');
          context.report({ messageId, data: { key: hit.path.join('.'), ...kind }, at, fix });
        }
      }
    }
  }
}

function checkSecret(context: RuleContext<MessageId>, object: K8sObject): void {
  const fields = (['data', 'stringData'] as const).filter((field) => hasContent(object.raw[field]));
  if (fields.length === 0) return;
  if (fields.every((field) => generatedAtRenderTime(object.raw[field]))) return;
  const keys = fields.flatMap((field) => (isRecord(object.raw[field]) ? Object.keys(object.raw[field]) : []));
  context.report({
    messageId: 'plainSecret',
    data: { name: object.metadata.name || '(unnamed)', count: keys.length || 1, keys: keys.join(', ') || 'templated', field: fields.join(' and ') },
    object,
    path: ['kind'],
    fix: sealSecretFile(documentOf(object).file, { name: object.metadata.name, namespace: object.metadata.namespace }),
  });
}

function hasContent(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (isRecord(value)) return Object.keys(value).length > 0;
  if (typeof value === 'string') return value.trim() !== '';
  return true;
}

/** Every value is a template action that does not read `.Values` (lookup, randAlphaNum, gen*). */
function generatedAtRenderTime(value: unknown): boolean {
  const generated = (v: unknown): boolean =>
    typeof v === 'string' && isTemplatedValue(v) && !/\.Values\b/.test(v) && /\b(lookup|rand\w*|gen\w+|derivePassword)\b/.test(v);
  if (isRecord(value)) return Object.values(value).every(generated);
  return generated(value);
}

function checkConfigMap(context: RuleContext<MessageId>, object: K8sObject): void {
  const data = object.raw.data;
  if (!isRecord(data)) return;
  for (const [key, value] of Object.entries(data)) {
    const direct = detectCredential(key, value);
    // A file-like entry (`application.yaml: |`) is searched inside, key by key.
    const nested = direct ? [] : typeof value === 'string' && value.includes('\n') ? embeddedCredentials(value) : [];
    const match = direct ?? nested[0];
    if (!match) continue;
    const { messageId, kind } = pick(match, 'credentialInConfigMap', 'credentialShapeInConfigMap');
    context.report({
      messageId,
      data: { name: object.metadata.name, key, ...kind },
      object,
      path: ['data', key],
      fix: credentialInstruction(object.locate(['data', key]), 'manifest'),
    });
  }
}

/** Credential env literals; returns the paths it looked at so the shape scan skips them. */
function checkEnv(context: RuleContext<MessageId>, object: K8sObject): Set<string> {
  const looked = new Set<string>();
  for (const ref of containersOf(object)) {
    const env = ref.container.env;
    if (!Array.isArray(env)) continue;
    env.forEach((entry, index) => {
      if (!isRecord(entry) || typeof entry.name !== 'string' || entry.value === undefined) return;
      const path = [...ref.path, 'env', index, 'value'];
      looked.add(path.join('\u0000'));
      const match = detectCredential(entry.name, entry.value);
      if (!match) return;
      const { messageId, kind } = pick(match, 'credentialInEnv', 'credentialShapeInEnv');
      context.report({
        messageId,
        data: { key: entry.name, container: ref.name, object: `${object.kind}/${object.metadata.name}`, ...kind },
        object,
        path,
        fix: credentialInstruction(object.locate(path), 'manifest'),
      });
    });
  }
  return looked;
}

/** Any other string in any other object, by shape only (keys of arbitrary APIs are not judged). */
function checkShapes(context: RuleContext<MessageId>, object: K8sObject, skip: Set<string>): void {
  const visit = (value: unknown, path: ValuePath): void => {
    if (Array.isArray(value)) value.forEach((item, i) => visit(item, [...path, i]));
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
    else if (typeof value === 'string' && !skip.has(path.join('\u0000'))) {
      const reason = credentialShape(value);
      if (!reason) return;
      context.report({
        messageId: 'credentialInObject',
        data: { object: `${object.kind}/${object.metadata.name}`, field: path.join('.'), kind: credentialLabel(reason) },
        object,
        path,
        fix: credentialInstruction(object.locate(path), 'manifest'),
      });
    }
  };
  visit(object.raw, []);
}

function checkSealedSecret(context: RuleContext<MessageId>, object: K8sObject): void {
  const name = object.metadata.name || '(unnamed)';
  const spec = isRecord(object.raw.spec) ? object.raw.spec : {};
  const encrypted = spec.encryptedData;
  if (!isRecord(encrypted) || Object.keys(encrypted).length === 0) {
    if (!isTemplatedValue(encrypted)) context.report({ messageId: 'emptyEncryptedData', data: { name }, object, path: ['spec', 'encryptedData'] });
  } else {
    for (const [key, value] of Object.entries(encrypted)) {
      if (isTemplatedValue(value)) continue;
      const problem = sealedValueProblem(value);
      if (problem) context.report({ messageId: problem, data: { name, key }, object, path: ['spec', 'encryptedData', key] });
    }
  }

  const own = object.metadata.annotations;
  const scope = own[CLUSTER_WIDE] === 'true' ? 'cluster-wide' : own[NAMESPACE_WIDE] === 'true' ? 'namespace-wide' : 'strict';
  const template = isRecord(spec.template) ? spec.template : {};
  const templateMeta = isRecord(template.metadata) ? template.metadata : {};
  const templateAnnotations = isRecord(templateMeta.annotations) ? templateMeta.annotations : {};
  for (const annotation of [NAMESPACE_WIDE, CLUSTER_WIDE]) {
    if (annotation in templateAnnotations && own[annotation] === undefined) {
      context.report({ messageId: 'scopeOnTemplate', data: { name, annotation }, object, path: ['spec', 'template', 'metadata', 'annotations', annotation] });
    }
  }
  if (scope === 'cluster-wide') return;

  const ownNamespace = object.metadata.namespace;
  const deployedNamespace = ownNamespace === undefined || isTemplatedValue(ownNamespace) ? context.config.production.namespace : ownNamespace;
  const sealedNamespace = templateMeta.namespace;
  if (typeof sealedNamespace === 'string' && !isTemplatedValue(sealedNamespace) && sealedNamespace !== deployedNamespace) {
    context.report({
      messageId: 'sealedForOtherTarget',
      data: { name, field: 'namespace', sealed: sealedNamespace, actual: deployedNamespace, scope },
      object,
      path: ['spec', 'template', 'metadata', 'namespace'],
    });
  }
  const sealedName = templateMeta.name;
  if (
    scope === 'strict' &&
    typeof sealedName === 'string' &&
    !isTemplatedValue(sealedName) &&
    object.metadata.name &&
    !isTemplatedValue(object.metadata.name) &&
    sealedName !== object.metadata.name
  ) {
    context.report({
      messageId: 'sealedForOtherTarget',
      data: { name, field: 'name', sealed: sealedName, actual: object.metadata.name, scope },
      object,
      path: ['spec', 'template', 'metadata', 'name'],
    });
  }
}

/** Why a value is not what kubeseal writes; undefined when it is well-formed. */
export function sealedValueProblem(value: unknown): 'sealedNotBase64' | 'sealedShortKey' | 'sealedTruncated' | undefined {
  if (typeof value !== 'string' || value === '') return 'sealedNotBase64';
  const text = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return 'sealedNotBase64';
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length < 2) return 'sealedTruncated';
  // No number read from the value goes into a message: a plaintext pasted here would leak through it.
  const rsaLength = bytes.readUInt16BE(0);
  if (rsaLength < MIN_RSA_BYTES) return 'sealedShortKey';
  if (2 + rsaLength + GCM_TAG_BYTES > bytes.length) return 'sealedTruncated';
  return undefined;
}
