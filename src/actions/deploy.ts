import { describeObject } from '../core/object.js';
import { ApplyEngine } from '../apply/engine.js';
import { applySetId, APPLYSET_PART_OF, entryKey, inventoryOf, parentSecretName, type InventoryEntry, type ReleaseRecord } from '../release/record.js';
import { sortGroups } from '../render/order.js';
import type { GroupSpec, PlannedObject, UninstallHook } from '../render/types.js';
import { refOf } from '../kube/types.js';
import type { ActionContext, WaitOptions } from './context.js';

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
}

export interface DeployResult {
  record: ReleaseRecord;
  pruned: string[];
  kept: string[];
}

/**
 * The shared core of install, upgrade and rollback: record the pending revision, apply and wait
 * group by group, prune what left the render, record the outcome. A failure leaves a "failed"
 * revision that says exactly which groups were applied.
 */
export async function deploy(ctx: ActionContext, req: DeployRequest): Promise<DeployResult> {
  const now = ctx.now().toISOString();
  const revision = (req.previous?.revision ?? 0) + 1;
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
  // The ApplySet parent must exist before members point at it.
  if (!req.dryRun) await ctx.store.save(record);
  const engine = new ApplyEngine({
    kube: ctx.kube,
    progress: ctx.progress,
    memberLabels: { [APPLYSET_PART_OF]: applySetId(parentSecretName(req.name), req.namespace) },
    force: req.force,
    wait: req.wait.wait,
    dryRun: req.dryRun,
    timeoutMs: req.wait.timeoutMs,
    pollMs: req.wait.pollMs,
    failGraceMs: req.wait.failGraceMs,
    previous: req.previous ? new Map(req.previous.manifest.map((o) => [describeObject(o), o])) : undefined,
    signal: req.wait.signal,
  });
  try {
    await engine.run(req.objects, req.groups);
  } catch (err) {
    if (!req.dryRun) {
      const applied = engine.appliedGroups();
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      await ctx.store.save({ ...record, status: 'failed', description: `${req.description} failed: ${reason} (ready groups: ${applied.join(', ') || 'none'})` });
    }
    throw err;
  }
  if (req.dryRun) return { record, pruned: [], kept: [] };
  const { pruned, kept } = await prune(ctx, req.previous?.inventory ?? [], inventory, req.previous?.groups ?? []);
  const deployed: ReleaseRecord = { ...record, status: 'deployed' };
  await ctx.store.save(deployed);
  if (req.previous && req.previous.status !== 'failed') await ctx.store.setRevisionStatus(req.previous, 'superseded');
  return { record: deployed, pruned, kept };
}

/** Deletes what the previous revision had and this one does not, in reverse dependency order. */
export async function prune(ctx: ActionContext, before: InventoryEntry[], after: InventoryEntry[], groups: GroupSpec[]): Promise<{ pruned: string[]; kept: string[] }> {
  const still = new Set(after.map(entryKey));
  const gone = before.filter((e) => !still.has(entryKey(e)));
  const order = sortGroups(groups).map((g) => g.name).reverse();
  gone.sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
  const pruned: string[] = [];
  const kept: string[] = [];
  for (const e of gone) {
    const name = describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } });
    if (e.keepOnUninstall) {
      kept.push(name);
      ctx.progress.emit({ type: 'kept', object: name, reason: 'holds data or is shared; delete it yourself if you mean to' });
      continue;
    }
    if (await ctx.kube.delete({ apiVersion: e.apiVersion, kind: e.kind, namespace: e.namespace, name: e.name })) {
      pruned.push(name);
      ctx.progress.emit({ type: 'pruned', object: name });
    }
  }
  return { pruned, kept };
}

/** A recorded revision's objects with the groups its inventory gave them (the engine refuses any it cannot place). */
export function objectsFromRecord(record: ReleaseRecord): PlannedObject[] {
  const byKey = new Map(record.inventory.map((e) => [entryKey(e), e]));
  return record.manifest.map((object) => {
    const e = byKey.get(entryKey({ ...refOf(object) }));
    return { object, group: e?.group ?? '(not in the inventory)', source: `${record.chart.name} revision ${record.revision}`, keepOnUninstall: e?.keepOnUninstall, replaceOnChange: e?.replaceOnChange };
  });
}

