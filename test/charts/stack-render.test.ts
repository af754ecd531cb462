import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveChart } from '../../src/charts/index.js';
import type { K8sObject } from '../../src/core/object.js';
import { emptyValueOptions, renderRelease } from '../../src/render/pipeline.js';
import { operatorsContract } from '../../src/charts/contracts/operators.js';
import { lookupOf } from '../../src/render/lookup.js';
import type { ReleaseLookup } from '../../src/render/types.js';
import { toYamlStream } from '../../src/render/yaml-output.js';
import { validateRender } from '../../src/validate/index.js';
import { container, envOf, get, render as renderInfra } from '../helpers/render.js';

// `inferctl template|install stack ./charts/inference-stack`: what the stack renders and why.

function renderStack(opts: { release?: string; namespace?: string; values?: string; set?: string[]; releases?: ReleaseLookup } = {}) {
  const files: Record<string, string> = opts.values ? { 'values.yaml': opts.values } : {};
  const rendered = renderRelease({
    chart: resolveChart('./charts/inference-stack'),
    release: opts.release ?? 'stack',
    namespace: opts.namespace ?? 'llm',
    valueOptions: { ...emptyValueOptions(), valueFiles: Object.keys(files), values: opts.set ?? [] },
    readFile: (p) => files[p],
    releases: opts.releases,
  });
  const objects = rendered.objects.map((r) => r.object);
  const find = (kind: string, name: string): K8sObject => {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name}; have ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
    return found;
  };
  const all = (kind: string) => objects.filter((o) => o.kind === kind);
  const has = (kind: string, name: string) => objects.some((o) => o.kind === kind && o.metadata.name === name);
  return Object.assign(rendered, { manifest: objects, find, all, has });
}

/** A lookup that knows one infrastructure release, with the exports the real infrastructure chart publishes. */
function infraLookup(release = 'infra', namespace = 'platform', set: string[] = []): ReleaseLookup {
  const exports = renderInfra({ release, namespace, options: { values: set } }).result.exports;
  return lookupOf([{ release, namespace, chart: 'inference-infrastructure', status: 'deployed', exports }]);
}

const TWO_MODELS = `
models:
  - name: qwen
    runtime: vllm
    storageUri: hf://Qwen/Qwen2.5-7B-Instruct
    gpus: 2
  - name: tiny
    runtime: llamacpp
    storageUri: s3://models/gguf/qwen2.5-0.5b-instruct-q4_k_m.gguf
    deploymentMode: Standard
`;

const desiredOf = (job: K8sObject) => JSON.parse(envOf(container(job)).DESIRED_MODELS);
const jobs = (r: ReturnType<typeof renderStack>) => r.all('Job');

test('defaults render cleanly: one namespaced runtime per registered runtime and a registrar with an empty list, no EPP', () => {
  const r = renderStack();
  assert.deepEqual(r.all('ServingRuntime').map((o) => o.metadata.name).sort(), ['stack-llamacpp', 'stack-ollama', 'stack-sglang', 'stack-vllm']);
  assert.equal(r.all('ClusterServingRuntime').length, 0, 'cluster-scoped runtimes would collide between releases');
  assert.equal(r.all('InferenceService').length, 0);
  assert.equal(r.all('InferencePool').length + r.all('Deployment').length, 0, 'no pool, no endpoint picker');
  assert.equal(jobs(r).length, 1);
  assert.deepEqual(desiredOf(jobs(r)[0]), [], 'an empty list still runs: it removes routes of models that were removed');
  assert.deepEqual(r.groups.map((g) => g.name), ['runtimes', 'registrar']);
  assert.deepEqual(r.groups.find((g) => g.name === 'registrar')?.dependsOn, ['runtimes']);
  for (const rt of r.all('ServingRuntime')) {
    assert.equal(get(rt, 'spec.supportedModelFormats.0.autoSelect'), false, 'never captures InferenceServices of other tools');
  }
});

