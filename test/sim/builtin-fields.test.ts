/**
 * Unknown fields in built-in kinds, as the apiserver's decoder and server-side apply treat them,
 * through kubectl 1.35 (which asks for fieldValidation=Strict by default) and raw requests.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Simulator } from '../../src/sim/index.js';
import { builtinTypeName } from '../../src/sim/builtin-schema.js';
import { apply, call, deployment, post, startCore } from './helpers.js';
import { kubectlFor, type Kubectl } from './kubectl-run.js';

let sim: Simulator;
let kubectl: Kubectl;
before(async () => {
  sim = await startCore();
  kubectl = kubectlFor(sim);
});
after(async () => {
  kubectl.cleanup();
  await sim.stop();
});

const DEPLOYMENTS = '/apis/apps/v1/namespaces/default/deployments';

const typo = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicaz: 3
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
`;

test('every built-in kind the simulator serves has a schema to check fields against', () => {
  const missing = sim.registry.all().filter((rt) => !rt.crd && !builtinTypeName(rt.group ? `${rt.group}/${rt.version}` : rt.version, rt.kind));
  assert.deepEqual(missing.map((rt) => `${rt.group}/${rt.version} ${rt.kind}`), []);
});

test('kubectl apply (strict by default) refuses an unknown field with the decoder\'s message', async () => {
  const out = await kubectl.run('apply', '-f', kubectl.file('strict.yaml', typo('strict')));
  assert.notEqual(out.code, 0);
  assert.match(out.stderr, /Error from server \(BadRequest\): error when creating ".*strict\.yaml": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec\.replicaz"/);
  assert.equal(sim.store.find({ kind: 'Deployment', name: 'strict' }), undefined);
});

test('kubectl apply --server-side fails the typed conversion whatever --validate says', async () => {
  const out = await kubectl.run('apply', '--server-side', '--validate=false', '-f', kubectl.file('ssa.yaml', typo('ssa')));
  assert.notEqual(out.code, 0);
  assert.match(out.stderr, /failed to create typed patch object \(default\/ssa; apps\/v1, Kind=Deployment\): \.spec\.replicaz: field not declared in schema/);
});

test('kubectl --validate=warn keeps the object without the field and prints the warning; --validate=false stays silent', async () => {
  const warned = await kubectl.run('apply', '--validate=warn', '-f', kubectl.file('warn.yaml', typo('warned')));
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(warned.stderr, /Warning: unknown field "spec\.replicaz"/);
  assert.equal((sim.store.find({ kind: 'Deployment', name: 'warned' })!.spec as any).replicaz, undefined);
  const ignored = await kubectl.run('apply', '--validate=false', '-f', kubectl.file('ignore.yaml', typo('ignored')));
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.doesNotMatch(ignored.stderr, /unknown field/);
  assert.equal((sim.store.find({ kind: 'Deployment', name: 'ignored' })!.spec as any).replicaz, undefined);
});

test('raw requests: the default is Warn, nested and metadata paths, patches report the patched object, SSA names list items by key', async () => {
  const d = deployment('raw') as any;
  d.metadata.labelz = { a: 'b' };
  d.spec.template.spec.containers[0].imagez = 'x';
  const created = await post(sim, DEPLOYMENTS, d);
  assert.equal(created.status, 201);
  assert.deepEqual(created.headers.get('warning')?.split(', '), ['299 - "unknown field \\"metadata.labelz\\""', '299 - "unknown field \\"spec.template.spec.containers[0].imagez\\""']);
  assert.equal(created.body.spec.template.spec.containers[0].imagez, undefined);

  const strict = await post(sim, `${DEPLOYMENTS}?fieldValidation=Strict`, { ...d, metadata: { ...d.metadata, name: 'raw2' } });
  assert.equal(strict.status, 400);
  assert.equal(strict.body.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "metadata.labelz", unknown field "spec.template.spec.containers[0].imagez"');

  const patched = await call(sim, 'PATCH', `${DEPLOYMENTS}/raw?fieldValidation=Strict`, { spec: { replicaz: 2 } }, { 'content-type': 'application/merge-patch+json' });
  assert.equal(patched.status, 422);
  assert.match(patched.body.message, /^ "" is invalid: patch: Invalid value: "\{.*\\"replicaz\\":2.*\}": strict decoding error: unknown field "spec\.replicaz"$/);
  assert.deepEqual(Object.keys(patched.body.details), ['causes']);
  const warnedPatch = await call(sim, 'PATCH', `${DEPLOYMENTS}/raw`, { spec: { replicaz: 2 } }, { 'content-type': 'application/strategic-merge-patch+json' });
  assert.equal(warnedPatch.status, 200);
  assert.equal(warnedPatch.headers.get('warning'), '299 - "unknown field \\"spec.replicaz\\""');

  const ssa = await apply(sim, `${DEPLOYMENTS}/raw`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' }, spec: { replicaz: 1, template: { spec: { containers: [{ name: 'app', imagez: 'x' }] } } } });
  assert.equal(ssa.status, 500);
  assert.equal(
    ssa.body.message,
    'failed to create typed patch object (default/raw; apps/v1, Kind=Deployment): errors:\n  .spec.replicaz: field not declared in schema\n  .spec.template.spec.containers[name="app"].imagez: field not declared in schema',
  );
});
