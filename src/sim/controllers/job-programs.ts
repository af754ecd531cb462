/**
 * Job pods run their real programs (src/sim/programs): a Job pod whose container a program
 * matches is held by a script rule so the kubelet does not finish it on a timer; once the kubelet
 * has started the container, the program runs, its output becomes the pod log, and the pod ends
 * Succeeded or Failed with the program's exit code, as the kubelet would report it. Job pods no
 * program matches (third-party images such as LiteLLM's Prisma migration) keep the kubelet's
 * scripted completion, and so do pods a test scripted (outcome, hold, crashLoop, imagePullError).
 */
import type { K8sObject } from '../../core/object.js';
import { envoyGatewayCertgen } from '../programs/envoy-gateway-certgen.js';
import { pythonScript } from '../programs/python.js';
import type { ContainerProgram } from '../programs/types.js';
import type { ScriptHandle } from '../scripts.js';
import type { StoreEvent } from '../store.js';
import { arr, k8sTime, obj } from '../util.js';
import { controllerOf, fresh, podTerminal, setCondition } from './helpers.js';
import { containerCommand, containerEnv } from './pod-env.js';
import type { Controller, ControllerContext } from './types.js';

export interface JobProgramsOptions {
  /** Programs tried in order (default: Envoy Gateway certgen, Python scripts from mounted volumes). */
  programs?: ContainerProgram[];
}

interface Claim {
  program: ContainerProgram;
  hold: ScriptHandle;
  abort?: AbortController;
}

type O = Record<string, any>;

export class JobProgramsController implements Controller {
  readonly name = 'job-programs';
  private ctx!: ControllerContext;
  private readonly programs: ContainerProgram[];
  private readonly claims = new Map<string, Claim>();

  constructor(opts: JobProgramsOptions = {}) {
    this.programs = opts.programs ?? [envoyGatewayCertgen, pythonScript];
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.resync();
  }

  stop(): void {
    for (const c of this.claims.values()) c.abort?.abort();
  }

  resync(): void {
    for (const p of this.ctx.store.list('/pods')) this.reconcile(p);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey !== '/pods') return;
    if (e.type === 'DELETED') this.release(String(e.object.metadata.uid));
    else this.reconcile(e.object);
  }

  private reconcile(eventPod: K8sObject): void {
    const pod = fresh(this.ctx, eventPod);
    if (!pod) return;
    const uid = String(pod.metadata.uid);
    const claim = this.claims.get(uid);
    if (!claim) return this.claim(pod);
    if (claim.abort) return;
    if (pod.metadata.deletionTimestamp) return this.release(uid);
    const state = obj(obj(arr(obj(pod.status).containerStatuses)[0]).state);
    if (state.running) this.run(pod, claim);
  }

  private claim(pod: K8sObject): void {
    if (pod.metadata.deletionTimestamp || podTerminal(pod) || controllerOf(pod)?.kind !== 'Job') return;
    const containers = arr(obj(pod.spec).containers).map(obj) as O[];
    // A container the kubelet already started (the simulator restarted this controller) is left to it.
    if (containers.length !== 1 || arr(obj(pod.status).containerStatuses).some((s) => obj(obj(s).state).running)) return;
    const program = this.programs.find((p) => p.matches(pod, containers[0]));
    if (!program || this.scripted(pod)) return;
    const hold = this.ctx.scripts.add({ kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, hold: true });
    this.claims.set(String(pod.metadata.uid), { program, hold });
  }

  private scripted(pod: K8sObject): boolean {
    const ref = controllerOf(pod);
    const job = ref ? this.ctx.store.get('batch/jobs', pod.metadata.namespace, String(ref.name)) : undefined;
    const rule = this.ctx.scripts.match(pod, job ? [job] : []);
    return !!rule && (rule.outcome !== undefined || !!rule.hold || !!rule.crashLoop || !!rule.imagePullError || rule.delayMs !== undefined);
  }

  private run(pod: K8sObject, claim: Claim): void {
    claim.abort = new AbortController();
    const uid = String(pod.metadata.uid);
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const log = (text: string) => this.ctx.podLogs.set(key, `${this.ctx.podLogs.get(key) ?? ''}${text}`);
    const container = arr(obj(pod.spec).containers).map(obj)[0] as O;
    const startedAt = k8sTime();
    let result: Promise<number>;
    try {
      const env = containerEnv(this.ctx.store, pod, container);
      result = claim.program.run({ pod, container, env, argv: containerCommand(container, env), ctx: this.ctx, signal: claim.abort.signal, log });
    } catch (e) {
      result = Promise.resolve().then(() => {
        log(`Error: ${(e as Error).message}\n`);
        return 1;
      });
    }
    void result
      .catch((e: unknown) => {
        log(`Error: ${(e as Error).message}\n`);
        return 1;
      })
      .then((exitCode) => {
        if (this.claims.get(uid) !== claim) return;
        this.finish(pod, exitCode, startedAt);
        this.release(uid);
      });
  }

  /** What the kubelet writes when the container exits. */
  private finish(pod: K8sObject, exitCode: number, startedAt: string): void {
    const current = fresh(this.ctx, pod);
    if (!current || podTerminal(current) || current.metadata.deletionTimestamp) return;
    const failed = exitCode !== 0;
    const reason = failed ? 'PodFailed' : 'PodCompleted';
    let conditions = setCondition(obj(current.status).conditions, { type: 'Ready', status: 'False', reason });
    conditions = setCondition(conditions, { type: 'ContainersReady', status: 'False', reason });
    conditions = setCondition(conditions, { type: 'PodReadyToStartContainers', status: 'False' });
    const finishedAt = k8sTime();
    const statuses = arr(obj(current.status).containerStatuses).map((s) => {
      const st = obj(s) as O;
      return { ...st, ready: false, started: false, state: { terminated: { exitCode, reason: failed ? 'Error' : 'Completed', startedAt: obj(st.state.running).startedAt ?? startedAt, finishedAt, containerID: st.containerID } } };
    });
    this.ctx.client('kubelet').patchStatus(current, { phase: failed ? 'Failed' : 'Succeeded', conditions, containerStatuses: statuses });
  }

  private release(uid: string): void {
    const claim = this.claims.get(uid);
    if (!claim) return;
    this.claims.delete(uid);
    claim.abort?.abort();
    claim.hold.remove();
  }
}
