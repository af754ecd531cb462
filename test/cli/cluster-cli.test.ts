import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { applySetId, parentSecretName } from '../../src/release/record.js';
import { StandaloneSim } from '../helpers/standalone.js';

/**
 * The user's view: `npm run k8s-sim` as its own process, the real kubectl 1.35 and the inferctl
 * binary, talking HTTP. The cluster starts empty: the operators layer is installed with inferctl
 * first, and the infrastructure's Secrets are generated in the cluster by its own Job.
 */
const sim = new StandaloneSim({ speed: 40 });
const k = (...args: string[]) => sim.kubectl(args);
const inferctl = (...args: string[]) => sim.inferctl(args, 180_000);
const TIMEOUT = { timeout: 240_000 };
let secrets: string[] = [];

before(async () => {
  await sim.start();
  const ops = await inferctl('install', 'operators', './charts/inference-operators', '--timeout', '150s');
  assert.equal(ops.status, 0, ops.stderr.slice(-3000));
});

after(() => sim.stop());

test('inferctl install against the standalone simulator; kubectl sees the objects and the release inventory', TIMEOUT, async () => {
  const install = await inferctl('install', 'infra', './charts/inference-infrastructure', '-n', 'llm', '--create-namespace', '--timeout', '150s');
  assert.equal(install.status, 0, install.stderr.slice(-3000));
  assert.match(install.stdout, /STATUS: deployed/);
  assert.match(install.stderr, /==> litellm-migration/, 'plain progress lines without a TTY');
  secrets = (await Promise.all([
    sim.secretValue('llm', 'infra-valkey-auth', 'default-password'),
    sim.secretValue('llm', 'infra-litellm-proxy-master-key', 'master-key'),
    sim.secretValue('llm', 'infra-litellm-proxy-salt-key', 'salt-key'),
  ])) as string[];
  assert.ok(secrets.every((s) => s && s.length >= 32), 'the generator created the Secrets');
  for (const s of secrets) assert.ok(!install.stdout.includes(s) && !install.stderr.includes(s), 'secrets never appear in output');

  const deploys = await k('get', 'deploy', '-n', 'llm', '-o', 'name');
  assert.equal(deploys.status, 0, deploys.stderr);
  for (const d of ['infra-litellm-proxy', 'infra-valkey-primary', 'infra-valkey-replica', 'infra-postgresql-pooler']) assert.match(deploys.stdout, new RegExp(`deployment.apps/${d}\\n`));
  const clusters = await k('get', 'cluster', '-n', 'llm');
  assert.match(clusters.stdout, /infra-postgresql/);

  const id = applySetId(parentSecretName('infra'), 'llm');
  const parent = await k('get', 'secret', '-n', 'llm', '-l', `applyset.kubernetes.io/id=${id}`, '-o', 'jsonpath={.items[*].metadata.name}');
  assert.equal(parent.stdout, parentSecretName('infra'));
  const members = await k('get', 'deploy,svc,cm,job', '-n', 'llm', '-l', `applyset.kubernetes.io/part-of=${id}`, '-o', 'name');
  assert.match(members.stdout, /deployment.apps\/infra-litellm-proxy/);
  assert.match(members.stdout, /job.batch\/infra-litellm-proxy-migration/);
  const gks = await k('get', 'secret', parentSecretName('infra'), '-n', 'llm', '-o', 'jsonpath={.metadata.annotations.applyset\\.kubernetes\\.io/contains-group-kinds}');
  assert.match(gks.stdout, /Deployment\.apps/);
});

test('status, list and diff from the command line', TIMEOUT, async () => {
  const status = await inferctl('status', 'infra', '-n', 'llm');
  assert.equal(status.status, 0, status.stderr + status.stdout);
  assert.match(status.stdout, /STATUS: deployed/);
  assert.match(status.stdout, /Deployment llm\/infra-litellm-proxy\s+litellm\s+ready/);
  const list = await inferctl('list', '-A', '-o', 'json');
  assert.deepEqual(JSON.parse(list.stdout).map((r: { name: string }) => r.name).sort(), ['infra', 'operators']);
  const diff = await inferctl('diff', 'infra', './charts/inference-infrastructure', '-n', 'llm', '--set', 'litellm-proxy.replicaCount=3', '--detailed-exitcode');
  assert.equal(diff.status, 2, `exit 2 when there are changes (with --detailed-exitcode): ${diff.stderr}`);
  assert.match(diff.stdout, /UPDATE Deployment llm\/infra-litellm-proxy\n--- live.*\n\+\+\+ rendered.*\n(.*\n)*-  replicas: 2\n\+  replicas: 3/);
  for (const s of secrets) assert.ok(!diff.stdout.includes(s), 'diff never shows secret values');
});

test('errors from cluster verbs are one paragraph and a non-zero exit', TIMEOUT, async () => {
  const again = await inferctl('install', 'infra', './charts/inference-infrastructure', '-n', 'llm');
  assert.equal(again.status, 1);
  assert.match(again.stderr, /^Error: release "infra" already exists in namespace "llm" \(revision 1, inference-infrastructure, deployed\)\. Use "inferctl upgrade infra CHART -n llm" to change it\.\n$/);
  const noNs = await inferctl('install', 'x', 'inference-infrastructure', '-n', 'missing-ns');
  assert.equal(noNs.status, 1);
  assert.match(noNs.stderr, /namespace "missing-ns" does not exist .* pass --create-namespace/);
  const badTimeout = await inferctl('install', 'x', 'inference-infrastructure', '--timeout', 'soon');
  assert.match(badTimeout.stderr, /--timeout "soon" is not a duration/);
  const noRelease = await inferctl('status', 'nope', '-n', 'llm');
  assert.equal(noRelease.status, 1);
  assert.match(noRelease.stderr, /release "nope" not found in namespace "llm"/);
  for (const r of [again, noNs, badTimeout, noRelease]) assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('uninstall removes the release and says what it kept', TIMEOUT, async () => {
  const r = await inferctl('uninstall', 'infra', '-n', 'llm', '--timeout', '60s');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /kept: .*Cluster llm\/infra-postgresql/);
  const left = await k('get', 'deploy', '-n', 'llm', '-o', 'name');
  assert.doesNotMatch(left.stdout, /infra-litellm-proxy/);
  assert.match((await k('get', 'cluster', '-n', 'llm')).stdout, /infra-postgresql/, 'data kept');
  assert.ok((await sim.secretValue('llm', 'infra-valkey-auth', 'default-password')) === secrets[0], 'generated secrets kept');
  const listed = await inferctl('list', '-n', 'llm');
  assert.match(listed.stdout, /^infra\s+llm\s+\d+\s+\S+\s+uninstalled\s/m, 'list still shows what is left');

  // The hint, run exactly as printed, finishes the job.
  const hint = /"(inferctl uninstall infra -n llm --purge)"/.exec(r.stdout)?.[1];
  assert.ok(hint, r.stdout);
  const purge = await inferctl(...hint.split(' ').slice(1), '--timeout', '60s');
  assert.equal(purge.status, 0, purge.stderr);
  assert.equal((await k('get', 'cluster', '-n', 'llm', '-o', 'name')).stdout.trim(), '', 'the database is gone');
  assert.equal(await sim.secretValue('llm', 'infra-valkey-auth', 'default-password'), undefined);
  assert.doesNotMatch((await inferctl('list', '-n', 'llm')).stdout, /^infra\s/m, 'and the release with it');
});
