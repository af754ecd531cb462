import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { load, loadAll } from 'js-yaml';
import { COMPONENTS } from '../../src/charts/inference-operators/chart.js';
import { pinReleaseTag } from '../../src/charts/inference-operators/components/kserve.js';
import { loadLock, lockEntry } from '../../src/charts/inference-operators/manifests.js';
import type { K8sObject } from '../../src/core/object.js';
import { groupDepths } from '../../src/render/order.js';
import { toYamlStream } from '../../src/render/yaml-output.js';
import { chartObjects, findObject, identity, renderOperators, UPSTREAM_INSTALL, withoutChartLabels } from './operators-helpers.js';

const parsedUpstream = new Map<string, K8sObject[]>();

/** The upstream file as published, parsed independently of the chart's loader. */
function upstreamObjects(project: string, file: string): K8sObject[] {
  const path = join(UPSTREAM_INSTALL, project, file);
  if (!parsedUpstream.has(path)) parsedUpstream.set(path, (loadAll(readFileSync(path, 'utf8')) as K8sObject[]).filter(Boolean));
  return parsedUpstream.get(path)!;
}

test('render time of the default operators chart (printed, not asserted)', () => {
  const cold = performance.now();
  renderOperators();
  const coldMs = performance.now() - cold;
  const warm = performance.now();
  renderOperators();
  console.log(`inference-operators render: ${coldMs.toFixed(0)} ms cold (parsing ~10 MB of upstream YAML), ${(performance.now() - warm).toFixed(0)} ms warm (parsed files cached per process)`);
});

test('default render: every controller Deployment of every component, in its upstream namespace', () => {
  const objects = chartObjects(renderOperators());
  const expected: [string, string][] = [
    ['cnpg-system', 'cnpg-controller-manager'],
    ['envoy-gateway-system', 'envoy-gateway'],
    ['knative-operator', 'knative-operator'],
    ['knative-operator', 'operator-webhook'],
    ['kserve', 'kserve-controller-manager'],
    ['cert-manager', 'cert-manager'],
    ['cert-manager', 'cert-manager-webhook'],
    ['cert-manager', 'cert-manager-cainjector'],
    ['envoy-ai-gateway-system', 'ai-gateway-controller'],
  ];
  const deployments = objects.filter((o) => o.kind === 'Deployment').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
  assert.deepEqual(deployments, expected.map(([ns, n]) => `${ns}/${n}`).sort());
  const namespaces = objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name).sort();
  assert.deepEqual(namespaces, ['cert-manager', 'cnpg-system', 'envoy-ai-gateway-system', 'envoy-gateway-system', 'knative-operator', 'kserve']);
  assert.equal(objects.filter((o) => o.kind === 'DaemonSet').length, 0, 'no KServe localmodel node agent (hostPath on every node)');
});

test('every CRD of the enabled upstream files renders exactly once; Gateway API CRDs are the experimental channel', () => {
  const objects = chartObjects(renderOperators());
  const rendered = objects.filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name);
  assert.equal(new Set(rendered).size, rendered.length, 'no CRD twice');
  const upstream = new Set(COMPONENTS.flatMap((c) => c.manifests).flatMap((e) => upstreamObjects(e.project, e.file)).filter((o) => o.kind === 'CustomResourceDefinition').map((o) => o.metadata.name));
  assert.deepEqual([...rendered].sort(), [...upstream].sort());
  assert.equal(rendered.length, 54, '6 cert-manager + 11 CNPG + 13 Gateway API + 8 Envoy Gateway + 2 Knative Operator + 6 KServe + 2 GIE + 6 Envoy AI Gateway');
  for (const crd of objects.filter((o) => o.kind === 'CustomResourceDefinition' && (o.spec as any).group === 'gateway.networking.k8s.io')) {
    assert.equal(crd.metadata.annotations?.['gateway.networking.k8s.io/channel'], 'experimental', crd.metadata.name);
    assert.equal(crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'], 'v1.6.1', crd.metadata.name);
  }
});

