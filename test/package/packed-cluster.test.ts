import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Processes } from '../helpers/procs.js';
import { ROOT, StandaloneSim } from '../helpers/standalone.js';
import { installPackedApp, type PackedApp } from './packed.js';

/**
 * Issue 7's "done when", as a new user lives it: the packed package installed into an empty directory
 * (no repository, no ../shared), its own `k8s-sim` started with no GPU nodes, the README's three
 * commands run with the installed `inferctl` and no extra flags, then a CPU model that becomes Ready
 * and a GPU model that fails fast with the scheduler's message instead of waiting out --timeout.
 */
const procs = new Processes();
let app: PackedApp;
let sim: StandaloneSim;

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const COMMANDS = /## Deploying the platform[\s\S]*?```bash\n([\s\S]*?)```/.exec(README)![1].split('\n').filter((l) => l.startsWith('npx inferctl '));
const argv = (command: string) => command.replace(/^npx inferctl /, '').split(/\s+/);

before(async () => {
  app = installPackedApp(procs.tempDir('packed-cluster'));
  sim = new StandaloneSim({ speed: 40, installed: app.dir });
  await sim.start();
});

after(async () => {
  await sim?.stop();
  await procs.stopAll();
});

test("the README's three commands finish on the installed package's own simulator with every object ready", { timeout: 420_000 }, async (t) => {
  assert.equal(COMMANDS.length, 3);
  for (const command of COMMANDS) {
    const started = Date.now();
    const r = await sim.inferctl(argv(command));
    assert.equal(r.status, 0, `${command}\n${r.stderr.slice(-3000)}`);
    assert.match(r.stdout, /STATUS: deployed/);
    t.diagnostic(`${command}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  for (const [release, ns] of [['operators', 'default'], ['infra', 'default'], ['stack', 'default']]) {
    const status = await sim.inferctl(['status', release, '-n', ns, '-o', 'json']);
    assert.equal(status.status, 0, status.stderr);
    const report = JSON.parse(status.stdout) as { objects: { object: string; readiness: { state: string } }[] };
    const notReady = report.objects.filter((o) => o.readiness.state !== 'ready').map((o) => o.object);
    assert.deepEqual(notReady, [], `${release}: every object ready`);
  }
  // kubectl sees the generated Valkey password (never printed here).
  const password = await sim.secretValue('default', 'infra-valkey-auth', 'default-password');
  assert.ok(password && password.length >= 32, 'infra-valkey-auth holds a generated password');
});

test("the stack's InferenceServices: a CPU model is Ready; a GPU model on a cluster without GPUs fails fast quoting the scheduler", { timeout: 300_000 }, async () => {
  const models = join(app.dir, 'models.yaml');
  writeFileSync(models, 'models:\n  - name: tiny\n    runtime: llamacpp\n    deploymentMode: Standard\n    storageUri: pvc://models/tiny\n    modelFile: tiny.gguf\n');
  const cpu = await sim.inferctl(['upgrade', 'stack', './charts/inference-stack', '--set', 'infrastructureReleaseName=infra', '-f', models]);
  assert.equal(cpu.status, 0, cpu.stderr.slice(-3000));
  const isvc = await sim.kubectlJson(['get', 'inferenceservice', 'stack-tiny', '-n', 'default']);
  assert.equal(isvc.status.conditions.find((c: { type: string }) => c.type === 'Ready')?.status, 'True');

  writeFileSync(models, 'models:\n  - name: qwen\n    runtime: vllm\n    deploymentMode: Standard\n    storageUri: hf://Qwen/Qwen2.5-0.5B-Instruct\n    gpus: 1\n');
  const started = Date.now();
  const gpu = await sim.inferctl(['upgrade', 'stack', './charts/inference-stack', '--set', 'infrastructureReleaseName=infra', '-f', models, '--timeout', '15m']);
  const seconds = (Date.now() - started) / 1000;
  assert.notEqual(gpu.status, 0);
  assert.match(gpu.stderr, /0\/3 nodes are available: (\d Insufficient cpu, )?3 Insufficient nvidia\.com\/gpu\./);
  assert.match(gpu.stderr, /add nodes with enough .*nvidia\.com\/gpu.*gpus: 0 runs a model on CPU/, "says what to do");
  assert.ok(seconds < 120, `failed after ${seconds.toFixed(0)} s, not after the 15 minute timeout`);
  const listed = await sim.kubectl(['get', 'inferenceservices', '-n', 'default']);
  assert.match(listed.stdout, /stack-qwen/);
});
