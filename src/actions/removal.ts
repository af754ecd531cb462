import { UserError } from '../core/errors.js';
import { describeObject } from '../core/object.js';
import { partOf, PART_OF, releaseKey, setUsers, usersOf, type ReleaseIdentity } from '../apply/ownership.js';
import { AbortedError, pause } from '../kube/transport.js';
import { applySetId, parentSecretName, type InventoryEntry } from '../release/record.js';
import type { ActionContext } from './context.js';

/**
 * What happened to one object of a release that is being pruned or uninstalled:
 * - deleted; kept (holds data, or --purge not given); gone (already deleted);
 * - foreign: it no longer carries this release's membership (adopted by another release, or
 *   recreated by someone else), so it is not this release's to delete;
 * - handed: a shared object other releases still use; the next user now owns it;
 * - left: a shared object another release owns; this release stopped using it.
 */
export type Removal = 'deleted' | 'kept' | 'gone' | 'foreign' | 'handed' | 'left';

export function entryName(e: InventoryEntry): string {
  return describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } });
}

export async function removeObject(ctx: ActionContext, e: InventoryEntry, me: ReleaseIdentity, purge: boolean): Promise<Removal> {
  const live = await ctx.kube.get(e);
  if (!live) return 'gone';
  const name = entryName(e);
  if (e.shared) {
    const all = usersOf(live);
    const others = all.filter((u) => u !== releaseKey(me));
    if (partOf(live) !== me.applySetId) {
      if (others.length !== all.length) await setUsers(ctx.kube, live, others);
      ctx.progress.emit({ type: 'kept', object: name, reason: 'shared: its owner release keeps it; this release no longer uses it' });
      return 'left';
    }
    if (others.length) {
      const [ns, release] = others[0].split('/');
      await setUsers(ctx.kube, live, others, { labels: { [PART_OF]: applySetId(parentSecretName(release), ns) } });
      ctx.progress.emit({ type: 'kept', object: name, reason: `shared: still used by ${others.join(', ')}; release ${release} in namespace ${ns} owns it now` });
      return 'handed';
    }
  } else if (partOf(live) !== me.applySetId) {
    ctx.progress.emit({ type: 'kept', object: name, reason: `not deleted: it no longer belongs to this release (${partOf(live) ? 'another release adopted it' : 'it was recreated outside inferctl'})` });
    return 'foreign';
  }
  if (e.keepOnUninstall && !purge) return 'kept';
  await ctx.kube.delete(e, { propagationPolicy: 'Foreground' });
  return 'deleted';
}

/** Waits until the objects are gone (finalizers done), or says which are held and how to look. */
export async function waitGone(ctx: ActionContext, entries: InventoryEntry[], timeoutMs: number, pollMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let left = entries;
  while (left.length && Date.now() < deadline) {
    const still = await Promise.all(left.map(async (e) => ((await ctx.kube.get(e)) ? e : undefined)));
    left = still.filter((e): e is InventoryEntry => !!e);
    if (left.length) await pause(pollMs, signal);
  }
  if (left.length) {
    const first = left[0];
    throw new UserError(`timed out waiting for deletion of ${left.map(entryName).join(', ')}; a finalizer may be holding them: kubectl get ${first.kind.toLowerCase()} ${first.name}${first.namespace ? ` -n ${first.namespace}` : ''} -o jsonpath='{.metadata.finalizers}'`);
  }
}

export { AbortedError };
