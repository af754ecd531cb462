import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { ChartDefinition } from '../render/types.js';
import { closest } from '../schema/validate.js';
import { inferenceInfrastructure } from './inference-infrastructure/chart.js';
import { inferenceStack } from './inference-stack/chart.js';
import { inferenceOperators } from './inference-operators/chart.js';

const charts = new Map<string, ChartDefinition>([[inferenceInfrastructure.info.name, inferenceInfrastructure]]);
charts.set(inferenceStack.info.name, inferenceStack);
charts.set(inferenceOperators.info.name, inferenceOperators);

export function registerChart(chart: ChartDefinition): void {
  charts.set(chart.info.name, chart);
}

export function chartNames(): string[] {
  return [...charts.keys()];
}

/**
 * CHART is a bare name ("inference-infrastructure") or a chart directory ("./charts/inference-infrastructure"),
 * so every `helm install X ./charts/Y` line maps one to one. A directory is identified by its Chart.yaml name.
 */
export function resolveChart(ref: string, cwd = process.cwd()): ChartDefinition {
  const looksLikePath = ref.includes('/') || ref.startsWith('.');
  if (!looksLikePath) {
    const chart = charts.get(ref);
    if (chart) return chart;
    throw unknownChart(ref, ref);
  }
  const dir = resolve(cwd, ref);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    const byName = charts.get(basename(dir));
    if (byName) return byName;
    throw new UserError(`chart directory ${ref} does not exist (looked in ${dir}). Pass a chart directory such as ./charts/inference-infrastructure, or a chart name: ${chartNames().join(', ')}.`);
  }
  const chartFile = resolve(dir, 'Chart.yaml');
  const name = existsSync(chartFile) ? /^name:\s*["']?([^"'\s]+)/m.exec(readFileSync(chartFile, 'utf8'))?.[1] : basename(dir);
  const chart = name ? charts.get(name) : undefined;
  if (!chart) throw unknownChart(ref, name ?? basename(dir));
  return chart;
}

function unknownChart(ref: string, name: string): UserError {
  const guess = closest(name, chartNames());
  return new UserError(`unknown chart ${JSON.stringify(ref)}${guess ? `; did you mean ${guess}?` : ''} inferctl knows these charts: ${chartNames().join(', ')}.`);
}
