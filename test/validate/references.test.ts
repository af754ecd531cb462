import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { operatorProvidedRefs, type ProvidedRef } from '../../src/validate/implied.js';
import { checkReferences, selectorMatches } from '../../src/validate/references.js';
import { platform } from './fixtures.js';

function check(objects: K8sObject[], provided: ProvidedRef[] = []): Array<{ object: string; path: string; message: string }> {
  return checkReferences(objects, [...provided, ...operatorProvidedRefs(objects)]);
}

function edit(objects: K8sObject[], kind: string, name: string, fn: (o: any) => void): K8sObject[] {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`${kind} ${name}`);
  fn(o);
  return objects;
}

function without(objects: K8sObject[], kind: string, name: string): K8sObject[] {
  return objects.filter((x) => !(x.kind === kind && x.metadata.name === name));
}

test('the platform render resolves every reference (CNPG and KServe objects come from the operators)', () => {
  assert.deepEqual(check(platform()), []);
});

test('operator-created objects are what satisfies the CNPG app secret', () => {
  const issues = checkReferences(platform(), []).filter((i) => i.message.includes('pg-app'));
  assert.deepEqual(issues[0], {
    object: 'Deployment infra/litellm',
    path: 'spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef',
    message: 'Secret infra/pg-app is neither rendered nor provided (env DATABASE_URL of container "litellm")',
  });
});

test('secret keys must exist in the rendered secret or in the provided key list', () => {
  const objs = edit(platform(), 'Deployment', 'litellm', (d) => {
    d.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key = 'master_key';
    d.spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.key = 'url';
  });
  assert.deepEqual(check(objs).map((i) => i.message), [
    'Secret infra/litellm-master-key (rendered) has no key "master_key" (env LITELLM_MASTER_KEY of container "litellm"); it has: masterKey',
    'Secret infra/pg-app (provided by CNPG operator (Cluster infra/pg)) has no key "url" (env DATABASE_URL of container "litellm"); it has: dbname, fqdn-jdbc-uri, fqdn-uri, host, jdbc-uri, password, pgpass, port, uri, user, username',
  ]);
});

test('a provided secret satisfies references; keys are checked only when listed', () => {
  const objs = without(platform(), 'Secret', 'litellm-master-key');
  assert.equal(check(objs).length, 1);
  assert.deepEqual(check(objs, [{ kind: 'Secret', namespace: 'infra', name: 'litellm-master-key', by: 'user (litellm.masterKey.existingSecret)' }]), []);
  const wrong = check(objs, [{ kind: 'Secret', name: 'litellm-master-key', keys: ['key'], by: 'user (litellm.masterKey.existingSecret)' }]);
  assert.match(wrong[0].message, /provided by user \(litellm.masterKey.existingSecret\)\) has no key "masterKey"/);
});

