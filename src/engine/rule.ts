/**
 * The anatomy of a rule, after ESLint's: metadata (id, titles and messages in English and Russian,
 * level, pack, docs, fixable) and a pure `check` over the repository model that reports findings
 * through its context. A rule never reads files, never knows GitHub, never formats output.
 */
import type { BplusConfig } from '../config/schema.ts';
import type { RepositoryModel } from '../model/repository.ts';
import type { FixHint, K8sObject, Level, Location, ValuePath } from '../types.ts';

export interface Bilingual {
  en: string;
  ru: string;
}

export interface RuleMeta<MessageId extends string = string> {
  /** `TR-K8S-3`, or `BP-...` for the recommended pack; also the file name under rules/. */
  id: string;
  title: Bilingual;
  /** One paragraph: what the rule requires and why. */
  description: Bilingual;
  level: Level;
  /** `platform`: the nine TR-K8S rules; `recommended`: switchable warnings. */
  pack: 'platform' | 'recommended' | 'core';
  fixable: boolean;
  docs: {
    /** What counts as a violation, edge cases included, and what the rule chose where the spec is silent. */
    details: string;
    incorrect: string;
    correct: string;
    fix?: string;
    /** One incorrect and one correct example per further concern the rule judges (rendered after the main pair). */
    examples?: Array<{ concern: string; incorrect: string; correct: string }>;
  };
  /**
   * The checks of other linters this rule covers (`kube-linter host-network`, `Polaris hostPortSet`,
   * `Checkov CKV_K8S_19`, `Kubescape C-0041`), so a team moving from one knows what it keeps.
   */
  peers?: string[];
  /** Message templates; `{name}` placeholders are filled from the report's data. */
  messages: Record<MessageId, Bilingual>;
}

export interface Report<MessageId extends string = string> {
  messageId: MessageId;
  data?: Record<string, string | number>;
  /** The object the finding is about: its exception annotations apply, and `path` is located in it. */
  object?: K8sObject;
  path?: ValuePath;
  /** An explicit location (for findings not about one object: charts, values files). */
  at?: Location;
  fix?: FixHint;
}

export interface RuleContext<MessageId extends string = string> {
  readonly model: RepositoryModel;
  readonly config: BplusConfig;
  /** Objects of the given kinds (all objects without an argument). */
  objects(...kinds: string[]): K8sObject[];
  report(report: Report<MessageId>): void;
}

export interface Rule<MessageId extends string = string> {
  meta: RuleMeta<MessageId>;
  check(context: RuleContext<MessageId>): void;
}

/** Typed factory: message ids in reports are checked against the rule's own messages. */
export function defineRule<MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
  return rule;
}

export const DOCS_BASE_URL = 'https://github.com/balance-plus/bplus/blob/main/docs/rules';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}/${ruleId}.md`;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
