import { UserError } from '../core/errors.js';
import { describeObject } from '../core/object.js';
import type { ReleaseRecord } from '../release/record.js';
import { evaluateReadinessAsync, type Readiness } from '../wait/index.js';
import type { ActionContext } from './context.js';

export interface ObjectStatus {
  object: string;
  group: string;
  readiness: Readiness;
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
  const objects = await Promise.all(
    record.inventory.map(async (e): Promise<ObjectStatus> => {
      const label = describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } });
      const live = await ctx.kube.get(e);
      const readiness: Readiness = live
        ? await evaluateReadinessAsync(live, async (q) => {
            const sel = typeof q.labelSelector === 'string' ? q.labelSelector : q.labelSelector ? Object.entries(q.labelSelector).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
            const items = await ctx.kube.list({ apiVersion: q.apiVersion, kind: q.kind, namespace: q.namespace, labelSelector: sel });
            return q.name ? items.filter((i) => i.metadata.name === q.name) : items;
          })
        : { state: 'failed', message: 'missing from the cluster (deleted outside inferctl?)' };
      return { object: label, group: e.group, readiness };
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

export async function list(ctx: ActionContext, namespace?: string) {
  return (await ctx.store.list(namespace)).map((r) => ({ name: r.name, namespace: r.namespace, revision: r.revision, status: r.status, chart: `${r.chart.name}-${r.chart.version}`, appVersion: r.chart.appVersion, updated: r.lastDeployed }));
}
