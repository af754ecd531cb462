import type { ChartDefinition } from '../render/types.js';
import { inferenceInfrastructure } from './inference-infrastructure/chart.js';
import { inferenceOperators } from './inference-operators/chart.js';
import { inferenceStack } from './inference-stack/chart.js';
import { chartNameOf } from './registry.js';

export { chartNames, chartNameOf, loadChart } from './registry.js';

const all: Record<string, ChartDefinition> = {
  [inferenceOperators.info.name]: inferenceOperators,
  [inferenceInfrastructure.info.name]: inferenceInfrastructure,
  [inferenceStack.info.name]: inferenceStack,
};

/** Synchronous lookup for library users and tests; the CLI uses loadChart, which loads one chart. */
export function resolveChart(ref: string, cwd = process.cwd()): ChartDefinition {
  return all[chartNameOf(ref, cwd)];
}
