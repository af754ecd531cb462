/**
 * The LiteLLM image cannot run here, so its admin API does: a pod running the LiteLLM proxy
 * (image ghcr.io/berriai/litellm*, a container whose command line runs `litellm`) is served, once
 * Running, by a fake admin API (../fakes/litellm.ts) on 127.0.0.1, registered as that pod's
 * container port so cluster DNS sends its Service's traffic there. All pods of one Deployment
 * share one fake, as they share LiteLLM's database; its models outlive the pods. The master key is
 * the pod's LITELLM_MASTER_KEY, resolved from its Secret when the pod started.
 */
import type { K8sObject } from '../../core/object.js';
import { FakeLiteLLM } from '../fakes/litellm.js';
import type { StoreEvent } from '../store.js';
import { arr, obj } from '../util.js';
import { controllerOf, fresh, podTerminal } from './helpers.js';
import { containerEnv } from './pod-env.js';
import type { Controller, ControllerContext } from './types.js';

type O = Record<string, any>;

const IMAGE = /(^|\/)berriai\/litellm[a-z-]*(:|@|$)/;

function proxyContainer(pod: K8sObject): O | undefined {
  return (arr(obj(pod.spec).containers).map(obj) as O[]).find((c) => IMAGE.test(String(c.image ?? '')) && [...arr(c.command), ...arr(c.args)].some((a) => /(^|\/)litellm$/.test(String(a))));
}

function listenPort(c: O): number {
  const argv = [...arr(c.command), ...arr(c.args)].map(String);
  const i = argv.indexOf('--port');
  if (i >= 0 && Number(argv[i + 1])) return Number(argv[i + 1]);
  return Number(obj(arr(c.ports)[0]).containerPort ?? 4000);
}

export class LiteLLMController implements Controller {
  readonly name = 'litellm';
  private ctx!: ControllerContext;
  /** One fake per Deployment ("ns/name"), or per bare pod. */
  private readonly fakes = new Map<string, { fake: FakeLiteLLM; ready: Promise<number>; keys: Map<string, string | undefined> }>();
  private readonly served = new Map<string, string>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.resync();
  }

  stop(): void {
    for (const f of this.fakes.values()) void f.fake.close();
  }

  resync(): void {
    for (const p of this.ctx.store.list('/pods')) this.reconcile(p);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey !== '/pods') return;
    if (e.type === 'DELETED') this.forget(e.object);
    else this.reconcile(e.object);
  }

  /** The fake behind a LiteLLM Deployment (or bare pod), for in-process tests. */
  fakeFor(namespace: string, owner: string): FakeLiteLLM | undefined {
    return this.fakes.get(`${namespace}/${owner}`)?.fake;
  }

  private owner(pod: K8sObject): string {
    const rsRef = controllerOf(pod);
    if (rsRef?.kind !== 'ReplicaSet') return pod.metadata.name;
    const rs = this.ctx.store.get('apps/replicasets', pod.metadata.namespace, String(rsRef.name));
    const dRef = rs && controllerOf(rs);
    return dRef?.kind === 'Deployment' ? String(dRef.name) : String(rsRef.name);
  }

  private reconcile(eventPod: K8sObject): void {
    const pod = fresh(this.ctx, eventPod);
    if (!pod) return;
    const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
    if (pod.metadata.deletionTimestamp || podTerminal(pod)) return this.forget(pod);
    if (this.served.has(podKey) || obj(pod.status).phase !== 'Running' || controllerOf(pod)?.kind === 'Job') return;
    const container = proxyContainer(pod);
    if (!container) return;
    const ns = pod.metadata.namespace!;
    const key = `${ns}/${this.owner(pod)}`;
    let entry = this.fakes.get(key);
    if (!entry) {
      const keys = new Map<string, string | undefined>();
      // The newest pod's key: a rollout that changed the Secret brings the new key.
      const fake = new FakeLiteLLM(() => [...keys.values()].reverse().find((k) => k));
      entry = { fake, ready: fake.listen(0), keys };
      this.fakes.set(key, entry);
      void entry.ready.then((port) => this.ctx.notice(`LiteLLM admin API (fake) for Deployment ${key} on http://127.0.0.1:${port}`));
    }
    let masterKey: string | undefined;
    try {
      masterKey = containerEnv(this.ctx.store, pod, container).LITELLM_MASTER_KEY;
    } catch {
      masterKey = undefined;
    }
    entry.keys.set(podKey, masterKey);
    this.served.set(podKey, key);
    const containerPort = listenPort(container);
    void entry.ready.then((port) => {
      if (this.served.get(podKey) === key) this.ctx.backends.register(ns, pod.metadata.name, containerPort, port);
    });
  }

  private forget(pod: K8sObject): void {
    const podKey = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const key = this.served.get(podKey);
    if (!key) return;
    this.served.delete(podKey);
    this.fakes.get(key)?.keys.delete(podKey);
    this.ctx.backends.unregister(pod.metadata.namespace!, pod.metadata.name);
  }
}