test('vLLM runtime: official image, KServe runtime command, probes on /health with a >= 30 minute startup budget', () => {
  const r = renderStack();
  const rt = r.find('ServingRuntime', 'stack-vllm');
  const c = get(rt, 'spec.containers.0');
  assert.equal(c.name, 'kserve-container');
  assert.match(c.image, /^docker\.io\/vllm\/vllm-openai:v\d+\.\d+\.\d+$/);
  assert.deepEqual(c.command, ['python3', '-m', 'vllm.entrypoints.openai.api_server']);
  assert.ok(c.args.includes('--port=8080') && c.args.includes('--model=/mnt/models'));
  const budget = (p: any) => (p.initialDelaySeconds ?? 0) + p.periodSeconds * p.failureThreshold;
  assert.ok(budget(c.startupProbe) >= 1800, `startup budget ${budget(c.startupProbe)} s`);
  for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) assert.equal(p.httpGet.path, '/health', 'vLLM serves /health (huggingfaceserver did not)');
  assert.equal(get(rt, 'metadata.annotations')['serving.kserve.io/server-type'], 'vllmserver', 'lets KServe pick the -cpu image for GPU-less models');
  assert.equal(c.securityContext.runAsNonRoot, true);
});

test('two models: GPU vLLM on Knative and CPU llama.cpp on Standard give the right InferenceServices', () => {
  const r = renderStack({ values: TWO_MODELS, releases: infraLookup('infra', 'llm') });
  const qwen = r.find('InferenceService', 'stack-qwen');
  const tiny = r.find('InferenceService', 'stack-tiny');
  assert.equal(qwen.apiVersion, 'serving.kserve.io/v1beta1');

  const qa = qwen.metadata.annotations!;
  assert.equal(qa['serving.kserve.io/deploymentMode'], 'Knative');
  assert.equal(qa['autoscaling.knative.dev/min-scale'], '0', 'scale to zero by default');
  assert.equal(qa['autoscaling.knative.dev/metric'], 'concurrency');
  assert.equal(qa['autoscaling.knative.dev/target'], '16');
  assert.equal(get(qwen, 'spec.predictor.minReplicas'), 0);
  const qm = get(qwen, 'spec.predictor.model');
  assert.equal(qm.runtime, 'stack-vllm');
  assert.deepEqual(qm.modelFormat, { name: 'vLLM' });
  assert.equal(qm.storageUri, 'hf://Qwen/Qwen2.5-7B-Instruct');
  assert.deepEqual(qm.args, ['--served-model-name=qwen', '--tensor-parallel-size=2']);
  assert.equal(qm.resources.limits['nvidia.com/gpu'], '2');
  assert.equal(qm.resources.requests['nvidia.com/gpu'], '2');
  assert.equal(qm.resources.requests.memory, '16Gi', 'runtime resources merged in');
  assert.deepEqual(get(qwen, 'spec.predictor.tolerations'), [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  assert.equal(get(qwen, 'metadata.labels')['networking.kserve.io/visibility'], 'cluster-local');

  const ta = tiny.metadata.annotations!;
  assert.equal(ta['serving.kserve.io/deploymentMode'], 'Standard');
  assert.equal(ta['serving.kserve.io/autoscalerClass'], 'none', 'fixed size: CPU HPA says nothing about model load');
  assert.equal(ta['autoscaling.knative.dev/min-scale'], undefined);
  assert.equal(get(tiny, 'spec.predictor.minReplicas'), 1);
  const tm = get(tiny, 'spec.predictor.model');
  assert.equal(tm.runtime, 'stack-llamacpp');
  assert.deepEqual(tm.modelFormat, { name: 'gguf' });
  assert.equal(tm.image, undefined, 'CPU model keeps the CPU build');
  assert.deepEqual(envOf(tm), { LLAMA_ARG_MODEL: '/mnt/models/qwen2.5-0.5b-instruct-q4_k_m.gguf', LLAMA_ARG_ALIAS: 'tiny' });
  assert.equal(tm.resources.limits['nvidia.com/gpu'], undefined);
  assert.equal(get(tiny, 'spec.predictor.tolerations'), undefined);

  assert.deepEqual(r.groups.map((g) => g.name), ['runtimes', 'models', 'registrar']);
  assert.deepEqual(r.groups.find((g) => g.name === 'models')?.dependsOn, ['runtimes']);
  assert.deepEqual(r.groups.find((g) => g.name === 'registrar')?.dependsOn, ['models'], 'routes only once the models serve');
  const order = r.manifest.map((o) => o.kind);
  assert.ok(order.lastIndexOf('ServingRuntime') < order.indexOf('InferenceService') && order.lastIndexOf('InferenceService') < order.indexOf('Job'));
});

test('registrar: desired list with stable ids, owner marker and the in-cluster api_base of each model', () => {
  const r = renderStack({ values: TWO_MODELS, releases: infraLookup('infra', 'llm') });
  const [job] = jobs(r);
  assert.equal(job.metadata.namespace, 'llm');
  assert.deepEqual(desiredOf(job), [
    {
      model_name: 'qwen',
      litellm_params: { model: 'hosted_vllm/qwen', api_base: 'http://stack-qwen-predictor.llm.svc.cluster.local/v1', api_key: 'none' },
      model_info: { id: 'inferctl-llm-stack-qwen', inferctl_owner: 'llm/stack', inferctl_model: 'qwen', inferctl_runtime: 'vllm' },
    },
    {
      model_name: 'tiny',
      litellm_params: { model: 'openai/tiny', api_base: 'http://stack-tiny-predictor.llm.svc.cluster.local/v1', api_key: 'none' },
      model_info: { id: 'inferctl-llm-stack-tiny', inferctl_owner: 'llm/stack', inferctl_model: 'tiny', inferctl_runtime: 'llamacpp' },
    },
  ]);
  const env = envOf(container(job));
  assert.equal(env.LITELLM_URL, 'http://infra-litellm-proxy.llm.svc.cluster.local:4000');
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'infra-litellm-proxy-master-key', key: 'master-key' } });
  assert.equal(env.REGISTRAR_OWNER, 'llm/stack');
  assert.equal(get(job, 'spec.template.spec.automountServiceAccountToken'), false);
  assert.ok(r.manifest.some((o) => o.kind === 'ConfigMap' && o.metadata.name === get(job, 'spec.template.spec.volumes.0.configMap.name')));
  assert.equal(r.result.objects.find((o) => o.object.kind === 'Job')?.replaceOnChange, true);
  assert.ok(r.result.provided.some((p) => p.kind === 'Secret' && p.name === 'infra-litellm-proxy-master-key' && p.namespace === 'llm' && p.keys?.[0] === 'master-key'));
});

