import { UserError } from '../core/errors.js';
import type { ActionContext } from './context.js';

export interface HistoryRow {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  appVersion: string;
  description: string;
}

/** `inferctl history`: every recorded revision, oldest first, at most the last `max` (Helm's default 256). */
export async function history(ctx: ActionContext, name: string, namespace: string, max = 256): Promise<HistoryRow[]> {
  const records = await ctx.store.history(name, namespace);
  if (!records.length) throw new UserError(`release "${name}" not found in namespace "${namespace}". "inferctl list -A" shows the releases.`);
  return records.slice(-max).map((r) => ({
    revision: r.revision,
    updated: r.lastDeployed,
    status: r.status,
    chart: `${r.chart.name}-${r.chart.version}`,
    appVersion: r.chart.appVersion,
    description: r.description,
  }));
}
