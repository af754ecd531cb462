/** Scripted built-in controllers: workloads to Ready, failure modes, services, volumes. */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { startSimulator, type Simulator } from '../../src/sim/index.js';
import { deployment } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

const cond = (o: K8sObject | undefined, type: string) => ((o?.status as any)?.conditions ?? []).find((c: any) => c.type === type);
const waiting = (p: K8sObject | undefined) => (p?.status as any)?.containerStatuses?.[0]?.state?.waiting;

test('Deployment -> ReplicaSet -> Pods with hashed names, Ready pods, Available status', async () => {
  sim = await startSimulator();
  const c = sim.client();
  c.create(deployment('web', { replicas: 2 }) as K8sObject);
  const d = await sim.waitFor(() => {
    const x = sim!.store.find({ kind: 'Deployment', name: 'web' });
    return cond(x, 'Available')?.status === 'True' && (x!.status as any).readyReplicas === 2 ? x : undefined;
  });
  const status = d.status as any;
  assert.equal(status.observedGeneration, 1);
  assert.equal(status.replicas, 2);
  assert.equal(status.updatedReplicas, 2);
  assert.equal(status.availableReplicas, 2);
  assert.equal(cond(d, 'Progressing').reason, 'NewReplicaSetAvailable');
  const rs = sim.store.objects({ kind: 'ReplicaSet', namespace: 'default' });
  assert.equal(rs.length, 1);
  const hash = rs[0].metadata.labels!['pod-template-hash'];
  assert.match(rs[0].metadata.name, new RegExp(`^web-${hash}$`));
  const pods = sim.store.objects({ kind: 'Pod', labels: { app: 'web' } });
  assert.equal(pods.length, 2);
  for (const p of pods) {
    assert.match(p.metadata.name, new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
    assert.equal((p.status as any).phase, 'Running');
    assert.equal(cond(p, 'Ready').status, 'True');
    assert.equal((p.metadata.ownerReferences as any[])[0].kind, 'ReplicaSet');
  }
  // A new template rolls to a second ReplicaSet and scales the old one down.
  c.patch('apps/v1', 'Deployment', 'default', 'web', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } });
  await sim.waitFor(() => {
    const all = sim!.store.objects({ kind: 'ReplicaSet', namespace: 'default' });
    const x = sim!.store.find({ kind: 'Deployment', name: 'web' });
    return all.length === 2 && all.some((r) => (r.spec as any).replicas === 0) && (x?.status as any).updatedReplicas === 2 && cond(x, 'Progressing')?.reason === 'NewReplicaSetAvailable';
  });
});

test('slow readiness is scriptable; speed factor shortens delays', async () => {
  sim = await startSimulator({ speed: 2 });
  sim.script({ kind: 'Deployment', name: 'slow', delayMs: 300 });
  const t0 = Date.now();
  sim.client().create(deployment('slow') as K8sObject);
  await sim.waitFor(() => cond(sim!.store.find({ kind: 'Deployment', name: 'slow' }), 'Available')?.status === 'True');
  const elapsed = Date.now() - t0;
  assert.ok(elapsed >= 140, `took ${elapsed}ms: delay 300ms at speed 2`);
});

test('ImagePullBackOff on scripted pods; the Deployment stays unavailable and times out progressing', async () => {
  sim = await startSimulator({ timing: { deadlineScale: 0.001 } });
  sim.script({ kind: 'Pod', namePrefix: 'broken', imagePullError: true });
  const d = deployment('broken', { image: 'registry.example/broken:1' }) as any;
  d.spec.progressDeadlineSeconds = 200;
  sim.client().create(d);
  const pod = await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { app: 'broken' } }).find((p) => waiting(p)?.reason === 'ImagePullBackOff'));
  assert.equal((pod.status as any).phase, 'Pending');
  assert.match(waiting(pod).message, /^Back-off pulling image "registry\.example\/broken:1": ErrImagePull: rpc error: code = NotFound/);
  const dep = await sim.waitFor(() => {
    const x = sim!.store.find({ kind: 'Deployment', name: 'broken' });
    return cond(x, 'Progressing')?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
  });
  assert.equal(cond(dep, 'Available').status, 'False');
  assert.equal(cond(dep, 'Progressing').status, 'False');
  assert.match(cond(dep, 'Progressing').message, /^ReplicaSet "broken-\w+" has timed out progressing\.$/);
  assert.ok(sim.store.objects({ kind: 'Event' }).some((e) => (e as any).reason === 'BackOff'));
});