test('registrar: a changed model list is a new Job (name and pod template hash); the same list is the same Job', () => {
  const a = jobs(renderStack({ values: TWO_MODELS }))[0];
  const b = jobs(renderStack({ values: TWO_MODELS }))[0];
  const c = jobs(renderStack({ values: TWO_MODELS, set: ['models[1].servedModelName=tiny-chat'] }))[0];
  assert.equal(a.metadata.name, b.metadata.name);
  assert.notEqual(a.metadata.name, c.metadata.name, 'GitOps tools cannot patch a Job template: a new name runs it');
  const moved = jobs(renderStack({ values: TWO_MODELS, set: ['infrastructure.litellmUrl=http://litellm.other.svc:4000'] }))[0];
  assert.notEqual(a.metadata.name, moved.metadata.name, 'a new LiteLLM address runs the registrar again');
  assert.notEqual(get(a, 'spec.template.metadata.annotations')['inferctl.io/models-hash'], get(c, 'spec.template.metadata.annotations')['inferctl.io/models-hash']);
  assert.ok(a.metadata.name.length <= 63);
});

test('uninstall hook: the registrar with an empty list, under names that differ from the release objects', () => {
  const r = renderStack({ values: TWO_MODELS, releases: infraLookup('infra', 'llm') });
  const hooks = r.result.uninstallHooks ?? [];
  const hookJob = hooks.find((h) => h.object.kind === 'Job')!.object;
  assert.deepEqual(desiredOf(hookJob), []);
  const env = envOf(container(hookJob));
  assert.equal(env.REGISTRAR_OWNER, 'llm/stack');
  assert.equal(env.REGISTRAR_BEST_EFFORT, '1', 'an infrastructure that is already gone must not block the uninstall');
  assert.equal(env.LITELLM_MASTER_KEY.secretKeyRef.optional, true);
  assert.ok(Number(env.REGISTRAR_TIMEOUT_SECONDS) <= 180);
  const releaseNames = new Set(r.manifest.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const h of hooks) assert.ok(!releaseNames.has(`${h.object.kind}/${h.object.metadata.name}`), `${h.object.kind}/${h.object.metadata.name} is also a release object`);
  assert.ok(hooks.some((h) => h.object.kind === 'ConfigMap' && h.object.metadata.name === get(hookJob, 'spec.template.spec.volumes.0.configMap.name')), 'the hook brings its own script');
});

