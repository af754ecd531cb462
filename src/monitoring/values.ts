import { s, type SchemaNode } from '../schema/dsl.js';
import { DURATION_PATTERN } from './objects.js';

export const DURATION_HINT = 'use a Prometheus duration such as 30s, 1m or 1m30s';

/**
 * The `monitoring` key every chart has: off by default (the Prometheus Operator CRDs are then not
 * needed), labels for the Prometheus selectors, one scrape interval. `renders` says what turning it
 * on renders; `extra` adds the chart's own keys.
 */
export function monitoringValues<P extends Record<string, SchemaNode>>(renders: string, extra: P) {
  return s.object({
    enabled: s.bool({
      description: `${renders} Needs the Prometheus Operator CRDs (monitoring.coreos.com/v1): install and upgrade fail before applying anything when they are not served.`,
      default: false,
    }),
    labels: s.map(s.string(), {
      description: 'Labels added to every ServiceMonitor, PodMonitor and PrometheusRule, so your Prometheus selects them (kube-prometheus-stack selects release: <its release name> unless its *SelectorNilUsesHelmValues are false).',
      default: {},
    }),
    interval: s.string({ description: 'Scrape interval of every ServiceMonitor and PodMonitor of the chart.', default: '30s', pattern: DURATION_PATTERN, patternHint: DURATION_HINT }),
    ...extra,
  });
}
