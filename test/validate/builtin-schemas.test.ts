import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { K8sObject } from '../../src/core/object.js';
import { isBuiltinApiVersion, runRecorded, validateBuiltin } from '../../src/validate/builtin-schemas.js';
import { litellmDeployment, platform } from './fixtures.js';

const container = (d: K8sObject): Record<string, unknown> => (d.spec as any).template.spec.containers[0];

test('built-in objects of the platform render are valid', () => {
  for (const o of platform()) {
    if (!isBuiltinApiVersion(o.apiVersion)) continue;
    assert.deepEqual(validateBuiltin(o), [], `${o.kind} ${o.metadata.name}`);
  }
});

test('an unknown container field is rejected', () => {
  const d = litellmDeployment();
  container(d).imagePullPolicyy = 'Always';
  assert.deepEqual(validateBuiltin(d), [
    { path: 'spec.template.spec.containers[0].imagePullPolicyy', message: 'unknown field "imagePullPolicyy"' },
  ]);
});

test('a string where an integer belongs is rejected', () => {
  const d = litellmDeployment();
  (d.spec as any).replicas = '2';
  assert.deepEqual(validateBuiltin(d), [{ path: 'spec.replicas', message: 'must be of type integer, got string "2"' }]);
});

test('a container without a name is rejected', () => {
  const d = litellmDeployment();
  delete container(d).name;
  assert.deepEqual(validateBuiltin(d), [{ path: 'spec.template.spec.containers[0].name', message: 'Required value: "name" is required' }]);
});

test('enum values are enforced where the OpenAPI schema has them', () => {
  const d = litellmDeployment();
  container(d).imagePullPolicy = 'Sometimes';
  (d.spec as any).strategy = { type: 'Recreated' };
  const issues = validateBuiltin(d)!;
  assert.deepEqual(issues.map((i) => i.path), ['spec.strategy.type', 'spec.template.spec.containers[0].imagePullPolicy']);
  assert.match(issues[1].message, /Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"/);
});

test('unknown fields are found at every level, including metadata and the pod template', () => {
  const d = litellmDeployment();
  (d as any).specc = {};
  (d.metadata as any).label = {};
  (d.spec as any).template.spec.securityContext.runAsNonroot = true;
  (d.spec as any).template.spec.volumes[0].configMap.nme = 'x';
  assert.deepEqual(validateBuiltin(d)!.map((i) => i.path).sort(), [
    'metadata.label', 'spec.template.spec.securityContext.runAsNonroot', 'spec.template.spec.volumes[0].configMap.nme', 'specc',
  ]);
});

test('maps accept any key but check value types', () => {
  const cm: K8sObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n', labels: { 'any/key': 'v' } }, data: { 'any.key': 'v', n: 1 as unknown as string } };
  assert.deepEqual(validateBuiltin(cm), [{ path: 'data.n', message: 'must be of type string, got integer 1' }]);
});

test('quantities and int-or-string fields', () => {
  const d = litellmDeployment();
  (d.spec as any).template.spec.containers[0].resources.limits.memory = '2 GB';
  (d.spec as any).strategy = { rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
  assert.deepEqual(validateBuiltin(d), [
    { path: 'spec.template.spec.containers[0].resources.limits.memory', message: 'Invalid value: "2 GB": must be a number or a string of format quantity' },
  ]);
  (d.spec as any).template.spec.containers[0].resources.limits.memory = '2Gi';
  (d.spec as any).strategy.rollingUpdate.maxSurge = true;
  assert.deepEqual(validateBuiltin(d), [{ path: 'spec.strategy.rollingUpdate.maxSurge', message: 'Invalid value: true: must be a string or an integer' }]);
});

test('removed API versions and unknown kinds of built-in groups', () => {
  assert.match(validateBuiltin({ apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'p' } })![0].message, /no longer served since Kubernetes 1.25/);
  assert.match(validateBuiltin({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' } })![0].message, /1.26/);
  assert.match(validateBuiltin({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'd' } })![0].message, /not a kind of apps\/v1/);
  assert.equal(validateBuiltin({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'c' } }), undefined);
});

test('CRDs and webhook configurations validate as built-in objects', () => {
  const crd: K8sObject = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { kind: 'Widget', plural: 'widgets' },
      versions: [{
        name: 'v1', served: true, storage: true,
        schema: { openAPIV3Schema: { type: 'object', description: 'd', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, 'x-kubernetes-validations': [{ rule: 'true' }] } } } },
        additionalPrinterColumns: [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp', description: 'age' }],
      }],
    },
  };
  assert.deepEqual(validateBuiltin(crd), []);
  (crd.spec as any).versions[0].schema.openAPIV3Schema.properties.spec.typo = 1;
  assert.deepEqual(validateBuiltin(crd)!.map((i) => i.path), ['spec.versions[0].schema.openAPIV3Schema.properties.spec.typo']);
  const hook: K8sObject = {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'h' },
    webhooks: [{ name: 'v.example.com', admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Fial', clientConfig: { service: { name: 's', namespace: 'n', path: '/v' } } }],
  };
  assert.deepEqual(validateBuiltin(hook)!.map((i) => i.path), ['webhooks[0].failurePolicy']);
});

/**
 * The unknown-field check relies on every generated validator inspecting every declared property.
 * Check that against the property lists in the package's .d.ts files for all definitions, so an
 * upgrade of kubernetes-models that breaks the assumption fails here, not in a user's render.
 */
test('every kubernetes-models definition inspects exactly its declared properties', () => {
  const require = createRequire(import.meta.url);
  const roots = [dirname(require.resolve('kubernetes-models')), dirname(require.resolve('@kubernetes-models/apimachinery'))];
  const declared = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const f = join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.d.ts')) {
        const s = readFileSync(f, 'utf8');
        const m = /export \{ (\w+) as I(\w+)/.exec(s);
        const body = m && new RegExp(`export interface ${m[1]}[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(s);
        if (m && body) declared.set(m[2], [...body[1].matchAll(/^ {4}"([^"]+)"\??:/gm)].map((x) => x[1]));
      }
    }
  };
  roots.forEach(walk);
  let checked = 0;
  for (const root of roots) {
    for (const f of readdirSync(join(root, '_schemas')).filter((n) => n.endsWith('.js'))) {
      const id = f.slice(0, -3);
      const props = declared.get(id);
      if (!props || props.length === 0) continue;
      const fn = require(join(root, '_schemas', f)).validate as ((d: unknown) => boolean) & { errors?: unknown };
      const value = Object.fromEntries(props.map((p) => [p, null]));
      const { unknown } = runRecorded((d) => {
        if (!fn(d)) throw Object.assign(new Error('invalid'), { errors: fn.errors });
      }, value);
      assert.deepEqual(unknown, [], id);
      checked++;
    }
  }
  assert.ok(checked > 800, `checked ${checked}`);
});