test('template without a cluster: the infrastructure naming convention, in infrastructureNamespace', () => {
  const r = renderStack({ values: TWO_MODELS, namespace: 'models', set: ['infrastructureReleaseName=platform', 'infrastructureNamespace=shared'] });
  const [job] = jobs(r);
  assert.equal(job.metadata.namespace, 'shared', 'the Job reads the master key Secret in its own namespace');
  const env = envOf(container(job));
  assert.equal(env.LITELLM_URL, 'http://platform-litellm-proxy.shared.svc.cluster.local:4000');
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'platform-litellm-proxy-master-key', key: 'master-key' } });
  assert.equal(desiredOf(job)[0].litellm_params.api_base, 'http://stack-qwen-predictor.models.svc.cluster.local/v1');
});

test('install: names come from the infrastructure record, which follows overrides made there', () => {
  const lookup = infraLookup('infra', 'platform', ['litellm-proxy.masterKey.existingSecret=admin-key', 'litellm-proxy.masterKey.existingSecretKey=token', 'litellm-proxy.service.port=4444']);
  const r = renderStack({ namespace: 'llm', set: ['infrastructureNamespace=platform'], releases: lookup });
  const env = envOf(container(jobs(r)[0]));
  assert.equal(env.LITELLM_URL, 'http://infra-litellm-proxy.platform.svc.cluster.local:4444');
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'admin-key', key: 'token' } });
});

test('explicit infrastructure.* values win (GitOps with an external LiteLLM)', () => {
  const r = renderStack({ set: ['infrastructure.litellmUrl=http://litellm.gw.svc:4000', 'infrastructure.masterKeySecret=lk', 'infrastructure.masterKeySecretKey=k'] });
  const env = envOf(container(jobs(r)[0]));
  assert.equal(env.LITELLM_URL, 'http://litellm.gw.svc:4000');
  assert.deepEqual(env.LITELLM_MASTER_KEY, { secretKeyRef: { name: 'lk', key: 'k' } });
});

