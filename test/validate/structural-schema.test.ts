import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileStructuralSchema, type Schema } from '../../src/validate/structural-schema.js';
import { newCelStats } from '../../src/validate/cel.js';

const paths = (issues: { path: string }[]): string[] => issues.map((i) => i.path).sort();

const listener: Schema = {
  type: 'object',
  required: ['name', 'port'],
  properties: {
    name: { type: 'string', maxLength: 8, pattern: '^[a-z]+$' },
    port: { type: 'integer', format: 'int32', minimum: 1, maximum: 65535 },
    protocol: { type: 'string', enum: ['HTTP', 'HTTPS'], default: 'HTTP' },
  },
};
const spec: Schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        instances: { type: 'integer', minimum: 1 },
        listeners: { type: 'array', items: listener, maxItems: 2, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
        parameters: { type: 'object', additionalProperties: { type: 'string' } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        target: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    },
  },
};

test('a valid value has no issues', () => {
  const v = compileStructuralSchema(spec);
  assert.deepEqual(
    v({ spec: { instances: 2, listeners: [{ name: 'web', port: 80 }], parameters: { a: 'b' }, free: { x: { y: 1 } }, target: '50%', note: null, tags: ['a'] } }),
    [],
  );
  assert.deepEqual(v({ spec: { target: 8080 } }), []);
});

test('unknown fields are rejected unless the schema preserves them', () => {
  const issues = compileStructuralSchema(spec)({ spec: { instancez: 1, listeners: [{ name: 'a', port: 1, tls: {} }], free: { anything: true } }, extra: 1 });
  assert.deepEqual(paths(issues), ['extra', 'spec.instancez', 'spec.listeners[0].tls']);
  assert.match(issues.find((i) => i.path === 'spec.instancez')!.message, /unknown field "instancez"/);
});

test('an object schema with no properties prunes (so rejects) every field', () => {
  const v = compileStructuralSchema({ type: 'object', properties: { empty: { type: 'object' } } });
  assert.deepEqual(paths(v({ empty: { a: 1 } })), ['empty.a']);
});

test('type errors name the expected and the actual type', () => {
  const issues = compileStructuralSchema(spec)({ spec: { instances: '2', parameters: { max_connections: 200 }, target: true } });
  assert.deepEqual(paths(issues), ['spec.instances', 'spec.parameters.max_connections', 'spec.target']);
  assert.match(issues.find((i) => i.path === 'spec.instances')!.message, /must be of type integer, got string "2"/);
  assert.match(issues.find((i) => i.path === 'spec.parameters.max_connections')!.message, /must be of type string, got integer 200/);
  assert.match(issues.find((i) => i.path === 'spec.target')!.message, /integer or a string/);
});

test('null is pruned from non-nullable fields but rejected where no pruning applies', () => {
  const v = compileStructuralSchema(spec);
  assert.deepEqual(v({ spec: { instances: null, note: null } }), []);
  assert.deepEqual(paths(v({ spec: { tags: [null] } })), ['spec.tags[0]']);
});

test('required, enum, pattern, lengths, bounds and int32', () => {
  const issues = compileStructuralSchema(spec)({
    spec: { instances: 0, listeners: [{ name: 'TooLongName', port: 70000, protocol: 'UDP' }, { port: 3000000000 }] },
  });
  const byPath = Object.fromEntries(issues.map((i) => [i.path + ' ' + i.message.split(':')[0], i.message]));
  assert.ok(Object.keys(byPath).some((k) => k.startsWith('spec.instances Invalid value')), JSON.stringify(issues));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[0].name' && /may not be longer than 8/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[0].name' && /should match/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[0].port' && /less than or equal to 65535/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[0].protocol' && /Unsupported value: "UDP"/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[1].name' && /Required value/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[1].port' && /int32/.test(i.message)));
});

test('list-type set and map reject duplicates; maxItems counts', () => {
  const issues = compileStructuralSchema(spec)({
    spec: { tags: ['a', 'a'], listeners: [{ name: 'a', port: 1 }, { name: 'a', port: 2 }, { name: 'b', port: 3 }] },
  });
  assert.ok(issues.some((i) => i.path === 'spec.tags[1]' && /Duplicate/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners[1]' && /Duplicate/.test(i.message)));
  assert.ok(issues.some((i) => i.path === 'spec.listeners' && /at most 2 items/.test(i.message)));
});

test('patterns are RE2: inline flags work', () => {
  const v = compileStructuralSchema({ type: 'string', pattern: '(?i)^abc$' });
  assert.deepEqual(v('ABC'), []);
  assert.equal(v('abd').length, 1);
});

test('formats the apiserver checks; unknown formats are ignored', () => {
  const v = (format: string, value: unknown) => compileStructuralSchema({ type: typeof value === 'number' ? 'integer' : 'string', format })(value);
  assert.deepEqual(v('date-time', '2026-01-02T03:04:05Z'), []);
  assert.equal(v('date-time', 'yesterday').length, 1);
  assert.deepEqual(v('byte', 'aGVsbG8='), []);
  assert.equal(v('byte', 'not base64!').length, 1);
  assert.equal(v('ipv4', '10.0.0.300').length, 1);
  assert.deepEqual(v('ipv6', '::1'), []);
  assert.deepEqual(v('quantity-ish', 'whatever'), []);
  assert.deepEqual(v('int64', 2 ** 40), []);
});

test('anyOf, oneOf and not check values only', () => {
  const s: Schema = {
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'string' } },
    anyOf: [{ required: ['a'] }, { required: ['b'] }],
    not: { required: ['a', 'b'] },
  };
  const v = compileStructuralSchema(s);
  assert.deepEqual(v({ a: 'x' }), []);
  assert.match(v({})[0].message, /anyOf/);
  assert.match(v({ a: 'x', b: 'y' })[0].message, /\(not\)/);
  const one = compileStructuralSchema({ oneOf: [{ type: 'integer' }, { type: 'integer', minimum: 5 }] } as Schema);
  assert.deepEqual(one(1), []);
  assert.match(one(7)[0].message, /oneOf/);
});

