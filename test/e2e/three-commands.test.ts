import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installOrUpgrade, type InstallRequest } from '../../src/actions/install.js';
import { makeContext, releaseLookup, type ActionContext, type WaitOptions } from '../../src/actions/context.js';
import { resolveChart } from '../../src/charts/index.js';
import { describeObject, groupOf, type K8sObject } from '../../src/core/object.js';
import { ClientNodeKube, loadKubeConfig } from '../../src/kube/client-node.js';
import { emptyValueOptions, renderRelease, type RenderedRelease } from '../../src/render/pipeline.js';
import type { ReleaseRecord } from '../../src/release/record.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import type { StoreEvent } from '../../src/sim/store.js';
import { defaultCrdDirs, validateRender, type PodSecurityExemption, type ProvidedRef } from '../../src/validate/index.js';
import { PythonJobRunner, RecordingProgress, secretValue } from '../helpers/platform.js';
import { freePort, which } from '../helpers/procs.js';
import { UPSTREAM_INSTALL } from '../charts/operators-helpers.js';
import { FakeLiteLLM } from '../real/stack-fake-litellm.js';
import { operatorEmulations } from './operator-emulation.js';

/**
 * The three commands end to end on the Kubernetes API simulator, starting from an empty cluster:
 *
 *   inferctl install operators ./charts/inference-operators --manifests-dir <shared>/upstream/install
 *   inferctl install infra ./charts/inference-infrastructure -n llm
 *   inferctl install stack ./charts/inference-stack -n models --set infrastructureNamespace=llm -f models.yaml
 *   inferctl upgrade stack ...   (one model added, one removed)
 *
 * Nothing is seeded: the upstream CRDs and operator Deployments come from the operators release,
 * and the simulator's scripted CNPG / Envoy Gateway / Knative / KServe controllers act once those
 * Deployments are Available. What the simulator does not script (cert-manager issuing KServe's
 * webhook certificate, Envoy Gateway's certgen Job, the Knative Operator installing Serving's
 * CRDs) is emulated by ./operator-emulation.ts. The Jobs' Python programs (secret generator,
 * model registrar) run for real against the simulated API.
 *
 * LiteLLM is a fake admin API on 127.0.0.1 (test/real/stack-fake-litellm.ts). The registrar
 * finds LiteLLM's URL in the infrastructure release's exports
 * (http://infra-litellm-proxy.llm.svc.cluster.local:4000), exactly as in a cluster; that name
 * does not resolve here, so PythonJobRunner.serviceAddresses plays cluster DNS and rewrites it
 * to the fake in the Job's environment. Nothing in the charts or values is overridden for it.
 *
 * Ordering is asserted on the API server's request log (what inferctl sent, in order) and on a
 * timeline of store events (resourceVersion order: when a condition turned True, when an object
 * was created or deleted), which also sees what controllers did.
 */

const INFRA_NS = 'llm';
const STACK_NS = 'models';
const SPEED = 40;
// Generous: the file takes ~20 s alone and ~60 s with four more copies running on two cores.
const WAIT: WaitOptions = { wait: true, timeoutMs: 180_000, pollMs: 40, failGraceMs: 2000 };
const TEST_TIMEOUT = 240_000;

/** Upstream Knative Operator 1.23 Deployments set no seccompProfile; the chart keeps upstream content. */
const EXEMPTIONS: PodSecurityExemption[] = ['knative-operator', 'operator-webhook'].map((name) => ({
  object: `Deployment knative-operator/${name}`,
  check: 'seccompProfile_restricted',
  reason: 'upstream Knative Operator manifest, not patched by inferctl',
}));

const MODELS_V1 = `models:
  - name: qwen
    runtime: vllm
    gpus: 1
    deploymentMode: Knative
    storageUri: hf://Qwen/Qwen2.5-0.5B-Instruct
  - name: tiny
    runtime: llamacpp
    deploymentMode: Standard
    storageUri: hf://Qwen/Qwen2.5-0.5B-Instruct-GGUF
    modelFile: qwen2.5-0.5b-instruct-q4_k_m.gguf
`;

const MODELS_V2 = `models:
  - name: qwen
    runtime: vllm
    gpus: 1
    deploymentMode: Knative
    storageUri: hf://Qwen/Qwen2.5-0.5B-Instruct
  - name: small
    runtime: ollama
    deploymentMode: Standard
    modelTag: "qwen3:0.6b"
`;

// ---- the cluster and what watches it ----

