import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { releaseLookup, makeContext } from '../../src/actions/context.js';
import { silentProgress } from '../../src/apply/progress.js';
import { resolveChart } from '../../src/charts/index.js';
import { groupOf, type K8sObject } from '../../src/core/object.js';
import { connectKube } from '../../src/kube/connect.js';
import { emptyValueOptions, renderRelease, type RenderedRelease } from '../../src/render/pipeline.js';
import { defaultCrdDirs, validateRender, type PodSecurityExemption, type ProvidedRef } from '../../src/validate/index.js';
import { shippedInstallDir } from '../../src/validate/paths.js';
import { which } from '../helpers/procs.js';
import { ROOT, StandaloneSim, type Journal, type Run } from '../helpers/standalone.js';

/**
 * The README's commands, as a new user runs them: `k8s-sim` started on its own (the same
 * controllers `npm run k8s-sim` runs), then the inferctl binary with KUBECONFIG pointing at it:
 *
 *   inferctl install operators ./charts/inference-operators
 *   inferctl install infra ./charts/inference-infrastructure
 *   inferctl install stack ./charts/inference-stack --set infrastructureReleaseName=infra
 *   inferctl upgrade stack ./charts/inference-stack --set infrastructureReleaseName=infra -f models.yaml
 *
 * read from README.md itself (commands and models.yaml), then one more upgrade that adds a model
 * and removes another. Nothing is pre-applied and nothing is emulated in this file: cert-manager,
 * Envoy Gateway's certgen, the Knative Operator, KServe and the Job programs (the secret generator
 * and the registrar run their Python for real) are the simulator's, and LiteLLM is its fake admin
 * API. What is asserted is inferctl's behaviour: exit codes, every object ready (inferctl status
 * and kubectl), ordering from the simulator's journal (resourceVersion order), the generated
 * password in `kubectl get secret`, and the models LiteLLM lists.
 */

const SPEED = 40;
const TEST_TIMEOUT = 420_000;
const sim = new StandaloneSim({ speed: SPEED, gpuNodes: 2 });
const phases: [string, number][] = [];
let litellmUrl = '';

/** Upstream Knative Operator 1.23 Deployments set no seccompProfile; the chart keeps upstream content. */
const EXEMPTIONS: PodSecurityExemption[] = ['knative-operator', 'operator-webhook'].map((name) => ({
  object: `Deployment knative-operator/${name}`,
  check: 'seccompProfile_restricted',
  reason: 'upstream Knative Operator manifest, not patched by inferctl',
}));

// ---- README.md ----

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
/** The three commands of "Deploying the platform", as written. */
const COMMANDS = /## Deploying the platform[\s\S]*?```bash\n([\s\S]*?)```/
  .exec(README)![1]
  .split('\n')
  .filter((l) => l.startsWith('npx inferctl '));
/** The models.yaml example and the command in its first line. */
const MODELS_BLOCK = /```yaml\n(# models\.yaml: (npx inferctl [^\n]+)\n[\s\S]*?)```/.exec(README)!;
const MODELS_YAML = MODELS_BLOCK[1];
const UPGRADE_COMMAND = MODELS_BLOCK[2];
const argv = (command: string) => command.replace(/^npx inferctl /, '').split(/\s+/);

const MODELS_V2 = `models:
  - name: qwen-05b
    runtime: vllm
    storageUri: hf://Qwen/Qwen2.5-0.5B-Instruct
    gpus: 1
  - name: qwen-7b
    runtime: vllm
    deploymentMode: Standard
    storageUri: hf://Qwen/Qwen2.5-7B-Instruct
    gpus: 1
  - name: small
    runtime: ollama
    deploymentMode: Standard
    modelTag: "qwen3:0.6b"
`;

async function inferctl(label: string, args: string[]): Promise<Run> {
  const started = Date.now();
  const r = await sim.inferctl(args);
  phases.push([label, Date.now() - started]);
  assert.equal(r.status, 0, `inferctl ${args.join(' ')}\n${r.stderr.slice(-4000)}`);
  assert.match(r.stdout, /STATUS: deployed/);
  return r;
}

