import { UserError } from '../core/errors.js';
import { describeObject } from '../core/object.js';
import { ApplyEngine, Interrupted, type EngineNotes } from '../apply/engine.js';
import type { ReleaseIdentity } from '../apply/ownership.js';
import { applySetId, APPLYSET_PART_OF, entryKey, inventoryOf, parentSecretName, type InventoryEntry, type ReleaseRecord } from '../release/record.js';
import { DEFAULT_HISTORY_MAX } from '../release/store.js';
import { sortGroups } from '../render/order.js';
import type { GroupSpec, PlannedObject, UninstallHook } from '../render/types.js';
import { refOf } from '../kube/types.js';
import type { ActionContext, WaitOptions } from './context.js';
import { entryName, removeObject, waitGone } from './removal.js';

export interface DeployRequest {
  name: string;
  namespace: string;
  chart: { name: string; version: string; appVersion: string };
  userValues: Record<string, unknown>;
  values?: Record<string, unknown>;
  objects: PlannedObject[];
  groups: GroupSpec[];
  exports: Record<string, string>;
  uninstallHooks?: UninstallHook[];
  purge?: ReleaseRecord['purge'];
  previous?: ReleaseRecord;
  description: string;
  pendingStatus: 'pending-install' | 'pending-upgrade' | 'pending-rollback';
  force: boolean;
  dryRun: boolean;
  wait: WaitOptions;
  takeOwnership?: boolean;
  /** Revisions kept (Helm's --history-max); default 10. */
  historyMax?: number;
}

export interface DeployResult {
  record: ReleaseRecord;
  pruned: string[];
  kept: string[];
  notes: EngineNotes;
}

export function releaseIdentity(name: string, namespace: string): ReleaseIdentity {
  return { name, namespace, applySetId: applySetId(parentSecretName(name), namespace) };
}

/** ApplySet id -> "release X in namespace Y", for messages about objects that belong to another release. */
async function ownerNames(ctx: ActionContext, namespace: string): Promise<(id: string) => string | undefined> {
  const releases = await ctx.store.list().catch(() => ctx.store.list(namespace));
  const byId = new Map(releases.map((r) => [applySetId(parentSecretName(r.name), r.namespace), `release ${r.name} in namespace ${r.namespace} (${r.chart})`]));
  return (id) => byId.get(id);
}

/**
 * The shared core of install, upgrade and rollback: record the pending revision, apply and wait
 * group by group, prune what left the render, record the outcome. A failure or an interruption
 * leaves a "failed" revision that says exactly which groups were ready.
 */
export async function deploy(ctx: ActionContext, req: DeployRequest): Promise<DeployResult> {
  const now = ctx.now().toISOString();
  const readable = (await ctx.store.history(req.name, req.namespace)).map((r) => r.revision);
  // A damaged revision keeps its number (and its Secrets, for whoever investigates).
  const damaged = ctx.store.damaged.filter((d) => d.name === req.name && d.namespace === req.namespace).map((d) => d.revision);
  const revision = Math.max(req.previous?.revision ?? 0, ...readable, ...damaged) + 1;
  const inventory = inventoryOf(req.objects);
  const record: ReleaseRecord = {
    name: req.name,
    namespace: req.namespace,
    revision,
    status: req.pendingStatus,
    chart: req.chart,
    userValues: req.userValues,
    ...(req.values ? { values: req.values } : {}),
    manifest: req.objects.map((o) => o.object),
    inventory,
    groups: req.groups,
    exports: req.exports,
    uninstallHooks: req.uninstallHooks?.map((h) => h.object),
    purge: req.purge,
    description: req.description,
    firstDeployed: req.previous?.firstDeployed ?? now,
    lastDeployed: now,
  };
  const me = releaseIdentity(req.name, req.namespace);
  // The ApplySet parent must exist before members point at it.
  if (!req.dryRun) await ctx.store.save(record);
  const engine = new ApplyEngine({
    kube: ctx.kube,
    progress: ctx.progress,
    memberLabels: { [APPLYSET_PART_OF]: me.applySetId },
    force: req.force,
    wait: req.wait.wait,
    dryRun: req.dryRun,
    timeoutMs: req.wait.timeoutMs,
    pollMs: req.wait.pollMs,
    failGraceMs: req.wait.failGraceMs,
    previous: req.previous ? new Map(req.previous.manifest.map((o) => [describeObject(o), o])) : undefined,
    signal: req.wait.signal,
    release: me,
    takeOwnership: req.takeOwnership,
    ownerOf: await ownerNames(ctx, req.namespace),
  });
  try {
    await engine.run(req.objects, req.groups);
  } catch (err) {
    if (!req.dryRun) {
      const applied = engine.appliedGroups();
      const stoppedBy = req.wait.signal?.reason;
      const reason = err instanceof Interrupted ? (stoppedBy instanceof UserError ? `stopped: ${stoppedBy.message}` : 'interrupted (SIGINT/SIGTERM)') : err instanceof Error ? err.message.split('\n')[0] : String(err);
      await ctx.store.setStatus(record, 'failed', `${req.description} failed: ${reason} (ready groups: ${applied.join(', ') || 'none'})`);
    }
    throw err;
  }
  if (req.dryRun) return { record, pruned: [], kept: [], notes: engine.notes };
  const { pruned, kept } = await prune(ctx, await pruneCandidates(ctx, req.name, req.namespace, revision), inventory, req.groups, me, req.wait);
  const deployed = await ctx.store.setStatus(record, 'deployed');
  // Exactly one deployed revision: the one just made (earlier runs may have left duplicates).
  for (const r of await ctx.store.history(req.name, req.namespace)) {
    if (r.revision !== revision && r.status === 'deployed') await ctx.store.setStatus(r, 'superseded');
  }
  await ctx.store.pruneHistory(req.name, req.namespace, req.historyMax ?? DEFAULT_HISTORY_MAX, revision);
  return { record: deployed, pruned, kept, notes: engine.notes };
}

