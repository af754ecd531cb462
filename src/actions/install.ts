import { UserError } from '../core/errors.js';
import type { ChartDefinition } from '../render/types.js';
import { renderRelease } from '../render/pipeline.js';
import type { ValueOptions } from '../values/options.js';
import { ensureNamespace, releaseLookup, type ActionContext, type WaitOptions } from './context.js';
import { deploy, type DeployResult } from './deploy.js';
import { uninstall } from './uninstall.js';
import { rollback } from './rollback.js';

export interface InstallRequest {
  name: string;
  namespace: string;
  chart: ChartDefinition;
  valueOptions: ValueOptions;
  readFile?: (path: string) => string;
  manifestsDir?: string;
  createNamespace: boolean;
  force: boolean;
  dryRun: boolean;
  rollbackOnFailure: boolean;
  wait: WaitOptions;
}

/**
 * install and upgrade. A release whose last attempt failed or was interrupted may be installed
 * again: the apply is idempotent, so the second run converges from wherever the first stopped.
 */
export async function installOrUpgrade(ctx: ActionContext, req: InstallRequest, mode: 'install' | 'upgrade' | 'upgrade-install'): Promise<DeployResult> {
  // Without --create-namespace a missing namespace fails first; with it, the namespace is created
  // only once the release renders, so a release that cannot render leaves nothing behind (as Helm).
  if (!req.createNamespace) await ensureNamespace(ctx, req.namespace, false, req.dryRun);
  const current = await ctx.store.current(req.name, req.namespace);
  if (mode === 'install' && current && current.status === 'deployed') {
    throw new UserError(`release "${req.name}" already exists in namespace "${req.namespace}" (revision ${current.revision}, ${current.chart.name}). Use "inferctl upgrade ${req.name} CHART" to change it.`);
  }
  if (mode === 'upgrade' && !current) {
    throw new UserError(`release "${req.name}" is not installed in namespace "${req.namespace}". Use "inferctl install", or "inferctl upgrade --install".`);
  }
  if (current && current.chart.name !== req.chart.info.name && current.status !== 'uninstalled') {
    throw new UserError(`release "${req.name}" in namespace "${req.namespace}" is a ${current.chart.name} release, not ${req.chart.info.name}. Choose another release name.`);
  }
  const rendered = renderRelease({
    chart: req.chart,
    release: req.name,
    namespace: req.namespace,
    valueOptions: req.valueOptions,
    readFile: req.readFile,
    manifestsDir: req.manifestsDir,
    releases: await releaseLookup(ctx, req.namespace),
  });
  for (const w of rendered.warnings) ctx.progress.emit({ type: 'info', message: `warning: ${w}` });
  if (req.createNamespace) await ensureNamespace(ctx, req.namespace, true, req.dryRun);
  const isUpgrade = !!current && current.status !== 'uninstalled';
  try {
    return await deploy(ctx, {
      name: req.name,
      namespace: req.namespace,
      chart: { name: req.chart.info.name, version: req.chart.info.version, appVersion: req.chart.info.appVersion },
      userValues: rendered.userValues,
      objects: rendered.objects,
      groups: rendered.groups,
      exports: rendered.result.exports,
      uninstallHooks: rendered.result.uninstallHooks,
      purge: rendered.result.purge,
      previous: isUpgrade ? current : undefined,
      description: isUpgrade ? 'Upgrade' : 'Install',
      pendingStatus: isUpgrade ? 'pending-upgrade' : 'pending-install',
      force: req.force,
      dryRun: req.dryRun,
      wait: req.wait,
    });
  } catch (err) {
    if (!req.rollbackOnFailure || req.dryRun) throw err;
    const lastGood = isUpgrade ? (await ctx.store.history(req.name, req.namespace)).filter((r) => r.status === 'superseded' || r.status === 'deployed').pop() : undefined;
    if (lastGood) {
      ctx.progress.emit({ type: 'info', message: `rolling back to revision ${lastGood.revision} (--rollback-on-failure)` });
      await rollback(ctx, { name: req.name, namespace: req.namespace, revision: lastGood.revision, force: req.force, wait: req.wait });
    } else {
      ctx.progress.emit({ type: 'info', message: 'removing the failed install (--rollback-on-failure); data and generated secrets are kept' });
      await uninstall(ctx, { name: req.name, namespace: req.namespace, purge: false, wait: req.wait });
    }
    throw err;
  }
}
