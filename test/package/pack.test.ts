import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../src/validate/paths.js';
import { Processes } from '../helpers/procs.js';
import { directorySize, installPackedApp, type PackedApp } from './packed.js';

/**
 * The package as a user gets it: `npm pack`, then installed into an empty directory with no
 * repository and no ../shared around it (npm ci --offline from the shrinkwrap, so nothing is
 * downloaded: npm's cache already holds every dependency after the repository's own npm ci).
 */
const procs = new Processes();
let app: PackedApp;

before(() => {
  app = installPackedApp(procs.tempDir('packed'));
});

after(() => procs.stopAll());

const MODELS = '[{"name":"qwen","runtime":"vllm","storageUri":"hf://Qwen/Qwen2.5-0.5B-Instruct","gpus":1},{"name":"tiny","runtime":"llamacpp","deploymentMode":"Standard","storageUri":"pvc://models/tiny","modelFile":"tiny.gguf"}]';

test('the tarball holds the CLI, the bundle, the charts and the pinned upstream data with its licence; no tests, no sources of tests', (t) => {
  const files = app.files;
  for (const f of ['package/bin/inferctl.js', 'package/bin/k8s-sim.js', 'package/dist/bundle/main.js', 'package/dist/src/sim/standalone.js', 'package/npm-shrinkwrap.json',
    'package/upstream/LICENSE', 'package/upstream/SOURCES.md', 'package/charts/inference-operators/manifests.lock.json', 'package/examples/values-external-db.yaml']) {
    assert.ok(files.includes(f), f);
  }
  const lock = JSON.parse(readFileSync(join(repoRoot(), 'charts/inference-operators/manifests.lock.json'), 'utf8')) as { manifests: { project: string; file: string }[] };
  for (const e of lock.manifests) assert.ok(files.includes(`package/upstream/install/${e.project}/${e.file}`), `${e.project}/${e.file} ships`);
  assert.deepEqual(files.filter((f) => f.startsWith('package/dist/test/') || f.startsWith('package/test/') || f.startsWith('package/src/')), []);
  t.diagnostic(`packed ${(app.packedBytes / 1048576).toFixed(1)} MiB (${files.length} files, ${(app.unpackedBytes / 1048576).toFixed(1)} MiB unpacked); installed with dependencies ${(directorySize(join(app.dir, 'node_modules')) / 1048576).toFixed(1)} MiB`);
});

test('only runtime dependencies are installed: no TypeScript, esbuild or the kubectl/helm layer', () => {
  for (const dev of ['typescript', 'esbuild', '@aws-cdk/lambda-layer-kubectl-v35', 'aws-cdk-lib']) {
    assert.ok(!existsSync(join(app.dir, 'node_modules', dev)), `${dev} is not installed`);
  }
  assert.ok(existsSync(join(app.dir, 'node_modules', '.bin', 'inferctl')));
  assert.ok(existsSync(join(app.dir, 'node_modules', '.bin', 'k8s-sim')));
});

test('template renders the three charts offline from the installed package, with the README commands unchanged', () => {
  for (const [release, chart, extra] of [
    ['operators', './charts/inference-operators', []],
    ['infra', './charts/inference-infrastructure', []],
    ['stack', './charts/inference-stack', ['--set', 'infrastructureReleaseName=infra', '--set-json', `models=${MODELS}`]],
  ] as const) {
    const r = app.inferctl(['template', release, chart, ...extra]);
    assert.equal(r.status, 0, `${chart}: ${r.stderr}`);
    assert.match(r.stdout, /^---\n# Source: /);
  }
  // The operators chart renders the shipped upstream manifests: a CNPG CRD and the KServe controller.
  const ops = app.inferctl(['template', 'operators', 'inference-operators']).stdout;
  assert.match(ops, /name: clusters\.postgresql\.cnpg\.io/);
  assert.match(ops, /name: kserve-controller-manager/);
  // The examples ship too, so the README's values files work from the package directory.
  const external = app.inferctl(['template', 'infra', 'inference-infrastructure', '-f', join(app.packageDir, 'examples', 'values-external-db.yaml')]);
  assert.equal(external.status, 0, external.stderr);
  assert.doesNotMatch(external.stdout, /kind: Cluster\n/);
});

test('lint validates the three charts against the schemas shipped in the package', () => {
  const operators = app.inferctl(['lint', 'operators', './charts/inference-operators']);
  assert.equal(operators.status, 0, operators.stdout + operators.stderr);
  assert.match(operators.stdout, /objects validated: no errors/);
  const infra = app.inferctl(['lint', 'infra', './charts/inference-infrastructure']);
  assert.equal(infra.status, 0, infra.stdout + infra.stderr);
  const stack = app.inferctl(['lint', 'stack', './charts/inference-stack', '--set-json', `models=${MODELS}`]);
  assert.equal(stack.status, 0, stack.stdout + stack.stderr);
  // A real schema error is still found: the CRDs were loaded, not skipped.
  const bad = app.inferctl(['lint', 'infra', 'inference-infrastructure', '--set-string', 'networking-layer.envoyGateway.hostname=Not_A_Host!']);
  assert.equal(bad.status, 1, bad.stdout);
});

test('the installed package never looks for ../shared', () => {
  const shared = join(app.dir, 'node_modules', 'shared');
  assert.ok(!existsSync(shared));
  const bundle = readFileSync(join(app.packageDir, 'dist', 'bundle', 'main.js'), 'utf8');
  assert.doesNotMatch(bundle, /\.\.\/shared|shared\/upstream/);
  // The lock pins the shipped bytes.
  const lock = JSON.parse(readFileSync(join(app.packageDir, 'charts/inference-operators/manifests.lock.json'), 'utf8')) as { manifests: { project: string; file: string; sha256: string }[] };
  for (const e of lock.manifests) {
    const digest = createHash('sha256').update(readFileSync(join(app.packageDir, 'upstream', 'install', e.project, e.file))).digest('hex');
    assert.equal(digest, e.sha256, `${e.project}/${e.file}`);
  }
});
