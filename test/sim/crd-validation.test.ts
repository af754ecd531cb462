/**
 * The simulator's own structural-schema validation of custom resources (src/sim/structural.ts),
 * message for message as the apiextensions apiserver words it (kube-openapi's "in body" texts
 * turned into field errors), pruning included.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/index.js';
import { post, put, startCore } from './helpers.js';
import { kubectlFor, type Kubectl } from './kubectl-run.js';

let sim: Simulator;
let kubectl: Kubectl;

const GIZMOS = '/apis/example.com/v1/namespaces/default/gizmos';

const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 2, maxLength: 8, pattern: '^[a-z]+$' },
        replicas: { type: 'integer', minimum: 1, maximum: 5 },
        ratio: { type: 'number', exclusiveMaximum: true, maximum: 1, multipleOf: 0.25 },
        mode: { type: 'string', enum: ['fast', 'safe'] },
        port: { 'x-kubernetes-int-or-string': true },
        when: { type: 'string', format: 'date-time' },
        tags: { type: 'array', maxItems: 3, items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        minTags: { type: 'array', minItems: 1, items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, number: { type: 'integer' } } },
        },
        labels: { type: 'object', maxProperties: 2, additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        limits: {
          type: 'object',
          properties: { low: { type: 'integer' }, high: { type: 'integer' } },
          'x-kubernetes-validations': [
            { rule: 'self.low <= self.high', messageExpression: "'low ' + string(self.low) + ' is above high ' + string(self.high)" },
            { rule: 'self.high < 100', message: 'too high', fieldPath: '.high', reason: 'FieldValueForbidden' },
          ],
        },
        immutable: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'immutable is immutable' }] },
        // Gateway API's GatewayStatusAddress shape: value checks inside oneOf/anyOf/not branches.
        address: {
          type: 'object',
          properties: { type: { type: 'string' }, value: { type: 'string' } },
          oneOf: [{ properties: { type: { enum: ['IPAddress'] }, value: { anyOf: [{ format: 'ipv4' }, { format: 'ipv6' }] } } }, { properties: { type: { not: { enum: ['IPAddress'] } } } }],
        },
      },
    },
  },
};

before(async () => {
  sim = await startCore({ timing: { crdEstablishMs: 10 } });
  kubectl = kubectlFor(sim);
  const r = await post(sim, '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'gizmos.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { kind: 'Gizmo', plural: 'gizmos' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  });
  assert.equal(r.status, 201, r.text);
  await sim.waitFor(() => sim.registry.find('example.com', 'v1', 'gizmos'), { what: 'gizmos served' });
});
after(async () => {
  kubectl.cleanup();
  await sim.stop();
});

let n = 0;
async function create(spec: Record<string, unknown>): Promise<{ status: number; message: string; body: any }> {
  const r = await post(sim, GIZMOS, { apiVersion: 'example.com/v1', kind: 'Gizmo', metadata: { name: `g${++n}` }, spec });
  return { status: r.status, message: String(r.body?.message ?? ''), body: r.body };
}

/** The field errors inside "Gizmo.example.com "gN" is invalid: [a, b]". */
function causes(message: string): string[] {
  const m = /^Gizmo\.example\.com "g\d+" is invalid: (.*)$/s.exec(message);
  assert.ok(m, message);
  return m[1].startsWith('[') ? m[1].slice(1, -1).split(/, (?=spec|<nil>)/) : [m[1]];
}

const BLOCKED = '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

