/** Envoy Gateway's InferencePool backends and Envoy AI Gateway's InferencePool status, in the simulator. */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { aiGatewayExtension } from '../../src/charts/inference-operators/components/envoy-gateway-extension.js';
import type { K8sObject } from '../../src/core/object.js';
import { toYaml } from '../../src/render/yaml-output.js';
import { startSimulator, type Simulator, type SimClient } from '../../src/sim/index.js';
import { crd, CRDS } from './crds.js';
import { deployment } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const cond = (conds: any[] | undefined, type: string) => (conds ?? []).find((c: any) => c.type === type);
const routeRefs = (s: Simulator) => cond((s.store.find({ kind: 'HTTPRoute', name: 'qwen-route' })?.status as any)?.parents?.[0]?.conditions, 'ResolvedRefs');
const poolParents = (s: Simulator) => ((s.store.find({ kind: 'InferencePool', name: 'qwen-pool' })?.status as any)?.parents ?? []) as any[];

async function setup(s: Simulator, c: SimClient, extension: boolean): Promise<void> {
  for (const k of ['gatewayClass', 'gateway', 'httpRoute', 'inferencePool', 'envoyProxy'] as const) {
    c.apply(crd(k));
    await s.waitFor(() => s.registry.find(CRDS[k].group, CRDS[k].version, CRDS[k].plural), { what: `${k} served` });
  }
  for (const name of ['envoy-gateway-system', 'llm']) c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as K8sObject);
  const config = { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyGateway', gateway: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' }, ...(extension ? aiGatewayExtension() : {}) };
  c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'envoy-gateway-config', namespace: 'envoy-gateway-system' }, data: { 'envoy-gateway.yaml': toYaml(config) } } as K8sObject);
  c.apply(deployment('envoy-gateway', { namespace: 'envoy-gateway-system' }) as K8sObject);
  c.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'eg' }, spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' } } as K8sObject);
  c.apply({ apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyProxy', metadata: { name: 'models', namespace: 'llm' }, spec: { provider: { type: 'Kubernetes', kubernetes: { envoyService: { type: 'ClusterIP', name: 'envoy-llm-models' } } } } } as K8sObject);
  c.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'models', namespace: 'llm' },
    spec: { gatewayClassName: 'eg', infrastructure: { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'models' } }, listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
  } as K8sObject);
  c.apply({
    apiVersion: 'inference.networking.k8s.io/v1',
    kind: 'InferencePool',
    metadata: { name: 'qwen-pool', namespace: 'llm' },
    spec: { selector: { matchLabels: { app: 'qwen' } }, targetPorts: [{ number: 8080 }], endpointPickerRef: { name: 'qwen-epp', port: { number: 9002 } } },
  } as K8sObject);
  c.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'qwen-route', namespace: 'llm' },
    spec: { parentRefs: [{ name: 'models', sectionName: 'http' }], rules: [{ backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool' }] }] },
  } as K8sObject);
}

async function aiGateway(s: Simulator, c: SimClient): Promise<void> {
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-ai-gateway-system' } } as K8sObject);
  c.apply(deployment('ai-gateway-controller', { namespace: 'envoy-ai-gateway-system' }) as K8sObject);
  await s.waitFor(() => cond((s.store.find({ kind: 'Deployment', name: 'ai-gateway-controller' })?.status as any)?.conditions, 'Available')?.status === 'True', { what: 'AI gateway available' });
}

test('without InferencePool in its configuration Envoy Gateway refuses the backendRef as upstream does (InvalidKind); no Gateway parent on the pool', async () => {
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  await setup(sim, c, false);
  await aiGateway(sim, c);
  c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'qwen-epp', namespace: 'llm' }, spec: { selector: { app: 'epp' }, ports: [{ port: 9002 }] } } as K8sObject);
  const rr = await sim.waitFor(() => routeRefs(sim!));
  assert.equal(rr.status, 'False');
  assert.equal(rr.reason, 'InvalidKind');
  assert.equal(rr.message, 'Failed to process route rule 0 backendRef 0: Group is invalid, only the core API group (specified by omitting the group field or setting it to an empty string), multicluster.x-k8s.io and gateway.envoyproxy.io are supported.');
  // Envoy AI Gateway still reports the Gateway the route attaches the pool to (it does not look at the route's status).
  await sim.waitFor(() => poolParents(sim!).length === 1);
});