/**
 * What the release may have created before this revision: the last revision that finished, and
 * every revision after it that did not (failed, interrupted, pending), since each may have applied
 * objects the next render no longer has.
 */
export async function pruneCandidates(ctx: ActionContext, name: string, namespace: string, revision: number): Promise<InventoryEntry[]> {
  const history = (await ctx.store.history(name, namespace)).filter((r) => r.revision < revision);
  const lastGood = [...history].reverse().find((r) => r.status === 'deployed' || r.status === 'superseded');
  const since = history.filter((r) => !lastGood || r.revision >= lastGood.revision);
  const seen = new Map<string, InventoryEntry>();
  for (const r of since) for (const e of r.inventory) seen.set(entryKey(e), e);
  return [...seen.values()];
}

/**
 * Deletes what earlier revisions had and this one does not, in reverse dependency order, only if it
 * still belongs to this release, and waits until it is gone.
 */
export async function prune(ctx: ActionContext, before: InventoryEntry[], after: InventoryEntry[], groups: GroupSpec[], me: ReleaseIdentity, wait: WaitOptions): Promise<{ pruned: string[]; kept: string[] }> {
  const still = new Set(after.map(entryKey));
  const gone = before.filter((e) => !still.has(entryKey(e)));
  const order = sortGroups(groups).map((g) => g.name).reverse();
  gone.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
  const pruned: string[] = [];
  const kept: string[] = [];
  const deleting: InventoryEntry[] = [];
  for (const e of gone) {
    const name = entryName(e);
    const outcome = await removeObject(ctx, e, me, false);
    if (outcome === 'deleted') {
      pruned.push(name);
      deleting.push(e);
      ctx.progress.emit({ type: 'pruned', object: name });
    } else if (outcome === 'kept') {
      kept.push(name);
      ctx.progress.emit({ type: 'kept', object: name, reason: 'holds data or is shared; delete it yourself if you mean to' });
    } else if (outcome === 'handed' || outcome === 'left' || outcome === 'foreign') {
      kept.push(name);
    }
  }
  if (wait.wait) await waitGone(ctx, deleting, wait.timeoutMs, wait.pollMs, wait.signal);
  return { pruned, kept };
}

/** A recorded revision's objects with the groups its inventory gave them (the engine refuses any it cannot place). */
export function objectsFromRecord(record: ReleaseRecord): PlannedObject[] {
  const byKey = new Map(record.inventory.map((e) => [entryKey(e), e]));
  return record.manifest.map((object) => {
    const e = byKey.get(entryKey({ ...refOf(object) }));
    return { object, group: e?.group ?? '(not in the inventory)', source: `${record.chart.name} revision ${record.revision}`, keepOnUninstall: e?.keepOnUninstall, replaceOnChange: e?.replaceOnChange, shared: e?.shared };
  });
}