interface Mark {
  rv: number;
  at: number;
  type: StoreEvent['type'];
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  deleting: boolean;
  trueConditions: string[];
}

/** Every store change in resourceVersion order, with the conditions that were True after it. */
class Timeline {
  readonly marks: Mark[] = [];
  record = (e: StoreEvent): void => {
    const o = e.object;
    const conds = ((o.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).filter((c) => c?.status === 'True').map((c) => c.type);
    this.marks.push({ rv: Number(o.metadata.resourceVersion), at: Date.now(), type: e.type, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name, uid: o.metadata.uid as string | undefined, deleting: e.type === 'DELETED' || !!o.metadata.deletionTimestamp, trueConditions: conds });
  };
  private of(kind: string, namespace: string | undefined, name: string): Mark[] {
    return this.marks.filter((m) => m.kind === kind && m.name === name && (m.namespace ?? '') === (namespace ?? ''));
  }
  /** resourceVersion at which the object was (last) created. */
  created(kind: string, namespace: string | undefined, name: string): number {
    const m = this.of(kind, namespace, name).filter((x) => x.type === 'ADDED').pop();
    assert.ok(m, `${kind} ${namespace ?? ''}/${name} was created`);
    return m.rv;
  }
  /** resourceVersion at which a condition first became True (after `since`). */
  becameTrue(kind: string, namespace: string | undefined, name: string, condition: string, since = 0): number {
    const m = this.of(kind, namespace, name).find((x) => x.rv > since && x.trueConditions.includes(condition));
    assert.ok(m, `${kind} ${namespace ?? ''}/${name} reached ${condition}=True`);
    return m.rv;
  }
  /** resourceVersion at which the object started to go away, or undefined. */
  deletion(kind: string, namespace: string | undefined, name: string): number | undefined {
    return this.of(kind, namespace, name).find((x) => x.deleting)?.rv;
  }
  addedBetween(fromRv: number, toRv: number): Mark[] {
    return this.marks.filter((m) => m.type === 'ADDED' && m.rv > fromRv && m.rv <= toRv);
  }
}

let sim: Simulator;
let python: PythonJobRunner;
let litellm: FakeLiteLLM;
const timeline = new Timeline();
let kube: ClientNodeKube;
const ctx = (progress = new RecordingProgress()): ActionContext => makeContext(kube, progress);
const renders: { layer: string; rendered: RenderedRelease; record: ReleaseRecord }[] = [];
const phases: [string, number][] = [];
let sequenceStart = 0;

function request(name: string, namespace: string, chart: string, extra: Partial<InstallRequest> = {}, values: string[] = [], file?: string): InstallRequest {
  return {
    name,
    namespace,
    chart: resolveChart(chart),
    valueOptions: { ...emptyValueOptions(), values, valueFiles: file === undefined ? [] : ['models.yaml'] },
    readFile: (path) => {
      assert.equal(path, 'models.yaml');
      return file ?? '';
    },
    createNamespace: true,
    force: false,
    dryRun: false,
    rollbackOnFailure: false,
    wait: WAIT,
    ...extra,
  };
}

const stackValues = ['infrastructureReleaseName=infra', `infrastructureNamespace=${INFRA_NS}`];
const operatorsRequest = () => request('operators', 'inferctl-system', 'inference-operators', { manifestsDir: UPSTREAM_INSTALL });
const infraRequest = () => request('infra', INFRA_NS, 'inference-infrastructure');
const stackRequest = (models: string) => request('stack', STACK_NS, 'inference-stack', {}, stackValues, models);

/** Installs or upgrades like the CLI, keeping the render (what install computed) for the validation test. */
async function run(layer: string, req: InstallRequest, mode: 'install' | 'upgrade', progress: RecordingProgress) {
  const c = ctx(progress);
  const started = Date.now();
  const result = await installOrUpgrade(c, req, mode);
  phases.push([`${mode} ${req.name}`, Date.now() - started]);
  // The same render install made: same values, same release lookup.
  const rendered = renderRelease({ chart: req.chart, release: req.name, namespace: req.namespace, valueOptions: req.valueOptions, readFile: req.readFile, manifestsDir: req.manifestsDir, releases: await releaseLookup(c, req.namespace) });
  assert.deepEqual(result.record.manifest, rendered.objects.map((o) => o.object), `${layer}: the validated render is what was applied`);
  renders.push({ layer, rendered, record: result.record });
  return result;
}

// ---- request log helpers ----

const WRITES = new Set(['POST', 'PUT', 'PATCH']);
/** seq of the first successful write by inferctl to a named object of an API group + resource. */
function firstWrite(group: string, resource: string, name: string, fromSeq = 0): number {
  const prefix = group ? `/apis/${group}/` : '/api/';
  const r = sim.store.requests.find((x) => x.seq > fromSeq && WRITES.has(x.method) && x.status > 0 && x.status < 300 && x.resource === resource && x.name === name && !x.subresource && x.path.startsWith(prefix));
  assert.ok(r, `a write to ${resource}.${group} ${name}`);
  return r.seq;
}
/** Every request (any verb) inferctl sent for an API group + resource. */
function requestsFor(group: string, resource: string, fromSeq = 0) {
  const prefix = group ? `/apis/${group}/` : '/api/';
  return sim.store.requests.filter((x) => x.seq > fromSeq && x.resource === resource && x.path.startsWith(prefix));
}
function lastSeq(): number {
  return sim.store.requests.at(-1)?.seq ?? 0;
}
/** The request log keeps the last 20,000 entries: a phase's assertions need all of its entries. */
function assertLogCovers(seq: number): void {
  assert.ok((sim.store.requests[0]?.seq ?? 0) <= seq + 1, `the request log still holds the phase's first request (seq ${seq}); raise pollMs`);
}

function events(p: RecordingProgress, type: string): { group: string; object?: string; i: number }[] {
  return p.events.map((e, i) => ({ ...(e as any), i })).filter((e) => e.type === type);
}
function groupDone(p: RecordingProgress, group: string): number {
  const e = events(p, 'group-done').find((x) => x.group === group);
  assert.ok(e, `group ${group} finished`);
  return e.i;
}
function groupStart(p: RecordingProgress, group: string): number {
  const e = events(p, 'group-start').find((x) => x.group === group);
  assert.ok(e, `group ${group} started`);
  return e.i;
}

const litellmOf = (owner: string) => [...litellm.models.values()].filter((m) => m.model_info.inferctl_owner === owner);

before(async () => {
  assert.ok(which('python3'), 'python3 must be installed (.ci/run installs it)');
  let url = '';
  python = new PythonJobRunner(() => url);
  // No seeded CRDs, no seeded operators: only the built-in objects every cluster has.
  sim = await startSimulator({ speed: SPEED, gpuNodes: 1, extraControllers: [python, ...operatorEmulations()] });
  url = sim.url;
  sim.store.subscribe(timeline.record);
  kube = new ClientNodeKube(loadKubeConfig({ kubeconfig: sim.kubeconfigPath }));
  litellm = new FakeLiteLLM(() => secretValue(sim, INFRA_NS, 'infra-litellm-proxy-master-key', 'master-key'));
  await litellm.listen(await freePort());
  assert.equal(sim.store.objects({ kind: 'CustomResourceDefinition' }).length, 0, 'an empty cluster');
  assert.equal(sim.store.objects({ kind: 'Deployment' }).length, 0, 'an empty cluster');
  sequenceStart = Date.now();
});

after(async () => {
  const total = Date.now() - sequenceStart;
  const sequence = phases.reduce((sum, [, ms]) => sum + ms, 0);
  console.log(`three commands on the simulator (speed ${SPEED}): sequence ${(sequence / 1000).toFixed(1)}s (${phases.map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)}s`).join(', ')}); with assertions and validation ${(total / 1000).toFixed(1)}s`);
  await litellm?.close();
  await sim?.stop();
});

// ---- 1. operators ----

const OPERATOR_DEPLOYMENTS: [string, string][] = [
  ['cert-manager', 'cert-manager'],
  ['cert-manager', 'cert-manager-cainjector'],
  ['cert-manager', 'cert-manager-webhook'],
  ['cnpg-system', 'cnpg-controller-manager'],
  ['envoy-gateway-system', 'envoy-gateway'],
  ['knative-operator', 'knative-operator'],
  ['knative-operator', 'operator-webhook'],
  ['kserve', 'kserve-controller-manager'],
];

test('install operators: upstream CRDs Established before any of their resources; waits for every operator; KServe after cert-manager', { timeout: TEST_TIMEOUT }, async () => {
  const progress = new RecordingProgress();
  const fromSeq = lastSeq();
  const result = await run('operators', operatorsRequest(), 'install', progress);
  assertLogCovers(fromSeq);
  assert.equal(result.record.status, 'deployed');
  const objects = result.record.manifest;
  const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
  assert.ok(crds.length >= 40, `upstream CRDs rendered (${crds.length})`);

  // Every CRD of the release is in the cluster and Established, applied by inferctl.
  const liveCrds = sim.store.objects({ kind: 'CustomResourceDefinition' });
  for (const crd of crds) {
    const live = liveCrds.find((c) => c.metadata.name === crd.metadata.name);
    assert.ok(live, `CRD ${crd.metadata.name} applied`);
    assert.ok((live.status as any).conditions.some((c: any) => c.type === 'Established' && c.status === 'True'), `${crd.metadata.name} Established`);
  }

  // Custom resources of the release (cert-manager Issuer/Certificate, KServe ClusterStorageContainer...):
  // their CRD was applied and Established before inferctl touched them, and no write was refused.
  const crdOf = (o: K8sObject) => crds.find((c) => (c.spec as any).group === groupOf(o.apiVersion) && (c.spec as any).names.kind === o.kind);
  const customs = objects.filter((o) => crdOf(o));
  assert.ok(customs.length >= 3, `custom resources in the operators release: ${customs.map(describeObject).join(', ')}`);
  for (const o of customs) {
    const crd = crdOf(o)!;
    const { group, names } = crd.spec as { group: string; names: { plural: string } };
    const crdApplied = firstWrite('apiextensions.k8s.io', 'customresourcedefinitions', crd.metadata.name, fromSeq);
    const touching = requestsFor(group, names.plural, fromSeq);
    assert.ok(touching.length, `requests for ${describeObject(o)}`);
    assert.ok(crdApplied < touching[0].seq, `CRD ${crd.metadata.name} applied before the first request for ${describeObject(o)}`);
    assert.deepEqual(touching.filter((r) => WRITES.has(r.method) && r.status >= 300).map((r) => `${r.method} ${r.path} ${r.status}`), [], `no refused write of ${describeObject(o)}`);
    const established = timeline.becameTrue('CustomResourceDefinition', undefined, crd.metadata.name, 'Established');
    assert.ok(established < timeline.created(o.kind, o.metadata.namespace, o.metadata.name), `${crd.metadata.name} Established before ${describeObject(o)} was created`);
  }
  // And the CRD group as a whole finished before any other group started.
  const crdsDone = groupDone(progress, 'crds');
  for (const g of events(progress, 'group-start').filter((e) => !['crds', 'namespaces'].includes(e.group))) assert.ok(g.i > crdsDone, `group ${g.group} started after the CRDs`);

  // The release waited for every upstream operator Deployment: Available, then its group finished.
  const groupOfObject = new Map(result.record.inventory.map((e) => [`${e.kind} ${e.namespace ?? ''}/${e.name}`, e.group]));
  for (const [ns, name] of OPERATOR_DEPLOYMENTS) {
    const label = `Deployment ${ns}/${name}`;
    const group = groupOfObject.get(`Deployment ${ns}/${name}`);
    assert.ok(group, `${label} is in the release`);
    const ready = events(progress, 'ready').find((e) => e.object === label);
    assert.ok(ready, `${label} waited for`);
    assert.ok(ready.i < groupDone(progress, group), `${label} ready before group ${group} finished`);
    assert.ok(timeline.becameTrue('Deployment', ns, name, 'Available') > 0);
  }
  // KServe after cert-manager: its Certificate needs cert-manager's webhook, its controller the issued Secret.
  assert.ok(groupStart(progress, 'kserve-certificates') > groupDone(progress, 'cert-manager'), 'kserve-certificates after cert-manager');
  assert.ok(groupStart(progress, 'kserve') > groupDone(progress, 'kserve-certificates'), 'kserve after its certificate');
  const webhookUp = timeline.becameTrue('Deployment', 'cert-manager', 'cert-manager-webhook', 'Available');
  assert.ok(webhookUp < timeline.created('Certificate', 'kserve', 'serving-cert'), "the Certificate was created once cert-manager's webhook answered");
  const issued = timeline.becameTrue('Certificate', 'kserve', 'serving-cert', 'Ready');
  assert.ok(issued < timeline.created('Deployment', 'kserve', 'kserve-controller-manager'), 'KServe controller created after its webhook certificate was issued');
  // Envoy Gateway after its certgen Job created the TLS Secrets.
  assert.ok(timeline.becameTrue('Job', 'envoy-gateway-system', 'eg-gateway-helm-certgen', 'Complete') < timeline.created('Deployment', 'envoy-gateway-system', 'envoy-gateway'), 'envoy-gateway after certgen');
  assert.ok(groupStart(progress, 'envoy-gateway') > groupDone(progress, 'envoy-gateway-certgen'));
});

// ---- 2. infrastructure ----

test('install infra: the CNPG Cluster is created only once the CNPG operator (its webhook) is Available; deployed', { timeout: TEST_TIMEOUT }, async () => {
  const progress = new RecordingProgress();
  const fromSeq = lastSeq();
  const result = await run('infra', infraRequest(), 'install', progress);
  assertLogCovers(fromSeq);
  assert.equal(result.record.status, 'deployed');
  assert.equal(result.record.exports.litellmUrl, `http://infra-litellm-proxy.${INFRA_NS}.svc.cluster.local:4000`);

