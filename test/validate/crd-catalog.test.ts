import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { K8sObject } from '../../src/core/object.js';
import { defaultCrdDirs, loadCrdCatalog } from '../../src/validate/crd-catalog.js';
import { shippedCrdsDir, shippedInstallDir } from '../../src/validate/paths.js';
import { gateway, httpRoute, inferenceService, pgCluster, pick, platform, pooler, servingRuntime } from './fixtures.js';

const catalog = loadCrdCatalog();

function issuesOf(obj: K8sObject): Array<{ path: string; message: string }> {
  return catalog.validate(obj);
}

test('default dirs: the CRDs of every pinned project, shipped in the package; Gateway API from the experimental channel', () => {
  const dirs = defaultCrdDirs();
  assert.ok(dirs.every((d) => d.startsWith(shippedInstallDir()) || d.startsWith(shippedCrdsDir())), 'nothing outside the package');
  for (const kind of ['HTTPRoute', 'Gateway', 'GatewayClass']) assert.equal(catalog.get('gateway.networking.k8s.io', kind)!.metadata.annotations?.['gateway.networking.k8s.io/channel'], 'experimental', kind);
  for (const gk of ['Cluster.postgresql.cnpg.io', 'HTTPRoute.gateway.networking.k8s.io', 'XMesh.gateway.networking.x-k8s.io', 'EnvoyProxy.gateway.envoyproxy.io',
    'KnativeServing.operator.knative.dev', 'Service.serving.knative.dev', 'InferenceService.serving.kserve.io', 'LocalModelCache.serving.kserve.io',
    'InferencePool.inference.networking.k8s.io', 'InferenceObjective.llm-d.ai', 'AIGatewayRoute.aigateway.envoyproxy.io', 'ScaledObject.keda.sh',
    'Certificate.cert-manager.io', 'ServiceMonitor.monitoring.coreos.com', 'PrometheusRule.monitoring.coreos.com']) {
    assert.ok(catalog.groupKinds().includes(gk), gk);
  }
});

test('valid CNPG, Envoy Gateway, Gateway API, KServe, Knative and GIE objects pass', () => {
  const objects = platform().filter((o) => catalog.has(o));
  assert.deepEqual(
    objects.map((o) => o.kind).sort(),
    ['Cluster', 'ClusterServingRuntime', 'EnvoyProxy', 'Gateway', 'GatewayClass', 'HTTPRoute', 'InferencePool', 'InferenceService', 'KnativeServing', 'Pooler'],
  );
  for (const o of objects) assert.deepEqual(issuesOf(o), [], `${o.kind} ${o.metadata.name}`);
});

test('unknown fields are rejected at their path', () => {
  const c = pgCluster();
  (c.spec as any).postgresql.parametrs = {};
  (c.spec as any).storage.sizee = '1Gi';
  assert.deepEqual(issuesOf(c), [
    { path: 'spec.postgresql.parametrs', message: 'unknown field "parametrs"' },
    { path: 'spec.storage.sizee', message: 'unknown field "sizee"' },
  ]);
});

test('CNPG postgresql.parameters is map[string]string: an unquoted number fails', () => {
  const c = pgCluster();
  (c.spec as any).postgresql.parameters.max_connections = 200;
  assert.deepEqual(issuesOf(c), [{ path: 'spec.postgresql.parameters.max_connections', message: 'must be of type string, got integer 200' }]);
});

test('missing required fields', () => {
  const p = pooler();
  delete (p.spec as any).pgbouncer;
  assert.deepEqual(issuesOf(p), [{ path: 'spec.pgbouncer', message: 'Required value: "pgbouncer" is required' }]);
  const gw = pick('Gateway', 'llm-gateway', gateway());
  delete (gw.spec as any).listeners;
  assert.deepEqual(issuesOf(gw), [{ path: 'spec.listeners', message: 'Required value: "listeners" is required' }]);
});

test('enums are enforced', () => {
  const p = pooler();
  (p.spec as any).type = 'primary';
  const issues = issuesOf(p);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].path, 'spec.type');
  assert.match(issues[0].message, /Unsupported value: "primary": supported values: "rw", "ro", "r"/);
});

