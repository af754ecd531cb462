/**
 * events.k8s.io/v1 serves the same Events as core/v1 under its own field names, and the workload
 * controllers record the Events kubectl describe shows (ScalingReplicaSet, SuccessfulCreate).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { call, deployment, get, post, watchStream } from './helpers.js';
import { kubectlFor, type Kubectl } from './kubectl-run.js';

let sim: Simulator;
let kubectl: Kubectl;
before(async () => {
  sim = await startSimulator({ speed: 10 });
  kubectl = kubectlFor(sim);
});
after(async () => {
  kubectl.cleanup();
  await sim.stop();
});

const events = (reason: string) => sim.store.objects({ kind: 'Event', namespace: 'default' }).filter((e) => (e as any).reason === reason) as any[];

test('kubectl: a Deployment records ScalingReplicaSet and its ReplicaSet SuccessfulCreate, readable through events.k8s.io/v1', async () => {
  const created = await kubectl.run('create', 'deployment', 'ev-web', '--image=nginx:1.27', '--replicas=2');
  assert.equal(created.code, 0, created.stderr);
  await sim.waitFor(() => events('SuccessfulCreate').filter((e) => e.involvedObject.name.startsWith('ev-web-')).length === 2, { what: 'two SuccessfulCreate events' });
  const rs = sim.store.find({ kind: 'ReplicaSet', namespace: 'default', name: /^ev-web-/ })!;
  const scaling = events('ScalingReplicaSet').find((e) => e.involvedObject.name === 'ev-web');
  assert.equal(scaling?.message, `Scaled up replica set ${rs.metadata.name} from 0 to 2`);
  assert.equal(scaling?.source.component, 'deployment-controller');

  const out = await kubectl.run('get', 'events.v1.events.k8s.io', '-o', 'json');
  assert.equal(out.code, 0, out.stderr);
  const list = JSON.parse(out.stdout) as { apiVersion: string; items: any[] };
  const viaEvents = list.items.find((e) => e.metadata.name === scaling.metadata.name);
  assert.ok(viaEvents, 'the same object, by name');
  assert.equal(viaEvents.apiVersion, 'events.k8s.io/v1');
  assert.equal(viaEvents.note, scaling.message);
  assert.deepEqual(viaEvents.regarding, scaling.involvedObject);
  assert.equal(viaEvents.reportingController, 'deployment-controller');
  assert.deepEqual(viaEvents.deprecatedSource, { component: 'deployment-controller' });
  assert.equal(viaEvents.deprecatedCount, scaling.count);
  for (const core of ['message', 'involvedObject', 'source', 'count', 'firstTimestamp']) assert.equal(viaEvents[core], undefined, core);

  const podCreated = events('SuccessfulCreate').find((e) => e.involvedObject.name === rs.metadata.name)!;
  assert.match(podCreated.message, new RegExp(`^Created pod: ${rs.metadata.name}-[a-z0-9]{5}$`));
});

test('an Event written through events.k8s.io/v1 is a core/v1 Event, and watches on either version see it', async () => {
  const coreWatch = await watchStream(sim, '/api/v1/namespaces/default/events?watch=1&fieldSelector=metadata.name%3Dnew-style');
  const newWatch = await watchStream(sim, '/apis/events.k8s.io/v1/namespaces/default/events?watch=1&fieldSelector=metadata.name%3Dnew-style');
  const r = await post(sim, '/apis/events.k8s.io/v1/namespaces/default/events', {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name: 'new-style' },
    eventTime: '2026-01-01T00:00:00.000000Z',
    reportingController: 'example.com/tester',
    reportingInstance: 'tester-1',
    action: 'Testing',
    reason: 'Tested',
    type: 'Normal',
    note: 'written through events.k8s.io',
    regarding: { kind: 'Pod', namespace: 'default', name: 'somewhere' },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.note, 'written through events.k8s.io');

  const core = await get(sim, '/api/v1/namespaces/default/events/new-style');
  assert.equal(core.body.apiVersion, 'v1');
  assert.equal(core.body.message, 'written through events.k8s.io');
  assert.equal(core.body.reportingComponent, 'example.com/tester');
  assert.deepEqual(core.body.involvedObject, { kind: 'Pod', namespace: 'default', name: 'somewhere' });
  assert.equal(core.body.note, undefined);

  await coreWatch.waitFor(1);
  await newWatch.waitFor(1);
  assert.equal(coreWatch.events[0].object.message, 'written through events.k8s.io');
  assert.equal(newWatch.events[0].object.note, 'written through events.k8s.io');
  assert.equal(newWatch.events[0].object.apiVersion, 'events.k8s.io/v1');
  coreWatch.close();
  newWatch.close();

  const patched = await call(sim, 'PATCH', '/apis/events.k8s.io/v1/namespaces/default/events/new-style', { note: 'patched through events.k8s.io' }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(patched.status, 200, patched.text);
  assert.equal((await get(sim, '/api/v1/namespaces/default/events/new-style')).body.message, 'patched through events.k8s.io');

  // events.k8s.io/v1 insists on the new-style fields that core/v1 leaves optional.
  const bare = await post(sim, '/apis/events.k8s.io/v1/namespaces/default/events', { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bare' }, type: 'Normal', note: 'x' });
  assert.equal(bare.status, 422);
  assert.match(bare.body.message, /eventTime: Required value/);
  assert.match(bare.body.message, /reportingController: Required value/);
});