  const operatorUp = timeline.becameTrue('Deployment', 'cnpg-system', 'cnpg-controller-manager', 'Available');
  const clusterCreated = timeline.created('Cluster', INFRA_NS, 'infra-postgresql');
  assert.ok(operatorUp < clusterCreated, 'Cluster created after the CNPG operator was Available');
  // The postgresql group carries the webhook gate; it started only after the gate held.
  const pg = result.record.groups.find((g) => g.name === 'postgresql');
  assert.ok(pg?.gates?.some((g) => g.kind === 'deployment-available' && g.name === 'cnpg-controller-manager'), 'the postgresql group is gated on the CNPG operator');
  // Admitted through the real upstream webhook configuration the operators release applied.
  assert.ok(sim.store.objects({ kind: 'ValidatingWebhookConfiguration' }).some((w) => w.metadata.name === 'cnpg-validating-webhook-configuration'));
  assert.equal(requestsFor('postgresql.cnpg.io', 'clusters', fromSeq).filter((r) => WRITES.has(r.method) && r.status >= 300).length, 0, 'no Cluster write refused');

  const gen = python.runs.find((r) => r.job === `${INFRA_NS}/infra-generate-secrets`);
  assert.equal(gen?.code, 0, gen?.output);
  for (const g of ['secrets', 'postgresql', 'pooler', 'valkey', 'gateway', 'knative', 'litellm-migration', 'litellm', 'routes']) groupDone(progress, g);
  // The Knative Operator installed Serving (and its CRDs) for the KnativeServing of this release.
  assert.ok(timeline.becameTrue('CustomResourceDefinition', undefined, 'services.serving.knative.dev', 'Established') > 0);
});