test('CrashLoopBackOff with restarts and lastState; logs are served', async () => {
  sim = await startSimulator({ timing: { crashLoopRestartMs: 20 } });
  sim.script({ kind: 'Deployment', name: 'crashy', crashLoop: { exitCode: 3, message: 'panic: config missing' } });
  sim.client().create(deployment('crashy') as K8sObject);
  const pod = await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { app: 'crashy' } }).find((p) => (p.status as any).containerStatuses?.[0]?.restartCount >= 2));
  const cs = (pod.status as any).containerStatuses[0];
  assert.equal(cs.state.waiting.reason, 'CrashLoopBackOff');
  assert.match(cs.state.waiting.message, /^back-off \d+s restarting failed container=app pod=crashy-/);
  assert.equal(cs.lastState.terminated.exitCode, 3);
  assert.equal((pod.status as any).phase, 'Running');
  const log = await fetch(`${sim.url}/api/v1/namespaces/default/pods/${pod.metadata.name}/log`);
  assert.match(await log.text(), /panic: config missing/);
});

test('CreateContainerConfigError for a missing Secret, recovering when the Secret appears', async () => {
  sim = await startSimulator();
  const c = sim.client();
  const d = deployment('needs-secret') as any;
  d.spec.template.spec.containers[0].env = [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'db-app', key: 'password' } } }];
  c.create(d);
  const pod = await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { app: 'needs-secret' } }).find((p) => waiting(p)?.reason === 'CreateContainerConfigError'));
  assert.equal(waiting(pod).message, 'secret "db-app" not found');
  c.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-app', namespace: 'default' }, stringData: { user: 'x' } } as K8sObject);
  const again = await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { app: 'needs-secret' } }).find((p) => waiting(p)?.message === "couldn't find key password in Secret default/db-app"));
  assert.ok(again);
  c.patch('v1', 'Secret', 'default', 'db-app', { stringData: { password: 'pw' } });
  await sim.waitFor(() => cond(sim!.store.find({ kind: 'Deployment', name: 'needs-secret' }), 'Available')?.status === 'True');
});

test('Job completes; a scripted failing Job ends Failed with BackoffLimitExceeded', async () => {
  sim = await startSimulator();
  sim.script({ kind: 'Job', name: /migration/, outcome: 'fail', message: 'relation "users" does not exist' });
  const job = (name: string, backoffLimit: number) =>
    ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name, namespace: 'default' },
      spec: { backoffLimit, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] } } },
    }) as K8sObject;
  const c = sim.client();
  c.create(job('seed', 2));
  c.create(job('db-migration', 1));
  const ok = await sim.waitFor(() => {
    const j = sim!.store.find({ kind: 'Job', name: 'seed' });
    return cond(j, 'Complete')?.status === 'True' ? j : undefined;
  });
  assert.equal((ok.status as any).succeeded, 1);
  assert.equal(cond(ok, 'SuccessCriteriaMet').status, 'True');
  assert.ok((ok.status as any).completionTime);
  const failed = await sim.waitFor(() => {
    const j = sim!.store.find({ kind: 'Job', name: 'db-migration' });
    return cond(j, 'Failed')?.status === 'True' ? j : undefined;
  });
  assert.equal(cond(failed, 'Failed').reason, 'BackoffLimitExceeded');
  assert.equal(cond(failed, 'Failed').message, 'Job has reached the specified backoff limit');
  assert.equal((failed.status as any).failed, 2);
  const pods = sim.store.objects({ kind: 'Pod', labels: { 'job-name': 'db-migration' } });
  assert.equal(pods.length, 2);
  assert.ok(pods.every((p) => (p.status as any).phase === 'Failed'));
});