const celSchema: Schema = {
  type: 'object',
  properties: {
    backendRef: {
      type: 'object',
      properties: {
        group: { type: 'string', default: '' },
        kind: { type: 'string', default: 'Service' },
        name: { type: 'string' },
        port: { type: 'integer' },
      },
      'x-kubernetes-validations': [
        { rule: "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true", message: 'Must have port for Service reference' },
        { rule: 'self.name.startsWith("x")', messageExpression: '"name " + self.name + " must start with x"', fieldPath: '.name' },
        { rule: 'self.name == oldSelf.name', message: 'name is immutable' },
      ],
    },
  },
};

test('CEL rules run on the defaulted object, with message, messageExpression and fieldPath', () => {
  const stats = newCelStats();
  const v = compileStructuralSchema(celSchema, { celStats: stats });
  assert.deepEqual(v({ backendRef: { name: 'xa', port: 80 } }), []);
  const issues = v({ backendRef: { name: 'svc' } });
  assert.deepEqual(issues, [
    { path: 'backendRef', message: 'Must have port for Service reference' },
    { path: 'backendRef.name', message: 'name svc must start with x' },
  ]);
  assert.equal(stats.evaluated, 4);
  assert.equal(stats.transitionSkipped, 2);
});

test('transition rules run when an old object is given', () => {
  const v = compileStructuralSchema(celSchema);
  assert.deepEqual(v({ backendRef: { name: 'xb', port: 1 } }, { backendRef: { name: 'xa', port: 1 } }), [{ path: 'backendRef', message: 'name is immutable' }]);
});

test('CEL sees integers as int: integer division and int comparisons', () => {
  const v = compileStructuralSchema({
    type: 'object',
    properties: { n: { type: 'integer' }, d: { type: 'number' } },
    'x-kubernetes-validations': [{ rule: 'self.n / 2 == 1', message: 'int division' }, { rule: 'self.d / 2.0 == 1.25', message: 'double' }],
  });
  assert.deepEqual(v({ n: 3, d: 2.5 }), []);
});

test('rules that cannot be evaluated are counted, not failed; type errors block CEL like the apiserver', () => {
  const stats = newCelStats();
  const v = compileStructuralSchema(
    {
      type: 'object',
      properties: { n: { type: 'integer' } },
      'x-kubernetes-validations': [{ rule: 'noSuchFunction(self.n)' }, { rule: 'self.n > 0', message: 'positive' }, { rule: 'self.missing == 1' }],
    },
    { celStats: stats },
  );
  assert.deepEqual(v({ n: 1 }), []);
  assert.equal(stats.evaluated, 1);
  assert.equal(stats.skipped, 2);
  assert.equal(stats.skipReasons['unsupported function noSuchFunction'], 1);
  assert.deepEqual(v({ n: 'x' }).map((i) => i.path), ['n']);
  assert.equal(stats.skipReasons['object has type errors'], 3);
});

test('cel: false skips rules entirely', () => {
  const stats = newCelStats();
  assert.deepEqual(compileStructuralSchema(celSchema, { cel: false, celStats: stats })({ backendRef: { name: 'svc' } }), []);
  assert.equal(stats.evaluated + stats.skipped, 0);
});

test('a resource root implies apiVersion, kind and ObjectMeta; metadata fields are checked', () => {
  const v = compileStructuralSchema({ type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } }, { resourceRoot: true });
  assert.deepEqual(v({ apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', labels: { a: 'b' } }, spec: { a: 'b' } }), []);
  const issues = v({ apiVersion: 'x/v1', kind: 'K', metadata: { name: 'n', labels: { a: 1 }, lables: {} } });
  assert.deepEqual(paths(issues), ['metadata.labels[a]', 'metadata.lables']);
});

test('embedded resources allow apiVersion, kind and metadata', () => {
  const v = compileStructuralSchema({
    type: 'object',
    properties: { template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
  });
  assert.deepEqual(v({ template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] } } }), []);
  assert.deepEqual(paths(v({ template: { metadata: { nmae: 'p' } } })), ['template.metadata.nmae']);
});

test('validation cost follows the value, not the size of the schema', () => {
  // The KServe CRD is 2 MB; an object using one branch of a wide schema must stay cheap.
  const wide: Schema = { type: 'object', properties: {} };
  for (let i = 0; i < 5000; i++) wide.properties![`f${i}`] = { type: 'object', properties: { x: { type: 'string', pattern: `^${i}$` } } };
  const v = compileStructuralSchema(wide);
  const t = performance.now();
  for (let i = 0; i < 1000; i++) v({ f1: { x: '1' } });
  assert.ok(performance.now() - t < 500);
});

test('apply returns what the apiserver stores: pruned and defaulted', () => {
  const v = compileStructuralSchema(spec);
  const { value, issues } = v.apply({ spec: { listeners: [{ name: 'web', port: 80 }], note: null, instances: null, bogus: 1 } });
  assert.deepEqual(paths(issues), ['spec.bogus']);
  assert.deepEqual(value, { spec: { listeners: [{ name: 'web', port: 80, protocol: 'HTTP' }], note: null } });
});
