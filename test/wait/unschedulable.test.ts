/**
 * The apply engine against the simulator's scheduler: a workload that asks for a resource no node
 * has fails within the fail grace, quoting the scheduler and saying what to do, instead of waiting
 * out the timeout; one that only waits for room keeps waiting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplyEngine, ApplyFailure } from '../../src/apply/engine.js';
import { silentProgress } from '../../src/apply/progress.js';
import type { K8sObject } from '../../src/core/object.js';
import { connectKube } from '../../src/kube/connect.js';
import type { KubeClient } from '../../src/kube/types.js';
import type { GroupSpec } from '../../src/render/types.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { evaluateReadiness } from '../../src/wait/registry.js';
import { matchesRelatedQuery } from '../../src/wait/related.js';
import { operatorDeployments } from '../helpers/platform.js';
import { shippedCrd } from '../helpers/upstream.js';

let sim: Simulator;
let kube: KubeClient;
before(async () => {
  sim = await startSimulator({ speed: 20 });
  kube = await connectKube({ kubeconfig: sim.kubeconfigPath });
});
after(() => sim.stop());

const GROUP: GroupSpec = { name: 'models', dependsOn: [], description: 'models' };

function engine(timeoutMs: number): ApplyEngine {
  return new ApplyEngine({ kube, progress: silentProgress, memberLabels: {}, force: true, wait: true, dryRun: false, timeoutMs, pollMs: 25, failGraceMs: 300 });
}

async function applyAndWait(objects: K8sObject[], timeoutMs: number): Promise<ApplyFailure> {
  const started = Date.now();
  const err = await engine(timeoutMs)
    .run(objects.map((object) => ({ object, group: GROUP.name, source: 'test' })), [GROUP])
    .then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof ApplyFailure, `expected an ApplyFailure, got ${String(err)}`);
  return Object.assign(err, { elapsed: Date.now() - started });
}

function deployment(name: string, replicas: number, requests: Record<string, string>, tolerations: unknown[] = []): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { tolerations, containers: [{ name: 'server', image: 'vllm/vllm-openai:v0.11.0', resources: { requests, limits: requests } }] } },
    },
  } as K8sObject;
}

test('a Deployment asking for a GPU on a cluster without GPU nodes fails fast with the scheduler\'s message and what to do', async () => {
  const err = await applyAndWait([deployment('gpu-model', 1, { 'nvidia.com/gpu': '1' }, [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])], 600_000);
  assert.match(err.message, /^group models failed/, 'a failure, not the 10-minute timeout');
  assert.match(err.message, /Unschedulable: 0\/3 nodes are available: 3 Insufficient nvidia\.com\/gpu\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\.\./);
  assert.match(err.message, /add nodes with enough nvidia\.com\/gpu .*gpus: 0 runs a model on CPU/);
});

test('pods waiting only for room (Insufficient cpu, preemption could help) keep the wait going until the timeout', async () => {
  const objects = [deployment('cpu-heavy', 4, { cpu: '5' })];
  const err = await applyAndWait(objects, 3000);
  assert.match(err.message, /^timed out after 3s/, 'still progressing when the time ran out');
  assert.match(err.message, /Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.\./);
  const live = sim.store.find({ kind: 'Deployment', name: 'cpu-heavy' })!;
  const verdict = evaluateReadiness(live, (q) => sim.store.objects({}).filter((o) => matchesRelatedQuery(o, q)));
  assert.equal(verdict.state, 'progressing');
});

test('an InferenceService whose GPU predictor cannot be placed fails fast too, through KServe\'s status and its pods', async () => {
  const setup = sim.client('setup');
  setup.apply(shippedCrd('InferenceService.serving.kserve.io'));
  for (const o of operatorDeployments(['kserve'])) setup.apply(o);
  await sim.waitFor(() => sim.registry.find('serving.kserve.io', 'v1beta1', 'inferenceservices'), { what: 'InferenceService served' });
  const isvc = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'qwen', namespace: 'default', annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } },
    spec: {
      predictor: {
        tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
        model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://Qwen/Qwen2.5-0.5B-Instruct', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '1' } } },
      },
    },
  } as K8sObject;
  const err = await applyAndWait([isvc], 600_000);
  assert.match(err.message, /^group models failed/);
  assert.match(err.message, /InferenceService default\/qwen/);
  assert.match(err.message, /Pod qwen-predictor-[a-z0-9]+-[a-z0-9]{5}: Unschedulable: 0\/3 nodes are available: 3 Insufficient nvidia\.com\/gpu\./);
  assert.match(err.message, /gpus: 0 runs a model on CPU/);
  const live = sim.store.find({ kind: 'InferenceService', name: 'qwen' })!;
  assert.equal((live.status as any).modelStatus.transitionStatus, 'InProgress', 'KServe reports a pending model, not a failed load');
});
