import { acquireReleaseLock, type ReleaseLock } from '../release/lock.js';
import type { ActionContext } from './context.js';

/**
 * Holds the release's lock while `fn` runs, after resolving what an earlier operation that died
 * left behind: a revision still marked pending is marked failed (its process is gone, or we could
 * not hold the lock). `fn` gets a signal that fires on SIGINT/SIGTERM and when the lock is lost.
 */
export async function underReleaseLock<T>(
  ctx: ActionContext,
  name: string,
  namespace: string,
  opts: { operation: string; force: boolean; signal?: AbortSignal },
  fn: (signal: AbortSignal | undefined, lock: ReleaseLock) => Promise<T>,
): Promise<T> {
  const lock = await acquireReleaseLock(ctx.kube, name, namespace, { operation: opts.operation, force: opts.force, holder: ctx.lock?.holder, durationSeconds: ctx.lock?.durationSeconds });
  try {
    if (lock.note) ctx.progress.emit({ type: 'info', message: lock.note });
    await resolveStaleRevisions(ctx, name, namespace);
    const signal = opts.signal ? AbortSignal.any([opts.signal, lock.lost]) : lock.lost;
    try {
      return await fn(signal, lock);
    } catch (err) {
      // Stopped because another process took the lock: say that, not "interrupted".
      if (lock.lost.aborted && lock.lost.reason instanceof Error) throw lock.lost.reason;
      throw err;
    }
  } finally {
    await lock.release();
  }
}

/** Pending revisions whose operation is no longer running become failed, with what was seen. */
export async function resolveStaleRevisions(ctx: ActionContext, name: string, namespace: string): Promise<void> {
  for (const r of await ctx.store.history(name, namespace)) {
    if (!r.status.startsWith('pending-')) continue;
    await ctx.store.setStatus(r, 'failed', `${r.description}: interrupted (still ${r.status} when the next operation started)`);
    ctx.progress.emit({ type: 'info', message: `revision ${r.revision} was left ${r.status} by an operation that did not finish; marked failed` });
  }
}
