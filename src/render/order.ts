import { UserError } from '../core/errors.js';
import { compareStrings } from '../core/object.js';
import type { GroupSpec, RenderedObject } from './types.js';

/** Kinds that others depend on come first inside a group (Helm's install order, CRs last). */
const KIND_ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret',
  'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition', 'ClusterRole',
  'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service', 'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment',
  'HorizontalPodAutoscaler', 'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration',
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

/** Groups in dependency order; ties broken by declaration order, so output is stable. */
export function sortGroups(groups: GroupSpec[]): GroupSpec[] {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: GroupSpec[] = [];
  const visit = (g: GroupSpec, trail: string[]) => {
    if (done.has(g.name)) return;
    if (visiting.has(g.name)) throw new UserError(`ordering groups form a cycle: ${[...trail, g.name].join(' -> ')}`);
    visiting.add(g.name);
    for (const dep of g.dependsOn) {
      const d = byName.get(dep);
      if (d) visit(d, [...trail, g.name]);
    }
    visiting.delete(g.name);
    done.add(g.name);
    out.push(g);
  };
  for (const g of groups) visit(g, []);
  return out;
}

/** Depth of each group in the dependency graph: 0 for groups that wait on nothing. */
export function groupDepths(groups: GroupSpec[]): Map<string, number> {
  const depth = new Map<string, number>();
  for (const g of sortGroups(groups)) {
    const present = g.dependsOn.filter((d) => depth.has(d));
    depth.set(g.name, present.length ? Math.max(...present.map((d) => depth.get(d)!)) + 1 : 0);
  }
  return depth;
}

export function sortObjects(objects: RenderedObject[], groups: GroupSpec[]): RenderedObject[] {
  const groupIndex = new Map(sortGroups(groups).map((g, i) => [g.name, i]));
  return [...objects].sort((a, b) => {
    const ga = groupIndex.get(a.group) ?? groupIndex.size;
    const gb = groupIndex.get(b.group) ?? groupIndex.size;
    if (ga !== gb) return ga - gb;
    const ka = kindRank(a.object.kind) - kindRank(b.object.kind);
    if (ka !== 0) return ka;
    const kindCmp = compareStrings(a.object.kind, b.object.kind);
    if (kindCmp !== 0) return kindCmp;
    const nsCmp = compareStrings(a.object.metadata.namespace ?? '', b.object.metadata.namespace ?? '');
    return nsCmp !== 0 ? nsCmp : compareStrings(a.object.metadata.name, b.object.metadata.name);
  });
}
