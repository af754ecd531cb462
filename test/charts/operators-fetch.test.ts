import { test } from 'node:test';
import { createHash } from 'node:crypto';
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
 * A loopback HTTP server standing in for GitHub: /good/<project>/<file> serves the shipped upstream
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

test('fetch-manifests saves official assets that equal the pinned copies, and leaves present ones alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-fetch-'));
  try {
    await withServer(async (base) => {
      const lock = loopbackLock(base);
      const first = await fetchManifests(lock, dir);
      assert.deepEqual(first.map((r) => r.status), ['match', 'match']);
      assert.deepEqual(filesUnder(dir), ['gateway-api-inference-extension/manifests-v1.6.0.yaml', 'kserve/kserve-v0.20.0-no-crds.yaml'], 'no temporary files left');
      for (const r of first) assert.deepEqual(readFileSync(r.path!), readFileSync(join(UPSTREAM_INSTALL, r.entry.project, r.entry.file)));
      const second = await fetchManifests(lock, dir);
      assert.deepEqual(second.map((r) => r.status), ['present', 'present']);
      // The directory is a valid --manifests-dir for what matched.
      const r = renderOperators(ALL_OFF.filter((s) => !s.startsWith('gateway-api-inference-extension.')), dir);
      assert.equal(r.objects.length, 2);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an official asset that differs is kept aside as <file>.official with both digests and what to do; the render is unaffected', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-fetch-'));
  try {
    await withServer(async (base) => {
      const lock = loopbackLock(base, (file) => (file === 'manifests-v1.6.0.yaml' ? 'corrupt' : 'good'));
      const results = await fetchManifests(lock, dir);
      const bad = results.find((r) => r.entry.file === 'manifests-v1.6.0.yaml')!;
      assert.equal(bad.status, 'differs');
      assert.equal(bad.path, join(dir, 'gateway-api-inference-extension', 'manifests-v1.6.0.yaml.official'));
      assert.match(bad.message!, new RegExp(`sha256 ${bad.actualSha256!.slice(0, 12)}.*differs from the pinned copy .*sha256 ${bad.entry.sha256.slice(0, 12)}`));
      assert.match(bad.message!, /local rebuild/, 'a local rebuild is expected to differ, and the message says why');
      assert.match(bad.message!, /installs keep using the pinned copy/);
      assert.equal(results.find((r) => r.entry.file !== 'manifests-v1.6.0.yaml')!.status, 'match', 'one differing file does not stop the others');
      assert.deepEqual(filesUnder(dir), ['gateway-api-inference-extension/manifests-v1.6.0.yaml.official', 'kserve/kserve-v0.20.0-no-crds.yaml'], 'never under the pinned name, and no temporary file');
      // The shipped copies still render: nothing the download did reaches install.
      assert.ok(renderOperators(ALL_OFF.filter((s) => !s.startsWith('gateway-api-inference-extension.')), null).objects.length > 0);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt file already in DIR is replaced; an HTTP error and a chart-only project are reported per file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-fetch-'));
  try {
    await withServer(async (base) => {
      const lock = loopbackLock(base);
      const target = join(dir, 'gateway-api-inference-extension', 'manifests-v1.6.0.yaml');
      mkdirSync(join(dir, 'gateway-api-inference-extension'), { recursive: true });
      writeFileSync(target, 'truncated');
      const results = await fetchManifests(lock, dir);
      assert.equal(results[0].status, 'match');
      assert.deepEqual(readFileSync(target), readFileSync(join(UPSTREAM_INSTALL, 'gateway-api-inference-extension', 'manifests-v1.6.0.yaml')));

      const missing = loopbackLock(base, () => 'nowhere');
      const failed = await fetchManifests(missing, join(dir, 'other'));
      assert.deepEqual(failed.map((r) => r.status), ['failed', 'failed']);
      assert.match(failed[0].message!, /answered 404/);
      assert.deepEqual(filesUnder(join(dir, 'other')), [], 'nothing written for a failed download');

      const chartOnly = loadLock().manifests.filter((e) => e.project === 'envoy-ai-gateway');
      const noAsset = await fetchManifests({ ...lock, manifests: chartOnly }, join(dir, 'aigw'));
      assert.deepEqual(noAsset.map((r) => r.status), ['no-asset', 'no-asset']);
      assert.match(noAsset[0].message!, /publishes no YAML release file/);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fetch-manifests rejects an unknown --project before downloading anything', async () => {
  await assert.rejects(
    async () => fetchManifestsCommand.run({ positionals: [], flags: { project: ['kserv'], dir: join(tmpdir(), 'never-created') } }),
    (err: Error) => err.name === 'UserError' && /unknown project kserv/.test(err.message) && /kserve/.test(err.message),
  );
});

test('every lock entry is shipped in the package with the pinned sha256 and size', () => {
  for (const e of loadLock().manifests) {
    const bytes = readFileSync(join(UPSTREAM_INSTALL, e.project, e.file));
    assert.equal(bytes.length, e.size, `${e.project}/${e.file} size`);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256, `${e.project}/${e.file} sha256`);
  }
});
