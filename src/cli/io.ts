/**
 * What every CLI command is given: its output streams and, for the commands that name files
 * themselves, a way to read and write them. Its own module, so that the commands are siblings
 * that depend on it, and on nothing of main.ts (which dispatches to them).
 */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The process environment (NO_COLOR, FORCE_COLOR); absent in tests: no colour. */
  env?: Record<string, string | undefined>;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/** The output streams and the files a command names (`bplus seal` reads and writes its own). */
export interface CliFileIO extends Pick<CliIO, 'stdout' | 'stderr'> {
  readFile: (path: string) => Promise<string>;
  writeFile: (path: string, text: string) => Promise<void>;
}
