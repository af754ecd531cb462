import { isDeepStrictEqual } from 'node:util';
import { groupOf, objectKey, type K8sObject } from '../../core/object.js';
import { MANAGED_BY } from '../../render/labels.js';
import type { Group } from '../../render/groups.js';
import type { RenderedObject } from '../../render/types.js';
import { crdGroupOf, crdsGroup, namespacesGroup, type OperatorComponent } from './component.js';
import type { OperatorsConfig } from './config.js';
import type { LockEntry } from './manifests.js';
import { lockEntry, loadLock } from './manifests.js';

/**
 * Turns the verified upstream files of the active components into rendered objects. Content stays
 * upstream's; the only changes are the components' documented patches, two added labels, and
 * dropping metadata.namespace from cluster-scoped custom resources (what the API server does anyway).
 */
export function renderUpstream(
  components: OperatorComponent[],
  config: OperatorsConfig,
  load: (entry: LockEntry) => readonly K8sObject[],
): RenderedObject[] {
  const lock = loadLock();
  const out: RenderedObject[] = [];
  const seen = new Map<string, RenderedObject>();
  for (const c of components) {
    const files = c.manifests.map((ref) => {
      const entry = lockEntry(lock, ref);
      return { source: `${entry.project}/${entry.file}`, objects: load(entry) };
    });
    if (c.extraObjects) files.unshift({ source: `inference-operators/${c.key}`, objects: c.extraObjects(config) });
    for (const { source, objects } of files) {
      for (const upstream of objects) {
        if (c.omitReason?.(upstream)) continue;
        const object = withChartLabels(c.patch ? c.patch(upstream, config) : upstream, config);
        const group = groupFor(c, object);
        const rendered: RenderedObject = { object, group, source };
        if (group === crdsGroup || group === namespacesGroup) rendered.keepOnUninstall = true;
        if (object.kind === 'Job') rendered.replaceOnChange = true;
        const key = objectKey(object);
        const first = seen.get(key);
        if (first) {
          // One identity must render once. Identical copies are harmless to drop; different ones mean
          // the pinned releases disagree, which is a bug in the lock, not something to paper over.
          if (isDeepStrictEqual(first.object, object)) continue;
          throw new Error(`${key} is in both ${first.source} and ${source} with different content; the pinned versions disagree`);
        }
        seen.set(key, rendered);
        out.push(rendered);
      }
    }
  }
  return dropClusterScopedNamespaces(out);
}

function groupFor(c: OperatorComponent, obj: K8sObject): Group<OperatorsConfig> {
  if (obj.kind === 'CustomResourceDefinition') return crdsGroup;
  if (obj.kind === 'Namespace') return namespacesGroup;
  const group = c.groupOf?.(obj) ?? c.groups[0];
  if (!group) throw new Error(`${c.key} has no group for ${obj.kind} ${obj.metadata.name}`);
  return group;
}

/** Adds labels only: an upstream app.kubernetes.io/managed-by (Helm for rendered charts) is kept. */
function withChartLabels(obj: K8sObject, config: OperatorsConfig): K8sObject {
  const labels: Record<string, string> = { ...(obj.metadata.labels ?? {}) };
  if (!labels['app.kubernetes.io/managed-by']) labels['app.kubernetes.io/managed-by'] = MANAGED_BY;
  labels['inferctl.io/chart'] = `${config.chart.name}-${config.chart.version}`;
  return { ...obj, metadata: { ...obj.metadata, labels } };
}

/**
 * KServe's ClusterStorageContainer "default" is cluster-scoped but written with namespace kserve.
 * kubectl and the API server ignore that namespace; dropping it keeps the release record's identity
 * equal to the live object's.
 */
function dropClusterScopedNamespaces(objects: RenderedObject[]): RenderedObject[] {
  const clusterScoped = new Set<string>();
  for (const { object } of objects) {
    const spec = object.spec as { scope?: string; names?: { kind?: string } } | undefined;
    if (crdGroupOf(object) !== undefined && spec?.scope === 'Cluster') clusterScoped.add(`${crdGroupOf(object)}/${spec.names?.kind}`);
  }
  return objects.map((r) => {
    const { object } = r;
    if (!object.metadata.namespace || !clusterScoped.has(`${groupOf(object.apiVersion)}/${object.kind}`)) return r;
    const { namespace: _dropped, ...metadata } = object.metadata;
    return { ...r, object: { ...object, metadata } };
  });
}
