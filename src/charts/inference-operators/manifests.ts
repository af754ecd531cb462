import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { UserError } from '../../core/errors.js';
import { isPlainObject, type K8sObject } from '../../core/object.js';
import { repoRoot, shippedInstallDir } from '../../validate/paths.js';
import { readCache } from './manifest-cache.js';

/**
 * Where the upstream release manifests come from: the pinned copies shipped in the package
 * (upstream/install/<project>/<file>), unless --manifests-dir or $INFERCTL_MANIFESTS_DIR names a
 * directory of the same layout. A lock file pins each one by sha256; rendering never downloads
 * anything, and a file that differs from the lock stops the render.
 */

export interface LockEntry {
  /** Folder of the file: <dir>/<project>/<file>. */
  project: string;
  version: string;
  file: string;
  /** The project's release asset for this version (for local rebuilds: the equivalent asset). */
  url: string;
  sha256: string;
  size: number;
  /** upstream-copy: the bytes at url. local-rebuild: rebuilt with the project's release recipe. */
  origin: 'upstream-copy' | 'local-rebuild';
  note: string;
}

export interface ManifestLock {
  lockVersion: 1;
  description: string;
  manifests: LockEntry[];
}

export type ManifestRef = Pick<LockEntry, 'project' | 'file'>;

export const MANIFESTS_DIR_ENV = 'INFERCTL_MANIFESTS_DIR';

export function lockPath(): string {
  return join(repoRoot(), 'charts', 'inference-operators', 'manifests.lock.json');
}

let cachedLock: ManifestLock | undefined;

/** The chart's lock file, read once per process. */
export function loadLock(path = lockPath()): ManifestLock {
  if (path === lockPath() && cachedLock) return cachedLock;
  const lock = parseLock(readFileSync(path, 'utf8'), path);
  if (path === lockPath()) cachedLock = lock;
  return lock;
}

export function parseLock(text: string, path: string): ManifestLock {
  const lock = JSON.parse(text) as ManifestLock;
  const fields: (keyof LockEntry)[] = ['project', 'version', 'file', 'url', 'sha256', 'size', 'origin'];
  if (lock.lockVersion !== 1 || !Array.isArray(lock.manifests)) throw new Error(`${path}: not a version 1 manifest lock`);
  for (const e of lock.manifests) {
    const missing = fields.filter((f) => e[f] === undefined || e[f] === '');
    if (missing.length || !/^[0-9a-f]{64}$/.test(e.sha256)) throw new Error(`${path}: entry ${e.project}/${e.file} lacks ${missing.join(', ') || 'a valid sha256'}`);
  }
  return lock;
}

export function lockEntry(lock: ManifestLock, ref: ManifestRef): LockEntry {
  const entry = lock.manifests.find((e) => e.project === ref.project && e.file === ref.file);
  if (!entry) throw new Error(`manifest lock has no entry for ${ref.project}/${ref.file}`);
  return entry;
}

/** $XDG_CACHE_HOME/inferctl/manifests, else ~/.cache/inferctl/manifests. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'inferctl', 'manifests');
}

export interface ManifestSearch {
  /** --manifests-dir (RenderContext.manifestsDir). */
  manifestsDir?: string;
  env?: NodeJS.ProcessEnv;
}

interface SearchDir {
  dir: string;
  label: string;
}

/** The directories searched, in order. */
export function searchDirs(search: ManifestSearch): SearchDir[] {
  const env = search.env ?? process.env;
  const dirs: SearchDir[] = [];
  if (search.manifestsDir) dirs.push({ dir: search.manifestsDir, label: '--manifests-dir' });
  if (env[MANIFESTS_DIR_ENV]) dirs.push({ dir: env[MANIFESTS_DIR_ENV]!, label: `$${MANIFESTS_DIR_ENV}` });
  // An explicit directory replaces the shipped copies; it is not mixed with them.
  if (!dirs.length) dirs.push({ dir: shippedInstallDir(), label: 'the copies shipped with inferctl' });
  return dirs;
}

