import { UserError } from '../core/errors.js';
import { describeObject } from '../core/object.js';
import type { ReleaseRecord } from '../release/record.js';
import { evaluateReadinessAsync, type Readiness } from '../wait/index.js';
import { driftOf } from '../apply/drift.js';
import { PollReads } from '../apply/reads.js';
import { refOf } from '../kube/types.js';
import { entryKey } from '../release/record.js';
import type { ActionContext } from './context.js';

export interface ObjectStatus {
  object: string;
  group: string;
  readiness: Readiness;
  /** Fields of the release another manager changed since (kubectl edit/scale): `inferctl upgrade` takes them back. */
  drift?: { field: string; manager: string }[];
}

export interface ReleaseStatusReport {
  name: string;
  namespace: string;
  revision: number;
  status: string;
  chart: string;
  description: string;
  lastDeployed: string;
  exports: Record<string, string>;
  /** The last revision deployed and every object ready now; `status` exits 3 otherwise. */
  ready: boolean;
  objects: ObjectStatus[];
  history?: { revision: number; status: string; chart: string; description: string; updated: string }[];
}

export async function status(ctx: ActionContext, name: string, namespace: string, withHistory = false): Promise<ReleaseStatusReport> {
  const record = await ctx.store.current(name, namespace);
  if (!record) throw new UserError(`release "${name}" not found in namespace "${namespace}". "inferctl list -A" shows the releases.`);
  const reads = new PollReads(ctx.kube);
  for (const e of record.inventory) reads.expect(e.apiVersion, e.kind, e.namespace);
  const applied = new Map(record.manifest.map((o) => [entryKey(refOf(o)), o]));
  const objects = await Promise.all(
    record.inventory.map(async (e): Promise<ObjectStatus> => {
      const label = describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } });
      // A get, not the batch list: managedFields are needed for drift, and lists may leave them out.
      const live = await ctx.kube.get(e);
      const readiness: Readiness = live
        ? await evaluateReadinessAsync(live, (q) => reads.related(q))
        : { state: 'failed', message: 'missing from the cluster (deleted outside inferctl?)' };
      const mine = applied.get(entryKey(e));
      const drift = live && mine && !e.shared ? driftOf(live, mine) : [];
      return { object: label, group: e.group, readiness, ...(drift.length ? { drift } : {}) };
    }),
  );
  const report: ReleaseStatusReport = {
    name: record.name,
    namespace: record.namespace,
    revision: record.revision,
    status: record.status,
    chart: `${record.chart.name}-${record.chart.version}`,
    description: record.description,
    lastDeployed: record.lastDeployed,
    exports: record.exports,
    ready: record.status === 'deployed' && objects.every((o) => o.readiness.state === 'ready'),
    objects,
  };
  if (withHistory) report.history = (await ctx.store.history(name, namespace)).map(historyRow);
  return report;
}

function historyRow(r: ReleaseRecord) {
  return { revision: r.revision, status: r.status, chart: `${r.chart.name}-${r.chart.version}`, description: r.description, updated: r.lastDeployed };
}

/** Releases from their current Secrets alone; a record that cannot be read is skipped and reported in `ctx.store.damaged`. */
export async function list(ctx: ActionContext, namespace?: string) {
  return ctx.store.list(namespace);
}