test('optional references need nothing', () => {
  const objs = edit(platform(), 'Deployment', 'litellm', (d) => {
    d.spec.template.spec.containers[0].env.push({ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k', optional: true } } });
    d.spec.template.spec.containers[0].envFrom = [{ configMapRef: { name: 'nope', optional: true } }];
  });
  assert.deepEqual(check(objs), []);
});

test('envFrom, volumes (secret items, projected, PVC), service account and pull secrets', () => {
  const objs = edit(platform(), 'Deployment', 'litellm', (d) => {
    const spec = d.spec.template.spec;
    spec.serviceAccountName = 'proxy';
    spec.imagePullSecrets = [{ name: 'regcred' }];
    spec.containers[0].envFrom = [{ secretRef: { name: 'extra-env' } }];
    spec.volumes.push(
      { name: 'tls', secret: { secretName: 'litellm-master-key', items: [{ key: 'tls.crt', path: 'tls.crt' }] } },
      { name: 'proj', projected: { sources: [{ configMap: { name: 'missing-cm' } }, { serviceAccountToken: { path: 't' } }] } },
      { name: 'cache', persistentVolumeClaim: { claimName: 'model-cache' } },
    );
  });
  assert.deepEqual(check(objs).map((i) => i.path), [
    'spec.template.spec.containers[0].envFrom[0].secretRef',
    'spec.template.spec.volumes[2].secret.items[0].key',
    'spec.template.spec.volumes[3].projected.sources[0].configMap',
    'spec.template.spec.volumes[4].persistentVolumeClaim.claimName',
    'spec.template.spec.serviceAccountName',
    'spec.template.spec.imagePullSecrets[0]',
  ]);
});

test('RBAC: roleRef and ServiceAccount subjects; built-in cluster roles exist', () => {
  let objs = edit(platform(), 'RoleBinding', 'litellm', (rb) => {
    rb.roleRef.name = 'litellm-reader';
    rb.subjects.push({ kind: 'ServiceAccount', name: 'ghost' }, { kind: 'User', name: 'alice' });
  });
  assert.deepEqual(check(objs).map((i) => [i.path, i.message]), [
    ['roleRef', 'Role.rbac.authorization.k8s.io infra/litellm-reader is neither rendered nor provided (the bound role)'],
    ['subjects[1]', 'ServiceAccount infra/ghost is neither rendered nor provided (a subject of this binding)'],
  ]);
  objs = edit(platform(), 'RoleBinding', 'litellm', (rb) => {
    rb.roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' };
  });
  assert.deepEqual(check(objs), []);
});

test('Gateway API: parents, backends, gateway class, parameters and certificates', () => {
  let objs = edit(platform(), 'HTTPRoute', 'litellm', (r) => {
    r.spec.parentRefs[0].name = 'other-gateway';
    r.spec.rules[0].backendRefs.push({ name: 'litellm-canary', port: 4000 }, { group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool', namespace: 'inference' });
  });
  objs = edit(objs, 'Gateway', 'llm-gateway', (g) => {
    g.spec.gatewayClassName = 'eg';
    g.spec.infrastructure = { parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: 'llm-proxy' } };
    g.spec.listeners.push({ name: 'https', port: 443, protocol: 'HTTPS', tls: { certificateRefs: [{ name: 'llm-tls' }] } });
  });
  objs = edit(objs, 'GatewayClass', 'envoy', (c) => {
    c.spec.parametersRef.name = 'default-proxy';
  });
  assert.deepEqual(check(objs).map((i) => `${i.object} ${i.path}: ${i.message}`), [
    'GatewayClass envoy spec.parametersRef: EnvoyProxy.gateway.envoyproxy.io envoy-gateway-system/default-proxy is neither rendered nor provided (the gateway class parameters)',
    'Gateway infra/llm-gateway spec.gatewayClassName: GatewayClass.gateway.networking.k8s.io eg is neither rendered nor provided (the gateway class)',
    'Gateway infra/llm-gateway spec.infrastructure.parametersRef: EnvoyProxy.gateway.envoyproxy.io infra/llm-proxy is neither rendered nor provided (the gateway infrastructure parameters)',
    'Gateway infra/llm-gateway spec.listeners[1].tls.certificateRefs[0]: Secret infra/llm-tls is neither rendered nor provided (TLS certificate of listener https)',
    'HTTPRoute infra/litellm spec.parentRefs[0]: Gateway.gateway.networking.k8s.io infra/other-gateway is neither rendered nor provided (a parent of this route)',
    'HTTPRoute infra/litellm spec.rules[0].backendRefs[1]: Service infra/litellm-canary is neither rendered nor provided (a backend of this route)',
    'HTTPRoute infra/litellm spec.rules[0].backendRefs[2]: refers to InferencePool.inference.networking.k8s.io inference/qwen-pool in another namespace, but no ReferenceGrant in inference allows HTTPRoute from infra',
  ]);
});

test('a ReferenceGrant in the target namespace allows a cross-namespace backend', () => {
  const objs = edit(platform(), 'HTTPRoute', 'litellm', (r) => {
    r.spec.rules[0].backendRefs = [{ group: 'inference.networking.k8s.io', kind: 'InferencePool', name: 'qwen-pool', namespace: 'inference' }];
  });
  objs.push({
    apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-infra', namespace: 'inference' },
    spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'infra' }], to: [{ group: 'inference.networking.k8s.io', kind: 'InferencePool' }] },
  });
  assert.deepEqual(check(objs), []);
});

