/**
 * metav1.LabelSelector semantics, as Kubernetes defines them in
 *  - k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go            (LabelSelectorAsSelector)
 *  - k8s.io/apimachinery/pkg/labels/selector.go                  (NewRequirement, Requirement.Matches)
 *  - k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabelSelector)
 *  - k8s.io/apimachinery/pkg/api/validate/content/kube.go        (label key / value syntax)
 *
 * Written from those definitions, not translated from them.
 *
 * Null versus empty — what an ABSENT selector means depends on the field that holds it,
 * because Go decodes a missing struct-typed field as the zero value ({}) but a missing
 * pointer-typed field as nil:
 *  - LabelSelectorAsSelector(nil) is labels.Nothing(); LabelSelectorAsSelector(&{}) is
 *    labels.Everything(). `selectsEverything` and `matchesLabelSelector` follow that.
 *  - The per-field meaning, which callers must apply first, is listed below.
 */

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** The four operators metav1.LabelSelectorRequirement accepts (case-sensitive). */
export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/*
 * What a missing (null/absent) selector means, per API field; callers decide this before calling
 * `matchesLabelSelector`, which only knows the nil => nothing rule:
 *  - NetworkPolicy.spec.podSelector (a struct, not a pointer): absent decodes to {} = every pod in
 *    the policy's namespace.
 *  - NetworkPolicyPeer.podSelector (a pointer): absent = this dimension is not constrained, i.e.
 *    all pods in the namespaces namespaceSelector picks (a peer with neither selector nor ipBlock
 *    is invalid).
 *  - NetworkPolicyPeer.namespaceSelector: absent = only the policy's namespace; {} = all namespaces.
 *  - PodDisruptionBudget.spec.selector (policy/v1): null = no pods; {} = all pods in the namespace.
 *  - Deployment|ReplicaSet|StatefulSet|DaemonSet.spec.selector: required and non-empty (apps/v1
 *    validation rejects both a missing and an empty selector).
 *  - PodAffinityTerm.labelSelector, TopologySpreadConstraint.labelSelector: null = no pods.
 *  - Service.spec.selector: not a LabelSelector but a plain map; absent or empty selects no pods
 *    (a selector-less Service, no endpoints managed).
 */

// Label key = optional DNS-1123 subdomain prefix + '/' + name (content.IsLabelKey).
const LABEL_NAME_MAX = 63;
const LABEL_NAME_PATTERN = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE_MAX = 63;
const LABEL_VALUE_PATTERN = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN_MAX = 253;
const DNS_SUBDOMAIN_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Problems with a label key, empty when valid (mirrors content.IsLabelKey / IsQualifiedName). */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) {
    return ["a valid label key is a name with an optional DNS subdomain prefix and a single '/' (e.g. 'example.com/MyName')"];
  }
  const errors: string[] = [];
  const name = parts.length === 2 ? (parts[1] ?? '') : key;
  if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else {
      if (prefix.length > DNS_SUBDOMAIN_MAX) errors.push(`prefix part must be no more than ${DNS_SUBDOMAIN_MAX} characters`);
      if (!DNS_SUBDOMAIN_PATTERN.test(prefix)) {
        errors.push(
          "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        );
      }
    }
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else {
    if (name.length > LABEL_NAME_MAX) errors.push(`name part must be no more than ${LABEL_NAME_MAX} characters`);
    if (!LABEL_NAME_PATTERN.test(name)) {
      errors.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }
  }
  return errors;
}

