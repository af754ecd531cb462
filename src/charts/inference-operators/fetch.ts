import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LockEntry, ManifestLock } from './manifests.js';

/** The subset of the global fetch that downloading needs; tests pass the real one against 127.0.0.1. */
export type FetchImpl = (url: string) => Promise<Response>;

/**
 * present: DIR already held the pinned bytes; match: the official asset equals the pinned copy;
 * differs: it does not (saved beside it as <file>.official for comparison); no-asset: the project
 * publishes a Helm chart, not a YAML file; failed: the download itself failed.
 */
export type FetchStatus = 'present' | 'match' | 'differs' | 'no-asset' | 'failed';

export interface FetchResult {
  entry: LockEntry;
  /** Where the file was written (the pinned name for present/match, <file>.official for differs). */
  path?: string;
  status: FetchStatus;
  /** What happened and, for differs/failed/no-asset, what the user can do. */
  message?: string;
  actualSha256?: string;
  actualSize?: number;
}

/**
 * Downloads each lock entry's official release asset into dir/<project>/<file> and compares it with
 * the pinned copy. Nothing here changes what install renders: that is always the pinned copy shipped
 * in the package (or --manifests-dir). A matching asset is stored under the pinned name, so dir is a
 * valid --manifests-dir for it; a differing asset is stored as <file>.official, never under the pinned
 * name; every download goes to a temporary file first, so dir never holds a partial file.
 */
export async function fetchManifests(lock: ManifestLock, dir: string, fetchImpl: FetchImpl = fetch): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  for (const entry of lock.manifests) {
    const path = join(dir, entry.project, entry.file);
    if (existsSync(path) && digestOf(path) === entry.sha256) {
      results.push({ entry, path, status: 'present' });
      continue;
    }
    if (!/^https?:\/\//.test(entry.url)) {
      results.push({ entry, status: 'no-asset', message: `${entry.project} publishes no YAML release file for ${entry.version} (${entry.url}); the pinned copy was rendered from it: ${entry.note}` });
      continue;
    }
    try {
      results.push(await download(entry, path, fetchImpl));
    } catch (err) {
      results.push({ entry, status: 'failed', message: `${err instanceof Error ? err.message : String(err)}; retry when ${new URL(entry.url).host} is reachable.` });
    }
  }
  return results;
}

function digestOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function download(entry: LockEntry, path: string, fetchImpl: FetchImpl): Promise<FetchResult> {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.download-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const res = await fetchImpl(entry.url);
    if (!res.ok || !res.body) throw new Error(`GET ${entry.url} answered ${res.status} ${res.statusText}`.trim());
    const hash = createHash('sha256');
    let size = 0;
    const out = createWriteStream(temp, { flags: 'wx' });
    const closed = new Promise<void>((resolve, reject) => {
      out.on('close', resolve);
      out.on('error', reject);
    });
    closed.catch(() => undefined); // awaited below; a write error must not become an unhandled rejection
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await closed;
    const actual = hash.digest('hex');
    if (actual === entry.sha256) {
      renameSync(temp, path);
      return { entry, path, status: 'match' };
    }
    const official = `${path}.official`;
    renameSync(temp, official);
    const why = entry.origin === 'local-rebuild'
      ? `expected: the pinned copy is a local rebuild with the project's release recipe (${entry.note})`
      : 'the pinned copy is a byte copy of this asset, so the asset was replaced upstream or corrupted in transit';
    return {
      entry,
      path: official,
      status: 'differs',
      actualSha256: actual,
      actualSize: size,
      message: `the official asset (${size} bytes, sha256 ${actual.slice(0, 12)}…) differs from the pinned copy (${entry.size} bytes, sha256 ${entry.sha256.slice(0, 12)}…): ${why}. It was saved as ${official} for comparison; installs keep using the pinned copy shipped with inferctl.`,
    };
  } finally {
    rmSync(temp, { force: true });
  }
}
