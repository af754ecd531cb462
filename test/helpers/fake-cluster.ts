import type { K8sObject } from '../../src/core/object.js';
import { FakeKube } from '../../src/kube/fake.js';
import type { WaitOptions } from '../../src/actions/context.js';

/** Quick waits for the in-memory cluster: everything answers at once, so polls can be tight. */
export const fakeWait: WaitOptions = { wait: true, timeoutMs: 10_000, pollMs: 1, failGraceMs: 0 };

export const configMap = (name: string, data: Record<string, string> = { key: 'value' }, namespace = 'ns'): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});

/** A custom resource: ready once created unless its status says otherwise (kstatus rules). */
export const widget = (name: string, spec: Record<string, unknown> = {}, namespace = 'ns'): K8sObject => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name, namespace },
  spec,
});

export const job = (name: string, image: string, namespace = 'ns'): K8sObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name, namespace },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image }] } } },
});

export const ref = (o: K8sObject) => ({ apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name });

/** A fake cluster with a namespace and a Job "controller" that completes every Job it sees. */
export function fakeCluster(namespace = 'ns'): FakeKube {
  const kube = new FakeKube();
  void kube.applyAs('setup', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  kube.react('Job', (j, fake) => {
    if ((j.status as { succeeded?: number } | undefined)?.succeeded) return;
    fake.mutate(ref(j), (o) => {
      o.status = { startTime: '2026-01-01T00:00:00Z', succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] };
    });
  });
  return kube;
}

/** Sets a Widget's Ready condition, as its operator would. */
export function setReady(kube: FakeKube, o: K8sObject, status: 'True' | 'False', reason = 'Working'): void {
  kube.mutate(ref(o), (live) => {
    live.status = { conditions: [{ type: 'Ready', status, reason, message: status === 'True' ? 'all good' : 'still converging' }] };
  });
}
