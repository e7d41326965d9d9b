/**
 * The anatomy of a rule, after ESLint's: metadata (id, titles and messages in English and Russian,
 * level, pack, docs, fixable) and a pure `check` over the repository model that reports findings
 * through its context. A rule never reads files, never knows GitHub, never formats output.
 */
import type { z } from 'zod';
import type { BplusConfig } from '../config/schema.ts';
import type { RepositoryModel, ServiceValues } from '../model/repository.ts';
import type { SealingCertificate } from '../seal/index.ts';
import type { K8sObject, Level, Location, ValuePath } from '../types.ts';
import { formatValue } from '../yaml/format-value.ts';
import type { ContainerRef } from './workloads.ts';

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

/** A rule's messages, declared apart when helpers outside `check` need their ids: `type MessageId = keyof typeof messages`. */
export type RuleMessages = Record<string, Bilingual>;

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
  /** Message templates; `{name}` placeholders are filled from the report's data. Their keys are the rule's message ids. */
  messages: Record<MessageId, Bilingual>;
  /** Options set as `rules: { <id>: [<level>, { ... }] }` in the configuration. */
  options?: RuleOptionsMeta<Options>;
}

/** What a message's `{name}` placeholders are filled from: any value, formatted by `formatMessage`. */
export type MessageData = Record<string, unknown>;

export interface Report<MessageId extends string = string> {
  messageId: MessageId;
  data?: MessageData;
  /** The object the finding is about: its exception annotations apply, and `path` is located in it. */
  object?: K8sObject;
  path?: ValuePath;
  /** An explicit location (for findings not about one object: charts, values files). */
  at?: Location;
  /**
   * How to fix it, ESLint's `fix(fixer)`: built by the rule from what it already knows (the object,
   * its values, the chart), run by the fix engine (src/fix) on the working tree. Only rules whose
   * metadata says `fixable` may give one. The finding itself only says `fixable: true`.
   */
  fix?: RuleFix;
}

/** The tree being fixed: the reviewed files, with the edits of the fixes run so far on top. */
export interface WorkingTree {
  exists(path: string): boolean;
  read(path: string): Promise<string | undefined>;
  /** `sensitive`: the previous content held clear-text values (diffs must not show its removed lines). */
  write(path: string, text: string, options?: { sensitive?: boolean }): void;
}

export type CertificateChoice = { ok: true; certificate: SealingCertificate; source: string } | { ok: false; reason: string };

/** What a fix gets from the fix engine: the editor and what the configuration and the caller provide. */
export interface Fixer {
  readonly tree: WorkingTree;
  /** The parsed configuration of the review (platform defaults, values keys, production scope). */
  readonly config: BplusConfig;
  /** The reviewed model (unchanged by the fixes: read current text through `tree`). */
  readonly model: RepositoryModel;
  /** Something the author must still know (deduplicated); never a secret value. */
  note(text: string): void;
  /** True the first time a key is claimed in this run: one fix per target when several findings share it. */
  claim(key: string): boolean;
  /** Memory shared by the fixes of one run (which Secrets of a file were sealed...). */
  readonly memo: Map<string, unknown>;
  certificateFor(scope: { namespace?: string; environment?: string }): Promise<CertificateChoice>;
}

export interface FixChange {
  /** File changed or created, and the first line of the change in the new file. */
  path: string;
  line: number;
  /** What was done; never a secret value. */
  description: string;
}

export type FixOutcome =
  | { status: 'applied'; changes: FixChange[] }
  /** Another finding's fix already covers this one. */
  | { status: 'covered' }
  /** Why it was not fixed, or the precise instruction for a person; never a secret value. */
  | { status: 'skipped'; reason: string };

export interface RuleFix {
  (fixer: Fixer): Promise<FixOutcome>;
  /** It seals or moves clear-text values: it runs before every other fix, so no other one rewrites a file that held them. */
  readonly handlesSecrets?: boolean;
}

/** A fix that seals or moves clear-text values (run first). */
export function secretsFix(fix: (fixer: Fixer) => Promise<FixOutcome>): RuleFix {
  return Object.assign(fix, { handlesSecrets: true });
}

export interface RuleContext<MessageId extends string = string, Options extends RuleOptions = RuleOptions> {
  readonly model: RepositoryModel;
  readonly config: BplusConfig;
  /** The rule's options: its defaults with the configured values on top, validated by its schema. */
  readonly options: Options;
  /** Objects of the given kinds (all objects without an argument). */
  objects(...kinds: string[]): K8sObject[];
  /**
   * Objects of the given kinds that run in production (rendered for a production environment, or
   * manifests in the production namespace or without one): the scope decided once, by the engine.
   */
  production(...kinds: string[]): K8sObject[];
  /** The containers of a workload (init containers included), each with its path in the object. */
  containers(object: K8sObject): ContainerRef[];
  /** The chart and layered values a service chart's object was rendered from (where a person edits it). */
  serviceValues(object: K8sObject): ServiceValues | undefined;
  /**
   * A finding. The engine drops one whose path lies in a block Helm fills in at render time
   * (`resources:` followed by `{{- toYaml ... }}`), applies waivers and the configured level.
   */
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

export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in data ? formatValue(data[key]) : whole));
}