// ---- 3. stack ----

test('install stack: runtimes, then Ready InferenceServices, then the registrar routes LiteLLM to both models', { timeout: TEST_TIMEOUT }, async () => {
  // Cluster DNS for the registrar: the URL it gets is the infrastructure release's export.
  const infra = await ctx().store.current('infra', INFRA_NS);
  python.serviceAddresses.set(infra!.exports.litellmUrl, `http://127.0.0.1:${litellm.port}`);

  const progress = new RecordingProgress();
  const fromSeq = lastSeq();
  const result = await run('stack', stackRequest(MODELS_V1), 'install', progress);
  assertLogCovers(fromSeq);
  assert.equal(result.record.status, 'deployed');
  assert.equal(result.record.exports.infrastructureNamespace, INFRA_NS);
  // What the stack waits for: KServe's CRDs and webhook before runtimes, Knative's CRDs before a Knative model.
  const gates = new Map(result.record.groups.map((g) => [g.name, (g.gates ?? []).map((x) => `${x.kind} ${x.name}`)]));
  assert.deepEqual(gates.get('runtimes'), ['crd-established servingruntimes.serving.kserve.io', 'deployment-available kserve-controller-manager']);
  assert.deepEqual(gates.get('models'), ['crd-established services.serving.knative.dev']);

  // Runtimes before InferenceServices (KServe's webhook rejects an unknown runtime).
  const runtimes = ['vllm', 'llamacpp', 'ollama'].map((r) => firstWrite('serving.kserve.io', 'servingruntimes', `stack-${r}`, fromSeq));
  const isvcs = ['qwen', 'tiny'].map((m) => firstWrite('serving.kserve.io', 'inferenceservices', `stack-${m}`, fromSeq));
  assert.ok(Math.max(...runtimes) < Math.min(...isvcs), 'every ServingRuntime before any InferenceService');
  assert.ok(groupDone(progress, 'runtimes') < groupStart(progress, 'models'));
  assert.ok(groupDone(progress, 'models') < groupStart(progress, 'registrar'));

  // The models as KServe sees them: a GPU vLLM model behind Knative, a CPU llama.cpp model as a Deployment.
  const isvc = (name: string) => sim.store.objects({ kind: 'InferenceService', namespace: STACK_NS }).find((o) => o.metadata.name === name)!;
  const qwen = isvc('stack-qwen');
  assert.equal(qwen.metadata.annotations?.['serving.kserve.io/deploymentMode'], 'Knative');
  assert.equal((qwen.spec as any).predictor.model.resources.limits['nvidia.com/gpu'], '1');
  assert.equal((qwen.status as any).deploymentMode, 'Serverless');
  const tiny = isvc('stack-tiny');
  assert.equal(tiny.metadata.annotations?.['serving.kserve.io/deploymentMode'], 'Standard');
  assert.equal((tiny.spec as any).predictor.model.resources?.limits?.['nvidia.com/gpu'], undefined);
  assert.ok(sim.store.objects({ kind: 'Service', namespace: STACK_NS }).some((s) => s.metadata.name === 'stack-qwen-predictor' && s.apiVersion.startsWith('serving.knative.dev')), 'Knative Service for the vLLM model');
  assert.ok(sim.store.objects({ kind: 'Deployment', namespace: STACK_NS }).some((d) => d.metadata.name === 'stack-tiny-predictor'), 'raw Deployment for the llama.cpp model');

  // Both InferenceServices were Ready before the registrar Job existed.
  const job = result.record.manifest.find((o) => o.kind === 'Job')!;
  assert.equal(job.metadata.namespace, INFRA_NS, 'the registrar runs next to LiteLLM and its master key');
  const jobCreated = timeline.created('Job', INFRA_NS, job.metadata.name);
  for (const name of ['stack-qwen', 'stack-tiny']) assert.ok(timeline.becameTrue('InferenceService', STACK_NS, name, 'Ready') < jobCreated, `${name} Ready before the registrar`);
  const runOf = python.runs.find((r) => r.job === `${INFRA_NS}/${job.metadata.name}`);
  assert.equal(runOf?.code, 0, runOf?.output);
  assert.match(runOf!.output, new RegExp(`into http://127\\.0\\.0\\.1:${litellm.port}`), 'the registrar reached the fake through the exported URL');

  // LiteLLM routes exactly the two models to their predictors, marked as this release's.
  assert.deepEqual([...litellm.models.keys()].sort(), ['inferctl-models-stack-qwen', 'inferctl-models-stack-tiny']);
  const entry = (id: string) => litellm.models.get(id)!;
  assert.deepEqual(entry('inferctl-models-stack-qwen').litellm_params, { model: 'hosted_vllm/qwen', api_base: `http://stack-qwen-predictor.${STACK_NS}.svc.cluster.local/v1`, api_key: 'none' });
  assert.deepEqual(entry('inferctl-models-stack-tiny').litellm_params, { model: 'openai/tiny', api_base: `http://stack-tiny-predictor.${STACK_NS}.svc.cluster.local/v1`, api_key: 'none' });
  for (const m of litellm.models.values()) {
    assert.equal(m.model_info.inferctl_owner, `${STACK_NS}/stack`);
  }
  assert.deepEqual(litellmOf(`${STACK_NS}/stack`).map((m) => m.model_name).sort(), ['qwen', 'tiny']);
});