test('CNPG Pooler cluster and Cluster secrets', () => {
  let objs = edit(platform(), 'Pooler', 'pg-pooler-rw', (p) => (p.spec.cluster.name = 'postgres'));
  assert.deepEqual(check(objs).map((i) => i.path), ['spec.cluster.name']);
  objs = edit(platform(), 'Cluster', 'pg', (c) => {
    c.spec.bootstrap.initdb.secret = { name: 'pg-owner' };
    c.spec.enableSuperuserAccess = true;
  });
  // With its own initdb secret CNPG no longer creates pg-app, so the Deployment's DATABASE_URL breaks too.
  assert.deepEqual(check(objs).map((i) => `${i.object} ${i.path}`), [
    'Deployment infra/litellm spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef',
    'Cluster infra/pg spec.bootstrap.initdb.secret',
    'CronJob infra/pg-vacuum spec.jobTemplate.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
  ]);
});

test('Service, PDB and InferencePool selectors must select some pods', () => {
  let objs = edit(platform(), 'PodDisruptionBudget', 'litellm', (p) => (p.spec.selector.matchLabels = { app: 'litellm' }));
  objs = edit(objs, 'Service', 'valkey', (s) => (s.spec.selector = { 'app.kubernetes.io/name': 'redis' }));
  objs = edit(objs, 'InferencePool', 'qwen-pool', (p) => (p.spec.selector.matchLabels = { app: 'qwen' }));
  assert.deepEqual(check(objs).map((i) => `${i.object}: ${i.message}`), [
    'PodDisruptionBudget infra/litellm: selects no pods: no rendered workload or provided Pod in infra has labels matching app=litellm',
    'Service infra/valkey: selects no pods: no rendered workload or provided Pod in infra has labels matching app.kubernetes.io/name=redis',
    'InferencePool inference/qwen-pool: selects no pods: no rendered workload or provided Pod in inference has labels matching app=qwen',
  ]);
  const provided: ProvidedRef[] = [
    { kind: 'Pod', namespace: 'infra', name: 'redis-0', labels: { 'app.kubernetes.io/name': 'redis' }, by: 'external chart' },
  ];
  assert.equal(check(objs, provided).length, 2);
});

test('a Service selecting CNPG instance pods is satisfied by the operator', () => {
  const objs = platform();
  objs.push({
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'pg-primary', namespace: 'infra' },
    spec: { selector: { 'cnpg.io/cluster': 'pg', 'cnpg.io/instanceRole': 'primary' }, ports: [{ port: 5432 }] },
  });
  assert.deepEqual(check(objs), []);
});

test('KServe runtime and GIE endpoint picker references', () => {
  let objs = edit(platform(), 'InferenceService', 'qwen', (i) => (i.spec.predictor.model.runtime = 'sglang'));
  objs = edit(objs, 'InferencePool', 'qwen-pool', (p) => (p.spec.endpointPickerRef.name = 'qwen-picker'));
  assert.deepEqual(check(objs).map((i) => `${i.path}: ${i.message}`), [
    'spec.predictor.model.runtime: neither ServingRuntime inference/sglang nor ClusterServingRuntime sglang is rendered or provided (the model\'s runtime)',
    'spec.endpointPickerRef: Service inference/qwen-picker is neither rendered nor provided (the endpoint picker)',
  ]);
});

test('a workload selector that does not select its own template is an apiserver error', () => {
  const objs = edit(platform(), 'Deployment', 'litellm', (d) => (d.spec.selector.matchLabels = { app: 'litellm' }));
  const issues = check(objs);
  assert.ok(issues.some((i) => i.path === 'spec.selector' && /does not match the pod template labels/.test(i.message)));
});

test('namespaces must be rendered, provided or built in', () => {
  const objs = without(platform(), 'Namespace', 'infra');
  const issues = check(objs);
  assert.ok(issues.length > 10 && issues.every((i) => i.path === 'metadata.namespace'));
  assert.deepEqual(check(objs, [{ kind: 'Namespace', name: 'infra', by: 'user (--create-namespace=false)' }]), []);
});

test('label selectors: matchLabels and every matchExpressions operator', () => {
  const labels = { app: 'a', tier: 'web' };
  assert.ok(selectorMatches({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, labels));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels));
  assert.ok(selectorMatches({ matchExpressions: [{ key: 'x', operator: 'DoesNotExist' }, { key: 'app', operator: 'Exists' }] }, labels));
  assert.ok(!selectorMatches({ matchExpressions: [{ key: 'x', operator: 'Exists' }] }, labels));
});