test('CEL: an HTTPRoute Service backendRef without port', () => {
  const r = httpRoute();
  delete (r.spec as any).rules[0].backendRefs[0].port;
  assert.deepEqual(issuesOf(r), [{ path: 'spec.rules[0].backendRefs[0]', message: 'Must have port for Service reference' }]);
  // An InferencePool backend needs no port.
  (r.spec as any).rules[0].backendRefs[0] = { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool' };
  assert.deepEqual(issuesOf(r), []);
});

test('CEL: CNPG imageName together with imageCatalogRef', () => {
  const c = pgCluster();
  (c.spec as any).imageCatalogRef = { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: 'postgresql', major: 18 };
  assert.deepEqual(issuesOf(c), [{ path: 'spec', message: 'imageName and imageCatalogRef are mutually exclusive' }]);
});

test('CEL: InferencePool endpointPickerRef of kind Service needs a port; target ports are unique', () => {
  const pool = pick('InferencePool', 'qwen-pool');
  delete (pool.spec as any).endpointPickerRef.port;
  (pool.spec as any).targetPorts = [{ number: 8080 }, { number: 8080 }];
  const issues = issuesOf(pool);
  assert.ok(issues.some((i) => i.path === 'spec.endpointPickerRef' && /port is required when kind is 'Service'/.test(i.message)), JSON.stringify(issues));
  assert.ok(issues.some((i) => i.path === 'spec.targetPorts' && /unique/.test(i.message)), JSON.stringify(issues));
});

test('CEL: EnvoyProxy rules (image tag pattern)', () => {
  const ep = pick('EnvoyProxy', 'llm-proxy', gateway());
  (ep.spec as any).provider.kubernetes.envoyDeployment.container = { image: 'envoyproxy/envoy with spaces' };
  const issues = issuesOf(ep);
  assert.ok(issues.some((i) => /Image must include a tag/.test(i.message)), JSON.stringify(issues));
});

test('versions: unknown and unserved versions are reported with the served ones', () => {
  const r = httpRoute();
  r.apiVersion = 'gateway.networking.k8s.io/v1alpha9';
  assert.deepEqual(issuesOf(r), [{ path: 'apiVersion', message: 'version "v1alpha9" of HTTPRoute.gateway.networking.k8s.io does not exist; served versions: v1, v1beta1' }]);
  // The same CRD with v1alpha2 no longer served, as Gateway API's standard channel ships TCPRoute.
  const dir = mkdtempSync(join(tmpdir(), 'inferctl-crd-'));
  const unserved = structuredClone(catalog.get('gateway.networking.k8s.io', 'TCPRoute')!);
  for (const v of unserved.spec.versions) if (v.name === 'v1alpha2') v.served = false;
  writeFileSync(join(dir, 'tcproutes.json'), JSON.stringify(unserved));
  const standard = loadCrdCatalog([dir]);
  rmSync(dir, { recursive: true, force: true });
  const tcp: K8sObject = { apiVersion: 'gateway.networking.k8s.io/v1alpha2', kind: 'TCPRoute', metadata: { name: 't', namespace: 'n' }, spec: { parentRefs: [{ name: 'g' }], rules: [{ backendRefs: [{ name: 's', port: 1 }] }] } };
  assert.match(standard.validate(tcp)[0].message, /version "v1alpha2" of TCPRoute.gateway.networking.k8s.io is not served/);
  assert.deepEqual(catalog.validate(tcp), []);
});

test('scope: namespaced kinds need a namespace, cluster-scoped kinds must not have one', () => {
  const c = pgCluster();
  delete c.metadata.namespace;
  assert.deepEqual(issuesOf(c), [{ path: 'metadata.namespace', message: 'Cluster is namespaced but metadata.namespace is not set' }]);
  const gc = pick('GatewayClass', 'envoy', gateway());
  gc.metadata.namespace = 'infra';
  assert.deepEqual(issuesOf(gc), [{ path: 'metadata.namespace', message: 'GatewayClass is cluster-scoped but metadata.namespace is "infra"' }]);
  assert.deepEqual(issuesOf(servingRuntime()), []);
});

test('an unknown kind in a known group is reported', () => {
  const obj: K8sObject = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HttpRoute', metadata: { name: 'x', namespace: 'n' } };
  assert.equal(catalog.has(obj), false);
  assert.match(catalog.validate(obj)[0].message, /no CustomResourceDefinition loaded for kind "HttpRoute" in group "gateway.networking.k8s.io"/);
});

test('metadata is ObjectMeta even though CRDs do not describe it', () => {
  const isvc = inferenceService();
  (isvc.metadata as any).label = { a: 'b' };
  assert.deepEqual(issuesOf(isvc), [{ path: 'metadata.label', message: 'unknown field "label"' }]);
});

test('install manifests work as a CRD source; non-CRD documents are skipped', () => {
  const fromInstall = loadCrdCatalog([join(shippedInstallDir(), 'cnpg')]);
  assert.equal(fromInstall.groupKinds().filter((k) => k.endsWith('cnpg.io')).length, 11);
  assert.deepEqual(fromInstall.validate(pgCluster()), []);
  const certManager = loadCrdCatalog([join(shippedInstallDir(), 'cert-manager')]);
  assert.ok(certManager.groupKinds().includes('Certificate.cert-manager.io'));
});

test('a missing CRD path is a clear error', () => {
  assert.throws(() => loadCrdCatalog(['/nonexistent/crds']), /CRD path \/nonexistent\/crds does not exist/);
});

test('CRDs in unusual layouts (4-space indent, JSON, List) are still found', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crds-'));
  const crd = (kind: string) => ({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${kind.toLowerCase()}s.example.com` },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { kind, plural: `${kind.toLowerCase()}s` },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }],
    },
  });
  writeFileSync(join(dir, 'a.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n    name: x\n---\n${JSON.stringify(crd('Wide'), null, 4)}\n`);
  writeFileSync(join(dir, 'b.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [crd('Listed')] }));
  const c = loadCrdCatalog([dir]);
  assert.deepEqual(c.groupKinds(), ['Listed.example.com', 'Wide.example.com']);
  assert.deepEqual(c.validate({ apiVersion: 'example.com/v1', kind: 'Wide', metadata: { name: 'w', namespace: 'n' }, spec: { size: 'big' } }), [
    { path: 'spec.size', message: 'must be of type integer, got string "big"' },
  ]);
});

test('CEL coverage: every rule in the loaded CRDs compiles with the chosen library', () => {
  const cov = catalog.celCoverage();
  console.log(`CEL coverage: ${cov.compiled}/${cov.rules} rules compile (${cov.uniqueCompiled}/${cov.uniqueRules} distinct)`, cov.notCompiled);
  assert.ok(cov.rules >= 1100);
  assert.equal(cov.compiled, cov.rules);
  const stats = catalog.celStats();
  assert.ok(stats.evaluated > 0);
});
