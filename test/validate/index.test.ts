import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { loadCrdCatalog, validateRender } from '../../src/validate/index.js';
import { platform } from './fixtures.js';

function broken(): K8sObject[] {
  const objects = platform();
  const find = (kind: string, name: string): any => objects.find((o) => o.kind === kind && o.metadata.name === name);
  find('Deployment', 'litellm').spec.template.spec.containers[0].imagePullPolicyy = 'Always';
  find('Deployment', 'litellm').spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name = 'litellm-key';
  find('Cluster', 'pg').spec.postgresql.parameters.max_connections = 200;
  delete find('HTTPRoute', 'litellm').spec.rules[0].backendRefs[0].port;
  delete find('StatefulSet', 'valkey').spec.template.spec.containers[0].securityContext;
  objects.push(structuredClone(find('ConfigMap', 'litellm-config')));
  objects.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'litellm', namespace: 'infra' }, spec: {} });
  return objects;
}

test('a render of about 40 objects validates clean, and fast once the catalog is loaded', () => {
  const objects = [...platform(), ...platform().filter((o) => ['Deployment', 'Service', 'ConfigMap', 'Secret'].includes(o.kind)).map(renamed)];
  const t0 = performance.now();
  const catalog = loadCrdCatalog();
  const t1 = performance.now();
  const report = validateRender(objects, { provided: [], catalog });
  const t2 = performance.now();
  validateRender(objects, { provided: [], catalog });
  const t3 = performance.now();
  console.log(`validate ${objects.length} objects: catalog load ${(t1 - t0).toFixed(0)} ms, first validation ${(t2 - t1).toFixed(0)} ms (parses and compiles the CRDs used), second ${(t3 - t2).toFixed(0)} ms`);
  assert.equal(objects.length, 40);
  assert.equal(report.summary().split('\n')[0], `${objects.length} objects validated: no errors`);
  assert.ok(report.ok);
  assert.ok(report.cel.evaluated > 0);
  assert.equal(report.cel.skipped, 0);
});

function renamed(o: K8sObject): K8sObject {
  const c = structuredClone(o);
  c.metadata.name = `${c.metadata.name}-b`;
  return c;
}

test('issues are grouped per object in render order, sorted by source and path', () => {
  const report = validateRender(broken(), { provided: [] });
  assert.equal(report.ok, false);
  assert.deepEqual(report.objects.map((o) => o.object), [
    'ConfigMap infra/litellm-config', 'Deployment infra/litellm', 'Cluster infra/pg', 'StatefulSet infra/valkey', 'HTTPRoute infra/litellm', 'VirtualService infra/litellm',
  ]);
  const lines = report.issues.map((i) => `${i.object} [${i.source}] ${i.path}`);
  assert.deepEqual(lines, [
    'ConfigMap infra/litellm-config [render] metadata.name',
    'Deployment infra/litellm [schema] spec.template.spec.containers[0].imagePullPolicyy',
    'Deployment infra/litellm [reference] spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef',
    'Cluster infra/pg [schema] spec.postgresql.parameters.max_connections',
    'StatefulSet infra/valkey [pod-security] spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
    'StatefulSet infra/valkey [pod-security] spec.template.spec.containers[0].securityContext.capabilities.drop',
    'HTTPRoute infra/litellm [schema] spec.rules[0].backendRefs[0]',
    'VirtualService infra/litellm [schema] apiVersion',
  ]);
  assert.equal(report.issues[6].message, 'Must have port for Service reference');
  assert.match(report.issues[7].message, /no schema for VirtualService in networking.istio.io\/v1/);
});

test('the summary is deterministic and says what was not evaluated', () => {
  const a = validateRender(broken(), { provided: [] }).summary();
  const b = validateRender(broken(), { provided: [] }).summary();
  assert.equal(a, b);
  const lines = a.split('\n');
  assert.equal(lines[0], '34 objects validated: 8 errors in 6 objects');
  assert.ok(lines.includes('Cluster infra/pg (Cluster.postgresql.cnpg.io):'));
  assert.ok(lines.includes('  [schema] spec.postgresql.parameters.max_connections: must be of type string, got integer 200'));
  assert.ok(lines.includes('  [pod-security allowPrivilegeEscalation] spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation: container "valkey": must set allowPrivilegeEscalation=false'));
  // The Cluster's CEL rules are skipped because of its type error, as the apiserver does.
  assert.match(lines.find((l) => l.startsWith('CEL rules:'))!, /^CEL rules: \d+ evaluated, \d+ could not be evaluated \(object has type errors: \d+\)/);
  assert.match(lines[lines.length - 1], /kubernetes-models 4.5.1 \(Kubernetes v1.33.0 OpenAPI\)/);
});

test('provided refs and exemptions', () => {
  const report = validateRender(broken(), {
    provided: [{ kind: 'Secret', namespace: 'infra', name: 'litellm-key', keys: ['masterKey'], by: 'user (litellm.masterKey.existingSecret)' }],
    exemptions: [{ object: 'StatefulSet infra/valkey', container: 'valkey', reason: 'upstream valkey image' }],
  });
  assert.equal(report.issues.length, 5);
  assert.deepEqual(report.exempted.map((i) => [i.check, i.exempt]), [
    ['capabilities_restricted', 'upstream valkey image'],
    ['allowPrivilegeEscalation', 'upstream valkey image'],
  ]);
  assert.match(report.summary(), /exempted:\n {2}StatefulSet infra\/valkey \[capabilities_restricted\].*\(exempt: upstream valkey image\)/);
});

test('podSecurity and operatorRefs can be turned off', () => {
  const report = validateRender(platform(), { provided: [], podSecurity: false, operatorRefs: false });
  assert.ok(report.issues.every((i) => i.source === 'reference'));
  assert.ok(report.issues.some((i) => i.message.includes('Secret infra/pg-app')));
});

test('an object without metadata is reported, not a crash', () => {
  const report = validateRender([{ apiVersion: 'v1', kind: 'ConfigMap', data: {} } as unknown as K8sObject], { provided: [] });
  assert.deepEqual(report.issues.map((i) => `${i.object} [${i.source}] ${i.path}: ${i.message}`), [
    'ConfigMap <unnamed> [render] metadata.name: Required value: every object needs metadata.name',
  ]);
});
