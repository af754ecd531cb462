/**
 * Deployment controller: one ReplicaSet per pod template (<deploy>-<pod-template-hash>), rolling
 * to the new one and scaling old ones down once the new one is available, with the status
 * kubectl rollout/wait read: observedGeneration, replica counts and the Available/Progressing
 * conditions (including ProgressDeadlineExceeded).
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { clone, deepEqual, obj, stableHash } from '../util.js';
import type { Client } from './client.js';
import { condition, controllerOf, fresh, isControlledBy, ownerRef, podProblem, setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

const KEY = 'apps/deployments';
const RS_KEY = 'apps/replicasets';
const HASH = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly deadlines = new Map<string, () => void>();

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-controller-manager');
    this.resync();
  }

  stop(): void {
    for (const c of this.deadlines.values()) c();
  }

  resync(): void {
    for (const d of this.ctx.store.list(KEY)) this.reconcile(d);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === KEY && e.type !== 'DELETED') this.reconcile(e.object);
    if (e.storageKey === RS_KEY) {
      const ref = controllerOf(e.object);
      if (ref?.kind === 'Deployment') {
        const d = this.ctx.store.get(KEY, e.object.metadata.namespace, String(ref.name));
        if (d && d.metadata.uid === ref.uid) this.reconcile(d);
      }
    }
  }

  private reconcile(eventD: K8sObject): void {
    const d = fresh(this.ctx, eventD);
    if (!d) return;
    if (d.metadata.deletionTimestamp) return;
    const ns = d.metadata.namespace!;
    const spec = obj(d.spec);
    const desired = Number(spec.replicas ?? 1);
    const template = obj(spec.template);
    const hash = stableHash(JSON.stringify(template), 10);
    const owned = this.ctx.store.list(RS_KEY, ns).filter((rs) => isControlledBy(rs, d));
    const sameTemplate = (rs: K8sObject) => {
      const t = clone(obj(obj(rs.spec).template));
      const labels = { ...obj(obj(t.metadata).labels) };
      delete labels[HASH];
      return deepEqual({ ...t, metadata: { ...obj(t.metadata), labels } }, template) || rs.metadata.labels?.[HASH] === hash;
    };
    let newRs = owned.find(sameTemplate);
    const maxRevision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? 0)));
    if (!newRs && !spec.paused) {
      const wanted = this.replicaSetFor(d, hash, desired, maxRevision + 1);
      const existed = this.client.get('apps/v1', 'ReplicaSet', ns, wanted.metadata.name);
      newRs = this.client.ensure(wanted);
      if (newRs && !existed && desired > 0) this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${newRs.metadata.name} from 0 to ${desired}`, 'deployment-controller');
    }
    if (!newRs) return;
    const old = owned.filter((rs) => rs !== newRs && rs.metadata.uid !== newRs!.metadata.uid);
    const revision = newRs.metadata.annotations?.[REVISION];
    if (revision && d.metadata.annotations?.[REVISION] !== revision) {
      this.client.patch('apps/v1', 'Deployment', ns, d.metadata.name, { metadata: { annotations: { [REVISION]: revision } } });
    }

    if (!spec.paused) {
      const recreate = obj(spec.strategy).type === 'Recreate';
      const oldPods = old.reduce((n, rs) => n + Number(obj(rs.status).replicas ?? 0), 0);
      const newTarget = recreate && oldPods > 0 ? 0 : desired;
      if (Number(obj(newRs.spec).replicas ?? 0) !== newTarget) this.scale(d, newRs, newTarget);
      // Old ReplicaSets go to zero once the new one is fully available (or at once for Recreate).
      const newAvailable = Number(obj(newRs.status).availableReplicas ?? 0);
      if (recreate || newAvailable >= desired) for (const rs of old) if (Number(obj(rs.spec).replicas ?? 0) !== 0) this.scale(d, rs, 0);
      this.pruneHistory(d, old);
    }
    this.updateStatus(d, newRs, old, desired);
  }

  private replicaSetFor(d: K8sObject, hash: string, replicas: number, revision: number): K8sObject {
    const spec = obj(d.spec);
    const template = clone(obj(spec.template));
    const tmeta = obj(template.metadata);
    tmeta.labels = { ...obj(tmeta.labels), [HASH]: hash };
    template.metadata = tmeta;
    const selector = clone(obj(spec.selector));
    selector.matchLabels = { ...obj(selector.matchLabels), [HASH]: hash };
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...(tmeta.labels as Record<string, string>) },
        annotations: { [REVISION]: String(revision), 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d, replicas)) },
        ownerReferences: [ownerRef(d)],
      },
      spec: { replicas, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
    };
  }

  private scale(d: K8sObject, rs: K8sObject, replicas: number): void {
    const from = Number(obj(rs.spec).replicas ?? 0);
    this.client.patch('apps/v1', 'ReplicaSet', rs.metadata.namespace, rs.metadata.name, {
      metadata: { annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas) } },
      spec: { replicas },
    });
    this.ctx.events.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${from < replicas ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${replicas}`, 'deployment-controller');
  }

  private pruneHistory(d: K8sObject, old: K8sObject[]): void {
    const limit = Number(obj(d.spec).revisionHistoryLimit ?? 10);
    const idle = old
      .filter((rs) => Number(obj(rs.spec).replicas ?? 0) === 0 && Number(obj(rs.status).replicas ?? 0) === 0)
      .sort((a, b) => Number(a.metadata.annotations?.[REVISION] ?? 0) - Number(b.metadata.annotations?.[REVISION] ?? 0));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.client.delete('apps/v1', 'ReplicaSet', rs.metadata.namespace, rs.metadata.name);
  }

  private updateStatus(d: K8sObject, newRs: K8sObject, old: K8sObject[], desired: number): void {
    const all = [newRs, ...old].map((rs) => this.ctx.store.get(RS_KEY, rs.metadata.namespace, rs.metadata.name) ?? rs);
    const sum = (f: string) => all.reduce((n, rs) => n + Number(obj(rs.status)[f] ?? 0), 0);
    const replicas = sum('replicas');
    const ready = sum('readyReplicas');
    const available = sum('availableReplicas');
    const fresh = this.ctx.store.get(RS_KEY, newRs.metadata.namespace, newRs.metadata.name) ?? newRs;
    const updated = Number(obj(fresh.status).replicas ?? 0);
    const newAvailable = Number(obj(fresh.status).availableReplicas ?? 0);
    const status = obj(d.status);
    const minAvailable = desired - maxUnavailable(d, desired);
    const rsName = newRs.metadata.name;

    let conditions = setCondition(
      status.conditions,
      available >= minAvailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      { updateTime: true },
    );
    const complete = updated === desired && newAvailable >= desired && replicas === desired;
    const progressing = condition(d, 'Progressing');
    let prog: Parameters<typeof setCondition>[1];
    if (obj(d.spec).paused) prog = { type: 'Progressing', status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' };
    else if (complete) prog = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` };
    else if (progressing?.reason === 'ProgressDeadlineExceeded' && progressing.message === `ReplicaSet "${rsName}" has timed out progressing.`) prog = { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: String(progressing.message) };
    else if (!progressing || (progressing.reason === 'NewReplicaSetAvailable' && !String(progressing.message).includes(`"${rsName}"`))) {
      prog = { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` };
    } else prog = { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` };
    conditions = setCondition(conditions, prog, { updateTime: true });
    // Upstream orders conditions Available, Progressing (and ReplicaFailure when present).
    const problem = this.replicaFailure(newRs);
    if (problem) conditions = setCondition(conditions, { type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: problem }, { updateTime: true });
    else conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');

    const next: Record<string, unknown> = {
      observedGeneration: d.metadata.generation,
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
      unavailableReplicas: Math.max(0, desired - available) || null,
      terminatingReplicas: sum('terminatingReplicas') || null,
      conditions,
    };
    if (!complete && prog.reason !== 'ProgressDeadlineExceeded') this.armDeadline(d, rsName);
    else this.disarm(d);
    this.client.patchStatus(d, next);
  }

  private replicaFailure(rs: K8sObject): string | undefined {
    const fresh = this.ctx.store.get(RS_KEY, rs.metadata.namespace, rs.metadata.name);
    const c = condition(fresh, 'ReplicaFailure');
    return c?.status === 'True' ? String(c.message) : undefined;
  }

  /** progressDeadlineSeconds (scaled by timing.deadlineScale and speed) without progress -> ProgressDeadlineExceeded. */
  private armDeadline(d: K8sObject, rsName: string): void {
    const key = `${d.metadata.uid}/${rsName}`;
    if (this.deadlines.has(key)) return;
    const seconds = Number(obj(d.spec).progressDeadlineSeconds ?? 600);
    const cancel = this.ctx.after(seconds * 1000 * this.ctx.timing.deadlineScale, () => {
      this.deadlines.delete(key);
      const cur = this.ctx.store.get(KEY, d.metadata.namespace, d.metadata.name);
      if (!cur || cur.metadata.uid !== d.metadata.uid) return;
      const prog = condition(cur, 'Progressing');
      if (prog?.reason === 'NewReplicaSetAvailable') return;
      const pods = this.ctx.store.list('/pods', d.metadata.namespace).filter((p) => p.metadata.labels?.[HASH] && rsName.endsWith(p.metadata.labels[HASH]));
      const why = pods.map(podProblem).find((x) => x);
      this.client.patchStatus(cur, {
        conditions: setCondition(obj(cur.status).conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, { updateTime: true }),
      });
      if (why) this.ctx.events.record(cur, 'Warning', 'ProgressDeadlineExceeded', `${why.reason}: ${why.message}`, 'deployment-controller');
    });
    this.deadlines.set(key, cancel);
  }

  private disarm(d: K8sObject): void {
    for (const [key, cancel] of this.deadlines) {
      if (key.startsWith(`${d.metadata.uid}/`)) {
        cancel();
        this.deadlines.delete(key);
      }
    }
  }
}

function resolve(value: unknown, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? ''));
  if (!m) return 0;
  const v = (Number(m[1]) * replicas) / 100;
  return roundUp ? Math.ceil(v) : Math.floor(v);
}

function maxSurge(d: K8sObject, replicas: number): number {
  const ru = obj(obj(obj(d.spec).strategy).rollingUpdate);
  return resolve(ru.maxSurge ?? '25%', replicas, true);
}

function maxUnavailable(d: K8sObject, replicas: number): number {
  const strategy = obj(obj(d.spec).strategy);
  if (strategy.type === 'Recreate') return replicas;
  const ru = obj(strategy.rollingUpdate);
  const surge = resolve(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = resolve(ru.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return Math.min(unavailable, replicas);
}
