import { UserError } from '../core/errors.js';
import type { ChartDefinition } from '../render/types.js';
import { assertNamespaceName, assertReleaseName } from '../render/release.js';
import { renderWithValues, userValuesOf, type RenderedRelease } from '../render/pipeline.js';
import type { ReleaseRecord } from '../release/record.js';
import { defaultsOf } from '../schema/dsl.js';
import type { KeyPath } from '../schema/validate.js';
import { coalesceTablesOf, coalesceValues } from '../values/coalesce.js';
import type { ValueOptions } from '../values/options.js';
import { ensureNamespace, releaseLookup, type ActionContext, type WaitOptions } from './context.js';
import { checkRequiredApis } from './preflight.js';
import { deploy, type DeployResult } from './deploy.js';
import { uninstallLocked } from './uninstall.js';
import { rollbackLocked } from './rollback.js';
import { underReleaseLock } from './operation.js';
import { Interrupted } from '../apply/engine.js';

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
  /** Adopt objects that belong to another release or to nobody (Helm's --take-ownership). */
  takeOwnership?: boolean;
  /** Take the release's lock even though another operation holds it (its process is gone). */
  forceLock?: boolean;
  /** Revisions kept (--history-max); default 10. */
  historyMax?: number;
  /**
   * How an upgrade treats the last release's values (Helm's pkg/action/upgrade.go reuseValues):
   * 'reset' ignores them; 'reuse' lays the new values over them and renders on the last release's
   * values instead of the chart's defaults; 'reset-then-reuse' lays them over the chart's defaults;
   * by default they are reused only when no -f/--set is given.
   */
  values?: 'reset' | 'reuse' | 'reset-then-reuse';
}

/**
 * install and upgrade. A release whose last attempt failed or was interrupted may be installed
 * again: the apply is idempotent, so the second run converges from wherever the first stopped.
 */
export async function installOrUpgrade(ctx: ActionContext, req: InstallRequest, mode: 'install' | 'upgrade' | 'upgrade-install'): Promise<DeployResult> {
  assertReleaseName(req.name);
  assertNamespaceName(req.namespace);
  // Without --create-namespace a missing namespace fails first; with it, the namespace is created
  // only once the release renders, so a release that cannot render leaves nothing behind (as Helm).
  if (!req.createNamespace) await ensureNamespace(ctx, req.namespace, false, req.dryRun);
  const exists = !!(await ctx.kube.get({ apiVersion: 'v1', kind: 'Namespace', name: req.namespace }));
  if (req.dryRun || !exists) return installChecked(ctx, req, mode, undefined);
  return underReleaseLock(ctx, req.name, req.namespace, { operation: mode === 'install' ? 'install' : 'upgrade', force: !!req.forceLock, signal: req.wait.signal }, (signal) =>
    installChecked(ctx, { ...req, wait: { ...req.wait, signal } }, mode, signal),
  );
}

async function installChecked(ctx: ActionContext, req: InstallRequest, mode: 'install' | 'upgrade' | 'upgrade-install', locked: AbortSignal | undefined): Promise<DeployResult> {
  const current = await ctx.store.current(req.name, req.namespace);
  if (mode === 'install' && current && current.status !== 'uninstalled' && current.status !== 'failed') {
    throw new UserError(`release "${req.name}" already exists in namespace "${req.namespace}" (revision ${current.revision}, ${current.chart.name}, ${current.status}). Use "inferctl upgrade ${req.name} CHART -n ${req.namespace}" to change it.`);
  }
  if (mode === 'upgrade' && !current) {
    throw new UserError(`release "${req.name}" is not installed in namespace "${req.namespace}". Use "inferctl install", or "inferctl upgrade --install".`);
  }
  if (current && current.chart.name !== req.chart.info.name && current.status !== 'uninstalled') {
    throw new UserError(`release "${req.name}" in namespace "${req.namespace}" is a ${current.chart.name} release, not ${req.chart.info.name}. Choose another release name.`);
  }
  const isUpgrade = !!current && current.status !== 'uninstalled';
  const rendered = await renderForDeploy(ctx, req, isUpgrade ? current : undefined);
  for (const w of rendered.warnings) ctx.progress.emit({ type: 'info', message: `warning: ${w}` });
  await checkRequiredApis(ctx.kube, rendered.result.requiredApis);
  if (req.createNamespace && !locked && !req.dryRun) {
    // A namespace this command creates: lock the release as soon as it exists, and look again.
    await ensureNamespace(ctx, req.namespace, true, false);
    return underReleaseLock(ctx, req.name, req.namespace, { operation: mode === 'install' ? 'install' : 'upgrade', force: !!req.forceLock, signal: req.wait.signal }, async (signal) => {
      const now = await ctx.store.current(req.name, req.namespace);
      if (now && (!current || now.revision !== current.revision)) {
        throw new UserError(`release "${req.name}" in namespace "${req.namespace}" changed while this command prepared it (now revision ${now.revision}, ${now.status}); run the command again.`);
      }
      return deployRendered(ctx, { ...req, wait: { ...req.wait, signal } }, rendered, current, isUpgrade);
    });
  }
  if (req.createNamespace) await ensureNamespace(ctx, req.namespace, true, req.dryRun);
  return deployRendered(ctx, req, rendered, current, isUpgrade);
}

