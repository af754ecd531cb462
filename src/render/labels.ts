import type { ChartInfo } from './types.js';

export const MANAGED_BY = 'inferctl';

/** Labels that select a component's pods; never change them on upgrade (selectors are immutable). */
export function selectorLabels(name: string, release: string, component?: string): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': release,
  };
  if (component) labels['app.kubernetes.io/component'] = component;
  return labels;
}

export function commonLabels(name: string, release: string, chart: ChartInfo, component?: string, version?: string): Record<string, string> {
  return {
    ...selectorLabels(name, release, component),
    ...(version ? { 'app.kubernetes.io/version': sanitizeLabelValue(version) } : {}),
    'app.kubernetes.io/part-of': chart.name,
    'app.kubernetes.io/managed-by': MANAGED_BY,
    'inferctl.io/chart': `${chart.name}-${chart.version}`,
  };
}

/** Label values allow [A-Za-z0-9._-], 63 chars, alphanumeric at both ends. */
export function sanitizeLabelValue(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}