test('inferencePool: on by default for a Standard-mode vLLM model, a fail-open pool on the predictor pods and a picker with valid flags; off renders nothing', () => {
  const base = `
models:
  - name: chat
    runtime: vllm
    storageUri: pvc://weights/qwen
    deploymentMode: Standard
`;
  const off = renderStack({ values: `${base}    inferencePool: {enabled: false}\n` });
  for (const kind of ['InferencePool', 'HTTPRoute', 'Deployment', 'Service', 'Role', 'RoleBinding', 'ServiceAccount']) assert.equal(off.all(kind).length, 0, kind);
  assert.ok(!off.groups.some((g) => g.name === 'pools'));
  assert.equal(desiredOf(jobs(off)[0])[0].litellm_params.api_base, 'http://stack-chat-predictor.llm.svc.cluster.local/v1', 'off: LiteLLM calls the predictor Service');

  const on = renderStack({ values: base });
  const pool = on.find('InferencePool', 'stack-chat-pool');
  assert.equal(pool.apiVersion, 'inference.networking.k8s.io/v1');
  assert.deepEqual(get(pool, 'spec.selector'), { matchLabels: { 'serving.kserve.io/inferenceservice': 'stack-chat', component: 'predictor' } });
  assert.deepEqual(get(pool, 'spec.targetPorts'), [{ number: 8080 }]);
  assert.deepEqual(get(pool, 'spec.endpointPickerRef'), { name: 'stack-chat-epp', port: { number: 9002 }, failureMode: 'FailOpen' });
  const epp = on.find('Deployment', 'stack-chat-epp');
  const args: string[] = container(epp).args;
  assert.ok(args.includes('--pool-name=stack-chat-pool') && args.includes('--pool-namespace=llm'));
  assert.ok(args.includes('--config-file=/config/epp-config.yaml'), 'EPP crashed without a config file (v1.3)');
  assert.ok(!args.some((a) => a.startsWith('--leader-election')), '--leader-election is not an EPP flag');
  const cm = on.find('ConfigMap', 'stack-chat-epp');
  assert.match(cm.data ? (cm.data as any)['epp-config.yaml'] : '', /kind: EndpointPickerConfig/);
  const rules = get(on.find('Role', 'stack-chat-epp'), 'rules') as any[];
  for (const res of ['inferencemodelrewrites', 'inferenceobjectives', 'inferencepools', 'pods']) assert.ok(rules.some((r) => r.resources.includes(res)), res);
  const pools = on.groups.find((g) => g.name === 'pools')!;
  assert.deepEqual(pools.dependsOn, ['models']);
  assert.deepEqual(pools.gates!.map((g) => `${g.kind} ${g.namespace ?? ''}/${g.name}`), ['crd-established /inferencepools.inference.networking.k8s.io', 'deployment-available envoy-ai-gateway-system/ai-gateway-controller']);
  assert.deepEqual(on.groups.find((g) => g.name === 'registrar')?.dependsOn.sort(), ['models', 'pools'], 'LiteLLM is pointed at the route only once it is ready');

  const ha = renderStack({ values: base, set: ['endpointPicker.replicas=2'] });
  assert.ok(container(ha.find('Deployment', 'stack-chat-epp')).args.includes('--ha-enable-leader-election'));
  assert.ok((get(ha.find('Role', 'stack-chat-epp'), 'rules') as any[]).some((r) => r.resources.includes('leases')));
});

