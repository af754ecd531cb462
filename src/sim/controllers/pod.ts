/**
 * Scheduler + kubelet for Pods: binds pods to a node that fits them (./scheduling.ts), then
 * ContainerCreating -> Running -> Ready after configurable delays. Failure modes come from the
 * data (a missing Secret/ConfigMap gives CreateContainerConfigError or a stuck mount and recovers
 * when it appears) or from scripts (ImagePullBackOff, CrashLoopBackOff, never ready). Job pods
 * run to Succeeded or Failed. Graceful deletions complete when the pod's grace period ends.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import type { ScriptRule } from '../scripts.js';
import { arr, isObj, k8sTime, obj } from '../util.js';
import type { Client } from './client.js';
import { condition, controllerOf, fresh, setCondition } from './helpers.js';
import { PodScheduler } from './scheduling.js';
import type { Controller, ControllerContext } from './types.js';

type O = Record<string, any>;
type Step = 'schedule' | 'start' | 'pullBackoff' | 'ready' | 'crash' | 'complete' | 'terminate';

export type PodControllerOptions = Record<string, never>;

export class PodController implements Controller {
  readonly name = 'kubelet';
  private ctx!: ControllerContext;
  private kubelet!: Client;
  private readonly timers = new Map<string, () => void>();
  private nextIp = 2;
  /** Pods whose volumes could not be mounted: a new Secret/ConfigMap retries them at once. */
  private readonly blockedMounts = new Set<string>();
  private scheduler!: PodScheduler;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.kubelet = ctx.client('kubelet');
    this.scheduler = new PodScheduler(ctx);
    this.resync();
  }

  stop(): void {
    for (const cancel of this.timers.values()) cancel();
    this.timers.clear();
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === '/pods') {
      if (e.type === 'DELETED') {
        this.cancelAll(String(e.object.metadata.uid));
        this.blockedMounts.delete(String(e.object.metadata.uid));
      }
      else this.reconcile(e.object, false);
      if (freedResources(e)) this.retryPending();
      return;
    }
    // The scheduler looks at unschedulable pods again when the cluster changes.
    if (e.storageKey === '/nodes') {
      this.retryPending();
      return;
    }
    // Secrets, ConfigMaps and PVCs appearing can unblock waiting pods in that namespace.
    if (['/secrets', '/configmaps', '/persistentvolumeclaims'].includes(e.storageKey)) {
      for (const p of this.ctx.store.list('/pods', e.object.metadata.namespace)) this.reconcile(p, true);
    }
  }

  resync(): void {
    for (const p of this.ctx.store.list('/pods')) this.reconcile(p, true);
  }

  private once(pod: K8sObject, step: Step, ms: number, fn: (p: K8sObject) => void): void {
    const key = `${pod.metadata.uid}:${step}`;
    if (this.timers.has(key)) return;
    const cancel = this.ctx.after(ms, () => {
      this.timers.delete(key);
      const current = this.ctx.store.get('/pods', pod.metadata.namespace, pod.metadata.name);
      if (!current || current.metadata.uid !== pod.metadata.uid) return;
      try {
        fn(current);
      } catch {
        // The pod changed under us; the resulting event reconciles again.
      }
    });
    this.timers.set(key, cancel);
  }

  private cancelAll(uid: string): void {
    for (const [key, cancel] of this.timers) {
      if (key.startsWith(`${uid}:`)) {
        cancel();
        this.timers.delete(key);
      }
    }
  }

  private rule(pod: K8sObject): ScriptRule | undefined {
    return this.ctx.scripts.match(pod, this.owners(pod));
  }

  /** Controller chain above a pod (ReplicaSet, Deployment, Job, StatefulSet, CNPG Cluster...). */
  private owners(o: K8sObject): K8sObject[] {
    const out: K8sObject[] = [];
    let cur: K8sObject | undefined = o;
    for (let i = 0; i < 4 && cur; i++) {
      const ref = controllerOf(cur);
      if (!ref) break;
      const rt = this.ctx.registry.byApiVersionKind(String(ref.apiVersion), String(ref.kind));
      cur = rt ? this.ctx.store.get(rt.storageKey, rt.namespaced ? o.metadata.namespace : undefined, String(ref.name)) : undefined;
      if (cur) out.push(cur);
    }
    return out;
  }

  private reconcile(eventPod: K8sObject, external: boolean): void {
    const pod = fresh(this.ctx, eventPod);
    if (!pod) return;
    const spec = obj(pod.spec) as O;
    const status = obj(pod.status) as O;
    if (pod.metadata.deletionTimestamp) {
      // The kubelet signals the containers and removes the pod when the grace period is over.
      const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0);
      if (grace > 0) this.once(pod, 'terminate', grace * 1000 * this.ctx.timing.terminationGraceScale, (p) => this.terminate(p));
      return;
    }
    if (status.phase === 'Succeeded' || status.phase === 'Failed') return;
    if (!spec.nodeName) {
      // An unschedulable pod's own status writes do not make it fit; cluster changes do (external).
      if (!external && condition(pod, 'PodScheduled')?.status === 'False') return;
      this.once(pod, 'schedule', this.ctx.timing.podScheduleMs, (p) => this.scheduler.schedule(p));
      return;
    }
    const statuses = arr(status.containerStatuses).map(obj);
    if (statuses.length === 0) {
      if (this.scheduler.admit(pod)) this.initialStatus(pod);
      return;
    }
    const waiting = statuses.map((s) => String(obj(obj(s.state).waiting).reason ?? '')).find((r) => r) ?? '';
    const rule = this.rule(pod);
    if (waiting === 'ContainerCreating') {
      // A stuck mount is re-tried when its Secret/ConfigMap shows up (external) or after the start delay.
      const retry = external && this.blockedMounts.has(String(pod.metadata.uid));
      this.once(pod, 'start', retry ? 1 : this.ctx.timing.podStartMs, (p) => this.startContainers(p));
    } else if (waiting === 'CreateContainerConfigError' || waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff') {
      if (waiting === 'ErrImagePull') this.once(pod, 'pullBackoff', this.ctx.timing.imagePullBackoffMs, (p) => this.pullBackoff(p));
      else if (external) this.once(pod, 'start', 1, (p) => this.startContainers(p));
    } else if (waiting === 'CrashLoopBackOff') {
      if (rule?.crashLoop) {
        const restarts = Math.max(...statuses.map((s) => Number(s.restartCount ?? 0)));
        if (restarts < 30) this.once(pod, 'crash', this.ctx.timing.crashLoopRestartMs * Math.min(8, 2 ** Math.max(0, restarts - 1)), (p) => this.crash(p));
      } else if (external) this.once(pod, 'start', 1, (p) => this.startContainers(p));
    } else if (isJobPod(pod)) {
      // `stuck` (or `hold`) keeps a job pod running until the rule goes; the resync then finishes it.
      if (!rule?.hold && rule?.outcome !== 'stuck') this.once(pod, 'complete', this.ctx.timing.jobRunMs + (rule?.delayMs ?? 0), (p) => this.complete(p));
    } else if (!statuses.every((s) => s.ready === true)) {
      if (rule?.outcome !== 'stuck' && !rule?.hold) this.once(pod, 'ready', this.ctx.timing.podReadyMs + (rule?.delayMs ?? 0), (p) => this.markReady(p));
    } else if (external && (rule?.crashLoop || rule?.imagePullError)) {
      this.once(pod, 'start', 1, (p) => this.startContainers(p));
    }
  }

  private retryPending(): void {
    for (const p of this.ctx.store.list('/pods')) if (!obj(p.spec).nodeName && !p.metadata.deletionTimestamp) this.reconcile(p, true);
  }

  // ---- kubelet ----

  private initialStatus(pod: K8sObject): void {
    const spec = obj(pod.spec) as O;
    const names = arr(spec.containers).map((c) => String(obj(c).name));
    const { hostIP, podIP: ip } = this.scheduler.addresses(pod, this.nextIp++);
    let conditions = setCondition(obj(pod.status).conditions, { type: 'PodReadyToStartContainers', status: 'False' });
    conditions = setCondition(conditions, { type: 'Initialized', status: arr(spec.initContainers).length ? 'False' : 'True' });
    conditions = setCondition(conditions, notReady('Ready', names));
    conditions = setCondition(conditions, notReady('ContainersReady', names));
    conditions = setCondition(conditions, { type: 'PodScheduled', status: 'True' });
    this.kubelet.patchStatus(pod, {
      phase: 'Pending',
      conditions,
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: k8sTime(),
      initContainerStatuses: arr(spec.initContainers).length ? arr(spec.initContainers).map((c) => containerStatus(obj(c), { waiting: { reason: 'PodInitializing' } })) : undefined,
      containerStatuses: arr(spec.containers).map((c) => containerStatus(obj(c), { waiting: { reason: 'ContainerCreating' } })),
    });
  }

  private startContainers(pod: K8sObject): void {
    const spec = obj(pod.spec) as O;
    const ns = pod.metadata.namespace ?? 'default';
    const rule = this.rule(pod);
    const containers = arr(spec.containers).map(obj) as O[];

    const mount = this.mountProblem(ns, spec);
    this.blockedMounts.delete(String(pod.metadata.uid));
    if (mount) {
      this.blockedMounts.add(String(pod.metadata.uid));
      this.ctx.events.record(pod, 'Warning', 'FailedMount', mount, 'kubelet');
      this.setWaiting(pod, containers, 'ContainerCreating', undefined, 'Pending');
      return;
    }
    if (rule?.imagePullError) {
      const custom = typeof rule.imagePullError === 'object' ? rule.imagePullError.message : undefined;
      for (const c of containers) this.ctx.events.record(pod, 'Warning', 'Failed', `Failed to pull image "${c.image}": ${custom ?? pullMessage(String(c.image))}`, 'kubelet');
      this.setWaiting(pod, containers, 'ErrImagePull', (c) => custom ?? pullMessage(String(c.image)), 'Pending');
      return;
    }
    for (const c of containers) {
      const problem = this.configProblem(ns, c);
      if (problem) {
        this.ctx.events.record(pod, 'Warning', 'Failed', `Error: ${problem}`, 'kubelet');
        this.setWaiting(pod, containers, 'CreateContainerConfigError', (x) => (x === c ? problem : undefined), 'Pending', c);
        return;
      }
    }
    if (rule?.crashLoop) {
      this.crash(pod);
      return;
    }
    const now = k8sTime();
    const status = obj(pod.status) as O;
    let conditions = setCondition(status.conditions, { type: 'PodReadyToStartContainers', status: 'True' });
    conditions = setCondition(conditions, { type: 'Initialized', status: 'True' });
    this.kubelet.patchStatus(pod, {
      phase: 'Running',
      conditions,
      initContainerStatuses: arr(spec.initContainers).length
        ? arr(spec.initContainers).map((c) => ({ ...containerStatus(obj(c), { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } }), started: false }))
        : undefined,
      containerStatuses: containers.map((c) => ({ ...containerStatus(c, { running: { startedAt: now } }), started: true })),
    });
    this.ctx.events.record(pod, 'Normal', 'Started', `Started container ${containers.map((c) => c.name).join(', ')}`, 'kubelet');
  }

  private setWaiting(pod: K8sObject, containers: O[], reason: string, message: ((c: O) => string | undefined) | undefined, phase: string, only?: O): void {
    const prev = arr(obj(pod.status).containerStatuses).map(obj);
    this.kubelet.patchStatus(pod, {
      phase,
      containerStatuses: containers.map((c) => {
        const before = prev.find((s) => s.name === c.name) ?? {};
        if (only && c !== only) return { ...containerStatus(c, { waiting: { reason: 'ContainerCreating' } }), restartCount: before.restartCount ?? 0 };
        const m = message?.(c);
        return { ...containerStatus(c, { waiting: m ? { reason, message: m } : { reason } }), restartCount: before.restartCount ?? 0, lastState: before.lastState ?? {} };
      }),
    });
  }

  private pullBackoff(pod: K8sObject): void {
    const containers = arr(obj(pod.spec).containers).map(obj) as O[];
    const rule = this.rule(pod);
    if (!rule?.imagePullError) {
      this.startContainers(pod);
      return;
    }
    for (const c of containers) this.ctx.events.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${c.image}"`, 'kubelet');
    const custom = typeof rule.imagePullError === 'object' ? rule.imagePullError.message : undefined;
    this.setWaiting(pod, containers, 'ImagePullBackOff', (c) => `Back-off pulling image "${c.image}": ErrImagePull: ${custom ?? pullMessage(String(c.image))}`, 'Pending');
  }

  private crash(pod: K8sObject): void {
    const rule = this.rule(pod);
    const containers = arr(obj(pod.spec).containers).map(obj) as O[];
    if (!rule?.crashLoop) {
      this.startContainers(pod);
      return;
    }
    const exitCode = typeof rule.crashLoop === 'object' ? (rule.crashLoop.exitCode ?? 1) : 1;
    const logLine = typeof rule.crashLoop === 'object' && rule.crashLoop.message ? rule.crashLoop.message : `Error: simulated crash (exit code ${exitCode})`;
    const prev = arr(obj(pod.status).containerStatuses).map(obj);
    const now = k8sTime();
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    this.ctx.podLogs.set(key, `${this.ctx.podLogs.get(key) ?? ''}${logLine}\n`);
    let conditions = setCondition(obj(pod.status).conditions, { type: 'PodReadyToStartContainers', status: 'True' });
    conditions = setCondition(conditions, notReady('Ready', containers.map((c) => String(c.name))));
    conditions = setCondition(conditions, notReady('ContainersReady', containers.map((c) => String(c.name))));
    this.kubelet.patchStatus(pod, {
      phase: 'Running',
      conditions,
      containerStatuses: containers.map((c) => {
        const restarts = Number(prev.find((s) => s.name === c.name)?.restartCount ?? 0) + 1;
        const backoff = Math.min(300, 10 * 2 ** (restarts - 1));
        return {
          ...containerStatus(c, {
            waiting: { reason: 'CrashLoopBackOff', message: `back-off ${backoff < 60 ? `${backoff}s` : `${Math.floor(backoff / 60)}m${backoff % 60 ? `${backoff % 60}s` : ''}`} restarting failed container=${c.name} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})` },
          }),
          lastState: { terminated: { exitCode, reason: 'Error', message: logLine, startedAt: now, finishedAt: now } },
          restartCount: restarts,
        };
      }),
    });
    this.ctx.events.record(pod, 'Warning', 'BackOff', 'Back-off restarting failed container', 'kubelet');
  }

  private markReady(pod: K8sObject): void {
    const statuses = arr(obj(pod.status).containerStatuses).map(obj);
    let conditions = setCondition(obj(pod.status).conditions, { type: 'Ready', status: 'True' });
    conditions = setCondition(conditions, { type: 'ContainersReady', status: 'True' });
    this.kubelet.patchStatus(pod, { conditions, containerStatuses: statuses.map((s) => ({ ...s, ready: true })) });
  }

  private complete(pod: K8sObject): void {
    const rule = this.rule(pod);
    if (rule?.hold || rule?.outcome === 'stuck') return;
    const failed = rule?.outcome === 'fail';
    const now = k8sTime();
    const containers = arr(obj(pod.spec).containers).map(obj) as O[];
    const exitCode = failed ? 1 : 0;
    const reason = failed ? 'PodFailed' : 'PodCompleted';
    let conditions = setCondition(obj(pod.status).conditions, { type: 'Ready', status: 'False', reason });
    conditions = setCondition(conditions, { type: 'ContainersReady', status: 'False', reason });
    conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: 'False' });
    if (failed) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      this.ctx.podLogs.set(key, `${this.ctx.podLogs.get(key) ?? ''}${rule?.message ?? 'Error: simulated job failure'}\n`);
    }
    this.kubelet.patchStatus(pod, {
      phase: failed ? 'Failed' : 'Succeeded',
      conditions,
      containerStatuses: containers.map((c) => ({
        ...containerStatus(c, { terminated: { exitCode, reason: failed ? 'Error' : 'Completed', startedAt: now, finishedAt: now, ...(failed && rule?.message ? { message: rule.message } : {}) } }),
        started: false,
      })),
    });
  }

  private terminate(pod: K8sObject): void {
    const rt = this.ctx.registry.byApiVersionKind('v1', 'Pod')!;
    this.ctx.api.delete(rt, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0 }, { fieldManager: 'kubelet' });
  }

  private mountProblem(ns: string, spec: O): string | undefined {
    for (const v of arr(spec.volumes).map(obj) as O[]) {
      if (isObj(v.secret) && !v.secret.optional && !this.ctx.store.get('/secrets', ns, String(v.secret.secretName))) {
        return `MountVolume.SetUp failed for volume "${v.name}" : secret "${v.secret.secretName}" not found`;
      }
      if (isObj(v.configMap) && !v.configMap.optional && !this.ctx.store.get('/configmaps', ns, String(v.configMap.name))) {
        return `MountVolume.SetUp failed for volume "${v.name}" : configmap "${v.configMap.name}" not found`;
      }
    }
    return undefined;
  }

  /** The kubelet's CreateContainerConfigError messages for env sources that do not resolve. */
  private configProblem(ns: string, c: O): string | undefined {
    const lookup = (kind: 'Secret' | 'ConfigMap', name: string, key?: string, optional?: unknown): string | undefined => {
      if (optional) return undefined;
      const o = this.ctx.store.get(kind === 'Secret' ? '/secrets' : '/configmaps', ns, name);
      if (!o) return `${kind === 'Secret' ? 'secret' : 'configmap'} "${name}" not found`;
      if (key !== undefined) {
        const data = { ...obj((o as O).data), ...obj((o as O).binaryData) };
        if (!(key in data)) return `couldn't find key ${key} in ${kind} ${ns}/${name}`;
      }
      return undefined;
    };
    for (const e of arr(c.env).map(obj) as O[]) {
      const vf = obj(e.valueFrom) as O;
      if (isObj(vf.secretKeyRef)) {
        const p = lookup('Secret', String(vf.secretKeyRef.name), String(vf.secretKeyRef.key), vf.secretKeyRef.optional);
        if (p) return p;
      }
      if (isObj(vf.configMapKeyRef)) {
        const p = lookup('ConfigMap', String(vf.configMapKeyRef.name), String(vf.configMapKeyRef.key), vf.configMapKeyRef.optional);
        if (p) return p;
      }
    }
    for (const ef of arr(c.envFrom).map(obj) as O[]) {
      if (isObj(ef.secretRef)) {
        const p = lookup('Secret', String(ef.secretRef.name), undefined, ef.secretRef.optional);
        if (p) return p;
      }
      if (isObj(ef.configMapRef)) {
        const p = lookup('ConfigMap', String(ef.configMapRef.name), undefined, ef.configMapRef.optional);
        if (p) return p;
      }
    }
    return undefined;
  }
}

