import { hostname } from 'node:os';
import { UserError } from '../core/errors.js';
import type { K8sObject } from '../core/object.js';
import { KubeApiError, type KubeClient } from '../kube/types.js';

/**
 * One operation at a time per release, as Helm's pending states intend but enforced: a
 * coordination.k8s.io Lease `inferctl.lock.<release>` in the release namespace, held by
 * "<host>/<pid>" and renewed while the operation runs. A second operation is refused while the
 * holder renews it; a Lease nobody renewed for `durationSeconds` belongs to a process that is gone
 * and is taken over. `--force` takes it over anyway (the other process then stops at its next
 * renewal).
 */

export const LOCK_DURATION_SECONDS = 30;
const OPERATION = 'inferctl.io/operation';

export interface LockOptions {
  operation: string;
  force: boolean;
  /** Who this process is; default "<hostname>/<pid>". */
  holder?: string;
  durationSeconds?: number;
  now?: () => Date;
}

export interface ReleaseLock {
  /** Fires when the lock was taken by someone else (--force elsewhere): stop the operation. */
  readonly lost: AbortSignal;
  /** What was found and resolved on the way in (a holder that was gone). */
  readonly note?: string;
  release(): Promise<void>;
}

export function lockName(release: string): string {
  return `inferctl.lock.${release}`;
}

function micro(d: Date): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

function leaseOf(release: string, namespace: string, holder: string, operation: string, durationSeconds: number, now: Date): K8sObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: lockName(release), namespace, labels: { owner: 'inferctl', name: release }, annotations: { [OPERATION]: operation } },
    spec: { holderIdentity: holder, leaseDurationSeconds: durationSeconds, acquireTime: micro(now), renewTime: micro(now) },
  };
}

function expired(lease: K8sObject, now: Date): boolean {
  const spec = (lease.spec ?? {}) as { renewTime?: string; leaseDurationSeconds?: number };
  const renewed = Date.parse(spec.renewTime ?? '');
  return !Number.isFinite(renewed) || renewed + (spec.leaseDurationSeconds ?? LOCK_DURATION_SECONDS) * 1000 < now.getTime();
}

export async function acquireReleaseLock(kube: KubeClient, release: string, namespace: string, opts: LockOptions): Promise<ReleaseLock> {
  const holder = opts.holder ?? `${hostname()}/${process.pid}`;
  const duration = opts.durationSeconds ?? LOCK_DURATION_SECONDS;
  const now = opts.now ?? (() => new Date());
  let note: string | undefined;
  try {
    await kube.create(leaseOf(release, namespace, holder, opts.operation, duration, now()), { fieldManager: 'inferctl' });
  } catch (err) {
    if (!(err instanceof KubeApiError) || err.code !== 409) throw err;
    const held = await kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: lockName(release) });
    if (!held) return acquireReleaseLock(kube, release, namespace, opts);
    const spec = (held.spec ?? {}) as { holderIdentity?: string; acquireTime?: string };
    const what = `${held.metadata.annotations?.[OPERATION] ?? 'an operation'} by ${spec.holderIdentity ?? 'someone'} since ${spec.acquireTime ?? '?'}`;
    if (!expired(held, now()) && !opts.force) {
      throw new UserError(
        `another operation is in progress on release "${release}" in namespace "${namespace}": ${what}. Wait for it to finish; if that process is gone, its lock expires ${duration} s after its last renewal, or pass --force to take the lock now (kubectl delete lease ${lockName(release)} -n ${namespace} also clears it).`,
      );
    }
    note = expired(held, now()) ? `took over the lock of ${what}, which stopped renewing it (that process is gone)` : `took over the lock of ${what} (--force)`;
    const mine = leaseOf(release, namespace, holder, opts.operation, duration, now());
    mine.metadata.resourceVersion = held.metadata.resourceVersion;
    try {
      await kube.update(mine, { fieldManager: 'inferctl' });
    } catch (e) {
      if (e instanceof KubeApiError && e.code === 409) {
        throw new UserError(`another process took the lock of release "${release}" in namespace "${namespace}" at the same moment; run the command again.`);
      }
      throw e;
    }
  }
  const lost = new AbortController();
  let stopped = false;
  const renew = async () => {
    if (stopped) return;
    try {
      const live = await kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: lockName(release) });
      if (!live || (live.spec as { holderIdentity?: string }).holderIdentity !== holder) {
        lost.abort(new UserError(`the lock of release "${release}" was taken by ${(live?.spec as { holderIdentity?: string } | undefined)?.holderIdentity ?? 'someone else'} (--force); this operation stopped. Run it again once that one finished.`));
        return;
      }
      const next = structuredClone(live);
      (next.spec as { renewTime: string }).renewTime = micro(now());
      await kube.update(next, { fieldManager: 'inferctl' });
    } catch {
      // A missed renewal is retried at the next tick; the lease outlives several.
    }
  };
  const timer = setInterval(() => void renew(), Math.max(1000, (duration * 1000) / 3));
  timer.unref();
  return {
    lost: lost.signal,
    note,
    async release() {
      stopped = true;
      clearInterval(timer);
      const live = await kube.get({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: lockName(release) }).catch(() => undefined);
      if (live && (live.spec as { holderIdentity?: string }).holderIdentity === holder) {
        await kube.delete({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', namespace, name: lockName(release) }).catch(() => undefined);
      }
    },
  };
}