test('Service gets EndpointSlices from ready pods; LoadBalancer gets an ingress IP', async () => {
  sim = await startSimulator();
  const c = sim.client();
  c.create(deployment('api', { replicas: 2 }) as K8sObject);
  c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'default' }, spec: { type: 'LoadBalancer', selector: { app: 'api' }, ports: [{ name: 'http', port: 80, targetPort: 80 }] } } as K8sObject);
  const slice = await sim.waitFor(() => {
    const s = sim!.store.find({ kind: 'EndpointSlice', labels: { 'kubernetes.io/service-name': 'api' } }) as any;
    return s && s.endpoints?.filter((e: any) => e.conditions.ready).length === 2 ? s : undefined;
  });
  assert.equal(slice.apiVersion, 'discovery.k8s.io/v1');
  assert.equal(slice.addressType, 'IPv4');
  assert.deepEqual(slice.ports, [{ name: 'http', port: 80, protocol: 'TCP' }]);
  assert.equal(slice.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.equal(slice.endpoints[0].targetRef.kind, 'Pod');
  const svc = await sim.waitFor(() => (sim!.store.find({ kind: 'Service', name: 'api' })?.status as any)?.loadBalancer?.ingress?.[0]?.ip);
  assert.match(svc, /^172\.18\.255\.\d+$/);
});

test('StatefulSet pods are created in order with PVCs bound per ordinal', async () => {
  sim = await startSimulator();
  const labels = { app: 'db' };
  sim.client().create({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      serviceName: 'db',
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'db', image: 'postgres:17' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  } as K8sObject);
  const sts = await sim.waitFor(() => {
    const s = sim!.store.find({ kind: 'StatefulSet', name: 'db' });
    return (s?.status as any)?.readyReplicas === 2 ? s : undefined;
  });
  assert.equal((sts.status as any).currentRevision, (sts.status as any).updateRevision);
  const pods = sim.store.objects({ kind: 'Pod', labels });
  assert.deepEqual(
    pods.map((p) => p.metadata.name),
    ['db-0', 'db-1'],
  );
  assert.ok(Date.parse(String(pods[0].metadata.creationTimestamp)) <= Date.parse(String(pods[1].metadata.creationTimestamp)));
  const pvcs = sim.store.objects({ kind: 'PersistentVolumeClaim' });
  assert.deepEqual(
    pvcs.map((p) => [p.metadata.name, (p.status as any).phase]),
    [
      ['data-db-0', 'Bound'],
      ['data-db-1', 'Bound'],
    ],
  );
  assert.equal(sim.store.objects({ kind: 'PersistentVolume' }).length, 2);
});

test('PVC without a usable StorageClass stays Pending with a ProvisioningFailed event', async () => {
  sim = await startSimulator();
  sim.client().create({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'orphan', namespace: 'default' }, spec: { storageClassName: 'fast-ssd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } as K8sObject);
  const ev = await sim.waitFor(() => sim!.store.objects({ kind: 'Event' }).find((e) => (e as any).reason === 'ProvisioningFailed'));
  assert.equal((ev as any).message, 'storageclass.storage.k8s.io "fast-ssd" not found');
  assert.equal((sim.store.find({ kind: 'PersistentVolumeClaim', name: 'orphan' })!.status as any).phase, 'Pending');
});

test('DaemonSet runs one pod per node it tolerates: CPU workers, GPU workers only with the GPU toleration', async () => {
  sim = await startSimulator({ gpuNodes: 1 });
  const daemon = (name: string, tolerations: unknown[] = []) =>
    ({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name, namespace: 'kube-system' },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { tolerations, containers: [{ name: 'a', image: 'agent:1' }] } } },
    }) as K8sObject;
  sim.client().create(daemon('agent'));
  sim.client().create(daemon('gpu-agent', [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]));
  const ready = (name: string, n: number) =>
    sim!.waitFor(() => {
      const x = sim!.store.find({ kind: 'DaemonSet', name });
      return (x?.status as any)?.numberReady === n ? x : undefined;
    }, { what: `${name} ready on ${n} nodes` });
  assert.equal(((await ready('agent', 3)).status as any).desiredNumberScheduled, 3);
  assert.equal(((await ready('gpu-agent', 4)).status as any).desiredNumberScheduled, 4);
  const nodesOf = (app: string) => sim!.store.objects({ kind: 'Pod', labels: { app } }).map((p) => (p.spec as any).nodeName).sort();
  assert.deepEqual(nodesOf('agent'), ['sim-worker', 'sim-worker2', 'sim-worker3']);
  assert.deepEqual(nodesOf('gpu-agent'), ['sim-gpu-worker', 'sim-worker', 'sim-worker2', 'sim-worker3']);
});

