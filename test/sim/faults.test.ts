import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Faults, parseFaults } from '../../src/sim/faults.js';
import { startSimulator } from '../../src/sim/index.js';

test('--faults parses rates, counts and a seed, and refuses what it cannot mean', () => {
  assert.deepEqual(parseFaults('429=5%,500=0.05,500after=1%,reset=1%,resetafter=2%,hang=1,latency=20ms,retryafter=2,seed=7'), {
    rate429: 0.05, rate500: 0.05, rate500After: 0.01, rateReset: 0.01, rateResetAfter: 0.02, hang: 1, latencyMs: 20, retryAfterSeconds: 2, seed: 7,
  });
  assert.throws(() => parseFaults('teapot=1%'), /unknown fault "teapot"/);
  assert.throws(() => parseFaults('429=150%'), /between 0% and 100%/);
  assert.throws(() => parseFaults('429=60%,500=60%'), /more than 100%/);
  assert.throws(() => parseFaults('hang=x'), /whole number/);
});

test('a seed replays the same faults; rates land near what was asked', () => {
  const draw = () => {
    const f = new Faults();
    f.set({ rate429: 0.05, rate500: 0.05, rateReset: 0.01, seed: 42 });
    return Array.from({ length: 2000 }, () => f.decide('/api/v1/namespaces'));
  };
  const a = draw();
  assert.deepEqual(a, draw());
  const share = (fault: string) => a.filter((x) => x === fault).length / a.length;
  assert.ok(Math.abs(share('429') - 0.05) < 0.02, `429: ${share('429')}`);
  assert.ok(Math.abs(share('500') - 0.05) < 0.02, `500: ${share('500')}`);
});

test('over HTTP: 429 with Retry-After and nothing changed; 500 after the write took effect; resets; one hung request, then service', async () => {
  const sim = await startSimulator({ controllers: 'core' });
  const ns = (name: string) => fetch(`${sim.url}/api/v1/namespaces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }) });
  try {
    sim.faults.set({ rate429: 1, retryAfterSeconds: 3 });
    const limited = await ns('limited');
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '3');
    assert.equal((await limited.json()).reason, 'TooManyRequests');
    assert.equal(sim.store.find({ kind: 'Namespace', name: 'limited' }), undefined, 'a 429 changes nothing');

    sim.faults.set({ rate500After: 1 });
    const lost = await ns('written');
    assert.equal(lost.status, 500);
    assert.match((await lost.json()).message, /etcdserver: request timed out/);
    assert.ok(sim.store.find({ kind: 'Namespace', name: 'written' }), 'the write happened; only the answer was lost');

    sim.faults.set({ rateReset: 1 });
    await assert.rejects(ns('reset'), /fetch failed/);
    assert.equal(sim.store.find({ kind: 'Namespace', name: 'reset' }), undefined);

    sim.faults.set({ hang: 1 });
    await assert.rejects(fetch(`${sim.url}/api/v1/namespaces`, { signal: AbortSignal.timeout(300) }), /abort|timeout/i);
    const after = await fetch(`${sim.url}/api/v1/namespaces`);
    assert.equal(after.status, 200, 'only the one request hangs');
    const stats = sim.faults.stats();
    assert.equal(stats.injected.hang, 1);
    assert.equal(stats.injected['429'], 1);
  } finally {
    await sim.stop();
  }
});
