/** Domain controllers: CNPG, Envoy Gateway (Gateway API), Knative, KServe. */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { ApiError, startSimulator, type Simulator } from '../../src/sim/index.js';
import type { SimClient } from '../../src/sim/index.js';
import { crd, CRDS } from './crds.js';
import { deployment } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const cond = (o: K8sObject | undefined, type: string) => ((o?.status as any)?.conditions ?? []).find((c: any) => c.type === type);

async function install(s: Simulator, c: SimClient, ...keys: (keyof typeof CRDS)[]): Promise<void> {
  for (const k of keys) {
    c.apply(crd(k));
    await s.waitFor(() => s.registry.find(CRDS[k].group, CRDS[k].version, CRDS[k].plural), { what: `${k} served`, timeoutMs: 10000 });
  }
}

function ns(c: SimClient, name: string): void {
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as K8sObject);
}

async function operator(s: Simulator, c: SimClient, name: string, namespace: string): Promise<void> {
  ns(c, namespace);
  c.apply(deployment(name, { namespace }) as K8sObject);
  await s.waitFor(() => cond(s.store.find({ kind: 'Deployment', name, namespace }), 'Available')?.status === 'True', { what: `${name} available` });
}

test('CNPG: webhook error until the operator is available, then a Cluster becomes healthy', async () => {
  sim = await startSimulator();
  const c = sim.client('inferctl');
  await install(sim, c, 'cnpgCluster', 'cnpgPooler');
  ns(c, 'db');
  const cluster = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'pg', namespace: 'db' }, spec: { instances: 2, storage: { size: '1Gi' } } } as K8sObject;

  const err = await new Promise<ApiError>((resolve) => {
    try {
      c.apply(cluster);
    } catch (e) {
      resolve(e as ApiError);
    }
  });
  assert.equal(err.code, 500);
  assert.equal(err.reason, 'InternalError');
  assert.equal(
    err.message,
    'Internal error occurred: failed calling webhook "mcluster.cnpg.io": failed to call webhook: Post "https://cnpg-webhook-service.cnpg-system.svc:443/mutate-postgresql-cnpg-io-v1-cluster?timeout=10s": no endpoints available for service "cnpg-webhook-service"',
  );
  // Over HTTP the body is the real Status.
  const http = await fetch(`${sim.url}/apis/postgresql.cnpg.io/v1/namespaces/db/clusters`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(cluster) });
  assert.equal(http.status, 500);
  const body = (await http.json()) as any;
  assert.equal(body.details.causes[0].message, err.message.replace('Internal error occurred: ', ''));

  await operator(sim, c, 'cnpg-controller-manager', 'cnpg-system');
  c.apply(cluster);
  const ready = await sim.waitFor(
    () => {
      const x = sim!.store.find({ kind: 'Cluster', namespace: 'db', name: 'pg' });
      return cond(x, 'Ready')?.status === 'True' ? x : undefined;
    },
    { timeoutMs: 10000, what: 'cluster ready' },
  );
  assert.equal((ready.status as any).phase, 'Cluster in healthy state');
  assert.equal((ready.status as any).readyInstances, 2);
  const secret = sim.store.find({ kind: 'Secret', namespace: 'db', name: 'pg-app' }) as any;
  assert.deepEqual(Object.keys(secret.data).sort(), ['dbname', 'fqdn-jdbc-uri', 'fqdn-uri', 'host', 'jdbc-uri', 'password', 'pgpass', 'port', 'uri', 'user', 'username'].sort());
  assert.equal(Buffer.from(secret.data.host, 'base64').toString(), 'pg-rw');
  for (const s of ['pg-rw', 'pg-ro', 'pg-r']) assert.ok(sim.store.find({ kind: 'Service', namespace: 'db', name: s }), s);
  const pods = sim.store.objects({ kind: 'Pod', namespace: 'db', labels: { 'cnpg.io/cluster': 'pg', 'cnpg.io/podRole': 'instance' } });
  assert.deepEqual(
    pods.map((p) => [p.metadata.name, p.metadata.labels!['cnpg.io/instanceRole']]),
    [
      ['pg-1', 'primary'],
      ['pg-2', 'replica'],
    ],
  );
  assert.ok(sim.store.find({ kind: 'Job', namespace: 'db', name: 'pg-1-initdb' }));
  assert.equal((sim.store.find({ kind: 'PersistentVolumeClaim', namespace: 'db', name: 'pg-1' })!.status as any).phase, 'Bound');

  c.apply({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Pooler', metadata: { name: 'pg-pooler', namespace: 'db' }, spec: { cluster: { name: 'pg' }, instances: 1, type: 'rw', pgbouncer: { poolMode: 'session' } } } as K8sObject);
  const pooler = await sim.waitFor(() => {
    const p = sim!.store.find({ kind: 'Pooler', name: 'pg-pooler' });
    return (p?.status as any)?.phase === 'active' ? p : undefined;
  });
  assert.equal((pooler.status as any).instances, 1);
  assert.ok(sim.store.find({ kind: 'Service', namespace: 'db', name: 'pg-pooler' }));
  assert.ok(sim.store.objects({ kind: 'Pod', namespace: 'db', labels: { 'cnpg.io/poolerName': 'pg-pooler' } }).length === 1);

  // A webhook-down window makes writes fail again, then recovers.
  const down = sim.webhookDown('mcluster.cnpg.io', 10_000);
  assert.throws(() => c.patch('postgresql.cnpg.io/v1', 'Cluster', 'db', 'pg', { metadata: { labels: { x: 'y' } } }), (e: unknown) => e instanceof ApiError && e.code === 500 && /failed calling webhook "mcluster\.cnpg\.io"/.test(e.message));
  down.remove();
  c.patch('postgresql.cnpg.io/v1', 'Cluster', 'db', 'pg', { metadata: { labels: { x: 'y' } } });
});