test('inferencePool routing: an HTTPRoute on the infrastructure\'s model gateway strips its prefix and sends to the pool; LiteLLM\'s api_base is that route', () => {
  const values = `
models:
  - {name: chat, runtime: vllm, storageUri: "pvc://weights/qwen", deploymentMode: Standard}
  - {name: knat, runtime: vllm, storageUri: "pvc://weights/qwen"}
  - {name: tiny, runtime: llamacpp, storageUri: "s3://m/t.gguf", deploymentMode: Standard}
`;
  const r = renderStack({ values, releases: infraLookup('infra', 'platform'), set: ['infrastructureNamespace=platform'] });
  const route = r.find('HTTPRoute', 'stack-chat-route');
  assert.equal(route.metadata.namespace, 'llm', "in the pool's namespace: Envoy AI Gateway reports pool parents only for those routes");
  assert.deepEqual(get(route, 'spec.parentRefs'), [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'infra-model-gateway', namespace: 'platform', sectionName: 'http' }]);
  assert.deepEqual(get(route, 'spec.rules'), [
    {
      matches: [{ path: { type: 'PathPrefix', value: '/llm/stack-chat' } }],
      filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }],
      backendRefs: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'stack-chat-pool' }],
      timeouts: { request: '600s' },
    },
  ]);
  const bases = Object.fromEntries(desiredOf(jobs(r)[0]).map((d: any) => [d.model_name, d.litellm_params.api_base]));
  assert.deepEqual(bases, {
    chat: 'http://envoy-platform-infra-model-gateway.envoy-gateway-system.svc.cluster.local/llm/stack-chat/v1',
    knat: 'http://stack-knat-predictor.llm.svc.cluster.local/v1',
    tiny: 'http://stack-tiny-predictor.llm.svc.cluster.local/v1',
  });
  // Knative-mode and llama.cpp models have no pool by default (no error: the default only applies where it can work).
  assert.deepEqual(r.all('InferencePool').map((p) => p.metadata.name), ['stack-chat-pool']);
  assert.deepEqual(r.result.provided.filter((p) => p.kind === 'Gateway').map((p) => `${p.namespace}/${p.name}`), ['platform/infra-model-gateway']);
  const report = validateRender(r.manifest, { provided: r.result.provided });
  assert.ok(report.ok, report.summary());
});