test('the configuration counts from Envoy Gateway\'s start; then the pool resolves once Envoy AI Gateway runs, and the pool is accepted once its picker Service exists', async () => {
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  await setup(sim, c, false);
  assert.equal((await sim.waitFor(() => routeRefs(sim!))).reason, 'InvalidKind');

  // The extension added to the ConfigMap means nothing until the controller restarts.
  const config = { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'EnvoyGateway', ...aiGatewayExtension() };
  c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'envoy-gateway-config', namespace: 'envoy-gateway-system' }, data: { 'envoy-gateway.yaml': toYaml(config) } } as K8sObject);
  await new Promise((r) => setTimeout(r, 100));
  c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'poke', namespace: 'llm' }, spec: { ports: [{ port: 1 }] } } as K8sObject);
  await new Promise((r) => setTimeout(r, 100));
  assert.match(routeRefs(sim).message, /Group is invalid/, 'the running controller still has the old configuration');
  const restarted = deployment('envoy-gateway', { namespace: 'envoy-gateway-system' }) as any;
  restarted.spec.template.metadata.annotations = { 'inferctl.io/envoy-gateway-config-hash': 'new' };
  c.apply(restarted as K8sObject);
  const noAi = await sim.waitFor(() => (/Envoy AI Gateway/.test(routeRefs(sim!)?.message ?? '') ? routeRefs(sim!) : undefined), { what: 'restarted with the extension' });
  assert.equal(noAi.reason, 'InvalidKind');
  assert.deepEqual(poolParents(sim), [], 'no Envoy AI Gateway: nobody writes the pool status');

  await aiGateway(sim, c);
  await sim.waitFor(() => routeRefs(sim!)?.status === 'True', { what: 'ResolvedRefs' });
  const notYet = await sim.waitFor(() => poolParents(sim!)[0]);
  assert.deepEqual(notYet.parentRef, { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'models', namespace: 'llm' });
  assert.equal(cond(notYet.conditions, 'Accepted').reason, 'NotAccepted');
  assert.match(cond(notYet.conditions, 'ResolvedRefs').message, /ExtensionReference service qwen-epp not found in namespace llm/);

  c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'qwen-epp', namespace: 'llm' }, spec: { selector: { app: 'epp' }, ports: [{ port: 9002 }] } } as K8sObject);
  const accepted = await sim.waitFor(() => (cond(poolParents(sim!)[0]?.conditions, 'Accepted')?.status === 'True' ? poolParents(sim!)[0] : undefined));
  assert.equal(cond(accepted.conditions, 'ResolvedRefs').status, 'True');
  assert.equal(cond(accepted.conditions, 'Accepted').message, 'InferencePool has been Accepted by controller ai-gateway-controller: InferencePool reconciled successfully');

  // The Gateway's own EnvoyProxy: a ClusterIP Service with the name it asks for; Programmed with the cluster IP.
  const svc = sim.store.find({ kind: 'Service', namespace: 'envoy-gateway-system', name: 'envoy-llm-models' });
  assert.equal((svc?.spec as any)?.type, 'ClusterIP');
  const gw = await sim.waitFor(() => {
    const g = sim!.store.find({ kind: 'Gateway', name: 'models' });
    return cond((g?.status as any)?.conditions, 'Programmed')?.status === 'True' ? g : undefined;
  });
  assert.equal((gw.status as any).addresses[0].value, (svc?.spec as any).clusterIP);

  // Deleting the route clears the pool's parents, as upstream does without a referencing Gateway.
  sim.client('test').delete('gateway.networking.k8s.io/v1', 'HTTPRoute', 'llm', 'qwen-route');
  await sim.waitFor(() => poolParents(sim!).length === 0, { what: 'parents cleared' });
});
