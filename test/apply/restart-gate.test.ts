/** Gate deployment-started-after-crd against the simulator, through the real client. */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { restartIfStartedBeforeCrd, RESTART_FIELD_MANAGER } from '../../src/apply/restart-gate.js';
import type { K8sObject } from '../../src/core/object.js';
import { connectKube } from '../../src/kube/connect.js';
import type { Gate } from '../../src/render/types.js';
import { startSimulator, type Simulator, type SimClient } from '../../src/sim/index.js';
import { crd } from '../sim/crds.js';
import { deployment } from '../sim/helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

type O = Record<string, any>;
const GATE: Gate = { kind: 'deployment-started-after-crd', namespace: 'kserve', name: 'kserve-controller-manager', crd: 'services.serving.knative.dev', why: 'KServe looks for Knative Services once, when it starts' };
const ANNOTATION = 'restart.inferctl.io/services.serving.knative.dev';
const available = (s: Simulator) => ((s.store.find({ kind: 'Deployment', name: 'kserve-controller-manager' })?.status as O)?.conditions ?? []).some((c: O) => c.type === 'Available' && c.status === 'True');

async function kserve(s: Simulator, c: SimClient): Promise<void> {
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kserve' } } as K8sObject);
  c.apply(deployment('kserve-controller-manager', { namespace: 'kserve' }) as K8sObject);
  await s.waitFor(() => available(s) && s.store.objects({ kind: 'Pod', namespace: 'kserve' }).some((p) => (p.status as O)?.containerStatuses?.[0]?.state?.running));
}

async function knativeCrd(s: Simulator, c: SimClient): Promise<void> {
  c.apply(crd('ksvc'));
  await s.waitFor(() => s.registry.find('serving.knative.dev', 'v1', 'services'));
}

test('a controller started before the CRD is restarted once (pod-template annotation = the CRD uid), then left alone', async () => {
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  const kube = await connectKube({ kubeconfig: sim.kubeconfigPath });
  assert.equal(await restartIfStartedBeforeCrd(kube, GATE), undefined, 'no CRD yet: nothing to restart for');
  await kserve(sim, c);
  await knativeCrd(sim, c);
  const message = await restartIfStartedBeforeCrd(kube, GATE);
  assert.match(message ?? '', /^restarted deployment kserve\/kserve-controller-manager: pod kserve-controller-manager-\S+ started before CRD services\.serving\.knative\.dev was established \(KServe looks for Knative Services once, when it starts\)$/);
  const d = sim.store.find({ kind: 'Deployment', name: 'kserve-controller-manager' })!;
  const uid = sim.store.find({ kind: 'CustomResourceDefinition', name: 'services.serving.knative.dev' })!.metadata.uid;
  assert.equal((d.spec as O).template.metadata.annotations[ANNOTATION], uid);
  assert.ok((d.metadata.managedFields as O[]).some((m) => m.manager === RESTART_FIELD_MANAGER && m.operation === 'Apply'), 'applied server-side under its own field manager');
  assert.equal(d.metadata.generation, 2, 'a new rollout');
  await sim.waitFor(() => available(sim!) && (sim!.store.find({ kind: 'Deployment', name: 'kserve-controller-manager' })?.status as O).observedGeneration === 2);
  assert.equal(await restartIfStartedBeforeCrd(kube, GATE), undefined, 'restarted for this CRD already');
});

test('a controller whose pods started after the CRD was established is not restarted', async () => {
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  const kube = await connectKube({ kubeconfig: sim.kubeconfigPath });
  await knativeCrd(sim, c);
  // Kubernetes times have one-second resolution: start in a later second.
  await new Promise((r) => setTimeout(r, 1100));
  await kserve(sim, c);
  assert.equal(await restartIfStartedBeforeCrd(kube, GATE), undefined);
  assert.equal(sim.store.find({ kind: 'Deployment', name: 'kserve-controller-manager' })!.metadata.generation, 1);
});