test('inferencePool needs a model gateway and Envoy AI Gateway: refused with the key path and both fixes', () => {
  const values = 'models:\n  - {name: chat, runtime: vllm, storageUri: "pvc://weights/qwen", deploymentMode: Standard}\n';
  assert.throws(
    () => renderStack({ values, releases: infraLookup('infra', 'llm', ['networking-layer.envoyGateway.modelGateway.enabled=false']) }),
    (err: Error) =>
      err.name === 'UserError' &&
      /key models\[0\]\.inferencePool\.enabled \(from values file values\.yaml\): model "chat" is served through an InferencePool, but infrastructure release "infra" in namespace "llm" has no model gateway \(networking-layer\.envoyGateway\.modelGateway\.enabled=false there/.test(err.message) &&
      /set models\[0\]\.inferencePool\.enabled=false/.test(err.message),
  );
  const infra = renderInfra({ release: 'infra', namespace: 'llm' }).result.exports;
  const operators = operatorsContract.write({ envoyGatewayVersion: 'v1.9.0', envoyGatewayNamespace: 'envoy-gateway-system', kserveControllerDeployment: 'kserve/kserve-controller-manager' });
  const lookup = lookupOf([
    { release: 'infra', namespace: 'llm', chart: 'inference-infrastructure', status: 'deployed', exports: infra },
    { release: 'operators', namespace: 'inferctl-system', chart: 'inference-operators', status: 'deployed', exports: operators },
  ]);
  assert.throws(
    () => renderStack({ values, releases: lookup }),
    (err: Error) => /operators release "operators" in namespace "inferctl-system" runs without Envoy AI Gateway \(envoyAIGateway\.enabled=false there\), and plain Envoy Gateway cannot route to an InferencePool\. Enable it \(npx inferctl upgrade operators \.\/charts\/inference-operators -n inferctl-system --reuse-values --set envoyAIGateway\.enabled=true\)/.test(err.message),
  );
  // With Envoy AI Gateway in the operators release, the picker's gate names where it runs.
  const withAi = lookupOf([
    { release: 'infra', namespace: 'llm', chart: 'inference-infrastructure', status: 'deployed', exports: infra },
    { release: 'operators', namespace: 'inferctl-system', chart: 'inference-operators', status: 'deployed', exports: operatorsContract.write({ envoyAiGatewayVersion: 'v1.1.0', envoyAiGatewayDeployment: 'aigw/controller' }) },
  ]);
  const gate = renderStack({ values, releases: withAi }).groups.find((g) => g.name === 'pools')!.gates!.find((g) => g.kind === 'deployment-available')!;
  assert.deepEqual([gate.namespace, gate.name], ['aigw', 'controller']);
  // Off explicitly: no pool, nothing needed.
  assert.equal(renderStack({ values, releases: lookup, set: ['models[0].inferencePool.enabled=false'] }).all('InferencePool').length, 0);
});

test('several stack releases, also with equal names in other namespaces, render no colliding objects', () => {
  const renders = [
    renderStack({ release: 'team-a', namespace: 'llm', values: TWO_MODELS }),
    renderStack({ release: 'team-b', namespace: 'llm', values: TWO_MODELS }),
    renderStack({ release: 'team-a', namespace: 'research', values: TWO_MODELS, set: ['infrastructureNamespace=llm'] }),
  ];
  const seen = new Map<string, number>();
  renders.forEach((r, i) => {
    for (const o of [...r.manifest, ...(r.result.uninstallHooks ?? []).map((h) => h.object)]) {
      const key = `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
      assert.ok(!seen.has(key), `${key} rendered by release ${seen.get(key)} and ${i}`);
      seen.set(key, i);
      assert.ok(o.metadata.name.length <= 63, `${key} is longer than 63`);
    }
  });
  const ids = renders.flatMap((r) => desiredOf(jobs(r)[0]).map((d: any) => d.model_info.id));
  assert.equal(new Set(ids).size, ids.length, 'LiteLLM ids differ between releases');
});

test('ollama model: modelTag pulled before the port opens, OpenAI-compatible route in LiteLLM', () => {
  const r = renderStack({ values: 'models:\n  - name: small\n    runtime: ollama\n    modelTag: "qwen3:4b"\n' });
  const isvc = r.find('InferenceService', 'stack-small');
  const m = get(isvc, 'spec.predictor.model');
  assert.equal(m.storageUri, undefined);
  assert.deepEqual(envOf(m), { OLLAMA_MODEL: 'qwen3:4b' });
  const script: string = get(r.find('ServingRuntime', 'stack-ollama'), 'spec.containers.0.command.2');
  assert.ok(script.indexOf('ollama pull') < script.indexOf('OLLAMA_HOST=0.0.0.0:8080'));
  assert.deepEqual(desiredOf(jobs(r)[0])[0].litellm_params.model, 'openai/qwen3:4b');
});

test('deterministic: the same input renders the same bytes', () => {
  const a = toYamlStream(renderStack({ values: TWO_MODELS }).result.objects);
  const b = toYamlStream(renderStack({ values: TWO_MODELS }).result.objects);
  assert.equal(a, b);
});

test('every rendered object validates against the upstream CRDs, references resolve, pods meet "restricted"', () => {
  const values = `${TWO_MODELS}
  - name: chat
    runtime: vllm
    storageUri: pvc://weights/qwen
    deploymentMode: Standard
    inferencePool: {enabled: true}
  - name: small
    runtime: ollama
    modelTag: "qwen3:4b"
    gpus: 1
`;
  const r = renderStack({ values, releases: infraLookup('infra', 'llm') });
  const report = validateRender(r.manifest, { provided: r.result.provided });
  assert.ok(report.ok, report.summary());
  const hooks = validateRender((r.result.uninstallHooks ?? []).map((h) => h.object), { provided: r.result.provided });
  assert.ok(hooks.ok, hooks.summary());
});

test('SGLang runtime: official image, sglang.launch_server on the model port with metrics, probes that allow its 20 s health generation', () => {
  const r = renderStack();
  const rt = r.find('ServingRuntime', 'stack-sglang');
  const c = get(rt, 'spec.containers.0');
  assert.match(c.image, /^docker\.io\/lmsysorg\/sglang:v\d+\.\d+\.\d+$/);
  assert.deepEqual(c.command, ['python3', '-m', 'sglang.launch_server']);
  assert.deepEqual(c.args, ['--model-path=/mnt/models', '--host=0.0.0.0', '--port=8080', '--enable-metrics']);
  assert.deepEqual(get(rt, 'spec.supportedModelFormats'), [{ name: 'sglang', version: '1', autoSelect: false }]);
  assert.deepEqual(get(rt, 'spec.annotations'), { 'prometheus.kserve.io/port': '8080', 'prometheus.kserve.io/path': '/metrics' });
  assert.equal(c.startupProbe.httpGet.path, '/health');
  assert.equal(c.readinessProbe.httpGet.path, '/health_generate', 'ready means the engine generates');
  for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) assert.ok(p.timeoutSeconds > 20, 'SGLang waits up to 20 s for a health generation');
  assert.ok((c.startupProbe.initialDelaySeconds ?? 0) + c.startupProbe.periodSeconds * c.startupProbe.failureThreshold >= 1800);
  assert.deepEqual(c.volumeMounts, [{ name: 'devshm', mountPath: '/dev/shm' }]);
  assert.equal(envOf(c).HOME, '/tmp', 'runs as uid 1000: caches need a writable HOME');
  assert.equal(c.securityContext.runAsNonRoot, true);
});

test('SGLang model: served name and --tp-size per model, one GPU by default, routed through LiteLLM\'s OpenAI provider', () => {
  const values = `
models:
  - {name: big, runtime: sglang, storageUri: "hf://Qwen/Qwen2.5-7B-Instruct", gpus: 2, args: ["--context-length=8192"]}
  - {name: small, runtime: sglang, storageUri: "pvc://weights/qwen", deploymentMode: Standard}
`;
  const r = renderStack({ values, releases: infraLookup('infra', 'llm') });
  const big = get(r.find('InferenceService', 'stack-big'), 'spec.predictor.model');
  assert.deepEqual(big.modelFormat, { name: 'sglang' });
  assert.equal(big.runtime, 'stack-sglang');
  assert.deepEqual(big.args, ['--served-model-name=big', '--tp-size=2', '--context-length=8192']);
  assert.equal(big.resources.limits['nvidia.com/gpu'], '2');
  const small = get(r.find('InferenceService', 'stack-small'), 'spec.predictor.model');
  assert.equal(small.resources.limits['nvidia.com/gpu'], '1', 'gpus: -1 means one GPU for SGLang');
  assert.deepEqual(small.args, ['--served-model-name=small', '--tp-size=1']);
  const routes = desiredOf(jobs(r)[0]);
  assert.deepEqual(routes.map((d: any) => [d.model_name, d.litellm_params.model, d.model_info.inferctl_runtime]), [['big', 'openai/big', 'sglang'], ['small', 'openai/small', 'sglang']]);
  const report = validateRender(r.manifest, { provided: r.result.provided });
  assert.ok(report.ok, report.summary());
});

test('SGLang behind an InferencePool: its pods carry the engine label the endpoint picker reads SGLang metrics by; vLLM pods need none', () => {
  const values = `
models:
  - {name: sg, runtime: sglang, storageUri: "pvc://weights/qwen", deploymentMode: Standard, inferencePool: {enabled: true}}
  - {name: vl, runtime: vllm, storageUri: "pvc://weights/qwen", deploymentMode: Standard, inferencePool: {enabled: true}}
  - {name: plain, runtime: sglang, storageUri: "pvc://weights/qwen", deploymentMode: Standard, inferencePool: {enabled: false}}
`;
  const r = renderStack({ values });
  assert.deepEqual(get(r.find('InferenceService', 'stack-sg'), 'spec.predictor.labels'), { 'llm-d.ai/engine-type': 'sglang' });
  assert.equal(get(r.find('InferenceService', 'stack-vl'), 'spec.predictor.labels'), undefined, "vllm is the picker's default engine");
  assert.equal(get(r.find('InferenceService', 'stack-plain'), 'spec.predictor.labels'), undefined, 'no pool, no label');
  assert.ok(r.has('InferencePool', 'stack-sg-pool'));
  const report = validateRender(r.manifest, { provided: r.result.provided });
  assert.ok(report.ok, report.summary());
});
