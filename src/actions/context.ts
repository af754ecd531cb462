import { UserError } from '../core/errors.js';
import type { KubeClient } from '../kube/types.js';
import type { ProgressSink } from '../apply/progress.js';
import { ReleaseStore } from '../release/store.js';
import { lookupOf } from '../render/lookup.js';
import type { ReleaseExports, ReleaseLookup } from '../render/types.js';
import { VERSION } from '../version.js';

/** Everything a verb needs from outside: the cluster, the record store and a progress sink (Helm's action.Configuration). */
export interface ActionContext {
  kube: KubeClient;
  store: ReleaseStore;
  progress: ProgressSink;
  now(): Date;
  /** Who holds release locks and for how long (tests stand in for several processes). */
  lock?: { holder?: string; durationSeconds?: number };
}

export function makeContext(kube: KubeClient, progress: ProgressSink, now: () => Date = () => new Date()): ActionContext {
  return { kube, store: new ReleaseStore(kube, `inferctl/${VERSION}`), progress, now };
}

export interface WaitOptions {
  wait: boolean;
  timeoutMs: number;
  pollMs: number;
  failGraceMs: number;
  signal?: AbortSignal;
}

export const defaultWait: WaitOptions = { wait: true, timeoutMs: 15 * 60_000, pollMs: 2000, failGraceMs: 30_000 };

/** Reads what every release publishes first, so a render can find another release (stack -> infrastructure -> operators). */
export async function releaseLookup(ctx: ActionContext, namespace: string): Promise<ReleaseLookup> {
  let releases: ReleaseExports[];
  try {
    releases = await ctx.store.exports();
  } catch {
    // Without cluster-wide read access, the release's own namespace still works.
    releases = await ctx.store.exports(namespace);
  }
  return lookupOf(releases);
}

export async function ensureNamespace(ctx: ActionContext, namespace: string, create: boolean, dryRun: boolean): Promise<void> {
  const ns = await ctx.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
  if (ns) return;
  if (!create) {
    throw new UserError(`namespace "${namespace}" does not exist in ${ctx.kube.describeTarget()}. Create it, or pass --create-namespace.`);
  }
  if (dryRun) return;
  await ctx.kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, { fieldManager: 'inferctl' });
  ctx.progress.emit({ type: 'info', message: `created namespace ${namespace}` });
}