async function deployRendered(ctx: ActionContext, req: InstallRequest, rendered: RenderedRelease, current: ReleaseRecord | undefined, isUpgrade: boolean): Promise<DeployResult> {
  try {
    return await deploy(ctx, {
      name: req.name,
      namespace: req.namespace,
      chart: { name: req.chart.info.name, version: req.chart.info.version, appVersion: req.chart.info.appVersion },
      userValues: rendered.userValues,
      values: rendered.values,
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
      takeOwnership: req.takeOwnership,
      historyMax: req.historyMax,
    });
  } catch (err) {
    if (!req.rollbackOnFailure || req.dryRun || err instanceof Interrupted) throw err;
    const lastGood = isUpgrade ? (await ctx.store.history(req.name, req.namespace)).filter((r) => r.status === 'superseded' || r.status === 'deployed').pop() : undefined;
    if (lastGood) {
      ctx.progress.emit({ type: 'info', message: `rolling back to revision ${lastGood.revision} (--rollback-on-failure)` });
      await rollbackLocked(ctx, { name: req.name, namespace: req.namespace, revision: lastGood.revision, force: req.force, wait: req.wait });
    } else {
      ctx.progress.emit({ type: 'info', message: 'removing the failed install (--rollback-on-failure); data and generated secrets are kept' });
      await uninstallLocked(ctx, { name: req.name, namespace: req.namespace, purge: false, wait: req.wait });
    }
    throw err;
  }
}

/** Renders what install or upgrade applies, with the values Helm would use for it. */
async function renderForDeploy(ctx: ActionContext, req: InstallRequest, previous: ReleaseRecord | undefined): Promise<RenderedRelease> {
  const given = userValuesOf(req);
  const render = { chart: req.chart, release: req.name, namespace: req.namespace, manifestsDir: req.manifestsDir, releases: await releaseLookup(ctx, req.namespace) };
  if (!previous || req.values === 'reset') return renderWithValues(render, given.values, given.sourceOf);
  const old = previous.userValues;
  const fromOld = (path: KeyPath) => given.sourceOf(path) ?? (lookup(old, path) !== undefined ? `the values of revision ${previous.revision}` : undefined);
  if (req.values === 'reuse') {
    // Helm renders on the last release's computed values rather than the new chart's defaults.
    const base = previous.values ?? coalesceValues(defaultsOf(req.chart.values) as Record<string, unknown>, old).values;
    return renderWithValues(render, coalesceTablesOf(given.values, old), fromOld, base);
  }
  if (req.values === 'reset-then-reuse') return renderWithValues(render, coalesceTablesOf(given.values, old), fromOld);
  const none = Object.keys(given.values).length === 0;
  return none ? renderWithValues(render, old, fromOld) : renderWithValues(render, given.values, given.sourceOf);
}

function lookup(tree: unknown, path: KeyPath): unknown {
  let cur: unknown = tree;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur;
}

/** What `install -o json|yaml` and `upgrade -o json|yaml` print: the release, never values or secrets. */
export function releaseSummary(result: DeployResult, dryRun: boolean) {
  const r = result.record;
  return {
    name: r.name,
    namespace: r.namespace,
    revision: r.revision,
    status: dryRun ? 'dry-run' : r.status,
    chart: r.chart,
    description: r.description,
    firstDeployed: r.firstDeployed,
    lastDeployed: r.lastDeployed,
    groups: r.groups.map((g) => g.name),
    objects: r.inventory.map((e) => ({ apiVersion: e.apiVersion, kind: e.kind, ...(e.namespace ? { namespace: e.namespace } : {}), name: e.name, group: e.group })),
    pruned: result.pruned,
    kept: result.kept,
    exports: r.exports,
  };
}
