import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { parseAllDocuments, parse } from 'yaml';
import { startPlatform, type Platform } from '../helpers/platform.js';

/**
 * The commands Helm users type, end to end: the inferctl binary against the API simulator (run in
 * this process, so the CLI is spawned asynchronously). The release is a model stack without models
 * or registrar: ServingRuntimes only, which are ready as soon as KServe admits them.
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
let p: Platform;

function inferctl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/inferctl.js', ...args, '--kubeconfig', p.sim.kubeconfigPath], { cwd: ROOT, env: { ...process.env, INFERCTL_POLL_MS: '25', CI: '1' }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}
const NO_SECRET = /sk-|password|hunter2/;

before(async () => {
  p = await startPlatform({ operators: ['kserve'], crds: ['ServingRuntime.serving.kserve.io'] });
});
after(() => p?.stop());

test('install and upgrade -o json|yaml print the release instead of the summary; progress stays on stderr', async () => {
  const install = await inferctl('install', 'stack', 'inference-stack', '-n', 'models', '--create-namespace', '--set', 'registrar.enabled=false', '-o', 'json');
  assert.equal(install.code, 0, install.stderr);
  const release = JSON.parse(install.stdout);
  assert.deepEqual([release.name, release.namespace, release.revision, release.status], ['stack', 'models', 1, 'deployed']);
  assert.match(install.stderr, /==> runtimes/);
  // --reuse-values keeps registrar.enabled=false from revision 1 and adds the new value.
  const upgrade = await inferctl('upgrade', 'stack', 'inference-stack', '-n', 'models', '--reuse-values', '--set', 'runtimes.ollama.enabled=false', '-o', 'yaml');
  assert.equal(upgrade.code, 0, upgrade.stderr);
  const upgraded = parse(upgrade.stdout);
  assert.equal(upgraded.revision, 2);
  assert.deepEqual(upgraded.pruned, ['ServingRuntime models/stack-ollama']);
  assert.ok(!upgraded.objects.some((o: { kind: string }) => o.kind === 'Job'), 'still no registrar: the reused value held');
  const bad = await inferctl('upgrade', 'stack', 'inference-stack', '-n', 'models', '-o', 'table');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^Error: -o\/--output of upgrade must be json or yaml \(without it, a summary is printed\), got "table"\.\n$/);
});

test('history, get values [--all] and get manifest', async () => {
  const history = await inferctl('history', 'stack', '-n', 'models');
  assert.equal(history.code, 0, history.stderr);
  assert.match(history.stdout, /^REVISION\s+UPDATED\s+STATUS\s+CHART\s+APP VERSION\s+DESCRIPTION\n1\s+\S+\s+superseded\s+inference-stack-0\.1\.0\s+1\.0\.0\s+Install\n2\s+\S+\s+deployed\s+inference-stack-0\.1\.0\s+1\.0\.0\s+Upgrade\n$/);

  const user = await inferctl('get', 'values', 'stack', '-n', 'models');
  assert.equal(user.code, 0, user.stderr);
  assert.equal(user.stdout, 'USER-SUPPLIED VALUES:\nregistrar:\n  enabled: false\nruntimes:\n  ollama:\n    enabled: false\n');
  const all = await inferctl('get', 'values', 'stack', '-n', 'models', '--all', '-o', 'json');
  const computed = JSON.parse(all.stdout);
  assert.equal(computed.runtimes.vllm.image.repository, 'docker.io/vllm/vllm-openai');
  assert.equal(computed.runtimes.ollama.enabled, false);
  const first = await inferctl('get', 'values', 'stack', '-n', 'models', '--revision', '1', '-o', 'yaml');
  assert.equal(first.stdout, 'registrar:\n  enabled: false\n');

  const manifest = await inferctl('get', 'manifest', 'stack', '-n', 'models');
  const objects = parseAllDocuments(manifest.stdout).map((d) => d.toJS());
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['ServingRuntime/stack-llamacpp', 'ServingRuntime/stack-sglang', 'ServingRuntime/stack-vllm']);
  for (const r of [history, user, all, manifest]) assert.doesNotMatch(r.stdout, NO_SECRET);
});

test('diff exits 0 by default and 2 for changes only with --detailed-exitcode, like helm-diff', async () => {
  const base = ['diff', 'stack', 'inference-stack', '-n', 'models', '--set', 'registrar.enabled=false', '--set', 'runtimes.ollama.enabled=false'];
  const same = await inferctl(...base, '--detailed-exitcode');
  assert.equal(same.code, 0, same.stderr);
  assert.equal(same.stdout, 'no changes\n');
  const change = [...base, '--set', 'runtimes.sglang.enabled=false'];
  const plain = await inferctl(...change);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^PRUNE ServingRuntime models\/stack-sglang/m);
  assert.equal((await inferctl(...change, '--detailed-exitcode')).code, 2);
});

test('status exits 0 when every object is ready and 3 when the release is not ready', async () => {
  const ready = await inferctl('status', 'stack', '-n', 'models');
  assert.equal(ready.code, 0, ready.stdout + ready.stderr);
  assert.match(ready.stdout, /^READY: yes$/m);
  p.sim.client('someone-else').delete('serving.kserve.io/v1alpha1', 'ServingRuntime', 'models', 'stack-vllm');
  const broken = await inferctl('status', 'stack', '-n', 'models');
  assert.equal(broken.code, 3, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /^READY: no \(1 of 3 objects not ready\)$/m);
  assert.match(broken.stdout, /ServingRuntime models\/stack-vllm\s+runtimes\s+failed\s+missing from the cluster/);
  assert.equal((await inferctl('status', 'nope', '-n', 'models')).code, 1);
});

test('--debug anywhere on the line shows every progress event with timings and the detail of errors', async () => {
  const upgrade = await inferctl('--debug', 'upgrade', 'stack', 'inference-stack', '-n', 'models', '--reuse-values');
  assert.equal(upgrade.code, 0, upgrade.stderr);
  assert.match(upgrade.stderr, /^\[\s+\d+\.\d+s\] ==> runtimes/m);
  const failed = await inferctl('status', 'nope', '-n', 'models', '--debug');
  assert.equal(failed.code, 1);
  assert.match(failed.stderr, /^Error: release "nope" not found/);
  assert.match(failed.stderr, /\n\s+at .+:\d+:\d+/, 'the stack is shown with --debug');
  const quiet = await inferctl('status', 'nope', '-n', 'models');
  assert.doesNotMatch(quiet.stderr, /\n\s+at /, 'and only then');
});