function isJobPod(pod: K8sObject): boolean {
  const ref = controllerOf(pod);
  if (ref?.kind === 'Job') return true;
  const rp = obj(pod.spec).restartPolicy;
  return rp === 'Never' || rp === 'OnFailure';
}

function notReady(type: string, names: string[]) {
  return { type, status: 'False' as const, reason: 'ContainersNotReady', message: `containers with unready status: [${names.join(' ')}]` };
}

function containerStatus(c: O, state: Record<string, unknown>): Record<string, unknown> {
  const image = String(c.image ?? '');
  return {
    name: c.name,
    image: image.includes('/') ? image : `docker.io/library/${image}`,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state,
    lastState: {},
    containerID: state.waiting ? undefined : `containerd://${Buffer.from(`${c.name}${image}`).toString('hex').slice(0, 64).padEnd(64, '0')}`,
  };
}

function pullMessage(image: string): string {
  const ref = image.includes('/') ? image : `docker.io/library/${image}`;
  const full = ref.includes(':') || ref.includes('@') ? ref : `${ref}:latest`;
  return `rpc error: code = NotFound desc = failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`;
}

/** A bound pod went away or finished: what it held is free for pending ones. */
function freedResources(e: StoreEvent): boolean {
  if (!obj(e.previous?.spec).nodeName) return false;
  if (e.type === 'DELETED') return true;
  const terminal = (o: K8sObject | undefined) => ['Succeeded', 'Failed'].includes(String(obj(o?.status).phase));
  return terminal(e.object) && !terminal(e.previous);
}
