import { UserError } from '../core/errors.js';
import { describeObject, type K8sObject } from '../core/object.js';
import { KubeApiError, refOf, type KubeClient } from '../kube/types.js';
import { assertPlan, sortGroups } from '../render/order.js';
import type { Gate, GroupSpec, PlannedObject } from '../render/types.js';
import { evaluateReadinessAsync, type Readiness } from '../wait/index.js';
import type { ProgressSink } from './progress.js';
import { restartIfStartedBeforeCrd } from './restart-gate.js';

export const FIELD_MANAGER = 'inferctl';

export interface EngineOptions {
  kube: KubeClient;
  progress: ProgressSink;
  /** Labels stamped on every applied object (ApplySet membership, release). */
  memberLabels: Record<string, string>;
  force: boolean;
  wait: boolean;
  dryRun: boolean;
  timeoutMs: number;
  pollMs: number;
  /** A 'failed' readiness must last this long before the engine gives up (a Job may retry). */
  failGraceMs: number;
  /** Objects of the previous revision, to decide replace-on-change. */
  previous?: Map<string, K8sObject>;
  signal?: AbortSignal;
}

export interface BlockedObject {
  object: string;
  group: string;
  readiness: Readiness;
  hint: string;
}

/** Raised when the plan cannot finish: names what is blocked, on what, and what to run next. */
export class ApplyFailure extends UserError {
  constructor(
    readonly summary: string,
    readonly blocked: BlockedObject[],
    readonly appliedGroups: string[],
  ) {
    const lines = blocked.map((b) => `  - ${b.object} (group ${b.group}): ${b.readiness.message}${b.readiness.cause && !b.readiness.message.includes(b.readiness.cause) ? `; ${b.readiness.cause}` : ''}\n    next: ${b.hint}`);
    super(`${summary}${lines.length ? `\n${lines.join('\n')}` : ''}`);
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

/** The exact command a person runs next to see why an object is stuck. */
export function investigateHint(obj: K8sObject, readiness?: Readiness): string {
  const ns = obj.metadata.namespace ? ` -n ${obj.metadata.namespace}` : '';
  const podCause = /Pod (?:([a-z0-9-]+)\/)?([a-z0-9.-]+)/.exec(readiness?.cause ?? readiness?.message ?? '');
  if (podCause && /BackOff|Error|CrashLoop|exit|failed/i.test(readiness?.message ?? readiness?.cause ?? '')) {
    return `kubectl describe pod ${podCause[2]}${podCause[1] ? ` -n ${podCause[1]}` : ns} && kubectl logs ${podCause[2]}${podCause[1] ? ` -n ${podCause[1]}` : ns} --all-containers`;
  }
  if (obj.kind === 'Job') return `kubectl logs job/${obj.metadata.name}${ns} --all-containers && kubectl describe job ${obj.metadata.name}${ns}`;
  if (obj.kind === 'Deployment') return `kubectl describe deployment ${obj.metadata.name}${ns} && kubectl get pods${ns} -l ${Object.entries(((obj.spec as any)?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',')}`;
  const resource = obj.apiVersion.includes('/') ? `${obj.kind.toLowerCase()}.${obj.apiVersion.split('/')[0]}` : obj.kind.toLowerCase();
  return `kubectl describe ${resource} ${obj.metadata.name}${ns}`;
}

function withMemberLabels(obj: K8sObject, labels: Record<string, string>): K8sObject {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), ...labels } } };
}

/** Webhook and discovery errors right after an operator starts are transient: retry them. */
function isTransient(err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return false;
  if (err.code === 0 || err.code >= 500 || err.code === 429) return true;
  return /failed calling webhook|no endpoints available|connection refused|the server could not find the requested resource|no matches for kind/i.test(err.message);
}

/**
 * Applies groups as a DAG: a group starts when every group it depends on is ready, independent
 * branches run together, each object is server-side applied and then waited on with its kind's
 * readiness rule. CRDs of a group are applied and established before the rest of that group.
 */
export class ApplyEngine {
  private readonly start = Date.now();
  private readonly appliedObjects = new Map<string, K8sObject>();
  private readonly done: string[] = [];

  constructor(private readonly opts: EngineOptions) {}

  private deadline(): number {
    return this.start + this.opts.timeoutMs;
  }

