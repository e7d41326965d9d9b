/**
 * A repository source: where the engine reads files from. The engine only lists and reads; it
 * never knows whether the bytes come from a local checkout or a pull request's head commit.
 */
export interface SourceEntry {
  /** Path relative to the repository root, with `/` separators, no leading `./`. */
  path: string;
  /** Size in bytes when known without reading (used for the size cap). */
  size?: number;
  /**
   * A key of the file's content known without reading it, equal only for equal content (a git
   * blob SHA, from a listing that gives one). Renders are cached by these keys when every file
   * of the chart has one; sources without them have their bytes hashed (docs/helm.md).
   */
  contentKey?: string;
}

export interface RepositorySource {
  /** A human name for messages ("./fixtures/balance-plus", "acme/gitops@3f2a1c0"). */
  readonly name: string;
  /** Every file in the repository (not directories). */
  list(): Promise<SourceEntry[]>;
  /** The file's bytes. Called lazily, only for files the engine needs. */
  read(path: string): Promise<Buffer>;
}