// ---- 4. upgrade ----

test('upgrade stack: an Ollama model added and the llama.cpp one removed; pruned, routes follow, the vLLM model untouched', { timeout: TEST_TIMEOUT }, async () => {
  const qwenBefore = sim.store.objects({ kind: 'InferenceService', namespace: STACK_NS }).find((o) => o.metadata.name === 'stack-qwen')!;
  const qwenRoute = litellm.models.get('inferctl-models-stack-qwen');
  const callsBefore = litellm.calls.length;
  const progress = new RecordingProgress();
  const fromSeq = lastSeq();
  const result = await run('stack (upgrade)', stackRequest(MODELS_V2), 'upgrade', progress);
  assertLogCovers(fromSeq);
  assert.equal(result.record.revision, 2);
  assert.equal(result.record.status, 'deployed');

  // Removed: the InferenceService is pruned (KServe's predictor goes with it), its route deleted first.
  assert.ok(result.pruned.includes(`InferenceService ${STACK_NS}/stack-tiny`), result.pruned.join(', '));
  await sim.waitFor(() => !sim.store.objects({ kind: 'InferenceService', namespace: STACK_NS }).some((o) => o.metadata.name === 'stack-tiny'), { what: 'stack-tiny gone' });
  await sim.waitFor(() => !sim.store.objects({ kind: 'Deployment', namespace: STACK_NS }).some((o) => o.metadata.name === 'stack-tiny-predictor'), { what: 'its predictor gone' });
  assert.equal(litellm.models.has('inferctl-models-stack-tiny'), false, 'route of the removed model deleted');
  const job = result.record.manifest.find((o) => o.kind === 'Job')!;
  assert.ok(timeline.becameTrue('Job', INFRA_NS, job.metadata.name, 'Complete') < timeline.deletion('InferenceService', STACK_NS, 'stack-tiny')!, 'the route went before the model');

  // Added: Ready, then registered.
  assert.ok(timeline.becameTrue('InferenceService', STACK_NS, 'stack-small', 'Ready') < timeline.created('Job', INFRA_NS, job.metadata.name));
  assert.deepEqual(litellm.models.get('inferctl-models-stack-small')?.litellm_params, { model: 'openai/qwen3:0.6b', api_base: `http://stack-small-predictor.${STACK_NS}.svc.cluster.local/v1`, api_key: 'none' });
  assert.deepEqual(litellmOf(`${STACK_NS}/stack`).map((m) => m.model_name).sort(), ['qwen', 'small']);
  assert.equal(litellm.models.size, 2);

  // Untouched: same InferenceService revision, same LiteLLM entry, no write to either.
  const qwenAfter = sim.store.objects({ kind: 'InferenceService', namespace: STACK_NS }).find((o) => o.metadata.name === 'stack-qwen')!;
  assert.equal(qwenAfter.metadata.resourceVersion, qwenBefore.metadata.resourceVersion, 'stack-qwen not written');
  const qwenApplied = progress.events.find((e) => e.type === 'applied' && e.object === `InferenceService ${STACK_NS}/stack-qwen`) as { action: string } | undefined;
  assert.equal(qwenApplied?.action, 'unchanged', 'the apply of stack-qwen changed nothing');
  assert.equal(litellm.models.get('inferctl-models-stack-qwen'), qwenRoute, 'the vLLM route was neither deleted nor re-created');
  assert.deepEqual(litellm.calls.slice(callsBefore).filter((c) => c.startsWith('POST')), ['POST /model/new', 'POST /model/delete'], 'one registration, one removal');
});

