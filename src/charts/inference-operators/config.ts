import { UserError } from '../../core/errors.js';
import type { ChartInfo } from '../../render/types.js';
import type { KeyPath } from '../../schema/validate.js';
import type { ComponentKey, OperatorComponent } from './component.js';
import type { OperatorsValues } from './values.js';

/** rendered: this release installs it; external: installed by someone else; off: not wanted. */
export type ComponentState = 'rendered' | 'external' | 'off';

export interface OperatorsConfig {
  release: string;
  chart: ChartInfo;
  values: OperatorsValues;
  state: Record<ComponentKey, ComponentState>;
  sourceOf(path: KeyPath): string | undefined;
}

function stateOf(values: OperatorsValues, key: ComponentKey): ComponentState {
  const v = values[key] as { enabled: boolean; external?: boolean };
  if (v.external) return 'external';
  return v.enabled ? 'rendered' : 'off';
}

export function resolveConfig(
  release: string,
  chart: ChartInfo,
  values: OperatorsValues,
  components: OperatorComponent[],
  sourceOf: (path: KeyPath) => string | undefined,
): OperatorsConfig {
  const state = Object.fromEntries(components.map((c) => [c.key, stateOf(values, c.key)])) as Record<ComponentKey, ComponentState>;
  const config: OperatorsConfig = { release, chart, values, state, sourceOf };
  for (const c of components) if (state[c.key] === 'rendered') for (const need of c.needs ?? []) checkNeed(config, c.key, need);
  return config;
}

function checkNeed(config: OperatorsConfig, key: ComponentKey, need: { key: ComponentKey; why: string }): void {
  if (config.state[need.key] !== 'off') return;
  const from = config.sourceOf([need.key, 'enabled']);
  const canBeExternal = 'external' in (config.values[need.key] as object);
  const external = canBeExternal ? `, set ${need.key}.external=true if it is already installed in the cluster` : '';
  throw new UserError(
    `${key}.enabled is true but ${need.key}.enabled is false${from ? ` (from ${from})` : ''}: ${need.why}. ` +
      `Enable it (${need.key}.enabled=true)${external}, or disable ${key} (${key}.enabled=false).`,
  );
}
