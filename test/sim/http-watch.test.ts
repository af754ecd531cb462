/** Watch streams: initial state, resume from resourceVersion, selector transitions, expiry. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Simulator } from '../../src/sim/index.js';
import { configMap, del, mergePatch, post, startCore } from './helpers.js';

let sim: Simulator;
before(async () => {
  sim = await startCore();
});
after(() => sim.stop());

interface Stream {
  events: { type: string; object: any }[];
  headers: Record<string, string | string[] | undefined>;
  close(): void;
  waitFor(n: number): Promise<void>;
}

function watch(path: string): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, sim.url);
    const events: Stream['events'] = [];
    let buf = '';
    const req = request(url, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
      });
      res.on('error', () => undefined);
      resolve({
        events,
        headers: res.headers,
        close: () => req.destroy(),
        waitFor: async (n) => {
          const deadline = Date.now() + 10_000;
          while (events.length < n) {
            if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events: ${JSON.stringify(events.map((e) => e.type))}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        },
      });
    });
    req.on('error', reject);
    req.end();
  });
}

const CMS = '/api/v1/namespaces/default/configmaps';

test('watch without resourceVersion starts with ADDED for existing objects, then streams changes', async () => {
  await post(sim, CMS, configMap('w-existing'));
  const s = await watch(`${CMS}?watch=1&fieldSelector=metadata.name%3Dw-existing`);
  assert.equal(s.headers['content-type'], 'application/json');
  assert.equal(s.headers['transfer-encoding'], 'chunked');
  await s.waitFor(1);
  assert.equal(s.events[0].type, 'ADDED');
  assert.equal(s.events[0].object.kind, 'ConfigMap');
  await mergePatch(sim, `${CMS}/w-existing`, { data: { a: '2' } });
  await del(sim, `${CMS}/w-existing`);
  await s.waitFor(3);
  assert.deepEqual(
    s.events.map((e) => e.type),
    ['ADDED', 'MODIFIED', 'DELETED'],
  );
  assert.ok(Number(s.events[2].object.metadata.resourceVersion) > Number(s.events[1].object.metadata.resourceVersion));
  s.close();
});

test('resuming from a resourceVersion replays later events only', async () => {
  const created = (await post(sim, CMS, configMap('w-resume'))).body;
  await mergePatch(sim, `${CMS}/w-resume`, { data: { a: 'x' } });
  const s = await watch(`${CMS}?watch=true&resourceVersion=${created.metadata.resourceVersion}&fieldSelector=metadata.name%3Dw-resume`);
  await s.waitFor(1);
  assert.deepEqual(
    s.events.map((e) => e.type),
    ['MODIFIED'],
  );
  s.close();
});

test('label selectors: objects entering the selector are ADDED, leaving it DELETED', async () => {
  const s = await watch(`${CMS}?watch=1&labelSelector=role%3Dfront`);
  await post(sim, CMS, { ...configMap('w-sel'), metadata: { name: 'w-sel', labels: { role: 'back' } } });
  await mergePatch(sim, `${CMS}/w-sel`, { metadata: { labels: { role: 'front' } } });
  await mergePatch(sim, `${CMS}/w-sel`, { data: { b: '1' } });
  await mergePatch(sim, `${CMS}/w-sel`, { metadata: { labels: { role: 'back' } } });
  await s.waitFor(3);
  assert.deepEqual(
    s.events.map((e) => e.type),
    ['ADDED', 'MODIFIED', 'DELETED'],
  );
  s.close();
});

test('sendInitialEvents ends the initial list with the initial-events-end bookmark', async () => {
  await post(sim, CMS, configMap('w-initial'));
  const s = await watch(`${CMS}?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&fieldSelector=metadata.name%3Dw-initial`);
  await s.waitFor(2);
  assert.equal(s.events[0].type, 'ADDED');
  assert.equal(s.events[1].type, 'BOOKMARK');
  assert.equal(s.events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  s.close();
});

test('watches across namespaces and with timeoutSeconds end by themselves', async () => {
  const s = await watch('/api/v1/configmaps?watch=1&timeoutSeconds=1&labelSelector=never%3Dmatches');
  const started = Date.now();
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (s.events.length === 0 && Date.now() - started > 900) {
        clearInterval(t);
        resolve();
      }
    }, 20);
  });
  s.close();
  assert.ok(true);
});
