import type { Gate } from './types.js';

/**
 * An ordering group (kapp "change group") as a handle. Components place objects in it and name it
 * as a dependency by reference, so a misspelt group is a compile error, not an object that is never
 * applied. Dependencies and gates may depend on the chart's resolved config (C): LiteLLM waits for
 * Valkey only when it uses the bundled one.
 */
export interface Group<C = never> {
  readonly name: string;
  readonly description: string;
  /** Groups that must be ready before this one starts. */
  readonly after: (config: C) => readonly Group<C>[];
  /** Things outside the release this group waits for (an operator's webhook, a CRD). */
  readonly gates: (config: C) => readonly Gate[];
}

/** Any chart's group: a Group<C> is assignable to it, whatever its config type. */
export type AnyGroup = Group<never>;

export interface GroupOptions<C> {
  name: string;
  description: string;
  after?: readonly Group<C>[] | ((config: C) => readonly Group<C>[]);
  gates?: readonly Gate[] | ((config: C) => readonly Gate[]);
}

export function defineGroup<C = never>(options: GroupOptions<C>): Group<C> {
  const { name, description, after = [], gates = [] } = options;
  return {
    name,
    description,
    after: typeof after === 'function' ? after : () => after,
    gates: typeof gates === 'function' ? gates : () => gates,
  };
}

/** A group with its dependencies and gates resolved for one render. */
export interface DeclaredGroup {
  group: AnyGroup;
  dependsOn: readonly AnyGroup[];
  gates: readonly Gate[];
}

/** Resolves each group's dependencies and gates for this render, keeping declaration order (it breaks ordering ties). */
export function declareGroups<C>(groups: readonly Group<C>[], config: C): DeclaredGroup[] {
  return groups.map((group) => ({ group: group as AnyGroup, dependsOn: group.after(config) as readonly AnyGroup[], gates: group.gates(config) }));
}
