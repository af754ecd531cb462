import { UserError } from '../core/errors.js';
import { compareStrings, isPlainObject, type K8sObject } from '../core/object.js';
import type { ReleaseRecord } from '../release/record.js';
import { defaultsOf, fillDefaults } from '../schema/dsl.js';
import { coalesceValues } from '../values/coalesce.js';
import type { ActionContext } from './context.js';

/** The current revision, or the one asked for. */
async function recordOf(ctx: ActionContext, name: string, namespace: string, revision?: number): Promise<ReleaseRecord> {
  const record = revision === undefined ? await ctx.store.current(name, namespace) : await ctx.store.revision(name, namespace, revision);
  if (record) return record;
  if (revision !== undefined && (await ctx.store.current(name, namespace))) {
    throw new UserError(`release "${name}" in namespace "${namespace}" has no revision ${revision}; "inferctl history ${name} -n ${namespace}" lists them.`);
  }
  throw new UserError(`release "${name}" not found in namespace "${namespace}". "inferctl list -A" shows the releases.`);
}

/**
 * `inferctl get values`: the values the user supplied (as Helm prints them, secrets the user put
 * there included), or with `all` the values the render used. Generated secrets are never values:
 * they exist only in the cluster.
 */
export async function getValues(ctx: ActionContext, name: string, namespace: string, opts: { all: boolean; revision?: number }): Promise<Record<string, unknown>> {
  const record = await recordOf(ctx, name, namespace, opts.revision);
  if (!opts.all) return sortedKeys(record.userValues);
  if (record.values) return sortedKeys(record.values);
  // Records before 0.2 kept only the user's values: compute with this inferctl's chart.
  const { loadChart } = await import('../charts/registry.js');
  const chart = await loadChart(record.chart.name);
  return sortedKeys(fillDefaults(chart.values, coalesceValues(defaultsOf(chart.values) as Record<string, unknown>, record.userValues).values) as Record<string, unknown>);
}

/** Keys in code-point order at every level, as Helm prints values (Go maps marshal sorted). */
function sortedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortedKeys) as T;
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort(compareStrings).map((k) => [k, sortedKeys(value[k])])) as T;
}

/** `inferctl get manifest`: the objects the revision applied, in apply order; Secret values hidden. */
export async function getManifest(ctx: ActionContext, name: string, namespace: string, revision?: number): Promise<K8sObject[]> {
  const record = await recordOf(ctx, name, namespace, revision);
  return record.manifest.map(hideSecretValues);
}

function hideSecretValues(obj: K8sObject): K8sObject {
  if (obj.kind !== 'Secret' || obj.apiVersion !== 'v1') return obj;
  const hide = (data: unknown) => (isPlainObject(data) ? Object.fromEntries(Object.keys(data).map((k) => [k, '(hidden)'])) : data);
  return { ...obj, ...(obj.data !== undefined ? { data: hide(obj.data) } : {}), ...(obj.stringData !== undefined ? { stringData: hide(obj.stringData) } : {}) };
}
