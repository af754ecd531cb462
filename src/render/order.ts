import { compareStrings, describeObject, type K8sObject } from '../core/object.js';
import type { GroupSpec, PlannedObject } from './types.js';

/**
 * A plan that cannot run as written: an object in an undeclared group, a dependency on one, a cycle.
 * Charts are code, so this is a bug in a chart (or a damaged release record), never bad user input.
 */
export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanError';
  }
}

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
    if (visiting.has(g.name)) {
      const path = [...trail.slice(trail.indexOf(g.name)), g.name];
      throw new PlanError(`ordering groups form a cycle: ${path.join(' -> ')}; each of them waits for the next, so none could ever start`);
    }
    visiting.add(g.name);
    for (const dep of g.dependsOn) {
      const d = byName.get(dep);
      if (!d) throw new PlanError(`group "${g.name}" depends on group "${dep}", which the plan does not declare; declared: ${[...byName.keys()].join(', ')}`);
      visit(d, [...trail, g.name]);
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

/**
 * Checks a plan before anything is applied: every object's group and every dependency is declared,
 * and the dependencies form no cycle. Plans from a render were checked already; release records
 * (rollback, uninstall) are data and are checked here.
 */
export function assertPlan(objects: readonly { object: K8sObject; group: string }[], groups: GroupSpec[], what = 'the plan'): void {
  const names = new Set(groups.map((g) => g.name));
  for (const { object, group } of objects) {
    if (!names.has(group)) {
      throw new PlanError(`${describeObject(object)} is in group "${group}", which ${what} does not declare (declared: ${[...names].join(', ') || 'none'}); nothing was applied`);
    }
  }
  sortGroups(groups);
}

/** Keeps groups that have objects; a dependency on a dropped group is replaced by that group's own dependencies. */
export function pruneGroups(groups: GroupSpec[], used: ReadonlySet<string>): GroupSpec[] {
  const byName = new Map(groups.map((g) => [g.name, g]));
  const resolve = (deps: string[], seen = new Set<string>()): string[] =>
    deps.flatMap((d) => {
      if (seen.has(d)) return [];
      seen.add(d);
      return used.has(d) ? [d] : resolve(byName.get(d)?.dependsOn ?? [], seen);
    });
  return groups.filter((g) => used.has(g.name)).map((g) => ({ ...g, dependsOn: [...new Set(resolve(g.dependsOn))] }));
}

export function sortObjects<T extends PlannedObject>(objects: T[], groups: GroupSpec[]): T[] {
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
