/**
 * Job pods run their real program (Python from a mounted ConfigMap) with the kubelet's view of
 * the pod: environment, volumes, service account token, cluster DNS to what the simulator serves
 * (the fake LiteLLM admin API); exit code and output become the pod's status and log.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { startSimulator, type Simulator, type SimClient } from '../../src/sim/index.js';
import { which } from '../helpers/procs.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

type O = Record<string, any>;
const cond = (o: K8sObject | undefined, type: string) => ((o?.status as O)?.conditions ?? []).find((c: O) => c.type === type);
const b64 = (s: string) => Buffer.from(s).toString('base64');

function pythonJob(name: string, script: string, container: O = {}, podSpec: O = {}, spec: O = {}): K8sObject[] {
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { 'main.py': script, 'settings.ini': '[a]\nb = 1\n' } },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: {
        backoffLimit: 0,
        ...spec,
        template: {
          spec: {
            restartPolicy: 'Never',
            ...podSpec,
            containers: [{ name: 'main', image: 'python:3.12-slim', command: ['python3', '/scripts/main.py'], volumeMounts: [{ name: 'scripts', mountPath: '/scripts' }], ...container }],
            volumes: [{ name: 'scripts', configMap: { name } }, ...(podSpec.volumes ?? [])],
          },
        },
      },
    } as K8sObject,
  ] as K8sObject[];
}

async function runJob(s: Simulator, c: SimClient, objects: K8sObject[]): Promise<{ job: K8sObject; pod: K8sObject; log: string }> {
  for (const o of objects) c.apply(o);
  const name = objects[1].metadata.name;
  const done = await s.waitFor(
    () => {
      const j = s.store.find({ kind: 'Job', name });
      return cond(j, 'Complete')?.status === 'True' || cond(j, 'Failed')?.status === 'True' ? j : undefined;
    },
    { timeoutMs: 20_000, what: `job ${name} finished` },
  );
  const pod = s.store.objects({ kind: 'Pod', namespace: 'default' }).find((p) => p.metadata.name.startsWith(`${name}-`))!;
  return { job: done, pod, log: s.podLog('default', pod.metadata.name) ?? '' };
}

const exitCode = (pod: K8sObject) => (pod.status as O).containerStatuses[0].state.terminated?.exitCode;

test('a Python Job runs for real: resolved env, mounted ConfigMap and Secret files, the API through the token; its exit code fails the Job', async () => {
  assert.ok(which('python3'));
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { user: b64('alice'), 'token.txt': b64('file-from-secret') } } as K8sObject);
  c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'default' }, data: { MODE: 'fast', LEVEL: '3' } } as K8sObject);
  const script = `import json, os, sys, urllib.request
print("user=%s mode=%s cfg_level=%s pod=%s ns=%s greeting=%s cpu=%s" % (os.environ["USER_NAME"], os.environ["MODE"], os.environ["CFG_LEVEL"], os.environ["POD_NAME"], os.environ["NS"], os.environ["GREETING"], os.environ["CPU"]))
print("secret file:", open(os.environ["CREDS_FILE"]).read())
print("settings:", open(sys.argv[1]).read().splitlines()[0])
req = urllib.request.Request(os.environ["KUBE_API_URL"] + "/api/v1/namespaces/default/configmaps/cfg", headers={"Authorization": "Bearer " + os.environ["KUBE_TOKEN"]})
print("api:", json.load(urllib.request.urlopen(req))["data"]["MODE"])
sys.exit(3)
`;
  const { job, pod, log } = await runJob(
    sim,
    c,
    pythonJob('probe', script, {
      args: ['/scripts/settings.ini'],
      env: [
        { name: 'USER_NAME', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'GREETING', value: 'hello $(USER_NAME)' },
        // Paths in env and arguments are mapped to the materialised volumes (not paths inside the script).
        { name: 'CREDS_FILE', value: '/etc/creds/token.txt' },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
      envFrom: [{ configMapRef: { name: 'cfg' } }, { configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
      resources: { limits: { cpu: '1500m' } },
      volumeMounts: [
        { name: 'scripts', mountPath: '/scripts' },
        { name: 'creds', mountPath: '/etc/creds', readOnly: true },
      ],
    }, { volumes: [{ name: 'creds', secret: { secretName: 'creds' } }] }),
  );
  assert.equal(exitCode(pod), 3, log);
  assert.equal((pod.status as O).phase, 'Failed');
  assert.equal(cond(job, 'Failed')?.reason, 'BackoffLimitExceeded');
  assert.match(log, new RegExp(`user=alice mode=fast cfg_level=3 pod=${pod.metadata.name} ns=default greeting=hello alice cpu=2`));
  assert.match(log, /secret file: file-from-secret/);
  assert.match(log, /settings: \[a\]/, 'a path argument under a mount is rewritten');
  assert.match(log, /api: fast/, 'the service account token reaches the simulator');
});

test('without an automounted token there is no API address; a scripted Job outcome wins over the program', async () => {
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  const script = 'import os\nprint("api=%s" % os.environ.get("KUBE_API_URL", "none"))\n';
  const { pod, log } = await runJob(sim, c, pythonJob('no-token', script, {}, { automountServiceAccountToken: false }));
  assert.equal(exitCode(pod), 0);
  assert.match(log, /^api=none$/m);

  sim.script({ kind: 'Job', name: 'scripted', outcome: 'fail', message: 'simulated' });
  const scripted = await runJob(sim, c, pythonJob('scripted', 'print("ran")\n'));
  assert.equal(cond(scripted.job, 'Failed')?.status, 'True');
  assert.doesNotMatch(scripted.log, /ran/, 'the program did not run');
});

test("a launcher handing over to the image's own program is not run here: the Job completes by script", async () => {
  sim = await startSimulator({ speed: 20 });
  const c = sim.client('test');
  const { job: j, log } = await runJob(sim, c, pythonJob('migrate', 'raise SystemExit(9)\n', { command: ['python3', '/scripts/main.py', '--', 'python3', 'litellm/proxy/prisma_migration.py'] }));
  assert.equal(cond(j, 'Complete')?.status, 'True');
  assert.equal(log, '', 'nothing ran');
});

test('a LiteLLM proxy pod is served by the fake admin API; Jobs reach it at its Service DNS name (cluster DNS)', async () => {
  const notices: string[] = [];
  sim = await startSimulator({ speed: 20, onNotice: (m) => notices.push(m) });
  const c = sim.client('test');
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'mk', namespace: 'default' }, data: { 'master-key': b64('sk-test-key') } } as K8sObject);
  const labels = { app: 'litellm' };
  c.apply({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'litellm', namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'litellm', image: 'ghcr.io/berriai/litellm:v1.104.2', command: ['python3', '/s/launch.py', '--', 'litellm', '--port', '4000'], env: [{ name: 'LITELLM_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'mk', key: 'master-key' } } }], ports: [{ name: 'http', containerPort: 4000 }] }] },
      },
    },
  } as K8sObject);
  c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'litellm', namespace: 'default' }, spec: { selector: labels, ports: [{ name: 'http', port: 4000, targetPort: 'http' }] } } as K8sObject);
  const url = await sim.waitFor(() => sim!.serviceUrl('default', 'litellm', 4000), { what: 'LiteLLM served', timeoutMs: 10_000 });
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(notices.length, 1, 'one fake for the Deployment, shared by its pods');
  assert.match(notices[0], new RegExp(`LiteLLM admin API \\(fake\\) for Deployment default/litellm on ${url}`));
  assert.equal((await fetch(`${url}/v1/models`)).status, 401, 'the master key is required');

  const script = `import os, urllib.request
for name in ("FULL", "SHORT", "OTHER"):
    print(name, os.environ[name])
req = urllib.request.Request(os.environ["FULL"] + "/v1/models", headers={"Authorization": "Bearer " + os.environ["KEY"]})
print("models:", urllib.request.urlopen(req).read().decode())
print("live:", urllib.request.urlopen("http://" + os.environ["SHORT"] + "/health/liveliness").read().decode())
`;
  const { pod, log } = await runJob(sim, c, pythonJob('client', script, {
    env: [
      { name: 'FULL', value: 'http://litellm.default.svc.cluster.local:4000' },
      { name: 'SHORT', value: 'litellm.default.svc:4000' },
      { name: 'OTHER', value: 'http://nothing.default.svc.cluster.local:4000/x' },
      { name: 'KEY', valueFrom: { secretKeyRef: { name: 'mk', key: 'master-key' } } },
    ],
  }));
  assert.equal(exitCode(pod), 0, log);
  const local = url.slice('http://'.length);
  assert.match(log, new RegExp(`FULL http://${local}\\n`));
  assert.match(log, new RegExp(`SHORT ${local}\\n`));
  assert.match(log, /OTHER http:\/\/nothing\.default\.svc\.cluster\.local:4000\/x/, 'a Service nothing serves is left alone');
  assert.match(log, /models: \{"object": ?"list", ?"data": ?\[\]\}/);
  assert.match(log, /live: "I'm alive!"/);
});
