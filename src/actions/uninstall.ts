import { UserError } from '../core/errors.js';
import { describeObject } from '../core/object.js';
import { ApplyEngine } from '../apply/engine.js';
import { sortGroups } from '../render/order.js';
import type { GroupSpec } from '../render/types.js';
import type { InventoryEntry } from '../release/record.js';
import type { ActionContext, WaitOptions } from './context.js';

export interface UninstallRequest {
  name: string;
  namespace: string;
  purge: boolean;
  wait: WaitOptions;
}

export interface UninstallResult {
  deleted: string[];
  kept: string[];
  purged: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Deletes a release in reverse dependency order. Data is never lost by default: objects marked
 * keep-on-uninstall (the PostgreSQL cluster and its volumes, shared namespaces) and generated
 * Secrets stay unless --purge; the result says what was kept.
 */
export async function uninstall(ctx: ActionContext, req: UninstallRequest): Promise<UninstallResult> {
  const record = await ctx.store.current(req.name, req.namespace);
  if (!record) throw new UserError(`release "${req.name}" not found in namespace "${req.namespace}". "inferctl list -A" shows the releases.`);
  await ctx.store.save({ ...record, status: 'uninstalling', description: 'Uninstall in progress' });

  if (record.uninstallHooks?.length) {
    // Hooks (e.g. deregistering models) run while everything they talk to still exists.
    const hooks = record.uninstallHooks.map((object) => ({ object, group: 'uninstall-hooks', source: 'uninstall hook', replaceOnChange: true }));
    const groups: GroupSpec[] = [{ name: 'uninstall-hooks', dependsOn: [], description: 'Run uninstall hooks' }];
    await new ApplyEngine({ kube: ctx.kube, progress: ctx.progress, memberLabels: {}, force: true, wait: req.wait.wait, dryRun: false, timeoutMs: req.wait.timeoutMs, pollMs: req.wait.pollMs, failGraceMs: req.wait.failGraceMs }).run(hooks, groups);
    for (const h of hooks) await ctx.kube.delete({ apiVersion: h.object.apiVersion, kind: h.object.kind, namespace: h.object.metadata.namespace, name: h.object.metadata.name }, { propagationPolicy: 'Background' });
  }

  const order = sortGroups(record.groups).map((g) => g.name).reverse();
  const byGroup = new Map<string, InventoryEntry[]>();
  for (const e of record.inventory) byGroup.set(e.group, [...(byGroup.get(e.group) ?? []), e]);
  const deleted: string[] = [];
  const kept: string[] = [];
  for (const group of [...order, ...[...byGroup.keys()].filter((g) => !order.includes(g))]) {
    const entries = byGroup.get(group) ?? [];
    const removing: InventoryEntry[] = [];
    for (const e of entries) {
      const name = describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } });
      if (e.keepOnUninstall && !req.purge) {
        kept.push(name);
        ctx.progress.emit({ type: 'kept', object: name, reason: 'kept to protect data; uninstall --purge deletes it' });
        continue;
      }
      if (await ctx.kube.delete({ apiVersion: e.apiVersion, kind: e.kind, namespace: e.namespace, name: e.name }, { propagationPolicy: 'Foreground' })) {
        deleted.push(name);
        removing.push(e);
        ctx.progress.emit({ type: 'deleted', object: name });
      }
    }
    if (req.wait.wait) await waitGone(ctx, removing, req.wait.timeoutMs, req.wait.pollMs);
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
  await ctx.store.deleteAll(req.name, req.namespace);
  return { deleted, kept, purged };
}

async function waitGone(ctx: ActionContext, entries: InventoryEntry[], timeoutMs: number, pollMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = entries;
  while (left.length && Date.now() < deadline) {
    const still = await Promise.all(left.map(async (e) => ((await ctx.kube.get(e)) ? e : undefined)));
    left = still.filter((e): e is InventoryEntry => !!e);
    if (left.length) await sleep(pollMs);
  }
  if (left.length) {
    const names = left.map((e) => describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } }));
    throw new UserError(`timed out waiting for deletion of ${names.join(', ')}; a finalizer may be holding them: kubectl get ${left[0].kind.toLowerCase()} ${left[0].name}${left[0].namespace ? ` -n ${left[0].namespace}` : ''} -o jsonpath='{.metadata.finalizers}'`);
  }
}
