import { describeObject, isPlainObject, type K8sObject } from '../core/object.js';
import { FIELD_MANAGER } from '../apply/engine.js';
import { refOf } from '../kube/types.js';
import { applySetId, APPLYSET_PART_OF, entryKey, parentSecretName } from '../release/record.js';
import { renderRelease } from '../render/pipeline.js';
import { canonicalObject, toYaml } from '../render/yaml-output.js';
import type { ActionContext } from './context.js';
import { releaseLookup } from './context.js';
import type { InstallRequest } from './install.js';

export interface ObjectDiff {
  object: string;
  change: 'create' | 'update' | 'prune' | 'unchanged';
  diff: string;
}

const NOISE = ['managedFields', 'resourceVersion', 'uid', 'creationTimestamp', 'generation', 'selfLink'];

/** What a server-side apply would change: dry-run each object and compare with what is live. */
export async function diff(ctx: ActionContext, req: Pick<InstallRequest, 'name' | 'namespace' | 'chart' | 'valueOptions' | 'readFile' | 'manifestsDir' | 'force'>): Promise<ObjectDiff[]> {
  const rendered = renderRelease({ chart: req.chart, release: req.name, namespace: req.namespace, valueOptions: req.valueOptions, readFile: req.readFile, manifestsDir: req.manifestsDir, releases: await releaseLookup(ctx, req.namespace) });
  const out: ObjectDiff[] = [];
  // Apply exactly what install would: with the ApplySet membership label.
  const member = { [APPLYSET_PART_OF]: applySetId(parentSecretName(req.name), req.namespace) };
  for (const { object: plain } of rendered.objects) {
    const object = { ...plain, metadata: { ...plain.metadata, labels: { ...(plain.metadata.labels ?? {}), ...member } } };
    const live = await ctx.kube.get(refOf(object));
    let after: K8sObject;
    try {
      after = await ctx.kube.apply(object, { fieldManager: FIELD_MANAGER, force: req.force, dryRun: true });
    } catch (err) {
      // A custom resource whose CRD is not installed yet cannot be dry-run; show it as rendered.
      if (live) throw err;
      after = object;
    }
    const a = live ? toYaml(canonicalObject(clean(live))) : '';
    const b = toYaml(canonicalObject(clean(after)));
    out.push({ object: describeObject(object), change: !live ? 'create' : a === b ? 'unchanged' : 'update', diff: a === b ? '' : unifiedDiff(a, b, describeObject(object)) });
  }
  const current = await ctx.store.current(req.name, req.namespace);
  const keep = new Set(rendered.objects.map((o) => entryKey(refOf(o.object))));
  for (const e of current?.inventory ?? []) {
    if (!keep.has(entryKey(e))) out.push({ object: describeObject({ kind: e.kind, metadata: { name: e.name, namespace: e.namespace } }), change: 'prune', diff: e.keepOnUninstall ? '(kept: holds data)' : '' });
  }
  return out;
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
