import { UserError } from '../core/errors.js';
import type { ActionContext, WaitOptions } from './context.js';
import { deploy, objectsFromRecord, type DeployResult } from './deploy.js';
import { underReleaseLock } from './operation.js';

export interface RollbackRequest {
  name: string;
  namespace: string;
  /** Defaults to the revision before the current one. */
  revision?: number;
  force: boolean;
  wait: WaitOptions;
  forceLock?: boolean;
  takeOwnership?: boolean;
  historyMax?: number;
}

/** Re-applies exactly the manifest a recorded revision applied, as a new revision (Helm semantics). */
export async function rollback(ctx: ActionContext, req: RollbackRequest): Promise<DeployResult> {
  return underReleaseLock(ctx, req.name, req.namespace, { operation: 'rollback', force: !!req.forceLock, signal: req.wait.signal }, (signal) =>
    rollbackLocked(ctx, { ...req, wait: { ...req.wait, signal } }),
  );
}

/** Rollback by a caller that holds the release's lock already (install --rollback-on-failure). */
export async function rollbackLocked(ctx: ActionContext, req: RollbackRequest): Promise<DeployResult> {
  const history = await ctx.store.history(req.name, req.namespace);
  const current = await ctx.store.current(req.name, req.namespace);
  if (!current || !history.length) throw new UserError(`release "${req.name}" not found in namespace "${req.namespace}". "inferctl list -A" shows the releases.`);
  const target = req.revision ?? history.filter((r) => r.revision < current.revision).pop()?.revision;
  const record = target === undefined ? undefined : history.find((r) => r.revision === target);
  if (!record) {
    const available = history.map((r) => r.revision).join(', ');
    const damaged = ctx.store.damaged.find((d) => d.name === req.name && d.namespace === req.namespace && d.revision === target);
    if (damaged) throw new UserError(`revision ${target} of release "${req.name}" cannot be read (${damaged.reason}), so it cannot be rolled back to; readable revisions: ${available}. Roll back to one of those, or upgrade with the values you want.`);
    throw new UserError(`release "${req.name}" has no revision ${target ?? '(none before the current one)'} to roll back to; recorded revisions: ${available}. "inferctl history ${req.name} -n ${req.namespace}" lists them.`);
  }
  return deploy(ctx, {
    name: req.name,
    namespace: req.namespace,
    chart: record.chart,
    userValues: record.userValues,
    values: record.values,
    objects: objectsFromRecord(record),
    groups: record.groups,
    exports: record.exports,
    uninstallHooks: record.uninstallHooks?.map((object) => ({ object, source: `${record.chart.name} revision ${record.revision}` })),
    purge: record.purge,
    previous: current,
    description: `Rollback to ${record.revision}`,
    pendingStatus: 'pending-rollback',
    force: req.force,
    dryRun: false,
    wait: req.wait,
    takeOwnership: req.takeOwnership,
    historyMax: req.historyMax,
  });
}
