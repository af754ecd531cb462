import { createHash } from 'node:crypto';
import { describeObject, type K8sObject } from '../core/object.js';
import { KubeApiError, refOf, type KubeClient } from '../kube/types.js';
import { AbortedError, pause } from '../kube/transport.js';
import { assertPlan, sortGroups } from '../render/order.js';
import type { Gate, GroupSpec, PlannedObject } from '../render/types.js';
import { evaluateReadinessAsync, readinessRuleFor, type Readiness } from '../wait/index.js';
import { ApplyFailure, Interrupted, investigateHint, type BlockedObject, type NotStartedGroup } from './failure.js';
import { autoscaledTargets, conflictsOf, differences, partOf, releaseKey, setUsers, usersOf, withUsers, type ReleaseIdentity } from './ownership.js';
import type { ProgressSink } from './progress.js';
import { PollReads } from './reads.js';
import { restartIfStartedBeforeCrd } from './restart-gate.js';

export { ApplyFailure, Interrupted, investigateHint, type BlockedObject } from './failure.js';

export const FIELD_MANAGER = 'inferctl';

export interface EngineOptions {
  kube: KubeClient;
  progress: ProgressSink;
  /** Labels stamped on every applied object (ApplySet membership). */
  memberLabels: Record<string, string>;
  /** Take fields other managers hold without reporting them (server-side apply force). */
  force: boolean;
  wait: boolean;
  dryRun: boolean;
  timeoutMs: number;
  pollMs: number;
  /** A 'failed' readiness must last this long before the engine gives up (a Job may retry). */
  failGraceMs: number;
  /** Objects of the previous revision, to decide replace-on-change. */
  previous?: Map<string, K8sObject>;
  /** SIGINT/SIGTERM: every wait stops at once and the run ends as Interrupted. */
  signal?: AbortSignal;
  /** The release applying: ownership checks and shared objects. Absent for uninstall hooks. */
  release?: ReleaseIdentity;
  /** Adopt objects that belong to another release or to nobody (Helm's --take-ownership). */
  takeOwnership?: boolean;
  /** "release X in namespace Y" for an ApplySet id, for messages. */
  ownerOf?: (applySetId: string) => string | undefined;
}

/** What a run changed besides applying: drift it reverted, objects it adopted or shares. */
export interface EngineNotes {
  reverted: string[];
  adopted: string[];
  shared: string[];
}

interface Pending {
  obj: K8sObject;
  since: number;
  failedSince: number;
  last?: Readiness;
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

/** On objects replaced on change (Jobs): a hash of the spec applied, since the live spec carries server defaults. */
export const SPEC_HASH = 'inferctl.io/spec-hash';

function specHash(o: K8sObject): string {
  return createHash('sha256').update(JSON.stringify(o.spec ?? {})).digest('hex').slice(0, 16);
}

export function withSpecHash(o: K8sObject): K8sObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...(o.metadata.annotations ?? {}), [SPEC_HASH]: specHash(o) } } };
}

/**
 * Why an existing Job must be run again: it failed (a re-run retries it), or the Job in the cluster
 * is not the one this render wants: its spec changed since the recorded revision, or an unfinished
 * revision left another one there.
 */