test('namespaces get a default ServiceAccount and kube-root-ca.crt; deleting one removes its workloads', async () => {
  // Pods keep their 30 s grace period; a hundredth of it keeps the test short.
  sim = await startSimulator({ timing: { terminationGraceScale: 0.01 } });
  const c = sim.client();
  c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } } as K8sObject);
  await sim.waitFor(() => sim!.store.find({ kind: 'ServiceAccount', namespace: 'team', name: 'default' }));
  await sim.waitFor(() => sim!.store.find({ kind: 'ConfigMap', namespace: 'team', name: 'kube-root-ca.crt' }));
  c.create(deployment('w', { namespace: 'team' }) as K8sObject);
  await sim.waitFor(() => cond(sim!.store.find({ kind: 'Deployment', name: 'w' }), 'Available')?.status === 'True');
  c.delete('v1', 'Namespace', undefined, 'team');
  await sim.waitFor(() => !sim!.store.find({ kind: 'Namespace', name: 'team' }), { what: 'namespace gone' });
  assert.equal(sim.store.objects({ namespace: 'team' }).length, 0);
});

test('pod deletion is graceful (Terminating, then gone) and the ReplicaSet replaces the pod', async () => {
  // 30 s of grace at speed 200: the pod lingers 150 ms.
  sim = await startSimulator({ speed: 200 });
  sim.client().create(deployment('grace') as K8sObject);
  const pod = await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { app: 'grace' } }).find((p) => cond(p, 'Ready')?.status === 'True'));
  const path = `/api/v1/namespaces/default/pods/${pod.metadata.name}`;
  const r = await fetch(`${sim.url}${path}`, { method: 'DELETE' });
  const body = (await r.json()) as any;
  assert.equal(r.status, 200);
  assert.equal(body.kind, 'Pod', 'pods return the object on delete');
  assert.equal(body.metadata.deletionGracePeriodSeconds, 30);
  assert.ok(body.metadata.deletionTimestamp);
  assert.ok(sim.store.find({ kind: 'Pod', name: pod.metadata.name }), 'still there while terminating');
  await sim.waitFor(() => !sim!.store.find({ kind: 'Pod', name: pod.metadata.name }), { what: 'pod gone' });
  await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { app: 'grace' } }).some((p) => p.metadata.name !== pod.metadata.name && cond(p, 'Ready')?.status === 'True'));
  const other = sim.store.objects({ kind: 'Pod', labels: { app: 'grace' } })[0];
  const now = await fetch(`${sim.url}/api/v1/namespaces/default/pods/${other.metadata.name}?gracePeriodSeconds=0`, { method: 'DELETE' });
  assert.equal(now.status, 200);
  assert.equal(sim.store.find({ kind: 'Pod', name: other.metadata.name }), undefined, 'grace 0 deletes at once');
});

test('a held Job keeps its pod running until the rule is removed, then completes', async () => {
  sim = await startSimulator();
  const hold = sim.script({ kind: 'Job', name: 'held', hold: true });
  sim.client().create({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'held', namespace: 'default' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'busybox:1.36' }] } } },
  } as K8sObject);
  await sim.waitFor(() => sim!.store.objects({ kind: 'Pod', labels: { 'job-name': 'held' } }).find((p) => (p.status as any).phase === 'Running'));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(cond(sim.store.find({ kind: 'Job', name: 'held' }), 'Complete'), undefined, 'still running while held');
  hold.remove();
  await sim.waitFor(() => cond(sim!.store.find({ kind: 'Job', name: 'held' }), 'Complete')?.status === 'True');
});