test("Envoy Gateway's bundled Gateway API objects are byte-identical to the gateway-api release file, so dropping them loses nothing", () => {
  const eg = new Map(upstreamObjects('envoy-gateway', 'install-v1.9.0.yaml').map((o) => [identity(o), o]));
  const gwapi = upstreamObjects('gateway-api', 'experimental-install-v1.6.1.yaml');
  assert.equal(gwapi.length, 15);
  for (const o of gwapi) assert.deepEqual(eg.get(identity(o)), o, identity(o));
});

test('objects keep upstream content: only two labels are added, except the documented patches', () => {
  const patched: string[] = [];
  for (const { object: o, source } of renderOperators().result.objects) {
    const [project, file] = source.split('/');
    // The one object upstream leaves to the installer: the namespace `helm install --create-namespace` makes.
    if (project === 'inference-operators') {
      assert.deepEqual([source, identity(o)], ['inference-operators/envoyAIGateway', identity({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-ai-gateway-system' } })]);
      continue;
    }
    const original = upstreamObjects(project, file).find((u) => u.kind === o.kind && u.metadata.name === o.metadata.name && u.apiVersion === o.apiVersion);
    assert.ok(original, `${identity(o)} comes from ${source}`);
    assert.equal(o.metadata.namespace, original.kind === 'ClusterStorageContainer' ? undefined : original.metadata.namespace, 'upstream namespace kept');
    assert.equal(o.metadata.labels?.['inferctl.io/chart'], 'inference-operators-0.1.0');
    assert.equal(o.metadata.labels?.['app.kubernetes.io/managed-by'], original.metadata.labels?.['app.kubernetes.io/managed-by'] ?? 'inferctl', 'an upstream managed-by label is kept');
    // The KServe controller file gets the release script's image pinning as a whole (see kserve.ts).
    const expected = file === 'kserve-v0.20.0-no-crds.yaml' ? pinReleaseTag(original, 'v0.20.0') : original;
    if (!isDeepStrictEqual(withoutChartLabels(o, original.metadata.labels), expected)) patched.push(`${o.kind}/${o.metadata.name}`);
  }
  assert.deepEqual(patched.sort(), ['ClusterStorageContainer/default', 'ConfigMap/envoy-gateway-config', 'ConfigMap/inferenceservice-config', 'Deployment/envoy-gateway'], 'only the documented patches differ');
});

test('KServe: images pinned to v0.20.0 (the release recipe sed), never :latest', () => {
  const objects = chartObjects(renderOperators());
  const controller = findObject(objects, 'Deployment', 'kserve-controller-manager', 'kserve');
  assert.equal((controller.spec as any).template.spec.containers.find((c: any) => c.name === 'manager').image, 'kserve/kserve-controller:v0.20.0');
  const nonCrds = objects.filter((o) => o.kind !== 'CustomResourceDefinition');
  const latest = nonCrds.filter((o) => JSON.stringify(o).includes(':latest')).map(identity);
  assert.deepEqual(latest, [], 'no unpinned image');
  const storage = findObject(objects, 'ClusterStorageContainer', 'default');
  assert.equal((storage.spec as any).container.image, 'kserve/storage-initializer:v0.20.0');
  assert.equal(storage.metadata.namespace, undefined, 'cluster-scoped: the meaningless upstream namespace is dropped, as the API server does');
});

test('KServe inferenceservice-config: Istio virtual hosts off and the default deployment mode, everything else upstream', () => {
  const upstream = upstreamObjects('kserve', 'kserve-v0.20.0-no-crds.yaml').find((o) => o.kind === 'ConfigMap')!;
  const upData = pinReleaseTag(upstream.data as Record<string, string>, 'v0.20.0');
  for (const [set, mode] of [[[], 'Standard'], [['kserve.deploymentMode=Knative'], 'Knative']] as const) {
    const cm = findObject(chartObjects(renderOperators([...set])), 'ConfigMap', 'inferenceservice-config', 'kserve');
    const data = cm.data as Record<string, string>;
    const ingress = JSON.parse(data.ingress);
    assert.equal(ingress.disableIstioVirtualHost, true);
    assert.deepEqual({ ...ingress, disableIstioVirtualHost: false }, JSON.parse(upData.ingress), 'other ingress settings untouched');
    assert.deepEqual(JSON.parse(data.deploy), { ...JSON.parse(upData.deploy), defaultDeploymentMode: mode });
    for (const key of Object.keys(upData).filter((k) => k !== 'ingress' && k !== 'deploy')) assert.equal(data[key], upData[key], key);
    assert.deepEqual(Object.keys(data), Object.keys(upData), 'same keys in the same order');
  }
  assert.throws(() => renderOperators(['kserve.deploymentMode=Serverless']), /deploymentMode/);
});

test('KServe: the LLMInferenceService and LocalModel controllers are left out (their CRDs are not in kserve-crds)', () => {
  const rendered = new Set(chartObjects(renderOperators()).map(identity));
  const omitted = upstreamObjects('kserve', 'kserve-v0.20.0-no-crds.yaml').filter((o) => !rendered.has(identity(o)) && o.kind !== 'ClusterStorageContainer');
  assert.deepEqual(omitted.map((o) => `${o.kind}/${o.metadata.name}`).sort(), [
    'Certificate/llmisvc-serving-cert',
    'Certificate/localmodel-serving-cert',
    'ClusterRole/kserve-llmisvc-manager-role',
    'ClusterRole/kserve-localmodel-manager-role',
    'ClusterRole/kserve-localmodelnode-agent-role',
    'ClusterRoleBinding/kserve-localmodel-manager-rolebinding',
    'ClusterRoleBinding/kserve-localmodelnode-agent-rolebinding',
    'ClusterRoleBinding/llmisvc-manager-rolebinding',
    'DaemonSet/kserve-localmodelnode-agent',
    'Deployment/kserve-localmodel-controller-manager',
    'Deployment/llmisvc-controller-manager',
    'MutatingWebhookConfiguration/llminferenceservice.serving.kserve.io',
    'Role/llmisvc-leader-election-role',
    'RoleBinding/llmisvc-leader-election-rolebinding',
    'Service/llmisvc-controller-manager-service',
    'Service/llmisvc-webhook-server-service',
    'Service/localmodel-webhook-server-service',
    'ServiceAccount/kserve-localmodel-controller-manager',
    'ServiceAccount/kserve-localmodelnode-agent',
    'ServiceAccount/llmisvc-controller-manager',
    'ValidatingWebhookConfiguration/llminferenceservice.serving.kserve.io',
    'ValidatingWebhookConfiguration/llminferenceserviceconfig.serving.kserve.io',
    'ValidatingWebhookConfiguration/localmodelcache.serving.kserve.io',
  ]);
  // KServe's built-in ClusterServingRuntimes (kserve-cluster-resources.yaml) are not shipped at all:
  // the stack layer renders namespaced runtimes of its own.
  assert.ok(!chartObjects(renderOperators()).some((o) => o.kind === 'ClusterServingRuntime'));
});

test('apply order: CRDs and namespaces first, kept on uninstall; KServe certificates after the cert-manager webhook; KServe after its certificate', () => {
  const r = renderOperators();
  const order = r.objects;
  const firstOther = order.findIndex((o) => o.group !== 'crds' && o.group !== 'namespaces');
  assert.ok(firstOther > 0);
  assert.ok(order.slice(0, firstOther).every((o) => o.object.kind === 'CustomResourceDefinition' || o.object.kind === 'Namespace'));
  assert.ok(order.slice(firstOther).every((o) => o.object.kind !== 'CustomResourceDefinition' && o.object.kind !== 'Namespace'));
  for (const o of order) assert.equal(o.keepOnUninstall === true, o.group === 'crds' || o.group === 'namespaces', identity(o.object));

  const at = (kind: string, name: string) => order.findIndex((o) => o.object.kind === kind && o.object.metadata.name === name);
  assert.ok(at('Deployment', 'cert-manager-webhook') < at('Certificate', 'serving-cert'));
  assert.ok(at('Issuer', 'selfsigned-issuer') < at('Deployment', 'kserve-controller-manager'));
  assert.ok(at('Job', 'eg-gateway-helm-certgen') < at('Deployment', 'envoy-gateway'));
  assert.ok(at('MutatingWebhookConfiguration', 'envoy-gateway-topology-injector.envoy-gateway-system') < at('Job', 'eg-gateway-helm-certgen'), 'hook weight -1 before the certgen Job');

  const groups = new Map(r.groups.map((g) => [g.name, g]));
  assert.deepEqual(groups.get('kserve-certificates')!.dependsOn.sort(), ['cert-manager', 'crds', 'namespaces']);
  assert.deepEqual(groups.get('kserve')!.dependsOn, ['kserve-certificates']);
  const depths = groupDepths(r.groups);
  assert.equal(depths.get('crds'), 0);
  assert.equal(depths.get('namespaces'), 0);
  assert.ok(depths.get('kserve')! > depths.get('cert-manager')!);
  assert.ok(order.find((o) => o.object.kind === 'Job')!.replaceOnChange, 'Jobs are immutable: replaced when changed');
  for (const g of r.groups) for (const d of g.dependsOn) assert.ok(groups.has(d), `${g.name} depends on existing group ${d}`);
});

test('toggles: disabling a component removes its objects and groups and nothing else', () => {
  const ownerOf = new Map<string, string>(COMPONENTS.flatMap((c) => [...c.manifests.map((m) => [`${m.project}/${m.file}`, c.key] as [string, string]), [`inference-operators/${c.key}`, c.key] as [string, string]]));
  const full = renderOperators().result.objects;
  const off: Record<string, string[]> = {
    'cloudnative-pg': [],
    'gateway-api': ['envoy-gateway.enabled=false', 'envoyAIGateway.enabled=false'],
    'envoy-gateway': ['envoyAIGateway.enabled=false'],
    'knative-operator': [],
    kserve: [],
    'cert-manager': ['kserve.enabled=false', 'envoyAIGateway.enabled=false'],
    'gateway-api-inference-extension': [],
    envoyAIGateway: [],
  };
  for (const [key, also] of Object.entries(off)) {
    const r = renderOperators([`${key}.enabled=false`, ...also]);
    const gone = new Set<string>([key, ...also.map((s) => s.split('.')[0])]);
    const expected = full.filter((o) => !gone.has(ownerOf.get(o.source)!)).map((o) => identity(o.object)).sort();
    assert.deepEqual(chartObjects(r).map(identity).sort(), expected, `${key}.enabled=false`);
    const groups = new Set(r.groups.map((g) => g.name));
    for (const o of r.objects) assert.ok(groups.has(o.group), `group ${o.group} declared`);
    for (const g of r.groups) for (const d of g.dependsOn) assert.ok(groups.has(d), `${key} off: ${g.name} -> ${d} exists`);
  }
  const none = renderOperators(Object.keys(off).map((k) => `${k}.enabled=false`));
  assert.equal(none.objects.length, 0);
  assert.deepEqual(none.groups, []);
});

test("Envoy AI Gateway: Envoy Gateway's config gets exactly the extension upstream documents, and a hash that restarts it; off leaves Envoy Gateway upstream's", () => {
  const egConfig = (objects: K8sObject[]) => load((findObject(objects, 'ConfigMap', 'envoy-gateway-config', 'envoy-gateway-system').data as Record<string, string>)['envoy-gateway.yaml']) as Record<string, any>;
  const upstreamCm = upstreamObjects('envoy-gateway', 'install-v1.9.0.yaml').find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'envoy-gateway-config')!;
  const upstream = load((upstreamCm.data as Record<string, string>)['envoy-gateway.yaml']) as Record<string, any>;
  const on = chartObjects(renderOperators());
  const config = egConfig(on);
  // The values of envoyproxy/ai-gateway v1.1.0 manifests/envoy-gateway-values.yaml + examples/inference-pool/envoy-gateway-values-addon.yaml.
  assert.deepEqual(config.extensionApis, { enableBackend: true, enableEnvoyPatchPolicy: true });
  assert.deepEqual(config.extensionManager, {
    backendResources: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', version: 'v1' }],
    hooks: { xdsTranslator: { translation: { listener: { includeAll: true }, route: { includeAll: true }, cluster: { includeAll: true }, secret: { includeAll: true } }, post: ['Translation', 'Cluster', 'Route'] } },
    service: { fqdn: { hostname: 'ai-gateway-controller.envoy-ai-gateway-system.svc.cluster.local', port: 1063 } },
  });
  const { extensionApis: _a, extensionManager: _m, ...rest } = config;
  const { extensionApis: _ua, ...upstreamRest } = upstream;
  assert.deepEqual(rest, upstreamRest, 'everything else as upstream');
  const eg = findObject(on, 'Deployment', 'envoy-gateway', 'envoy-gateway-system');
  assert.match((eg.spec as any).template.metadata.annotations['inferctl.io/envoy-gateway-config-hash'], /^[0-9a-f]{16}$/);
  assert.equal((eg.spec as any).template.metadata.annotations['prometheus.io/scrape'], 'true', "upstream's annotations kept");

  const off = chartObjects(renderOperators(['envoyAIGateway.enabled=false']));
  assert.deepEqual(egConfig(off), upstream);
  assert.equal((findObject(off, 'Deployment', 'envoy-gateway', 'envoy-gateway-system').spec as any).template.metadata.annotations['inferctl.io/envoy-gateway-config-hash'], undefined);
  assert.ok(!off.some((o) => o.metadata.namespace === 'envoy-ai-gateway-system' || o.metadata.name === 'envoy-ai-gateway-system'));
});

test('Envoy AI Gateway: after Envoy Gateway and its webhook certificate; exports where it runs', () => {
  const r = renderOperators();
  const groups = new Map(r.groups.map((g) => [g.name, g]));
  assert.deepEqual(groups.get('envoy-ai-gateway')!.dependsOn.sort(), ['envoy-ai-gateway-certificates', 'envoy-gateway']);
  assert.deepEqual(groups.get('envoy-ai-gateway-certificates')!.dependsOn.sort(), ['cert-manager', 'crds', 'namespaces']);
  const groupOfObject = new Map(r.objects.map((o) => [identity(o.object), o.group]));
  assert.equal(groupOfObject.get(identity({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'self-signed-cert-for-mutating-webhook', namespace: 'envoy-ai-gateway-system' } })), 'envoy-ai-gateway-certificates');
  assert.equal(groupOfObject.get(identity({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ai-gateway-controller', namespace: 'envoy-ai-gateway-system' } })), 'envoy-ai-gateway');
  assert.equal(r.result.exports.envoyAiGatewayVersion, 'v1.1.0');
  assert.equal(r.result.exports.envoyAiGatewayDeployment, 'envoy-ai-gateway-system/ai-gateway-controller');
  assert.equal(renderOperators(['envoyAIGateway.enabled=false']).result.exports.envoyAiGatewayVersion, undefined);
  assert.throws(() => renderOperators(['envoy-gateway.enabled=false']), /envoyAIGateway\.enabled is true but envoy-gateway\.enabled is false .*or disable envoyAIGateway \(envoyAIGateway\.enabled=false\)/);
});

test('dependency errors name both keys and the external escape hatch', () => {
  assert.throws(
    () => renderOperators(['cert-manager.enabled=false']),
    (err: Error) =>
      err.name === 'UserError' && /kserve\.enabled is true but cert-manager\.enabled is false \(from --set cert-manager\.enabled=false\)/.test(err.message) && /cert-manager\.external=true/.test(err.message) && /kserve\.enabled=false/.test(err.message) && !err.message.includes('\n'),
  );
  assert.throws(
    () => renderOperators(['gateway-api.enabled=false']),
    (err: Error) => err.name === 'UserError' && /envoy-gateway\.enabled is true but gateway-api\.enabled is false/.test(err.message) && /gateway-api\.external=true/.test(err.message),
  );
});

test('external cert-manager and Gateway API: nothing of them rendered; dependents wait for their CRDs instead', () => {
  const r = renderOperators(['cert-manager.external=true', 'gateway-api.external=true']);
  const objects = chartObjects(r);
  assert.ok(!objects.some((o) => o.metadata.namespace === 'cert-manager' || o.metadata.name === 'cert-manager'));
  assert.ok(!objects.some((o) => o.kind === 'CustomResourceDefinition' && /gateway\.networking\.(x-)?k8s\.io$/.test((o.spec as any).group)));
  assert.ok(!objects.some((o) => o.metadata.name === 'safe-upgrades.gateway.networking.k8s.io'));
  const groups = new Map(r.groups.map((g) => [g.name, g]));
  assert.deepEqual(groups.get('kserve-certificates')!.gates!.map((g) => g.name), ['issuers.cert-manager.io', 'certificates.cert-manager.io']);
  assert.ok(!groups.get('kserve-certificates')!.dependsOn.includes('cert-manager'));
  assert.deepEqual(groups.get('envoy-gateway')!.gates!.map((g) => g.name), ['gatewayclasses.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io']);
  assert.equal(r.result.exports.externalComponents, 'cert-manager,gateway-api');
  assert.ok(findObject(objects, 'Certificate', 'serving-cert', 'kserve'));
});

test('exports: versions, namespaces and the deployments other layers wait for', () => {
  const { exports } = renderOperators().result;
  assert.equal(exports.cnpgWebhookDeployment, 'cnpg-system/cnpg-controller-manager');
  assert.equal(exports.gatewayClassController, 'gateway.envoyproxy.io/gatewayclass-controller');
  assert.equal(exports.kserveControllerDeployment, 'kserve/kserve-controller-manager');
  assert.equal(exports.kserveDeploymentMode, 'Standard');
  assert.equal(exports.gatewayApiChannel, 'experimental');
  const versions = { certManagerVersion: 'v1.17.0', cnpgVersion: '1.30.0', gatewayApiVersion: 'v1.6.1', envoyGatewayVersion: 'v1.9.0', knativeOperatorVersion: '1.23.0', kserveVersion: 'v0.20.0', gatewayApiInferenceExtensionVersion: 'v1.6.0' };
  for (const [k, v] of Object.entries(versions)) assert.equal(exports[k], v, k);
  const namespaces = { certManagerNamespace: 'cert-manager', cnpgNamespace: 'cnpg-system', envoyGatewayNamespace: 'envoy-gateway-system', knativeOperatorNamespace: 'knative-operator', kserveNamespace: 'kserve' };
  for (const [k, v] of Object.entries(namespaces)) assert.equal(exports[k], v, k);
  assert.equal(renderOperators(['kserve.enabled=false']).result.exports.kserveVersion, undefined);
});

test('deterministic: the same input renders the same bytes', () => {
  const yaml = () => toYamlStream(renderOperators().objects.map(({ object, source }) => ({ object, source })));
  const a = yaml();
  assert.equal(yaml(), a);
  assert.ok(a.includes('# Source: kserve/kserve-v0.20.0-no-crds.yaml'));
});

test('lock and versions agree: every file a component renders is locked with the pinned version', () => {
  const lock = loadLock();
  for (const c of COMPONENTS) for (const m of c.manifests) assert.ok(lockEntry(lock, m).file.includes(lockEntry(lock, m).version.replace(/^v/, '')), `${m.project}/${m.file}`);
  const rendered = new Set(COMPONENTS.flatMap((c) => c.manifests.map((m) => `${m.project}/${m.file}`)));
  const lockedOnly = lock.manifests.map((e) => `${e.project}/${e.file}`).filter((f) => !rendered.has(f)).sort();
  // Shipped and locked for the components that will use them (KEDA, LocalModel cache).
  assert.deepEqual(lockedOnly, ['keda/keda-2.20.2.yaml', 'kserve/kserve-localmodel-crds-v0.20.0.yaml', 'kserve/kserve-localmodel-v0.20.0.yaml']);
});
