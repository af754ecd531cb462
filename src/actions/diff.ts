import { describeObject, isPlainObject, type K8sObject } from '../core/object.js';
import { FIELD_MANAGER, withSpecHash } from '../apply/engine.js';
import { autoscaledTargets, conflictsOf, differences, partOf, withUsers, type Conflict } from '../apply/ownership.js';
import { KubeApiError } from '../kube/types.js';
import { pruneCandidates, releaseIdentity } from './deploy.js';
import { refOf } from '../kube/types.js';
import { APPLYSET_PART_OF, entryKey } from '../release/record.js';
import { renderRelease } from '../render/pipeline.js';
import { canonicalObject, toYaml } from '../render/yaml-output.js';
import type { ActionContext } from './context.js';
import { releaseLookup } from './context.js';
import type { InstallRequest } from './install.js';

export interface ObjectDiff {
  object: string;
  /**
   * drift: fields another manager changed that the upgrade takes back (named in `diff`);
   * owned: the object belongs to another release or to nobody (the upgrade refuses it without --take-ownership);
   * shared: another release owns this shared object; this release only registers as a user.
   */
  change: 'create' | 'update' | 'drift' | 'prune' | 'unchanged' | 'owned' | 'shared';
  diff: string;
}

const NOISE = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

/**
 * What an upgrade would change, from a server-side dry run of each object exactly as install applies
 * it (membership label, shared-object users, replicas left to autoscalers); fields another manager
 * changed are shown as drift the upgrade reverts, never as an error.
 */
export async function diff(ctx: ActionContext, req: Pick<InstallRequest, 'name' | 'namespace' | 'chart' | 'valueOptions' | 'readFile' | 'manifestsDir' | 'force'>): Promise<ObjectDiff[]> {
  const rendered = renderRelease({ chart: req.chart, release: req.name, namespace: req.namespace, valueOptions: req.valueOptions, readFile: req.readFile, manifestsDir: req.manifestsDir, releases: await releaseLookup(ctx, req.namespace) });
  const out: ObjectDiff[] = [];
  const me = releaseIdentity(req.name, req.namespace);
  const member = { [APPLYSET_PART_OF]: me.applySetId };
  const autoscaled = new Map<string, Set<string>>();
  for (const r of rendered.objects) {
    let object: K8sObject = { ...r.object, metadata: { ...r.object.metadata, labels: { ...(r.object.metadata.labels ?? {}), ...member } } };
    const name = describeObject(object);
    const live = await ctx.kube.get(refOf(object));
    if (live && partOf(live) !== me.applySetId) {
      if (r.shared) {
        const differ = differences(r.object, live);
        out.push({ object: name, change: differ.length ? 'owned' : 'shared', diff: differ.length ? `shared, rendered differently at ${differ.join(', ')} by its owner: the upgrade refuses it` : '' });
      } else {
        out.push({ object: name, change: 'owned', diff: `exists and ${partOf(live) ? 'belongs to another release' : 'was not created by inferctl'}: the upgrade refuses it without --take-ownership` });
      }
      continue;
    }
    if (r.shared) object = withUsers(object, live, me);
    if (r.replaceOnChange) object = withSpecHash(object);
    object = await withoutAutoscaled(ctx, object, autoscaled);
    let after: K8sObject;
    let drift: Conflict[] = [];
    try {
      after = await ctx.kube.apply(object, { fieldManager: FIELD_MANAGER, force: req.force, dryRun: true });
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 409) {
        drift = conflictsOf(err);
        after = await ctx.kube.apply(object, { fieldManager: FIELD_MANAGER, force: true, dryRun: true });
      } else if (!live) {
        // A custom resource whose CRD is not installed yet cannot be dry-run; show it as rendered.
        after = object;
      } else throw err;
    }
    const a = live ? toYaml(canonicalObject(clean(live))) : '';
    const b = toYaml(canonicalObject(clean(after)));
    const changed = a !== b;
    const driftText = drift.length ? `drift: ${drift.map((c) => `${c.field} (changed by ${c.manager})`).join(', ')}; the upgrade takes it back\n` : '';
    out.push({ object: name, change: !live ? 'create' : drift.length ? 'drift' : changed ? 'update' : 'unchanged', diff: `${driftText}${changed ? unifiedDiff(a, b, name) : ''}`.trimEnd() });
  }
  const current = await ctx.store.current(req.name, req.namespace);
  const keep = new Set(rendered.objects.map((o) => entryKey(refOf(o.object))));
  const candidates = current ? await pruneCandidates(ctx, req.name, req.namespace, current.revision + 1) : [];
  for (const e of candidates) {
    if (keep.has(entryKey(e))) continue;
    const live = await ctx.kube.get(e);
    if (!live) continue;
    out.push({ object: describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } }), change: 'prune', diff: e.shared ? '(shared: removed only when no other release uses it)' : e.keepOnUninstall ? '(kept: holds data)' : partOf(live) !== me.applySetId ? '(left alone: no longer this release\'s)' : '' });
  }
  return out;
}

async function withoutAutoscaled(ctx: ActionContext, object: K8sObject, cache: Map<string, Set<string>>): Promise<K8sObject> {
  const spec = object.spec as Record<string, unknown> | undefined;
  const ns = object.metadata.namespace;
  if ((object.kind !== 'Deployment' && object.kind !== 'StatefulSet') || spec?.replicas === undefined || !ns) return object;
  if (!cache.has(ns)) cache.set(ns, await autoscaledTargets(ctx.kube, ns));
  if (!cache.get(ns)!.has(`${object.kind}/${object.metadata.name}`)) return object;
  const { replicas: _left, ...rest } = spec;
  return { ...object, spec: rest };
}

function clean(obj: K8sObject): K8sObject {
  const copy = JSON.parse(JSON.stringify(obj)) as K8sObject;
  delete copy.status;
  for (const k of NOISE) delete copy.metadata[k];
  if (copy.metadata.annotations) delete copy.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (copy.kind === 'Secret' && isPlainObject(copy.data)) copy.data = Object.fromEntries(Object.keys(copy.data).map((k) => [k, '(hidden)']));
  return copy;
}

/** A plain LCS line diff with 3 lines of context, enough for reviewing objects. */
export function unifiedDiff(a: string, b: string, label: string): string {
  const x = a ? a.split('\n') : [];
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { t: ' ' | '-' | '+'; s: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) { ops.push({ t: ' ', s: x[i] }); i++; j++; }
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) { ops.push({ t: '-', s: x[i] }); i++; }
    else { ops.push({ t: '+', s: y[j] }); j++; }
  }
  const show = ops.map((op, k) => op.t !== ' ' || ops.slice(Math.max(0, k - 3), k + 4).some((o) => o.t !== ' '));
  const lines = [`--- live ${label}`, `+++ rendered ${label}`];
  ops.forEach((op, k) => {
    if (show[k]) lines.push(`${op.t}${op.s}`);
    else if (show[k - 1]) lines.push('@@');
  });
  return lines.join('\n');
}