// ---- 5. a stack without its infrastructure ----

test('install stack2 without an infrastructure release fails with a clear message and changes nothing', { timeout: TEST_TIMEOUT }, async () => {
  const cases: { ns: string; values: string[]; message: RegExp }[] = [
    // The infrastructure release's name is wrong.
    { ns: STACK_NS, values: ['infrastructureReleaseName=platform', `infrastructureNamespace=${INFRA_NS}`], message: /no infrastructure release "platform" in namespace "llm": install it first \(npx inferctl install platform \.\/charts\/inference-infrastructure -n llm\) or set infrastructureReleaseName/ },
    // A new namespace (--create-namespace) and infrastructureNamespace forgotten: looked up next to the stack.
    { ns: 'team2', values: [], message: /no infrastructure release "infra" in namespace "team2": install it first .* \(and infrastructureNamespace when it lives in another namespace\)/ },
  ];
  for (const c of cases) {
    const rvBefore = sim.store.currentResourceVersion();
    const fromSeq = lastSeq();
    const req = request('stack2', c.ns, 'inference-stack', {}, c.values, MODELS_V1);
    await assert.rejects(installOrUpgrade(ctx(), req, 'install'), (err: Error) => {
      assert.equal(err.name, 'UserError');
      assert.match(err.message, c.message);
      return true;
    });
    const writes = sim.store.requests.filter((r) => r.seq > fromSeq && r.method !== 'GET');
    assert.deepEqual(writes.map((r) => `${r.method} ${r.path}`), [], `${c.ns}: inferctl wrote nothing`);
    const added = timeline.addedBetween(rvBefore, sim.store.currentResourceVersion()).filter((m) => m.kind === 'Namespace' || m.namespace === 'team2' || /stack2/.test(m.name));
    assert.deepEqual(added.map((m) => `${m.kind} ${m.namespace ?? ''}/${m.name}`), [], `${c.ns}: no object created`);
    assert.equal(await ctx().store.current('stack2', c.ns), undefined, `${c.ns}: no release record left behind`);
    assert.deepEqual(await ctx().store.history('stack2', c.ns), []);
  }
  assert.equal(sim.store.objects({ kind: 'Namespace' }).some((n) => n.metadata.name === 'team2'), false, '--create-namespace created nothing for a release that cannot render');
  assert.deepEqual((await ctx().store.list()).map((r) => `${r.namespace}/${r.name}`).sort(), ['inferctl-system/operators', 'llm/infra', 'models/stack']);
});