test('value checks use kube-openapi\'s wording', async () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{}, ['spec.name: Required value', BLOCKED]],
    [{ name: 'ok', replicas: 'two' }, ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"', BLOCKED]],
    [{ name: 'ok', replicas: 1.5 }, ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"', BLOCKED]],
    [{ name: 'x' }, ['spec.name: Invalid value: "x": spec.name in body should be at least 2 chars long']],
    [{ name: 'abcdefghij' }, ['spec.name: Too long: may not be more than 8 bytes', BLOCKED]],
    [{ name: 'AB' }, ["spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"]],
    [{ name: 'ok', replicas: 0 }, ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']],
    [{ name: 'ok', replicas: 6 }, ['spec.replicas: Invalid value: 6: spec.replicas in body should be less than or equal to 5']],
    [{ name: 'ok', ratio: 1 }, ['spec.ratio: Invalid value: 1: spec.ratio in body should be less than 1']],
    [{ name: 'ok', ratio: 0.3 }, ['spec.ratio: Invalid value: 0.3: spec.ratio in body should be a multiple of 0.25']],
    [{ name: 'ok', mode: 'slow' }, ['spec.mode: Unsupported value: "slow": supported values: "fast", "safe"', BLOCKED]],
    [{ name: 'ok', port: true }, ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"', BLOCKED]],
    [{ name: 'ok', when: 'yesterday' }, ['spec.when: Invalid value: "yesterday": spec.when in body must be of type date-time: "yesterday"', BLOCKED]],
    [{ name: 'ok', tags: ['a', 'b', 'c', 'd'] }, ['spec.tags: Too many: 4: must have at most 3 items', BLOCKED]],
    [{ name: 'ok', minTags: [] }, ['spec.minTags: Invalid value: 0: spec.minTags in body should have at least 1 items']],
    [{ name: 'ok', tags: ['a', 'a'] }, ['spec.tags[1]: Duplicate value: "a"']],
    [{ name: 'ok', ports: [{ name: 'http', number: 80 }, { name: 'http', number: 81 }] }, ['spec.ports[1]: Duplicate value: {"name":"http"}']],
    [{ name: 'ok', ports: [{ number: 80 }] }, ['spec.ports[0].name: Required value', BLOCKED]],
    [{ name: 'ok', labels: { a: '1', b: '2', c: '3' } }, ['spec.labels: Too many: 3: must have at most 2 items', BLOCKED]],
    [{ name: 'ok', labels: { a: 1 } }, ['spec.labels.a: Invalid value: "integer": spec.labels.a in body must be of type string: "integer"', BLOCKED]],
    [{ name: 'ok', template: { metadata: { name: 'x' } } }, ['spec.template.apiVersion: Required value: must not be empty', 'spec.template.kind: Required value: must not be empty', BLOCKED]],
  ];
  for (const [spec, expected] of cases) {
    const r = await create(spec);
    assert.equal(r.status, 422, `${JSON.stringify(spec)} -> ${r.status} ${r.message}`);
    assert.deepEqual(causes(r.message), expected, JSON.stringify(spec));
  }
  for (const spec of [{ name: 'ok', port: 8080 }, { name: 'ok', port: 'http' }, { name: 'ok', when: '2026-01-02T03:04:05Z', ratio: 0.75 }, { name: 'ok', free: { any: { thing: [1, 'x'] } } }]) {
    const r = await create(spec);
    assert.equal(r.status, 201, `${JSON.stringify(spec)}: ${r.message}`);
  }
});

test('oneOf/anyOf/not branches check nested values (wording approximate: kube-openapi reports composite errors differently)', async () => {
  for (const address of [{ type: 'IPAddress', value: '10.0.0.1' }, { type: 'IPAddress', value: 'fe80::1' }, { type: 'Hostname', value: 'gw.example.com' }]) {
    const r = await create({ name: 'ok', address });
    assert.equal(r.status, 201, `${JSON.stringify(address)}: ${r.message}`);
  }
  const bad = await create({ name: 'ok', address: { type: 'IPAddress', value: 'not-an-ip' } });
  assert.equal(bad.status, 422);
  assert.match(bad.message, /spec\.address.*oneOf/);
});

test('pruning keeps preserve-unknown-fields subtrees and embedded resources\' fields, and drops ObjectMeta fields that do not exist', async () => {
  const r = await post(sim, `${GIZMOS}?fieldValidation=Ignore`, {
    apiVersion: 'example.com/v1',
    kind: 'Gizmo',
    metadata: { name: 'pruned' },
    spec: { name: 'ok', bogus: 1, free: { deep: { er: true } }, template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', nonsense: 'x' }, spec: { containers: [] } } },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.spec.bogus, undefined);
  assert.deepEqual(r.body.spec.free, { deep: { er: true } });
  assert.deepEqual(r.body.spec.template, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } });
});

test('CEL rules: message, messageExpression, fieldPath and reason; transition rules only on update', async () => {
  const low = await create({ name: 'ok', limits: { low: 5, high: 2 } });
  assert.deepEqual(causes(low.message), ['spec.limits: Invalid value: "object": low 5 is above high 2']);
  const high = await create({ name: 'ok', limits: { low: 1, high: 200 } });
  assert.deepEqual(causes(high.message), ['spec.limits.high: Forbidden: too high']);

  const created = await create({ name: 'ok', immutable: 'first' });
  assert.equal(created.status, 201, created.message);
  const changed = await put(sim, `${GIZMOS}/${created.body.metadata.name}`, { ...created.body, spec: { ...created.body.spec, immutable: 'second' } });
  assert.equal(changed.status, 422);
  assert.equal(changed.body.message, `Gizmo.example.com "${created.body.metadata.name}" is invalid: spec.immutable: Invalid value: "string": immutable is immutable`);
});

test('kubectl apply shows the same errors', async () => {
  const out = await kubectl.run('apply', '-f', kubectl.file('bad.yaml', 'apiVersion: example.com/v1\nkind: Gizmo\nmetadata: {name: from-kubectl}\nspec: {name: ok, replicas: 9}\n'));
  assert.notEqual(out.code, 0);
  assert.match(out.stderr, /The Gizmo "from-kubectl" is invalid: spec\.replicas: Invalid value: 9: spec\.replicas in body should be less than or equal to 5/);
});
