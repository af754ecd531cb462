import { UserError } from '../../core/errors.js';
import { durationMs, type ScrapeSettings } from '../../monitoring/objects.js';
import type { KeyPath } from '../../schema/validate.js';
import type { InfrastructureValues } from './values.js';

/**
 * What the infrastructure chart renders for monitoring, reconciled from `monitoring.*` and the
 * original chart's `litellm-proxy.serviceMonitor.*` / `litellm-proxy.dashboards.*`:
 * - monitoring.enabled turns everything on (every scrape object, both dashboards, the alert rules);
 * - litellm-proxy.serviceMonitor.enabled alone scrapes only LiteLLM, as the original chart did;
 * - litellm-proxy.dashboards.enabled alone renders only the LiteLLM (platform overview) dashboard;
 * - for LiteLLM, litellm-proxy.serviceMonitor.interval/scrapeTimeout win over monitoring.interval
 *   (the more specific key; its default 15s is the original chart's).
 */
export interface InfraMonitoring {
  /** monitoring.enabled: every scrape object, the data-path dashboard and the alert rules. */
  all: boolean;
  scrape: ScrapeSettings;
  /** LiteLLM is scraped (callback, metrics port and Service, ServiceMonitor). */
  litellm?: { interval: string; scrapeTimeout: string };
  /** The LiteLLM platform overview dashboard. */
  overviewDashboard: boolean;
  /** Grafana folder of the dashboards (grafana_folder annotation). */
  folder: string;
  /** The values that turned monitoring on, for messages (e.g. "monitoring.enabled=true"). */
  why: string;
}

export function resolveMonitoring(values: InfrastructureValues, sourceOf: (path: KeyPath) => string | undefined): InfraMonitoring {
  const m = values.monitoring;
  const lp = values['litellm-proxy'];
  const litellmOn = lp.enabled && (m.enabled || lp.serviceMonitor.enabled);
  if (litellmOn) {
    const interval = durationMs(lp.serviceMonitor.interval);
    const timeout = durationMs(lp.serviceMonitor.scrapeTimeout);
    if (interval !== undefined && timeout !== undefined && timeout > interval) {
      const src = sourceOf(['litellm-proxy', 'serviceMonitor', 'scrapeTimeout']);
      throw new UserError(
        `key litellm-proxy.serviceMonitor.scrapeTimeout${src ? ` (from ${src})` : ''}: ${lp.serviceMonitor.scrapeTimeout} is longer than the scrape interval ${lp.serviceMonitor.interval} (litellm-proxy.serviceMonitor.interval), and the Prometheus Operator rejects such a ServiceMonitor. Set the timeout to at most the interval.`,
      );
    }
  }
  if (m.enabled && values.postgresql.enabled && values.postgresql.cluster.enablePodMonitor) {
    const src = sourceOf(['postgresql', 'cluster', 'enablePodMonitor']);
    throw new UserError(
      `key postgresql.cluster.enablePodMonitor${src ? ` (from ${src})` : ''}: monitoring.enabled=true already renders a PodMonitor for the PostgreSQL instances, and CloudNativePG's own (deprecated since 1.30) would scrape them a second time. Set postgresql.cluster.enablePodMonitor=false.`,
    );
  }
  const why = m.enabled
    ? 'monitoring.enabled=true'
    : [lp.serviceMonitor.enabled && 'litellm-proxy.serviceMonitor.enabled=true', lp.dashboards.enabled && 'litellm-proxy.dashboards.enabled=true'].filter(Boolean).join(' and ');
  return {
    all: m.enabled,
    scrape: { labels: m.labels, interval: m.interval },
    litellm: litellmOn ? { interval: lp.serviceMonitor.interval, scrapeTimeout: lp.serviceMonitor.scrapeTimeout } : undefined,
    overviewDashboard: lp.enabled && (m.enabled || lp.dashboards.enabled),
    folder: lp.dashboards.folderAnnotation,
    why,
  };
}
