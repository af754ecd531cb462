import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { checkNames, labelValueProblem, portNameProblem, qualifiedNameProblem } from '../../src/validate/names.js';
import { litellmDeployment, pick, platform } from './fixtures.js';

const obj = (apiVersion: string, kind: string, name: string, extra: Record<string, unknown> = {}): K8sObject =>
  ({ apiVersion, kind, metadata: { name, namespace: 'infra' }, ...extra }) as K8sObject;

test('every object of the platform render has valid names and metadata', () => {
  for (const o of platform()) assert.deepEqual(checkNames(o), [], `${o.kind} ${o.metadata.name}`);
});

test('most names are RFC 1123 subdomains', () => {
  assert.deepEqual(checkNames(obj('v1', 'ConfigMap', 'litellm.config-v1')), []);
  const issues = checkNames(obj('v1', 'ConfigMap', 'LiteLLM_config'));
  assert.equal(issues[0].path, 'metadata.name');
  assert.match(issues[0].message, /RFC 1123 subdomain/);
  assert.match(checkNames(obj('v1', 'Secret', 'a'.repeat(254)))[0].message, /no more than 253/);
});

test('Services are RFC 1035 labels: no dots, no leading digit, 63 characters', () => {
  assert.match(checkNames(obj('v1', 'Service', 'litellm.proxy'))[0].message, /RFC 1035 label/);
  assert.match(checkNames(obj('v1', 'Service', '1litellm'))[0].message, /RFC 1035 label/);
  assert.match(checkNames(obj('v1', 'Service', 'a'.repeat(64)))[0].message, /no more than 63 characters \(has 64\)/);
  assert.deepEqual(checkNames(obj('v1', 'Service', 'a'.repeat(63))), []);
});

test('Namespaces are RFC 1123 labels; RBAC names may contain colons', () => {
  assert.match(checkNames({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'infra.prod' } })[0].message, /RFC 1123 label/);
  assert.deepEqual(checkNames({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'inferctl:reader' } }), []);
  assert.match(checkNames({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'a/b' } })[0].message, /may not contain/);
});

test('names that controllers turn into labels have tighter limits', () => {
  assert.match(checkNames(obj('batch/v1', 'CronJob', 'c'.repeat(53)))[0].message, /52 characters/);
  assert.match(checkNames(obj('apps/v1', 'StatefulSet', 's'.repeat(53)))[0].message, /controller-revision-hash/);
  assert.match(checkNames(obj('batch/v1', 'Job', 'j'.repeat(64)))[0].message, /job-name label/);
});

test('a CRD name must be <plural>.<group>', () => {
  const crd: K8sObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widget.example.com' }, spec: { group: 'example.com', names: { plural: 'widgets' } } };
  assert.match(checkNames(crd)[0].message, /"widgets.example.com"/);
});

test('label keys and values', () => {
  assert.equal(qualifiedNameProblem('app.kubernetes.io/name'), null);
  assert.match(qualifiedNameProblem('a/b/c')!, /at most one "\/"/);
  assert.match(qualifiedNameProblem('Example.COM/name')!, /prefix part/);
  assert.match(qualifiedNameProblem(`x/${'n'.repeat(64)}`)!, /63/);
  assert.equal(labelValueProblem(''), null);
  assert.match(labelValueProblem('-bad')!, /alphanumeric/);
  const o = obj('v1', 'ConfigMap', 'c');
  o.metadata.labels = { 'app.kubernetes.io/version': 'v1.2.3+build', ok: 'yes', n: 3 as unknown as string };
  o.metadata.annotations = { 'example.com/checksum': 'x', 'bad key': 'y', num: 10 as unknown as string };
  assert.deepEqual(checkNames(o).map((i) => i.path), [
    'metadata.labels[app.kubernetes.io/version]', 'metadata.labels[n]', 'metadata.annotations[bad key]', 'metadata.annotations[num]',
  ]);
  assert.match(checkNames(o)[1].message, /label values must be strings, got 3 \(quote it\)/);
});

test('annotations may total 256 KiB', () => {
  const o = obj('v1', 'ConfigMap', 'c');
  o.metadata.annotations = { big: 'x'.repeat(256 * 1024) };
  assert.match(checkNames(o)[0].message, /at most 262144/);
});

test('pod templates: container, port and volume names; mounts need volumes', () => {
  const d = litellmDeployment();
  const spec = (d.spec as any).template.spec;
  spec.containers.push({ name: 'litellm', image: 'x', ports: [{ name: 'metrics-endpoint-x', containerPort: 9090 }] });
  spec.containers[0].volumeMounts.push({ name: 'cache', mountPath: '/cache' });
  spec.volumes.push({ name: 'Data', emptyDir: {} });
  (d.spec as any).template.metadata.labels['bad key!'] = 'x';
  assert.deepEqual(checkNames(d).map((i) => i.path), [
    'spec.template.metadata.labels[bad key!]',
    'spec.template.spec.containers[1].name',
    'spec.template.spec.containers[1].ports[0].name',
    'spec.template.spec.volumes[2].name',
    'spec.template.spec.containers[0].volumeMounts[2].name',
  ]);
  assert.equal(portNameProblem('metrics'), null);
  assert.match(portNameProblem('a--b')!, /consecutive/);
  assert.match(portNameProblem('8080')!, /letter/);
});

test('StatefulSet mounts may use volumeClaimTemplates; Service port names are DNS labels', () => {
  assert.deepEqual(checkNames(pick('StatefulSet', 'valkey')), []);
  const svc = pick('Service', 'litellm');
  (svc.spec as any).ports[0].name = 'tcp-prometheus-servicemonitor';
  assert.deepEqual(checkNames(svc), []);
  (svc.spec as any).ports[0].name = 'HTTP';
  assert.equal(checkNames(svc)[0].path, 'spec.ports[0].name');
});
