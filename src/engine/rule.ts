/**
 * The anatomy of a rule, after ESLint's: metadata (id, titles and messages in English and Russian,
 * level, pack, docs, fixable) and a pure `check` over the repository model that reports findings
 * through its context. A rule never reads files, never knows GitHub, never formats output.
 */
import type { z } from 'zod';
import type { BplusConfig } from '../config/schema.ts';
import type { RepositoryModel } from '../model/repository.ts';
import type { FixHint, K8sObject, Level, Location, ValuePath } from '../types.ts';

export interface Bilingual {
  en: string;
  ru: string;
}

/** Options a rule owns, ESLint style: their schema and defaults live in the rule's metadata. */
export type RuleOptions = Record<string, unknown>;

export interface RuleOptionsMeta<Options extends RuleOptions = RuleOptions> {
  /** A strict zod object; each field's `.describe()` text is its documentation. */
  schema: z.ZodType<Options>;
  defaults: Options;
}

export interface RuleMeta<MessageId extends string = string, Options extends RuleOptions = RuleOptions> {
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
  /** Options set as `rules: { <id>: [<level>, { ... }] }` in the configuration. */
  options?: RuleOptionsMeta<Options>;
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

export interface RuleContext<MessageId extends string = string, Options extends RuleOptions = RuleOptions> {
  readonly model: RepositoryModel;
  readonly config: BplusConfig;
  /** The rule's options: its defaults with the configured values on top, validated by its schema. */
  readonly options: Options;
  /** Objects of the given kinds (all objects without an argument). */
  objects(...kinds: string[]): K8sObject[];
  report(report: Report<MessageId>): void;
}

export interface Rule<MessageId extends string = string, Options extends RuleOptions = RuleOptions> {
  meta: RuleMeta<MessageId, Options>;
  check(context: RuleContext<MessageId, Options>): void;
}

/** Typed factory: message ids in reports are checked against the rule's own messages, options against its schema. */
export function defineRule<MessageId extends string, Options extends RuleOptions = RuleOptions>(rule: Rule<MessageId, Options>): Rule<MessageId, Options> {
  return rule;
}

export const DOCS_BASE_URL = 'https://github.com/balance-plus/bplus/blob/main/docs/rules';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}/${ruleId}.md`;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