function jobReplaceReason(live: K8sObject, desired: K8sObject, recorded: K8sObject | undefined): string | undefined {
  const failed = ((live.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) return `it had failed (${[failed.reason, failed.message].filter(Boolean).join(': ') || 'Failed'}); running it again`;
  const liveHash = live.metadata.annotations?.[SPEC_HASH];
  if (liveHash) return liveHash === desired.metadata.annotations?.[SPEC_HASH] ? undefined : 'its template changed';
  // Applied before spec hashes: compare with what the release recorded.
  const template = (o: K8sObject) => JSON.stringify((o.spec as { template?: unknown } | undefined)?.template ?? o.spec);
  if (!recorded) return template(live) === template(desired) ? undefined : 'its template changed';
  return template(recorded) === template(desired) ? undefined : 'its template changed';
}

/**
 * Applies groups as a DAG: a group starts when every group it depends on is ready, independent
 * branches run together, each object is server-side applied and then waited on with its kind's
 * readiness rule. CRDs and Namespaces of a group are applied and established before the rest.
 * When one group fails, every other wait stops and the failure lists all that was blocked.
 */
export class ApplyEngine {
  private readonly start = Date.now();
  private readonly done: string[] = [];
  private readonly started = new Set<string>();
  private readonly waiting = new Map<string, Map<string, Pending>>();
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly failures: unknown[] = [];
  private autoscaled = new Map<string, Promise<Set<string>>>();
  readonly notes: EngineNotes = { reverted: [], adopted: [], shared: [] };

  constructor(private readonly opts: EngineOptions) {
    this.signal = opts.signal ? AbortSignal.any([opts.signal, this.stop.signal]) : this.stop.signal;
  }

  private deadline(): number {
    return this.start + this.opts.timeoutMs;
  }

  appliedGroups(): string[] {
    return [...this.done];
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
          try {
            await this.runGroup(g, byGroup.get(g.name) ?? []);
          } catch (err) {
            if (!(err instanceof AbortedError)) {
              this.failures.push(err);
              this.stop.abort();
            }
            throw err;
          }
        })();
        running.set(g.name, p);
      }
      return p;
    };
    await Promise.allSettled(ordered.map(runGroup));
    const notStarted: NotStartedGroup[] = ordered
      .filter((g) => !this.started.has(g.name))
      .map((g) => ({ group: g.name, waitingFor: g.dependsOn.filter((d) => !this.done.includes(d)) }));
    if (this.opts.signal?.aborted) throw new Interrupted(this.blockedNow(), this.appliedGroups(), notStarted);
    if (!this.failures.length) return;
    const first = this.failures[0];
    if (!(first instanceof ApplyFailure)) throw first;
    const listed = new Set(first.blocked.map((b) => b.object));
    const others = this.blockedNow().filter((b) => !listed.has(b.object));
    throw new ApplyFailure(first.summary, [...first.blocked, ...others], this.appliedGroups(), notStarted);
  }

  /** Every object some group still waits for, with what it last reported. */
  private blockedNow(): BlockedObject[] {
    const out: BlockedObject[] = [];
    for (const [group, pending] of this.waiting) {
      for (const [name, s] of pending) {
        const readiness = s.last ?? { state: 'progressing' as const, message: 'not observed yet' };
        out.push({ object: name, group, readiness, hint: investigateHint(s.obj, s.last) });
      }
    }
    return out;
  }

  private async runGroup(group: GroupSpec, objects: PlannedObject[]): Promise<void> {
    const { progress } = this.opts;
    const started = Date.now();
    this.started.add(group.name);
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
      const reads = new PollReads(this.opts.kube);
      const obj = await this.opts.kube.get(ref);
      const readiness: Readiness = obj
        ? await evaluateReadinessAsync(obj, (q) => reads.related(q))
        : { state: 'progressing', message: `${ref.kind} ${gate.namespace ? `${gate.namespace}/` : ''}${gate.name} does not exist yet` };
      if (readiness.state === 'ready') return;
      const message = `${gate.why}: ${readiness.message}`;
      if (message !== last) this.opts.progress.emit({ type: 'gate-wait', group: group.name, message });
      last = message;
      if (Date.now() > this.deadline()) {
        const hint = obj ? investigateHint(obj, readiness) : `is the operators layer installed? npx inferctl install operators ./charts/inference-operators`;
        throw new ApplyFailure(`timed out before group ${group.name} could start: ${gate.why}`, [{ object: describeObject({ kind: ref.kind, metadata: { name: gate.name, namespace: gate.namespace } }), group: group.name, readiness, hint }], this.appliedGroups());
      }
      await pause(this.opts.pollMs, this.signal);
    }
  }

  private async applyAll(group: GroupSpec, objects: PlannedObject[]): Promise<K8sObject[]> {
    const out: K8sObject[] = [];
    for (const r of objects) out.push(await this.applyOne(group, r));
    return out;
  }

  private owner(id: string | undefined): string {
    if (!id) return 'was not created by inferctl (it has no ApplySet membership label; kubectl or another tool made it)';
    const who = this.opts.ownerOf?.(id);
    return who ? `belongs to ${who}` : `belongs to another ApplySet (${id})`;
  }

  private async applyOne(group: GroupSpec, r: PlannedObject): Promise<K8sObject> {
    const { kube, progress, release } = this.opts;
    let desired = withMemberLabels(r.object, this.opts.memberLabels);
    const name = describeObject(desired);
    const live = await kube.get(refOf(desired));
    if (r.shared && release) return this.applyShared(group, r, desired, live);
    if (live && release && partOf(live) !== release.applySetId) {
      if (!this.opts.takeOwnership) {
        const rename = r.nameFrom ? `set ${r.nameFrom} to another name for this release` : `give this release's object another name in the values`;
        const scope = r.object.metadata.namespace ? '' : ' It is cluster-scoped, so releases in different namespaces share its name.';
        throw new ApplyFailure(
          `${name} already exists and ${this.owner(partOf(live))}; inferctl never takes over an object silently.${scope} To go on, ${rename}, delete the existing one if nothing needs it, or re-run with --take-ownership to adopt it (it then belongs to release ${release.name} and goes with it).`,
          [],
          this.appliedGroups(),
        );
      }
      this.notes.adopted.push(name);
      progress.emit({ type: 'info', message: `adopting ${name}, which ${this.owner(partOf(live))} (--take-ownership)` });
    }
    desired = await this.withoutAutoscaledReplicas(desired);
    if (r.replaceOnChange) desired = withSpecHash(desired);
    let replaced = false;
    if (r.replaceOnChange && live && !this.opts.dryRun) {
      const why = jobReplaceReason(live, desired, this.opts.previous?.get(name));
      if (why) {
        progress.emit({ type: 'info', message: `${name} is replaced: ${why}` });
        await this.deleteAndWait(desired);
        replaced = true;
      }
    }
    const result = await this.applyWithRetries(group, desired, name);
    const action = this.opts.dryRun ? 'dry-run' : replaced ? 'replaced' : !live ? 'created' : live.metadata.resourceVersion === result.metadata.resourceVersion ? 'unchanged' : 'configured';
    progress.emit({ type: 'applied', group: group.name, object: name, action });
    return result;
  }

  /**
   * A shared object: created by the first release that needs it; later releases check they would
   * render the same and register in its users instead of taking it over.
   */
  private async applyShared(group: GroupSpec, r: PlannedObject, desired: K8sObject, live: K8sObject | undefined): Promise<K8sObject> {
    const release = this.opts.release!;
    const me = releaseKey(release);
    const name = describeObject(desired);
    if (!live || partOf(live) === release.applySetId) {
      const mine = withUsers(desired, live, release);
      const users = usersOf(mine);
      const result = await this.applyWithRetries(group, mine, name);
      if (users.length > 1) this.notes.shared.push(`${name} (with ${users.filter((u) => u !== me).join(', ')})`);
      this.opts.progress.emit({ type: 'applied', group: group.name, object: name, action: this.opts.dryRun ? 'dry-run' : !live ? 'created' : live.metadata.resourceVersion === result.metadata.resourceVersion ? 'unchanged' : 'configured' });
      return result;
    }
    const differ = differences(r.object, live);
    if (differ.length) {
      throw new ApplyFailure(
        `${name} is shared by the releases that use it and ${this.owner(partOf(live))}, which renders it differently (${differ.slice(0, 5).join(', ')}${differ.length > 5 ? ', ...' : ''}). Render it the same way in this release (the values behind those fields), or turn it off in this release and use the existing one.`,
        [],
        this.appliedGroups(),
      );
    }
    if (!this.opts.dryRun && !usersOf(live).includes(me)) await setUsers(this.opts.kube, live, [...usersOf(live), me]);
    this.notes.shared.push(`${name} (${this.owner(partOf(live))})`);
    this.opts.progress.emit({ type: 'applied', group: group.name, object: name, action: 'shared' });
    return live;
  }

  /** An HPA or KEDA owns the replicas of its target: the release never fights it over them. */
  private async withoutAutoscaledReplicas(desired: K8sObject): Promise<K8sObject> {
    const spec = desired.spec as Record<string, unknown> | undefined;
    if ((desired.kind !== 'Deployment' && desired.kind !== 'StatefulSet') || spec?.replicas === undefined || !desired.metadata.namespace) return desired;
    const ns = desired.metadata.namespace;
    let targets = this.autoscaled.get(ns);
    if (!targets) this.autoscaled.set(ns, (targets = autoscaledTargets(this.opts.kube, ns)));
    if (!(await targets).has(`${desired.kind}/${desired.metadata.name}`)) return desired;
    const { replicas: _left, ...rest } = spec;
    this.opts.progress.emit({ type: 'info', message: `${describeObject(desired)}: replicas left to its autoscaler` });
    return { ...desired, spec: rest };
  }

  /**
   * Server-side apply; a field another manager changed since (kubectl scale, edit) is taken back and
   * reported, since the release's render is what should be running; transient errors are retried.
   */
  private async applyWithRetries(group: GroupSpec, desired: K8sObject, name: string): Promise<K8sObject> {
    const { kube, progress } = this.opts;
    let force = this.opts.force;
    for (;;) {
      try {
        return await kube.apply(desired, { fieldManager: FIELD_MANAGER, force, dryRun: this.opts.dryRun });
      } catch (err) {
        if (err instanceof AbortedError) throw err;
        if (err instanceof KubeApiError && err.code === 409 && !force) {
          const conflicts = conflictsOf(err);
          for (const c of conflicts) {
            const note = `${name} ${c.field} (changed by ${c.manager})`;
            this.notes.reverted.push(note);
            progress.emit({ type: 'info', message: `reverting ${note}` });
          }
          if (!conflicts.length) progress.emit({ type: 'info', message: `reverting fields of ${name} another manager changed: ${err.message}` });
          force = true;
          continue;
        }
        if (isTransient(err) && Date.now() < this.deadline()) {
          progress.emit({ type: 'waiting', group: group.name, object: name, message: `apply retried: ${(err as Error).message}` });
          await pause(this.opts.pollMs, this.signal);
          continue;
        }
        if (err instanceof KubeApiError) {
          throw new ApplyFailure(`${name} was rejected by the API server (${err.code}${err.reason ? ` ${err.reason}` : ''}): ${err.message}`, [], this.appliedGroups());
        }
        throw err;
      }
    }
  }

  /** Jobs are immutable: delete (with their pods) and wait until gone before creating again. */
  private async deleteAndWait(desired: K8sObject): Promise<void> {
    const { kube } = this.opts;
    await kube.delete(refOf(desired), { propagationPolicy: 'Foreground' });
    const deadline = Date.now() + Math.min(this.opts.timeoutMs, 120_000);
    while ((await kube.get(refOf(desired))) && Date.now() < deadline) await pause(this.opts.pollMs, this.signal);
  }

  private async waitReady(group: GroupSpec, objects: K8sObject[], definitionsOnly: boolean): Promise<void> {
    const { kube, progress } = this.opts;
    const pending = new Map<string, Pending>(objects.map((o) => [describeObject(o), { obj: o, since: Date.now(), failedSince: 0 }]));
    this.waiting.set(group.name, pending);
    try {
      while (pending.size) {
        const reads = new PollReads(kube);
        for (const s of pending.values()) reads.expect(s.obj.apiVersion, s.obj.kind, s.obj.metadata.namespace);
        const lives = await Promise.all([...pending.entries()].map(async ([name, s]) => ({ name, s, live: await reads.get(refOf(s.obj)) })));
        for (const { live } of lives) for (const q of live ? (readinessRuleFor(live).related?.(live) ?? []) : []) reads.expect(q.apiVersion, q.kind, q.namespace);
        await Promise.all(
          lives.map(async ({ name, s, live }) => {
            const readiness: Readiness = live
              ? await evaluateReadinessAsync(live, (q) => reads.related(q))
              : { state: 'progressing', message: `${name} is not there (deleted by someone else?)` };
            s.last = readiness;
            if (readiness.state === 'ready') {
              pending.delete(name);
              progress.emit({ type: 'ready', group: group.name, object: name, elapsedMs: Date.now() - s.since });
              return;
            }
            s.failedSince = readiness.state === 'failed' ? s.failedSince || Date.now() : 0;
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
        if (pending.size) await pause(this.opts.pollMs, this.signal);
      }
    } finally {
      // A group that failed keeps its pending objects listed for the combined report.
      if (!pending.size) this.waiting.delete(group.name);
    }
  }
}
