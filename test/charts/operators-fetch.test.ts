import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fetchManifests, loadLock, type ManifestLock } from '../../src/charts/inference-operators/manifests.js';
import { fetchManifestsCommand } from '../../src/cli/commands/fetch-manifests.js';
import { ALL_OFF, renderOperators, UPSTREAM_INSTALL } from './operators-helpers.js';

/**
 * A loopback HTTP server standing in for GitHub: /good/<project>/<file> serves the shared upstream
 * file, /corrupt/... the same bytes with one changed, anything else 404. No test leaves 127.0.0.1.
 */
async function withServer(fn: (base: string) => Promise<void>): Promise<void> {
  const server: Server = createServer((req, res) => {
    const [, mode, project, file] = (req.url ?? '').split('/');
    let body: Buffer;
    try {
      body = readFileSync(join(UPSTREAM_INSTALL, project ?? '', file ?? ''));
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    if (mode === 'corrupt') body = Buffer.concat([body.subarray(0, 100), Buffer.from('X'), body.subarray(101)]);
    else if (mode !== 'good') {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/yaml' });
    // Several chunks, as a real download arrives.
    const step = Math.ceil(body.length / 4);
    for (let i = 0; i < body.length; i += step) res.write(body.subarray(i, i + step));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    await fn(`http://127.0.0.1:${port}`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The real lock, restricted to the two smallest files and pointed at the loopback server. */
function loopbackLock(base: string, mode: (file: string) => string = () => 'good'): ManifestLock {
  const lock = loadLock();
  const small = lock.manifests.filter((e) => e.file === 'manifests-v1.6.0.yaml' || e.file === 'kserve-v0.20.0-no-crds.yaml');
  return { ...lock, manifests: small.map((e) => ({ ...e, url: `${base}/${mode(e.file)}/${e.project}/${e.file}` })) };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath ?? (d as any).path, d.name).slice(dir.length + 1)).sort();
}

test('fetchManifests downloads missing files into the cache, verified, and leaves present ones alone', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'inferctl-cache-'));
  try {
    await withServer(async (base) => {
      const lock = loopbackLock(base);
      const first = await fetchManifests(lock, cache);
      assert.deepEqual(first.map((r) => r.status), ['downloaded', 'downloaded']);
      assert.deepEqual(filesUnder(cache), ['gateway-api-inference-extension/manifests-v1.6.0.yaml', 'kserve/kserve-v0.20.0-no-crds.yaml'], 'no temporary files left');
      for (const r of first) assert.deepEqual(readFileSync(r.path), readFileSync(join(UPSTREAM_INSTALL, r.entry.project, r.entry.file)));
      const second = await fetchManifests(lock, cache);
      assert.deepEqual(second.map((r) => r.status), ['present', 'present']);
      // The render finds what was fetched through the cache (no --manifests-dir).
      const saved = process.env.XDG_CACHE_HOME;
      const root = mkdtempSync(join(tmpdir(), 'inferctl-xdg-'));
      try {
        mkdirSync(join(root, 'inferctl'), { recursive: true });
        await fetchManifests(lock, join(root, 'inferctl', 'manifests'));
        process.env.XDG_CACHE_HOME = root;
        const r = renderOperators(ALL_OFF.filter((s) => !s.startsWith('gateway-api-inference-extension.')), null);
        assert.equal(r.objects.length, 2);
      } finally {
        if (saved === undefined) delete process.env.XDG_CACHE_HOME;
        else process.env.XDG_CACHE_HOME = saved;
        rmSync(root, { recursive: true, force: true });
      }
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a corrupted download is rejected with both digests and never reaches the cache', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'inferctl-cache-'));
  try {
    await withServer(async (base) => {
      const lock = loopbackLock(base, (file) => (file === 'manifests-v1.6.0.yaml' ? 'corrupt' : 'good'));
      const results = await fetchManifests(lock, cache);
      const bad = results.find((r) => r.entry.file === 'manifests-v1.6.0.yaml')!;
      assert.equal(bad.status, 'failed');
      assert.match(bad.message!, new RegExp(`sha256 expected ${bad.entry.sha256}, actual [0-9a-f]{64}`));
      assert.ok(!bad.message!.includes(`actual ${bad.entry.sha256}`));
      assert.equal(results.find((r) => r.entry.file !== 'manifests-v1.6.0.yaml')!.status, 'downloaded', 'one bad file does not stop the others');
      assert.deepEqual(filesUnder(cache), ['kserve/kserve-v0.20.0-no-crds.yaml'], 'neither the corrupt file nor a temporary file is left');
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a corrupt file already in the cache is replaced; an HTTP error is reported per file', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'inferctl-cache-'));
  try {
    await withServer(async (base) => {
      const lock = loopbackLock(base);
      const target = join(cache, 'gateway-api-inference-extension', 'manifests-v1.6.0.yaml');
      mkdirSync(join(cache, 'gateway-api-inference-extension'), { recursive: true });
      writeFileSync(target, 'truncated');
      const results = await fetchManifests(lock, cache);
      assert.equal(results[0].status, 'downloaded');
      assert.deepEqual(readFileSync(target), readFileSync(join(UPSTREAM_INSTALL, 'gateway-api-inference-extension', 'manifests-v1.6.0.yaml')));

      const missing = loopbackLock(base, () => 'nowhere');
      const failed = await fetchManifests(missing, join(cache, 'other'));
      assert.deepEqual(failed.map((r) => r.status), ['failed', 'failed']);
      assert.match(failed[0].message!, /answered 404/);
      assert.deepEqual(filesUnder(join(cache, 'other')), [], 'nothing written for a failed download');
    });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('fetch-manifests rejects an unknown --project before downloading anything', async () => {
  await assert.rejects(
    async () => fetchManifestsCommand.run({ positionals: [], flags: { project: ['kserv'], 'cache-dir': join(tmpdir(), 'never-created') } }),
    (err: Error) => err.name === 'UserError' && /unknown project kserv/.test(err.message) && /kserve/.test(err.message),
  );
});
