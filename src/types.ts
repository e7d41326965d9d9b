/**
 * The vocabulary every layer shares: positions, findings, Kubernetes objects as the engine sees
 * them. Nothing here knows about GitHub, the CLI or the file system.
 */

export type Level = 'failure' | 'warning' | 'notice';
export type Locale = 'en' | 'ru';

/** A range in a file; lines and columns are 1-based, as editors and GitHub annotations count. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A range in a named file; `path` is relative to the reviewed repository's root, with `/`. */
export interface Location extends Span {
  path: string;
}

/** One key or index step into a YAML/JSON value. */
export type PathSegment = string | number;
export type ValuePath = readonly PathSegment[];

export interface Finding extends Location {
  ruleId: string;
  level: Level;
  message: string;
  /** Stable id of the message within the rule (e.g. `missingLimits`). */
  messageId: string;
  /** Short title of the rule, for annotation titles. */
  title: string;
  /**
   * The rule gave a fix for it (`bplus fix` can try). The fix itself is a function that stays
   * with the in-process review (`Review.fixes`): a finding crosses threads and the network.
   */
  fixable?: true;
}

/** Where a Kubernetes object the engine reviews came from. */
export type ObjectOrigin =
  /** A plain manifest file (outside any chart). */
  | { type: 'manifest'; file: string; docIndex: number; chart?: string }
  /**
   * Rendered by a real `helm template` of `chart` (its directory) for `environment`; `template` is
   * the repository path of the template Helm names in `# Source:` (a subchart's, when vendored).
   */
  | { type: 'rendered'; chart: string; environment: string; template: string };

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * A Kubernetes object with its raw body and a way to point at any part of it in the file a person
 * edits. `locate` returns the nearest existing location for a path that may not exist (the parent
 * key of a missing field), so that every finding lands on a line someone can change.
 */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  /** The whole object as parsed (or synthesised), plain JSON-like data. */
  raw: Record<string, unknown>;
  origin: ObjectOrigin;
  locate(path: ValuePath): Location;
}

/** A problem with an input file itself (malformed YAML, too large, binary...). */
export interface FileProblem extends Location {
  code:
    | 'yaml-syntax'
    | 'yaml-duplicate-key'
    | 'yaml-alias-bomb'
    | 'file-too-large'
    | 'binary-file'
    | 'not-utf8'
    | 'chart-missing-chart-yaml'
    | 'chart-invalid'
    | 'values-invalid'
    | 'limit-exceeded'
    | 'unknown-kind'
    | 'config-invalid'
    | 'helm-render'
    | 'helm-dependency'
    | 'read-error';
  message: string;
}
