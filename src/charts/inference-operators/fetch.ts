import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LockEntry, ManifestLock } from './manifests.js';

/** The subset of the global fetch that downloading needs; tests pass the real one against 127.0.0.1. */
export type FetchImpl = (url: string) => Promise<Response>;

export interface FetchResult {
  entry: LockEntry;
  path: string;
  /** present: already in the cache and verified; downloaded: fetched and verified; failed: see message. */
  status: 'present' | 'downloaded' | 'failed';
  message?: string;
}

/**
 * Downloads every lock entry missing from (or corrupt in) cacheDir/<project>/<file>. Each download is
 * written to a temporary file beside its target, checked against the lock's sha256 and size, and only
 * then renamed into place, so the cache never holds a partial or unverified file. Failures are
 * reported per file, not thrown, so one bad URL does not hide the state of the others.
 */
export async function fetchManifests(lock: ManifestLock, cacheDir: string, fetchImpl: FetchImpl = fetch): Promise<FetchResult[]> {
  const results: FetchResult[] = [];
  for (const entry of lock.manifests) {
    const path = join(cacheDir, entry.project, entry.file);
    if (existsSync(path) && digestOf(path) === entry.sha256) {
      results.push({ entry, path, status: 'present' });
      continue;
    }
    try {
      await download(entry, path, fetchImpl);
      results.push({ entry, path, status: 'downloaded' });
    } catch (err) {
      results.push({ entry, path, status: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }
  return results;
}

function digestOf(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

async function download(entry: LockEntry, path: string, fetchImpl: FetchImpl): Promise<void> {
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
    if (actual !== entry.sha256) {
      const why = entry.origin === 'local-rebuild'
        ? ` This lock entry is a local rebuild of the release asset (see its note), so the asset's bytes may legitimately differ: copy the rebuilt file and use --manifests-dir instead.`
        : ' The download is corrupt or the asset was replaced upstream; nothing was written to the cache.';
      throw new Error(`${entry.project}/${entry.file} from ${entry.url}: sha256 expected ${entry.sha256}, actual ${actual} (${size} bytes, expected ${entry.size}).${why}`);
    }
    renameSync(temp, path);
  } finally {
    rmSync(temp, { force: true });
  }
}