/** `inferctl status` judges every object of the release with inferctl's own readiness rules. */
async function assertAllReady(release: string, namespace = 'default'): Promise<void> {
  const r = await sim.inferctl(['status', release, '-n', namespace, '-o', 'json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as { status: string; objects: { object: string; readiness: { state: string; message: string } }[] };
  assert.equal(report.status, 'deployed');
  assert.deepEqual(report.objects.filter((o) => o.readiness.state !== 'ready').map((o) => `${o.object}: ${o.readiness.message}`), [], `${release}: every object ready`);
}

async function litellm(path: string): Promise<any> {
  const key = await sim.secretValue('default', 'infra-litellm-proxy-master-key', 'master-key');
  const res = await fetch(`${litellmUrl}${path}`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200, path);
  return res.json();
}
const litellmModels = async () => ((await litellm('/v1/models')).data as { id: string }[]).map((m) => m.id).sort();

/** Pods of a Deployment (through its ReplicaSets) as the journal knew them at `rv`. */
function podsOf(j: Journal, namespace: string, deployment: string, rv: number) {
  const replicaSets = new Set(j.liveAt('ReplicaSet', rv, namespace).filter((rs) => rs.owner === `Deployment/${deployment}`).map((rs) => `ReplicaSet/${rs.name}`));
  return j.liveAt('Pod', rv, namespace).filter((p) => p.owner && replicaSets.has(p.owner) && !p.deleting);
}

before(async () => {
  assert.ok(which('python3'), 'python3 must be installed (.ci/run installs it)');
  assert.equal(COMMANDS.length, 3, `README.md shows the three commands: ${COMMANDS.join(' | ')}`);
  await sim.start();
});

after(async () => {
  console.log(`three commands on the standalone simulator (speed ${SPEED}): ${phases.map(([p, ms]) => `${p} ${(ms / 1000).toFixed(1)}s`).join(', ')}`);
  await sim.stop();
});

// ---- 1. operators ----

test('install operators: the shipped upstream manifests; CRDs Established before their resources; cert-manager before KServe; certgen before Envoy Gateway', { timeout: TEST_TIMEOUT }, async () => {
  assert.deepEqual(argv(COMMANDS[0]), ['install', 'operators', './charts/inference-operators'], 'no --manifests-dir: the package ships the manifests');
  const empty = await sim.kubectlJson(['get', 'crd']);
  assert.equal(empty.items.length, 0, 'an empty cluster');
  await inferctl('install operators', argv(COMMANDS[0]));
  await assertAllReady('operators');
  const j = sim.journal();

  // Every custom resource of the release was created after its CRD was Established.
  const crds = j.entries.filter((e) => e.kind === 'CustomResourceDefinition' && e.type === 'ADDED');
  assert.ok(crds.length >= 40, `upstream CRDs applied (${crds.length})`);
  const live = await sim.kubectlJson(['get', 'crd']);
  const crdOf = new Map<string, string>(live.items.map((c: any) => [`${c.spec.names.kind}.${c.spec.group}`, c.metadata.name]));
  const customs = j.entries.filter((e) => e.type === 'ADDED' && crdOf.has(`${e.kind}.${groupOf(e.apiVersion)}`));
  assert.ok(customs.some((c) => c.kind === 'Certificate') && customs.some((c) => c.kind === 'Issuer'), 'cert-manager resources in the release');
  for (const c of customs) {
    const crd = crdOf.get(`${c.kind}.${groupOf(c.apiVersion)}`)!;
    assert.ok(j.becameTrue(['CustomResourceDefinition', undefined, crd], 'Established') < c.rv, `${crd} Established before ${c.kind} ${c.namespace ?? ''}/${c.name}`);
  }

  // Every upstream operator Deployment is Available.
  const deployments = await sim.kubectlJson(['get', 'deploy', '-A']);
  const names = deployments.items.map((d: any) => `${d.metadata.namespace}/${d.metadata.name}`).sort();
  for (const d of ['cert-manager/cert-manager', 'cert-manager/cert-manager-cainjector', 'cert-manager/cert-manager-webhook', 'cnpg-system/cnpg-controller-manager', 'envoy-gateway-system/envoy-gateway', 'envoy-ai-gateway-system/ai-gateway-controller', 'knative-operator/knative-operator', 'knative-operator/operator-webhook', 'kserve/kserve-controller-manager']) {
    assert.ok(names.includes(d), `${d} installed`);
  }
  for (const d of deployments.items) assert.ok(d.status.conditions.some((c: any) => c.type === 'Available' && c.status === 'True'), `${d.metadata.name} Available`);

  // KServe after cert-manager: the Certificate once cert-manager's webhook answered, the controller once it was issued.
  assert.ok(j.becameTrue(['Deployment', 'cert-manager', 'cert-manager-webhook'], 'Available') < j.created(['Certificate', 'kserve', 'serving-cert']));
  assert.ok(j.becameTrue(['Certificate', 'kserve', 'serving-cert'], 'Ready') < j.created(['Deployment', 'kserve', 'kserve-controller-manager']), 'KServe created after its webhook certificate was issued');
  // Envoy Gateway after its certgen Job created the Secrets its Deployment mounts.
  assert.ok(j.created(['Secret', 'envoy-gateway-system', 'envoy-gateway']) < j.becameTrue(['Job', 'envoy-gateway-system', 'eg-gateway-helm-certgen'], 'Complete'));
  assert.ok(j.becameTrue(['Job', 'envoy-gateway-system', 'eg-gateway-helm-certgen'], 'Complete') < j.created(['Deployment', 'envoy-gateway-system', 'envoy-gateway']), 'envoy-gateway after certgen');
  // Envoy AI Gateway: after its webhook certificate and after Envoy Gateway, which runs with the extension configured.
  assert.ok(j.becameTrue(['Certificate', 'envoy-ai-gateway-system', 'self-signed-cert-for-mutating-webhook'], 'Ready') < j.created(['Deployment', 'envoy-ai-gateway-system', 'ai-gateway-controller']));
  assert.ok(j.becameTrue(['Deployment', 'envoy-gateway-system', 'envoy-gateway'], 'Available') < j.created(['Deployment', 'envoy-ai-gateway-system', 'ai-gateway-controller']));
  const egConfig = await sim.kubectlJson(['get', 'configmap', 'envoy-gateway-config', '-n', 'envoy-gateway-system']);
  assert.match(egConfig.data['envoy-gateway.yaml'], /backendResources:\n\s+- group: inference\.networking\.k8s\.io\n\s+kind: InferencePool\n\s+version: v1/);
  const eg = await sim.kubectlJson(['get', 'deploy', 'envoy-gateway', '-n', 'envoy-gateway-system']);
  assert.match(eg.spec.template.metadata.annotations['inferctl.io/envoy-gateway-config-hash'], /^[0-9a-f]{16}$/, 'the config hash that restarts Envoy Gateway when the extension changes');
});

// ---- 2. infrastructure ----

test('install infra: the secret generator ran (kubectl shows infra-valkey-auth with a password) before Valkey; CNPG Cluster after its operator', { timeout: TEST_TIMEOUT }, async () => {
  assert.deepEqual(argv(COMMANDS[1]), ['install', 'infra', './charts/inference-infrastructure']);
  const fromRv = sim.journal().last();
  const r = await inferctl('install infra', argv(COMMANDS[1]));
  await assertAllReady('infra');
  const j = sim.journal();

  const password = await sim.secretValue('default', 'infra-valkey-auth', 'default-password');
  // assert.ok, not assert.match: a failure must not print the value.
  assert.ok(/^[0-9a-f]{64}$/.test(password ?? ''), 'a generated password');
  const masterKey = await sim.secretValue('default', 'infra-litellm-proxy-master-key', 'master-key');
  assert.ok(/^sk-[0-9a-f]{64}$/.test(masterKey ?? ''), 'a generated master key');
  assert.ok(!`${r.stdout}${r.stderr}`.includes(password!) && !`${r.stdout}${r.stderr}`.includes(masterKey!), 'no secret value in inferctl output');
  const logs = await sim.kubectl(['logs', 'job/infra-generate-secrets']);
  assert.equal(logs.status, 0, logs.stderr);
  assert.match(logs.stdout, /secret infra-valkey-auth created \(key default-password\)/, 'the generator program ran');
  assert.ok(!logs.stdout.includes(password!), 'the generator never prints a value');

  assert.ok(j.created(['Secret', 'default', 'infra-valkey-auth']) < j.created(['Deployment', 'default', 'infra-valkey-primary']), 'the password before Valkey');
  assert.ok(j.becameTrue(['Deployment', 'cnpg-system', 'cnpg-controller-manager'], 'Available') < j.created(['Cluster', 'default', 'infra-postgresql']));
  assert.ok(j.becameTrue(['Job', 'default', 'infra-litellm-proxy-migration'], 'Complete', fromRv) < j.created(['Deployment', 'default', 'infra-litellm-proxy']), 'migrations before the proxy');

  const notice = sim.notices.find((n) => n.includes('default/infra-litellm-proxy'));
  assert.ok(notice, `the simulator says where LiteLLM's admin API listens: ${sim.notices.join(' | ')}`);
  litellmUrl = /(http:\/\/127\.0\.0\.1:\d+)/.exec(notice)![1];
  assert.equal((await litellm('/health/readiness')).db, 'connected');
});

// ---- 3. stack ----

test('install stack (no models yet): runtimes and the registrar; LiteLLM routes nothing of it', { timeout: TEST_TIMEOUT }, async () => {
  assert.deepEqual(argv(COMMANDS[2]), ['install', 'stack', './charts/inference-stack', '--set', 'infrastructureReleaseName=infra']);
  await inferctl('install stack', argv(COMMANDS[2]));
  await assertAllReady('stack');
  const runtimes = await sim.kubectlJson(['get', 'servingruntimes']);
  assert.deepEqual(runtimes.items.map((r: any) => r.metadata.name).sort(), ['stack-llamacpp', 'stack-ollama', 'stack-sglang', 'stack-vllm']);
  assert.deepEqual(await litellmModels(), []);
});

test("upgrade with the README's models.yaml: KServe restarted for Knative before the Knative model; Ready models, then LiteLLM routes both", { timeout: TEST_TIMEOUT }, async () => {
  const file = join(sim.dir, 'models.yaml');
  writeFileSync(file, MODELS_YAML);
  const fromRv = sim.journal().last();
  await inferctl('upgrade stack (models.yaml)', argv(UPGRADE_COMMAND).map((a) => (a === 'models.yaml' ? file : a)));
  await assertAllReady('stack');
  const j = sim.journal();

  // No manual `kubectl rollout restart`: inferctl restarted KServe, and every KServe pod left when
  // the Knative-mode model was created had started after Knative Serving's CRDs were Established.
  const knativeUp = j.becameTrue(['CustomResourceDefinition', undefined, 'services.serving.knative.dev'], 'Established');
  const restart = j.first((e) => e.kind === 'Deployment' && e.name === 'kserve-controller-manager' && !!e.templateAnnotations?.['restart.inferctl.io/services.serving.knative.dev'], fromRv);
  assert.ok(restart, 'inferctl restarted the KServe controller');
  const qwenCreated = j.created(['InferenceService', 'default', 'stack-qwen-05b']);
  assert.ok(restart.rv < qwenCreated);
  const kservePods = podsOf(j, 'kserve', 'kserve-controller-manager', qwenCreated);
  assert.ok(kservePods.length > 0);
  for (const p of kservePods) assert.ok(j.created(['Pod', 'kserve', p.name]) > knativeUp, `KServe pod ${p.name} started after Knative Serving's CRDs`);

  // The models as KServe made them: vLLM behind Knative, llama.cpp as a Deployment; both Ready.
  const isvcs = await sim.kubectlJson(['get', 'inferenceservices']);
  const byName = new Map<string, any>(isvcs.items.map((i: any) => [i.metadata.name, i]));
  for (const [name, mode] of [['stack-qwen-05b', 'Knative'], ['stack-tinyllama', 'Standard']]) {
    const i = byName.get(name);
    assert.ok(i, name);
    assert.equal(i.status.deploymentMode, mode, name);
    assert.ok(i.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'), `${name} Ready`);
  }
  assert.equal(byName.get('stack-qwen-05b').spec.predictor.model.resources.limits['nvidia.com/gpu'], '1');
  const ksvc = await sim.kubectlJson(['get', 'ksvc', 'stack-qwen-05b-predictor']);
  assert.ok(ksvc.status.conditions.some((c: any) => c.type === 'Ready' && c.status === 'True'), 'the Knative Service serves');

  // Ready models, then the registrar; it ran for real and reached LiteLLM through cluster DNS.
  const jobs = j.entries.filter((e) => e.kind === 'Job' && e.type === 'ADDED' && e.rv > fromRv && e.name.startsWith('stack-model-registrar-'));
  assert.equal(jobs.length, 1);
  for (const name of ['stack-qwen-05b', 'stack-qwen-7b', 'stack-tinyllama']) assert.ok(j.becameTrue(['InferenceService', 'default', name], 'Ready') < jobs[0].rv, `${name} Ready before the registrar`);
  const logs = await sim.kubectl(['logs', `job/${jobs[0].name}`]);
  assert.match(logs.stdout, /registered qwen-05b -> http:\/\/stack-qwen-05b-predictor\.default\.svc\.cluster\.local\/v1/);
  assert.match(logs.stdout, /registered tinyllama -> /);
  assert.deepEqual(await litellmModels(), ['qwen-05b', 'qwen-7b', 'tinyllama']);
  const info = (await litellm('/model/info')).data as { model_name: string; litellm_params: Record<string, string>; model_info: Record<string, string> }[];
  assert.deepEqual(info.map((m) => m.model_info.inferctl_owner), ['default/stack', 'default/stack', 'default/stack']);

  // The Standard-mode vLLM model: an InferencePool, its picker and an HTTPRoute to the pool on the
  // internal model gateway, Accepted and ResolvedRefs; LiteLLM routes to that HTTPRoute.
  const pool = await sim.kubectlJson(['get', 'inferencepool', 'stack-qwen-7b-pool']);
  assert.deepEqual(pool.status.parents.map((p: any) => `${p.parentRef.kind} ${p.parentRef.namespace}/${p.parentRef.name}`), ['Gateway default/infra-model-gateway']);
  for (const type of ['Accepted', 'ResolvedRefs']) assert.equal(pool.status.parents[0].conditions.find((c: any) => c.type === type)?.status, 'True', `pool ${type}`);
  const picker = await sim.kubectlJson(['get', 'deploy', 'stack-qwen-7b-epp']);
  assert.ok(picker.status.conditions.some((c: any) => c.type === 'Available' && c.status === 'True'), 'the endpoint picker runs');
  const route = await sim.kubectlJson(['get', 'httproute', 'stack-qwen-7b-route']);
  assert.equal(route.spec.rules[0].backendRefs[0].kind, 'InferencePool');
  for (const type of ['Accepted', 'ResolvedRefs']) assert.equal(route.status.parents[0].conditions.find((c: any) => c.type === type)?.status, 'True', `route ${type}`);
  const gatewayUrl = 'http://envoy-default-infra-model-gateway.envoy-gateway-system.svc.cluster.local';
  const svc = await sim.kubectlJson(['get', 'service', 'envoy-default-infra-model-gateway', '-n', 'envoy-gateway-system']);
  assert.equal(svc.spec.type, 'ClusterIP', 'the model gateway is not exposed');
  assert.match(logs.stdout, /registered qwen-7b -> http:\/\/envoy-default-infra-model-gateway\.envoy-gateway-system\.svc\.cluster\.local\/default\/stack-qwen-7b\/v1/);
  assert.equal(info.find((m) => m.model_name === 'qwen-7b')?.litellm_params.api_base, `${gatewayUrl}/default/stack-qwen-7b/v1`);
  assert.equal(info.find((m) => m.model_name === 'qwen-05b')?.litellm_params.api_base, 'http://stack-qwen-05b-predictor.default.svc.cluster.local/v1', 'Knative mode keeps the predictor Service');
  assert.equal((await sim.kubectl(['get', 'inferencepool', 'stack-qwen-05b-pool'])).status, 1, 'no pool for the Knative-mode model');
  assert.ok(j.created(['HTTPRoute', 'default', 'stack-qwen-7b-route']) < jobs[0].rv, 'the route before the registrar');
});

test('upgrade: a model added and one removed; the route goes before the model, the vLLM model is untouched', { timeout: TEST_TIMEOUT }, async () => {
  const file = join(sim.dir, 'models-v2.yaml');
  writeFileSync(file, MODELS_V2);
  const qwenBefore = await sim.kubectlJson(['get', 'inferenceservice', 'stack-qwen-05b']);
  const fromRv = sim.journal().last();
  const r = await inferctl('upgrade stack (add/remove)', ['upgrade', 'stack', './charts/inference-stack', '--set', 'infrastructureReleaseName=infra', '-f', file]);
  assert.match(r.stdout, /PRUNED: .*InferenceService default\/stack-tinyllama/);
  await assertAllReady('stack');
  const j = sim.journal();

  const job = j.entries.find((e) => e.kind === 'Job' && e.type === 'ADDED' && e.rv > fromRv && e.name.startsWith('stack-model-registrar-'))!;
  assert.ok(job, 'a new registrar run');
  const removed = j.deletion(['InferenceService', 'default', 'stack-tinyllama'], fromRv);
  assert.ok(removed, 'stack-tinyllama pruned');
  assert.ok(j.becameTrue(['Job', 'default', job.name], 'Complete') < removed, 'its route removed before the model');
  assert.ok(j.becameTrue(['InferenceService', 'default', 'stack-small'], 'Ready') < job.rv, 'the new model Ready before it was routed');
  assert.deepEqual(await litellmModels(), ['qwen-05b', 'qwen-7b', 'small']);
  const qwenAfter = await sim.kubectlJson(['get', 'inferenceservice', 'stack-qwen-05b']);
  assert.equal(qwenAfter.metadata.resourceVersion, qwenBefore.metadata.resourceVersion, 'stack-qwen-05b not written');
  const gone = await sim.kubectl(['get', 'inferenceservice', 'stack-tinyllama']);
  assert.match(gone.stderr, /NotFound/);
});

test('a stack without its infrastructure release fails with a clear message and creates nothing', { timeout: TEST_TIMEOUT }, async () => {
  const fromRv = sim.journal().last();
  const r = await sim.inferctl(['install', 'stack2', './charts/inference-stack', '-n', 'team2', '--create-namespace', '-f', join(sim.dir, 'models.yaml')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no infrastructure release "infra" in namespace "team2": install it first .* \(and infrastructureNamespace when it lives in another namespace\)/);
  const written = sim.journal().entries.filter((e) => e.rv > fromRv && (e.namespace === 'team2' || e.name === 'team2' || e.name.includes('stack2')));
  assert.deepEqual(written.map((e) => `${e.kind} ${e.name}`), []);
});

// ---- validation ----

test('every object inferctl applied across the three layers is what it renders and validates against the upstream CRDs and Kubernetes schemas', { timeout: TEST_TIMEOUT }, async () => {
  const ctx = makeContext(await connectKube({ kubeconfig: sim.kubeconfig }), silentProgress);
  const lookup = await releaseLookup(ctx, 'default');
  const render = (release: string, chart: string, values: string[] = [], file?: string): RenderedRelease =>
    renderRelease({ chart: resolveChart(chart), release, namespace: 'default', valueOptions: { ...emptyValueOptions(), values, valueFiles: file ? ['models.yaml'] : [] }, readFile: () => file ?? '', releases: lookup });
  const renders = [
    render('operators', 'inference-operators'),
    render('infra', 'inference-infrastructure'),
    render('stack', 'inference-stack', ['infrastructureReleaseName=infra'], MODELS_V2),
  ];
  for (const [i, name] of ['operators', 'infra', 'stack'].entries()) {
    const record = await ctx.store.current(name, 'default');
    assert.deepEqual(record!.manifest, renders[i].objects.map((o) => o.object), `${name}: the applied manifest is the render`);
  }
  const objects: K8sObject[] = renders.flatMap((r) => [...r.result.objects, ...(r.result.uninstallHooks ?? [])].map((o) => o.object));
  const provided: ProvidedRef[] = renders.flatMap((r) => r.result.provided ?? []);
  const report = validateRender(objects, { provided, crdDirs: [...defaultCrdDirs(), shippedInstallDir()], exemptions: EXEMPTIONS });
  assert.ok(report.ok, report.summary());
  assert.deepEqual([...new Set(report.exempted.map((e) => `${e.object} ${e.check}`))].sort(), ['Deployment knative-operator/knative-operator seccompProfile_restricted', 'Deployment knative-operator/operator-webhook seccompProfile_restricted']);
  const kinds = new Set(objects.map((o) => `${o.kind}.${groupOf(o.apiVersion)}`));
  for (const k of ['Certificate.cert-manager.io', 'Issuer.cert-manager.io', 'Cluster.postgresql.cnpg.io', 'Pooler.postgresql.cnpg.io', 'Gateway.gateway.networking.k8s.io', 'HTTPRoute.gateway.networking.k8s.io', 'EnvoyProxy.gateway.envoyproxy.io', 'KnativeServing.operator.knative.dev', 'ServingRuntime.serving.kserve.io', 'InferenceService.serving.kserve.io', 'InferencePool.inference.networking.k8s.io']) {
    assert.ok(kinds.has(k), `${k} among the validated objects`);
  }
  // Envoy AI Gateway's own objects are among them (its CRDs, controller, webhook and certificate).
  const names = new Set(objects.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const n of ['CustomResourceDefinition/aigatewayroutes.aigateway.envoyproxy.io', 'Deployment/ai-gateway-controller', 'MutatingWebhookConfiguration/envoy-ai-gateway-gateway-pod-mutator.envoy-ai-gateway-system', 'Certificate/self-signed-cert-for-mutating-webhook']) assert.ok(names.has(n), n);
});