test('CNPG: a failing initdb job keeps the cluster not ready', async () => {
  sim = await startSimulator();
  const c = sim.client('inferctl');
  await install(sim, c, 'cnpgCluster');
  await operator(sim, c, 'cnpg-controller-manager', 'cnpg-system');
  sim.script({ kind: 'Job', name: /initdb/, outcome: 'fail' });
  c.apply({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'bad', namespace: 'default' }, spec: { instances: 1, storage: { size: '1Gi' } } } as K8sObject);
  const x = await sim.waitFor(
    () => {
      const o = sim!.store.find({ kind: 'Cluster', name: 'bad' }) as any;
      return o?.status?.phaseReason?.includes('initdb job bad-1-initdb failed') ? o : undefined;
    },
    { timeoutMs: 10000 },
  );
  assert.equal(x.status.phase, 'Setting up primary');
  assert.equal(cond(x, 'Ready').status, 'False');
});

test('Gateway API: class Accepted, Gateway Programmed with an address, HTTPRoute parents resolved', async () => {
  sim = await startSimulator();
  const c = sim.client('inferctl');
  await install(sim, c, 'gatewayClass', 'gateway', 'httpRoute');
  c.apply({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'eg' }, spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' } } as K8sObject);
  ns(c, 'infra');
  c.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'gw', namespace: 'infra' },
    spec: { gatewayClassName: 'eg', listeners: [{ name: 'http', protocol: 'HTTP', port: 80 }] },
  } as K8sObject);
  c.apply({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'llm', namespace: 'infra' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'litellm', port: 4000 }] }] },
  } as K8sObject);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(cond(sim.store.find({ kind: 'GatewayClass', name: 'eg' }), 'Accepted')?.status === 'True', false, 'not accepted before Envoy Gateway runs');

  await operator(sim, c, 'envoy-gateway', 'envoy-gateway-system');
  await sim.waitFor(() => cond(sim!.store.find({ kind: 'GatewayClass', name: 'eg' }), 'Accepted')?.status === 'True');
  const gw = await sim.waitFor(() => {
    const g = sim!.store.find({ kind: 'Gateway', name: 'gw' });
    return cond(g, 'Programmed')?.status === 'True' ? g : undefined;
  });
  assert.equal(cond(gw, 'Accepted').status, 'True');
  assert.match((gw.status as any).addresses[0].value, /^172\.18\.255\.\d+$/);
  const route = await sim.waitFor(() => (sim!.store.find({ kind: 'HTTPRoute', name: 'llm' })?.status as any)?.parents?.[0]);
  assert.equal(route.controllerName, 'gateway.envoyproxy.io/gatewayclass-controller');
  const rr = route.conditions.find((x: any) => x.type === 'ResolvedRefs');
  assert.equal(rr.status, 'False');
  assert.equal(rr.reason, 'BackendNotFound');
  c.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'litellm', namespace: 'infra' }, spec: { selector: { app: 'litellm' }, ports: [{ port: 4000 }] } } as K8sObject);
  await sim.waitFor(() => (sim!.store.find({ kind: 'HTTPRoute', name: 'llm' })?.status as any)?.parents?.[0]?.conditions?.find((x: any) => x.type === 'ResolvedRefs')?.status === 'True');
  await sim.waitFor(() => (sim!.store.find({ kind: 'Gateway', name: 'gw' })?.status as any)?.listeners?.[0]?.attachedRoutes === 1);
});

