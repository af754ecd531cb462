/**
 * Scheduling against node capacity, labels and taints, with kube-scheduler's own messages
 * (FitError and its preemption summary, 1.33-1.35 wording), checked through kubectl 1.35.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
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

const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

function pod(name: string, spec: Record<string, unknown> = {}, resources?: Record<string, string>): K8sObject {
  const container = { name: 'c', image: 'busybox', ...(resources ? { resources: { requests: resources, limits: resources } } : {}) };
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [container], ...spec } } as K8sObject;
}

const scheduled = (s: Simulator, name: string) => s.store.find({ kind: 'Pod', name })?.spec as { nodeName?: string } | undefined;
const podCondition = (s: Simulator, name: string) => ((s.store.find({ kind: 'Pod', name })?.status as any)?.conditions ?? []).find((c: any) => c.type === 'PodScheduled');

async function unschedulable(s: Simulator, name: string): Promise<string> {
  const c = await s.waitFor(() => (podCondition(s, name)?.status === 'False' ? podCondition(s, name) : undefined), { what: `${name} unschedulable` });
  assert.equal(c.reason, 'Unschedulable');
  return c.message;
}

test('kubectl: a GPU pod on the default cluster (three CPU nodes) is Unschedulable with the scheduler\'s message and a FailedScheduling event', async () => {
  sim.client().create(pod('wants-gpu', { tolerations: [GPU_TOLERATION] }, { 'nvidia.com/gpu': '1' }));
  const message = await unschedulable(sim, 'wants-gpu');
  // No node has any GPU, so preemption cannot help (UnschedulableAndUnresolvable); FitError ends in "..".
  assert.equal(message, '0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..');

  const phase = await kubectl.run('get', 'pod', 'wants-gpu', '-o', 'jsonpath={.status.phase} {.status.conditions[?(@.type=="PodScheduled")].message}');
  assert.equal(phase.stdout, `Pending ${message}`);
  // The scheduler writes events.k8s.io events: reportingComponent and action, no source.
  const events = await kubectl.run('get', 'events', '--field-selector', 'reason=FailedScheduling,involvedObject.name=wants-gpu', '-o', 'jsonpath={.items[0].type}|{.items[0].reportingComponent}|{.items[0].action}|{.items[0].message}');
  assert.equal(events.stdout, `Warning|default-scheduler|Scheduling|${message}`);
  const nodes = await kubectl.run('get', 'nodes', '-o', 'jsonpath={.items[*].status.allocatable.cpu}');
  assert.equal(nodes.stdout, '7910m 7910m 7910m');

  // Adding a GPU node (what the message tells a person to do) lets the scheduler place it.
  const client = sim.client('kubelet');
  client.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'late-gpu', labels: { 'nvidia.com/gpu.present': 'true' } }, spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] } } as K8sObject);
  client.patchStatus({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'late-gpu' } }, { allocatable: { cpu: '8', memory: '64Gi', pods: '110', 'nvidia.com/gpu': '1' }, capacity: { cpu: '8', memory: '64Gi', pods: '110', 'nvidia.com/gpu': '1' } });
  await sim.waitFor(() => scheduled(sim, 'wants-gpu')?.nodeName === 'late-gpu', { what: 'bound to the new GPU node' });
  sim.client().delete('v1', 'Pod', 'default', 'wants-gpu', { gracePeriodSeconds: 0 });
  client.delete('v1', 'Node', undefined, 'late-gpu');
});

test('GPU nodes: 8 nvidia.com/gpu each, tainted nvidia.com/gpu=present:NoSchedule; only tolerating pods land there', async () => {
  const gpu = await startSimulator({ speed: 10, gpuNodes: 1 });
  try {
    const node = gpu.store.find({ kind: 'Node', name: 'sim-gpu-worker' })!;
    assert.equal((node.status as any).allocatable['nvidia.com/gpu'], '8');
    assert.equal(node.metadata.labels?.['nvidia.com/gpu.present'], 'true');
    assert.deepEqual((node.spec as any).taints, [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);

    gpu.client().create(pod('no-toleration', {}, { 'nvidia.com/gpu': '1' }));
    assert.equal(
      await unschedulable(gpu, 'no-toleration'),
      '0/4 nodes are available: 1 node(s) had untolerated taint {nvidia.com/gpu: present}, 3 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling..',
    );
    gpu.client().create(pod('tolerates', { tolerations: [GPU_TOLERATION] }, { 'nvidia.com/gpu': '8' }));
    await gpu.waitFor(() => scheduled(gpu, 'tolerates')?.nodeName === 'sim-gpu-worker', { what: 'GPU pod bound' });
    // All eight GPUs are taken now: a second one waits, and preemption finds no victims.
    gpu.client().create(pod('second', { tolerations: [GPU_TOLERATION] }, { 'nvidia.com/gpu': '1' }));
    assert.equal(
      await unschedulable(gpu, 'second'),
      '0/4 nodes are available: 4 Insufficient nvidia.com/gpu. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling..',
    );
    gpu.client().delete('v1', 'Pod', 'default', 'tolerates', { gracePeriodSeconds: 0 });
    await gpu.waitFor(() => scheduled(gpu, 'second')?.nodeName === 'sim-gpu-worker', { what: 'second GPU pod bound once the first is gone' });
  } finally {
    await gpu.stop();
  }
});

test('requests count against allocatable: the fourth 5-CPU pod waits until one of the three goes', async () => {
  const c = sim.client();
  for (const n of ['big-1', 'big-2', 'big-3']) c.create(pod(n, {}, { cpu: '5', memory: '1Gi' }));
  await sim.waitFor(() => ['big-1', 'big-2', 'big-3'].every((n) => scheduled(sim, n)?.nodeName), { what: 'three big pods bound' });
  assert.deepEqual(['big-1', 'big-2', 'big-3'].map((n) => scheduled(sim, n)!.nodeName).sort(), ['sim-worker', 'sim-worker2', 'sim-worker3'], 'spread: least allocated first');
  c.create(pod('big-4', {}, { cpu: '5' }));
  assert.equal(await unschedulable(sim, 'big-4'), '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod..');
  const freed = scheduled(sim, 'big-2')!.nodeName;
  c.delete('v1', 'Pod', 'default', 'big-2', { gracePeriodSeconds: 0 });
  await sim.waitFor(() => scheduled(sim, 'big-4')?.nodeName === freed, { what: 'big-4 takes the freed node' });
  for (const n of ['big-1', 'big-3', 'big-4']) c.delete('v1', 'Pod', 'default', n, { gracePeriodSeconds: 0 });
});

test('kubectl: nodeSelector, required node affinity and taints decide the node; labelling a node unblocks a pod', async () => {
  const c = sim.client();
  c.create(pod('wants-ssd', { nodeSelector: { disk: 'ssd' } }));
  assert.equal(await unschedulable(sim, 'wants-ssd'), "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..");
  const labelled = await kubectl.run('label', 'node', 'sim-worker2', 'disk=ssd');
  assert.equal(labelled.code, 0, labelled.stderr);
  await sim.waitFor(() => scheduled(sim, 'wants-ssd')?.nodeName === 'sim-worker2', { what: 'bound to the labelled node' });

  const affinity = (expressions: unknown[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: expressions }] } } } });
  c.create(pod('not-in', affinity([{ key: 'kubernetes.io/hostname', operator: 'NotIn', values: ['sim-worker', 'sim-worker2'] }])));
  c.create(pod('exists', affinity([{ key: 'disk', operator: 'Exists' }])));
  c.create(pod('does-not-exist', affinity([{ key: 'disk', operator: 'DoesNotExist' }, { key: 'kubernetes.io/hostname', operator: 'In', values: ['sim-worker', 'sim-worker2'] }])));
  await sim.waitFor(() => ['not-in', 'exists', 'does-not-exist'].every((n) => scheduled(sim, n)?.nodeName), { what: 'affinity pods bound' });
  assert.equal(scheduled(sim, 'not-in')!.nodeName, 'sim-worker3');
  assert.equal(scheduled(sim, 'exists')!.nodeName, 'sim-worker2');
  assert.equal(scheduled(sim, 'does-not-exist')!.nodeName, 'sim-worker');

  const tainted = await kubectl.run('taint', 'node', 'sim-worker', 'node-role.kubernetes.io/control-plane:NoSchedule');
  assert.equal(tainted.code, 0, tainted.stderr);
  c.create(pod('pinned', { nodeSelector: { 'kubernetes.io/hostname': 'sim-worker' } }));
  assert.equal(
    await unschedulable(sim, 'pinned'),
    "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..",
  );
  const untainted = await kubectl.run('taint', 'node', 'sim-worker', 'node-role.kubernetes.io/control-plane:NoSchedule-');
  assert.equal(untainted.code, 0, untainted.stderr);
  await sim.waitFor(() => scheduled(sim, 'pinned')?.nodeName === 'sim-worker', { what: 'bound once the taint is gone' });
});

test('a pod that names its node skips the scheduler: the kubelet rejects it when the node lacks room, and a missing node leaves it Pending', async () => {
  const c = sim.client();
  c.create(pod('too-big', { nodeName: 'sim-worker3' }, { cpu: '100' }));
  const rejected = await sim.waitFor(() => ((sim.store.find({ kind: 'Pod', name: 'too-big' })?.status as any)?.phase === 'Failed' ? sim.store.find({ kind: 'Pod', name: 'too-big' }) : undefined), { what: 'rejected' });
  assert.equal((rejected.status as any).reason, 'OutOfcpu');
  assert.match((rejected.status as any).message, /^Pod was rejected: Node didn't have enough resource: cpu, requested: 100000, used: \d+, capacity: 7910$/);

  c.create(pod('nowhere', { nodeName: 'no-such-node' }));
  c.create(pod('marker', { nodeName: 'sim-worker3' }));
  await sim.waitFor(() => (sim.store.find({ kind: 'Pod', name: 'marker' })?.status as any)?.containerStatuses, { what: 'the kubelet handled a later pod' });
  const nowhere = sim.store.find({ kind: 'Pod', name: 'nowhere' })!;
  assert.equal((nowhere.status as any).phase, 'Pending');
  assert.equal((nowhere.status as any).conditions, undefined);
});