/** Problems with a label value, empty when valid (mirrors content.IsLabelValue; "" is valid). */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > LABEL_VALUE_MAX) errors.push(`must be no more than ${LABEL_VALUE_MAX} characters`);
  if (!LABEL_VALUE_PATTERN.test(value)) {
    errors.push(
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  }
  return errors;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requirementErrors(expr: unknown, path: string): string[] {
  if (!isPlainObject(expr)) return [`${path}: must be an object with key, operator and values`];
  const errors: string[] = [];
  const { key, operator, values } = expr;

  if (values !== undefined && values !== null && !Array.isArray(values)) {
    errors.push(`${path}.values: must be a list of strings`);
  }
  const valueList: unknown[] = Array.isArray(values) ? values : [];

  // Operator/values agreement: ValidateLabelSelectorRequirement and NewRequirement agree on these rules.
  if (operator === 'In' || operator === 'NotIn') {
    if (valueList.length === 0) errors.push(`${path}.values: must be specified when operator is '${operator}'`);
  } else if (operator === 'Exists' || operator === 'DoesNotExist') {
    if (valueList.length > 0) errors.push(`${path}.values: may not be specified when operator is '${operator}'`);
  } else {
    errors.push(
      `${path}.operator: ${JSON.stringify(operator ?? null)} is not a valid selector operator (expected one of ${LABEL_SELECTOR_OPERATORS.join(', ')})`,
    );
  }

  if (typeof key !== 'string') errors.push(`${path}.key: must be a string`);
  else for (const msg of labelKeyErrors(key)) errors.push(`${path}.key: ${JSON.stringify(key)}: ${msg}`);

  valueList.forEach((value, i) => {
    if (typeof value !== 'string') {
      errors.push(`${path}.values[${i}]: must be a string, got ${JSON.stringify(value)} (quote it in YAML)`);
      return;
    }
    for (const msg of labelValueErrors(value)) errors.push(`${path}.values[${i}]: ${JSON.stringify(value)}: ${msg}`);
  });
  return errors;
}

/**
 * Errors Kubernetes would report for this selector (empty when valid). null/undefined is
 * valid, as in ValidateLabelSelector; whether a field may be absent is the caller's business.
 * Requirement values are checked like current API validation and NewRequirement do.
 */
export function validateLabelSelector(sel: unknown): string[] {
  if (sel === undefined || sel === null) return [];
  if (!isPlainObject(sel)) return ['selector: must be an object with matchLabels and/or matchExpressions'];
  const errors: string[] = [];
  const { matchLabels, matchExpressions } = sel;

  if (matchLabels !== undefined && matchLabels !== null) {
    if (!isPlainObject(matchLabels)) errors.push('matchLabels: must be a map of label keys to string values');
    else {
      for (const [key, value] of Object.entries(matchLabels)) {
        for (const msg of labelKeyErrors(key)) errors.push(`matchLabels: key ${JSON.stringify(key)}: ${msg}`);
        if (typeof value !== 'string') {
          errors.push(`matchLabels.${key}: must be a string, got ${JSON.stringify(value)} (quote it in YAML)`);
          continue;
        }
        for (const msg of labelValueErrors(value)) errors.push(`matchLabels.${key}: ${JSON.stringify(value)}: ${msg}`);
      }
    }
  }

  if (matchExpressions !== undefined && matchExpressions !== null) {
    if (!Array.isArray(matchExpressions)) errors.push('matchExpressions: must be a list of requirements');
    else matchExpressions.forEach((expr, i) => errors.push(...requirementErrors(expr, `matchExpressions[${i}]`)));
  }
  return errors;
}

/** A selector that is there and that Kubernetes accepts (validateLabelSelector also lets null pass). */
export function isValidLabelSelector(value: unknown): value is LabelSelector {
  return value !== undefined && value !== null && validateLabelSelector(value).length === 0;
}

function hasLabel(labels: Record<string, string>, key: string): boolean {
  // Own properties only: a label called "constructor" must not be found on the prototype.
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** One requirement against a label set, per labels.Requirement.Matches. */
export function requirementMatches(req: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const value = hasLabel(labels, req.key) ? labels[req.key] : undefined;
  const present = value !== undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return present && values.includes(value);
    case 'NotIn':
      // A missing key satisfies NotIn: the label is certainly not one of the values.
      return !present || !values.includes(value);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      return false;
  }
}

/**
 * Whether `labels` satisfy `sel` (matchLabels and matchExpressions are ANDed). {} matches
 * every label set. A selector that Kubernetes would refuse to convert (see
 * validateLabelSelector) matches nothing: LabelSelectorAsSelector returns an error there,
 * and controllers then select no objects. A null/undefined selector (a raw manifest's missing
 * field) matches nothing, as labels.Nothing().
 */
export function matchesLabelSelector(sel: unknown, labels: Record<string, string>): boolean {
  if (!isValidLabelSelector(sel)) return false;
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    if (!hasLabel(labels, key) || labels[key] !== value) return false;
  }
  return (sel.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/**
 * True only for a non-null selector with no matchLabels and no matchExpressions, i.e. the
 * one LabelSelectorAsSelector turns into labels.Everything(). null/undefined is
 * labels.Nothing() and returns false. A selector such as `key Exists` is not "everything".
 */
export function selectsEverything(sel: unknown): boolean {
  if (!isPlainObject(sel)) return false;
  const labelCount = isPlainObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const exprCount = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return labelCount + exprCount === 0;
}

/** Human-readable form like labels.Selector.String(): requirements sorted by key, values sorted. */
export function formatLabelSelector(sel: unknown): string {
  if (sel === undefined || sel === null) return '<nothing>';
  if (!isValidLabelSelector(sel)) return '<error>';
  const parts: Array<{ key: string; text: string }> = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) parts.push({ key, text: `${key}=${value}` });
  for (const req of sel.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    const text =
      req.operator === 'In'
        ? `${req.key} in (${values})`
        : req.operator === 'NotIn'
          ? `${req.key} notin (${values})`
          : req.operator === 'Exists'
            ? req.key
            : `!${req.key}`;
    parts.push({ key: req.key, text });
  }
  // Go sorts requirements with a stable-less sort.Sort by key; ties keep no defined order,
  // so a stable sort here is as faithful as any.
  parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const text = parts.map((p) => p.text).join(',');
  return text === '' ? '<none>' : text;
}
