import { declareGroups, type DeclaredGroup, type Group } from './groups.js';
import type { ProvidedRef, RenderedObject } from './types.js';

/**
 * One part of a chart, in one file: the ordering groups it owns and the objects it renders. A chart
 * is a list of components; adding one is a new file plus one line in that list.
 */
export interface Component<C> {
  /** Groups this component owns, declared on every render; a group left without objects is dropped. */
  readonly groups: readonly Group<C>[];
  render(config: C): RenderedObject[];
  /** What the objects rely on that nothing in this render creates (made by an operator, a Job, the user). */
  provided?(config: C): ProvidedRef[];
}

export interface ComposedRender {
  objects: RenderedObject[];
  groups: DeclaredGroup[];
  provided: ProvidedRef[];
}

/**
 * Renders every component and declares the chart's groups: `foundation` (groups the chart itself
 * owns, e.g. shared namespaces) first, then each component's, in registration order.
 */
export function renderComponents<C>(components: readonly Component<C>[], config: C, foundation: readonly Group<C>[] = []): ComposedRender {
  return {
    objects: components.flatMap((c) => c.render(config)),
    groups: declareGroups([...foundation, ...components.flatMap((c) => c.groups)], config),
    provided: components.flatMap((c) => c.provided?.(config) ?? []),
  };
}
