import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { ChartDefinition } from '../render/types.js';
import { closest } from '../schema/validate.js';

/**
 * Chart modules load on demand, so `template infra ...` compiles only the infrastructure chart.
 * The names are listed here so errors can suggest them without loading anything.
 */
const loaders: Record<string, () => Promise<ChartDefinition>> = {
  'inference-operators': async () => (await import('./inference-operators/chart.js')).inferenceOperators,
  'inference-infrastructure': async () => (await import('./inference-infrastructure/chart.js')).inferenceInfrastructure,
  'inference-stack': async () => (await import('./inference-stack/chart.js')).inferenceStack,
};

export function chartNames(): string[] {
  return Object.keys(loaders);
}

/**
 * CHART is a bare name ("inference-infrastructure") or a chart directory ("./charts/inference-infrastructure"),
 * so every `helm install X ./charts/Y` line maps one to one. A directory is identified by its Chart.yaml name.
 */
export function chartNameOf(ref: string, cwd = process.cwd()): string {
  const looksLikePath = ref.includes('/') || ref.startsWith('.');
  if (!looksLikePath) {
    if (ref in loaders) return ref;
    throw unknownChart(ref, ref);
  }
  const dir = resolve(cwd, ref);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    if (basename(dir) in loaders) return basename(dir);
    throw new UserError(`chart directory ${ref} does not exist (looked in ${dir}). Pass a chart directory such as ./charts/inference-infrastructure, or a chart name: ${chartNames().join(', ')}.`);
  }
  const chartFile = resolve(dir, 'Chart.yaml');
  const name = existsSync(chartFile) ? /^name:\s*["']?([^"'\s]+)/m.exec(readFileSync(chartFile, 'utf8'))?.[1] : basename(dir);
  if (!name || !(name in loaders)) throw unknownChart(ref, name ?? basename(dir));
  return name;
}

export async function loadChart(ref: string, cwd = process.cwd()): Promise<ChartDefinition> {
  return loaders[chartNameOf(ref, cwd)]();
}

function unknownChart(ref: string, name: string): UserError {
  const guess = closest(name, chartNames());
  return new UserError(`unknown chart ${JSON.stringify(ref)}${guess ? `; did you mean ${guess}?` : ''} inferctl knows these charts: ${chartNames().join(', ')}.`);
}
