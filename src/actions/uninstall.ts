import { UserError } from '../core/errors.js';
import { describeObject } from '../core/object.js';
import { ApplyEngine } from '../apply/engine.js';
import { sortGroups } from '../render/order.js';
import type { GroupSpec } from '../render/types.js';
import type { InventoryEntry } from '../release/record.js';
import type { ActionContext, WaitOptions } from './context.js';
import { releaseIdentity } from './deploy.js';
import { underReleaseLock } from './operation.js';
import { entryName, removeObject, waitGone } from './removal.js';

export interface UninstallRequest {
  name: string;
  namespace: string;
  purge: boolean;
  wait: WaitOptions;
  forceLock?: boolean;
}

export interface UninstallResult {
  deleted: string[];
  kept: string[];
  purged: string[];
  /** A record stays (status uninstalled) while something was kept, so `list` shows it and --purge finds it. */
  recordKept: boolean;
}

/**
 * Deletes a release in reverse dependency order. Data is never lost by default: objects marked
 * keep-on-uninstall (the PostgreSQL cluster and its volumes, shared namespaces) and generated
 * Secrets stay unless --purge, and a record of the release stays with them, so `list` shows what
 * is left and `uninstall --purge` can finish the job. Shared objects other releases still use are
 * handed to them; objects that no longer belong to the release are left alone.
 */
export async function uninstall(ctx: ActionContext, req: UninstallRequest): Promise<UninstallResult> {
  const exists = await ctx.store.current(req.name, req.namespace);
  if (!exists) throw notFound(req);
  return underReleaseLock(ctx, req.name, req.namespace, { operation: 'uninstall', force: !!req.forceLock, signal: req.wait.signal }, (signal) =>
    uninstallLocked(ctx, { ...req, wait: { ...req.wait, signal } }),
  );
}

function notFound(req: UninstallRequest): UserError {
  return new UserError(`release "${req.name}" not found in namespace "${req.namespace}". "inferctl list -A" shows the releases.`);
}

export async function uninstallLocked(ctx: ActionContext, req: UninstallRequest): Promise<UninstallResult> {
  const record = await ctx.store.current(req.name, req.namespace);
  if (!record) throw notFound(req);
  const me = releaseIdentity(req.name, req.namespace);
  const resumed = record.status === 'uninstalled';
  if (!resumed) await ctx.store.setStatus(record, 'uninstalling', 'Uninstall in progress');

  if (record.uninstallHooks?.length && !resumed) {
    // Hooks (e.g. deregistering models) run while everything they talk to still exists.
    const hooks = record.uninstallHooks.map((object) => ({ object, group: 'uninstall-hooks', source: 'uninstall hook', replaceOnChange: true }));
    const groups: GroupSpec[] = [{ name: 'uninstall-hooks', dependsOn: [], description: 'Run uninstall hooks' }];
    await new ApplyEngine({ kube: ctx.kube, progress: ctx.progress, memberLabels: {}, force: true, wait: req.wait.wait, dryRun: false, timeoutMs: req.wait.timeoutMs, pollMs: req.wait.pollMs, failGraceMs: req.wait.failGraceMs, signal: req.wait.signal }).run(hooks, groups);
    for (const h of hooks) await ctx.kube.delete({ apiVersion: h.object.apiVersion, kind: h.object.kind, namespace: h.object.metadata.namespace, name: h.object.metadata.name }, { propagationPolicy: 'Background' });
  }

  const order = sortGroups(record.groups).map((g) => g.name).reverse();
  const byGroup = new Map<string, InventoryEntry[]>();
  for (const e of record.inventory) byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e]);
  const deleted: string[] = [];
  const kept: string[] = [];
  const keptEntries: InventoryEntry[] = [];
  for (const group of [...order, ...[...byGroup.keys()].filter((g) => !order.includes(g))]) {
    const removing: InventoryEntry[] = [];
    for (const e of byGroup.get(group) ?? []) {
      const name = entryName(e);
      const outcome = await removeObject(ctx, e, me, req.purge);
      if (outcome === 'deleted') {
        deleted.push(name);
        removing.push(e);
        ctx.progress.emit({ type: 'deleted', object: name });
      } else if (outcome === 'kept') {
        kept.push(name);
        keptEntries.push(e);
        ctx.progress.emit({ type: 'kept', object: name, reason: 'kept to protect data; uninstall --purge deletes it' });
      }
    }
    if (req.wait.wait) await waitGone(ctx, removing, req.wait.timeoutMs, req.wait.pollMs, req.wait.signal);
  }

  const purged: string[] = [];
  for (const sel of record.purge ?? []) {
    const found = await ctx.kube.list({ apiVersion: sel.apiVersion, kind: sel.kind, namespace: sel.namespace, labelSelector: sel.labelSelector });
    for (const obj of found) {
      const name = describeObject(obj);
      if (req.purge) {
        await ctx.kube.delete({ apiVersion: sel.apiVersion, kind: sel.kind, namespace: obj.metadata.namespace, name: obj.metadata.name });
        purged.push(name);
        ctx.progress.emit({ type: 'deleted', object: name });
      } else {
        kept.push(name);
        ctx.progress.emit({ type: 'kept', object: name, reason: `${sel.what}; uninstall --purge deletes it` });
      }
    }
  }
  if (!kept.length) {
    await ctx.store.deleteAll(req.name, req.namespace);
    return { deleted, kept, purged, recordKept: false };
  }
  // What is left is this release's: keep one revision saying so, for `list` and `uninstall --purge`.
  await ctx.store.setStatus(record, 'uninstalled', `Uninstalled; kept: ${kept.join(', ')} (inferctl uninstall ${req.name} -n ${req.namespace} --purge deletes them)`);
  await ctx.store.pruneHistory(req.name, req.namespace, 1, record.revision);
  return { deleted, kept, purged, recordKept: true };
}