  async run(objects: PlannedObject[], groups: GroupSpec[]): Promise<void> {
    assertPlan(objects, groups);
    const ordered = sortGroups(groups);
    const byName = new Map(ordered.map((g) => [g.name, g]));
    const byGroup = new Map<string, PlannedObject[]>();
    for (const o of objects) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
    const running = new Map<string, Promise<void>>();
    const runGroup = (g: GroupSpec): Promise<void> => {
      let p = running.get(g.name);
      if (!p) {
        p = (async () => {
          await Promise.all(g.dependsOn.map((d) => runGroup(byName.get(d)!)));
          await this.runGroup(g, byGroup.get(g.name) ?? []);
        })();
        running.set(g.name, p);
      }
      return p;
    };
    const results = await Promise.allSettled(ordered.map(runGroup));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  appliedGroups(): string[] {
    return [...this.done];
  }

  private async runGroup(group: GroupSpec, objects: PlannedObject[]): Promise<void> {
    const { progress } = this.opts;
    const started = Date.now();
    progress.emit({ type: 'group-start', group: group.name, description: group.description });
    for (const gate of group.gates ?? []) await this.waitGate(group, gate);
    const definitions = objects.filter((o) => o.object.kind === 'CustomResourceDefinition' || o.object.kind === 'Namespace');
    const rest = objects.filter((o) => !definitions.includes(o));
    if (definitions.length) {
      const applied = await this.applyAll(group, definitions);
      if (!this.opts.dryRun) await this.waitReady(group, applied, true);
      this.opts.kube.refreshDiscovery();
    }
    const applied = await this.applyAll(group, rest);
    if (this.opts.wait && !this.opts.dryRun) await this.waitReady(group, applied, false);
    this.done.push(group.name);
    progress.emit({ type: 'group-done', group: group.name, elapsedMs: Date.now() - started });
  }

  private async waitGate(group: GroupSpec, gate: Gate): Promise<void> {
    if (this.opts.dryRun) return;
    const restarted = gate.kind === 'deployment-started-after-crd' ? await restartIfStartedBeforeCrd(this.opts.kube, gate) : undefined;
    if (restarted) this.opts.progress.emit({ type: 'gate-wait', group: group.name, message: restarted });
    const ref = gate.kind === 'crd-established'
      ? { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: gate.name }
      : { apiVersion: 'apps/v1', kind: 'Deployment', namespace: gate.namespace, name: gate.name };
    let last = '';
    for (;;) {
      const obj = await this.opts.kube.get(ref);
      const readiness: Readiness = obj
        ? await evaluateReadinessAsync(obj, (q) => this.opts.kube.list({ apiVersion: q.apiVersion, kind: q.kind, namespace: q.namespace, labelSelector: selectorString(q.labelSelector) }).then((items) => (q.name ? items.filter((i) => i.metadata.name === q.name) : items)))
        : { state: 'progressing', message: `${ref.kind} ${gate.namespace ? `${gate.namespace}/` : ''}${gate.name} does not exist yet` };
      if (readiness.state === 'ready') return;
      const message = `${gate.why}: ${readiness.message}`;
      if (message !== last) this.opts.progress.emit({ type: 'gate-wait', group: group.name, message });
      last = message;
      if (Date.now() > this.deadline()) {
        const hint = obj ? investigateHint(obj, readiness) : `is the operators layer installed? npx inferctl install operators ./charts/inference-operators`;
        throw new ApplyFailure(`timed out before group ${group.name} could start: ${gate.why}`, [{ object: describeObject({ kind: ref.kind, metadata: { name: gate.name, namespace: gate.namespace } }), group: group.name, readiness, hint }], this.appliedGroups());
      }
      await sleep(this.opts.pollMs, this.opts.signal);
    }
  }

  private async applyAll(group: GroupSpec, objects: PlannedObject[]): Promise<K8sObject[]> {
    const out: K8sObject[] = [];
    for (const r of objects) out.push(await this.applyOne(group, r));
    return out;
  }

  private async applyOne(group: GroupSpec, r: PlannedObject): Promise<K8sObject> {
    const { kube, progress } = this.opts;
    const desired = withMemberLabels(r.object, this.opts.memberLabels);
    const name = describeObject(desired);
    let replaced = false;
    if (r.replaceOnChange && !this.opts.dryRun) replaced = await this.replaceIfChanged(desired);
    for (;;) {
      try {
        const before = replaced ? undefined : await kube.get(refOf(desired));
        const live = await kube.apply(desired, { fieldManager: FIELD_MANAGER, force: this.opts.force, dryRun: this.opts.dryRun });
        const action = this.opts.dryRun ? 'dry-run' : replaced ? 'replaced' : !before ? 'created' : before.metadata.resourceVersion === live.metadata.resourceVersion ? 'unchanged' : 'configured';
        progress.emit({ type: 'applied', group: group.name, object: name, action });
        this.appliedObjects.set(name, live);
        return live;
      } catch (err) {
        if (isTransient(err) && Date.now() < this.deadline()) {
          progress.emit({ type: 'waiting', group: group.name, object: name, message: `apply retried: ${(err as Error).message}` });
          await sleep(this.opts.pollMs, this.opts.signal);
          continue;
        }
        if (err instanceof KubeApiError && err.code === 409 && !this.opts.force) {
          throw new ApplyFailure(`${name}: ${err.message}. Another field manager owns these fields; re-run with --force-conflicts to take them over.`, [], this.appliedGroups());
        }
        if (err instanceof KubeApiError) {
          throw new ApplyFailure(`${name} was rejected by the API server (${err.code}${err.reason ? ` ${err.reason}` : ''}): ${err.message}`, [], this.appliedGroups());
        }
        throw err;
      }
    }
  }

  /** Jobs are immutable: a changed Job is deleted (with its pods) and created again. */
  private async replaceIfChanged(desired: K8sObject): Promise<boolean> {
    const { kube } = this.opts;
    const live = await kube.get(refOf(desired));
    if (!live) return false;
    const wanted = JSON.stringify((desired as any).spec?.template ?? desired.spec);
    const recorded = this.opts.previous?.get(describeObject(desired));
    const previousTemplate = recorded ? JSON.stringify((recorded as any).spec?.template ?? recorded.spec) : undefined;
    if (previousTemplate === wanted) return false;
    await kube.delete(refOf(desired), { propagationPolicy: 'Foreground' });
    const deadline = Date.now() + Math.min(this.opts.timeoutMs, 120_000);
    while ((await kube.get(refOf(desired))) && Date.now() < deadline) await sleep(this.opts.pollMs, this.opts.signal);
    return true;
  }

  private async waitReady(group: GroupSpec, objects: K8sObject[], definitionsOnly: boolean): Promise<void> {
    const { kube, progress } = this.opts;
    const pending = new Map(objects.map((o) => [describeObject(o), { obj: o, since: Date.now(), failedSince: 0, last: undefined as Readiness | undefined }]));
    while (pending.size) {
      await Promise.all(
        [...pending.entries()].map(async ([name, state]) => {
          const live = await kube.get(refOf(state.obj));
          const readiness: Readiness = live
            ? await evaluateReadinessAsync(live, async (q) => {
                const items = await kube.list({ apiVersion: q.apiVersion, kind: q.kind, namespace: q.namespace, labelSelector: selectorString(q.labelSelector) });
                return q.name ? items.filter((i) => i.metadata.name === q.name) : items;
              })
            : { state: 'progressing', message: `${name} is not there (deleted by someone else?)` };
          state.last = readiness;
          if (readiness.state === 'ready') {
            pending.delete(name);
            progress.emit({ type: 'ready', group: group.name, object: name, elapsedMs: Date.now() - state.since });
            return;
          }
          if (readiness.state === 'failed') {
            state.failedSince ||= Date.now();
          } else {
            state.failedSince = 0;
          }
          progress.emit({ type: 'waiting', group: group.name, object: name, message: readiness.message });
        }),
      );
      const failed = [...pending.values()].filter((s) => s.failedSince && Date.now() - s.failedSince >= this.opts.failGraceMs);
      if (failed.length) {
        throw new ApplyFailure(
          `group ${group.name} failed`,
          failed.map((s) => ({ object: describeObject(s.obj), group: group.name, readiness: s.last!, hint: investigateHint(s.obj, s.last) })),
          this.appliedGroups(),
        );
      }
      if (Date.now() > this.deadline()) {
        throw new ApplyFailure(
          `timed out after ${Math.round(this.opts.timeoutMs / 1000)}s waiting for ${definitionsOnly ? 'definitions' : 'objects'} of group ${group.name}`,
          [...pending.values()].map((s) => ({ object: describeObject(s.obj), group: group.name, readiness: s.last ?? { state: 'progressing', message: 'not observed yet' }, hint: investigateHint(s.obj, s.last) })),
          this.appliedGroups(),
        );
      }
      if (this.opts.signal?.aborted) throw new UserError('interrupted; run the same command again: it converges from where it stopped.');
      await sleep(this.opts.pollMs, this.opts.signal);
    }
  }
}

function selectorString(sel: Record<string, string> | string | undefined): string | undefined {
  if (sel === undefined) return undefined;
  if (typeof sel === 'string') return sel;
  return Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
}