// ---- 6. validation ----

test('every object rendered across the three layers validates against the upstream CRDs and Kubernetes schemas', { timeout: TEST_TIMEOUT }, () => {
  // crdDirs: the shipped upstream CRDs (CNPG, Gateway API, Envoy Gateway, Knative, KServe, GIE) plus the
  // operators' install manifests (cert-manager's CRDs ship only there).
  const crdDirs = [...defaultCrdDirs(), UPSTREAM_INSTALL];
  const byLayer = new Map(renders.map((r) => [r.layer, r]));
  const sets: [string, string[]][] = [
    ['operators + infra + stack (install)', ['operators', 'infra', 'stack']],
    ['stack (upgrade)', ['stack (upgrade)']],
  ];
  // A custom resource: its group and kind are served by a CRD in the (simulated) cluster.
  const liveCrds = new Map(sim.store.objects({ kind: 'CustomResourceDefinition' }).map((c) => [`${(c.spec as any).names.kind}.${(c.spec as any).group}`, c.metadata.name]));
  const crdOf = (o: K8sObject) => liveCrds.get(`${o.kind}.${groupOf(o.apiVersion)}`);
  const customResources = new Set<string>();
  for (const [label, layers] of sets) {
    const chosen = layers.map((l) => byLayer.get(l)!);
    assert.ok(chosen.every((c) => c), `${label}: renders recorded`);
    // The stack's uninstall hook (the registrar with an empty list) is rendered too.
    const objects = chosen.flatMap((c) => [...c.rendered.result.objects, ...(c.rendered.result.uninstallHooks ?? [])].map((o) => o.object));
    const provided: ProvidedRef[] = chosen.flatMap((c) => c.rendered.result.provided ?? []);
    const report = validateRender(objects, { provided, crdDirs, exemptions: EXEMPTIONS });
    assert.ok(report.ok, `${label}:\n${report.summary()}`);
    // Known exemptions, listed: only upstream's Knative Operator Deployments (no seccompProfile).
    assert.deepEqual([...new Set(report.exempted.map((e) => `${e.object} ${e.check}`))].sort(), layers.includes('operators') ? ['Deployment knative-operator/knative-operator seccompProfile_restricted', 'Deployment knative-operator/operator-webhook seccompProfile_restricted'] : []);
    for (const o of objects) if (crdOf(o)) customResources.add(`${o.kind}.${groupOf(o.apiVersion)} ${describeObject(o)}`);
  }
  const kinds = new Set([...customResources].map((c) => c.split(' ')[0]));
  for (const k of ['Certificate.cert-manager.io', 'Issuer.cert-manager.io', 'Cluster.postgresql.cnpg.io', 'Pooler.postgresql.cnpg.io', 'Gateway.gateway.networking.k8s.io', 'HTTPRoute.gateway.networking.k8s.io', 'KnativeServing.operator.knative.dev', 'ServingRuntime.serving.kserve.io', 'InferenceService.serving.kserve.io']) {
    assert.ok(kinds.has(k), `${k} among the validated custom resources (${[...kinds].join(', ')})`);
  }

  // The CRDs of the infrastructure's and the stack's custom resources are the ones the operators
  // release put in the cluster, and each was Established before the resource was created.
  const operatorCrds = new Set(byLayer.get('operators')!.record.manifest.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name));
  for (const o of renders.filter((r) => r.layer !== 'operators').flatMap((r) => r.record.manifest)) {
    const crd = crdOf(o);
    if (!crd) continue;
    assert.ok(operatorCrds.has(crd), `${crd}: applied by the operators release`);
    assert.ok(timeline.becameTrue('CustomResourceDefinition', undefined, crd, 'Established') < timeline.created(o.kind, o.metadata.namespace, o.metadata.name), `${crd} Established before ${describeObject(o)}`);
  }
});