test('Knative: KnativeServing Ready through the operator; a Service Ready with status.url', async () => {
  sim = await startSimulator();
  const c = sim.client('inferctl');
  await install(sim, c, 'knativeServing', 'ksvc');
  await operator(sim, c, 'knative-operator', 'knative-operator');
  ns(c, 'knative-serving');
  c.apply({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec: { ingress: { kourier: { enabled: true } } } } as K8sObject);
  const ks = await sim.waitFor(
    () => {
      const x = sim!.store.find({ kind: 'KnativeServing' });
      return cond(x, 'Ready')?.status === 'True' ? x : undefined;
    },
    { timeoutMs: 10000 },
  );
  assert.equal(cond(ks, 'DeploymentsAvailable').status, 'True');
  assert.ok(sim.store.find({ kind: 'Deployment', namespace: 'knative-serving', name: 'activator' }));
  c.apply({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', metadata: { name: 'hello', namespace: 'default' }, spec: { template: { spec: { containers: [{ image: 'ghcr.io/knative/helloworld-go:latest' }] } } } } as K8sObject);
  const svc = await sim.waitFor(() => {
    const x = sim!.store.find({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello' });
    return cond(x, 'Ready')?.status === 'True' ? x : undefined;
  });
  assert.equal((svc.status as any).url, 'http://hello.default.example.com');
  assert.equal((svc.status as any).latestReadyRevisionName, 'hello-00001');
});

test('KServe: nothing happens without the controller; RawDeployment InferenceService becomes Ready; scripted failure', async () => {
  sim = await startSimulator();
  const c = sim.client('inferctl');
  await install(sim, c, 'isvc');
  const isvc = (name: string) =>
    ({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: { name, namespace: 'default', annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' } },
      spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://Qwen/Qwen2.5-0.5B' } } },
    }) as K8sObject;
  c.apply(isvc('qwen'));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(cond(sim.store.find({ kind: 'InferenceService', name: 'qwen' }), 'Ready'), undefined);
  await operator(sim, c, 'kserve-controller-manager', 'kserve');
  const ready = await sim.waitFor(() => {
    const x = sim!.store.find({ kind: 'InferenceService', name: 'qwen' });
    return cond(x, 'Ready')?.status === 'True' ? x : undefined;
  });
  assert.equal((ready.status as any).url, 'http://qwen-default.example.com');
  assert.equal(cond(ready, 'PredictorReady').status, 'True');
  assert.ok(sim.store.find({ kind: 'Deployment', name: 'qwen-predictor' }));

  sim.script({ kind: 'Pod', namePrefix: 'broken-predictor', imagePullError: true });
  c.apply(isvc('broken'));
  const failed = await sim.waitFor(() => {
    const x = sim!.store.find({ kind: 'InferenceService', name: 'broken' });
    return cond(x, 'PredictorReady')?.reason === 'ImagePullBackOff' ? x : undefined;
  });
  assert.equal(cond(failed, 'Ready').status, 'False');
  // As upstream's PropagateModelStatus: an image that cannot be pulled leaves the model Pending...
  assert.equal((failed.status as any).modelStatus.transitionStatus, 'InProgress');
  // ...while a crash-looping server is a failed load.
  sim.script({ kind: 'Pod', namePrefix: 'crashing-predictor', crashLoop: { exitCode: 1, message: 'CUDA out of memory' } });
  c.apply(isvc('crashing'));
  const crashed = await sim.waitFor(() => {
    const x = sim!.store.find({ kind: 'InferenceService', name: 'crashing' });
    return (x?.status as any)?.modelStatus?.transitionStatus === 'BlockedByFailedLoad' ? x : undefined;
  });
  assert.deepEqual((crashed.status as any).modelStatus.lastFailureInfo, { reason: 'ModelLoadFailed', message: 'CUDA out of memory', exitCode: 1 });
});
