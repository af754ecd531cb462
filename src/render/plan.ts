import { describeObject } from '../core/object.js';
import type { AnyGroup, DeclaredGroup } from './groups.js';
import { PlanError, pruneGroups, sortGroups } from './order.js';
import type { GroupSpec, PlannedObject, RenderedObject } from './types.js';

export interface Plan {
  /** Groups that have objects, in declaration order, dependencies re-pointed past dropped ones. */
  groups: GroupSpec[];
  objects: PlannedObject[];
}

/**
 * Turns a chart's render into a plan, refusing any wiring that would silently lose objects: an
 * object in a group no component of the chart declares (it would never be applied, yet recorded as
 * deployed), a dependency on such a group (it would be ignored), two groups of one name, a cycle.
 */
export function planRender(chart: string, objects: readonly RenderedObject[], declared: readonly DeclaredGroup[]): Plan {
  const byName = new Map<string, AnyGroup>();
  for (const { group } of declared) {
    const other = byName.get(group.name);
    if (other) {
      throw new PlanError(`chart ${chart} declares group "${group.name}" twice${other === group ? '' : ' with two different handles'}: each group is owned by one component and registered once`);
    }
    byName.set(group.name, group);
  }
  const names = () => [...byName.keys()].join(', ');
  const isDeclared = (g: AnyGroup) => byName.get(g.name) === g;
  for (const { group, dependsOn } of declared) {
    for (const dep of dependsOn) {
      if (!isDeclared(dep)) {
        throw new PlanError(`chart ${chart}: group "${group.name}" depends on group "${dep.name}", which no registered component declares (declared: ${names()}); register the component that owns "${dep.name}" or drop the dependency`);
      }
    }
  }
  for (const { object, group, source } of objects) {
    if (!isDeclared(group)) {
      throw new PlanError(`chart ${chart}: ${describeObject(object)} (from ${source}) is placed in group "${group.name}", which no registered component declares (declared: ${names()}); it would never be applied`);
    }
  }
  const specs = declared.map(toSpec);
  sortGroups(specs);
  const used = new Set(objects.map((o) => o.group.name));
  return { groups: pruneGroups(specs, used), objects: objects.map((o) => ({ ...o, group: o.group.name })) };
}

function toSpec({ group, dependsOn, gates }: DeclaredGroup): GroupSpec {
  // `gates` only when there are some, so a group without external prerequisites records no empty list.
  return { name: group.name, dependsOn: dependsOn.map((d) => d.name), description: group.description, ...(gates.length ? { gates: [...gates] } : {}) };
}