/** Path of each entry in the first directory that has it; one UserError lists every missing file. */
export function locateManifests(entries: LockEntry[], search: ManifestSearch): Map<LockEntry, string> {
  const dirs = searchDirs(search);
  const found = new Map<LockEntry, string>();
  const missing: LockEntry[] = [];
  for (const entry of entries) {
    const path = dirs.map((d) => join(d.dir, entry.project, entry.file)).find((p) => existsSync(p));
    if (path) found.set(entry, path);
    else missing.push(entry);
  }
  if (missing.length) {
    const files = missing.map((e) => `${e.project}/${e.file} (${e.url})`).join(', ');
    const looked = dirs.map((d) => `${d.label} ${d.dir}`).join(', ');
    const explicit = dirs.some((d) => d.dir !== shippedInstallDir());
    throw new UserError(
      `the inference-operators chart renders upstream release manifests that are not on this machine: ${files}. Looked in ${looked}. ` +
        (explicit
          ? `That directory must be laid out as <project>/<file>, e.g. ${join(dirs[0].dir, missing[0].project, missing[0].file)}, holding the files pinned in charts/inference-operators/manifests.lock.json; or drop --manifests-dir (and ${MANIFESTS_DIR_ENV}) to use the copies shipped with inferctl.`
          : `The package is incomplete: reinstall inferctl (npm install -g inferctl), or pass --manifests-dir DIR with the files laid out as <project>/<file>.`),
    );
  }
  return found;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function mismatchError(entry: LockEntry, path: string, actual: string): UserError {
  return new UserError(
    `upstream manifest ${path} does not match the lock (charts/inference-operators/manifests.lock.json): sha256 expected ${entry.sha256}, actual ${actual}. ` +
      `It was modified or is another release of ${entry.project}: point --manifests-dir at an unmodified copy of ${entry.project} ${entry.version}, or drop --manifests-dir to use the pinned copy shipped with inferctl.`,
  );
}

/** Parsed documents per file digest: a process renders the same 10 MB of YAML only once. */
const parsed = new Map<string, readonly K8sObject[]>();

/**
 * The objects of one verified file, in file order. The returned objects are shared between renders:
 * callers copy before changing anything. The copies shipped with inferctl come from the build-time
 * cache when it was made from the locked bytes (manifest-cache.ts); a --manifests-dir file is read
 * and checked against the lock, then taken from the cache when its bytes are the same. `printOnly`
 * (`template`): CRD specs may be stand-ins that print as the full spec (manifest-cache.ts).
 */
export function loadManifest(entry: LockEntry, path: string, printOnly = false): readonly K8sObject[] {
  const key = (digest: string) => `${digest}${printOnly ? ':print' : ''}`;
  if (path === join(shippedInstallDir(), entry.project, entry.file)) {
    const shipped = parsed.get(key(entry.sha256)) ?? readCache(entry.sha256, printOnly);
    if (shipped) {
      parsed.set(key(entry.sha256), shipped);
      return shipped;
    }
  }
  const bytes = readFileSync(path);
  const digest = sha256(bytes);
  if (digest !== entry.sha256) throw mismatchError(entry, path, digest);
  // js-yaml rather than `yaml`: about twice as fast on these files (1.3 s against 2.9 s for all of them).
  const objects =
    parsed.get(key(digest)) ?? readCache(digest, printOnly) ?? loadAll(bytes.toString('utf8')).filter((doc) => doc !== null && doc !== undefined).map((doc, i) => asObject(doc, path, i));
  parsed.set(key(digest), objects);
  return objects;
}

function asObject(doc: unknown, path: string, index: number): K8sObject {
  const o = doc as K8sObject;
  if (!isPlainObject(doc) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || !isPlainObject(o.metadata) || typeof o.metadata.name !== 'string') {
    throw new UserError(`${path}: document ${index + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required).`);
  }
  return o;
}

export { fetchManifests, type FetchResult, type FetchImpl } from './fetch.js';
