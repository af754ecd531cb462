/**
 * Grafana dashboards as plain data (the JSON model Grafana 10+ imports), laid out on the 24-column
 * grid two panels per row. Every query is PromQL against one Prometheus data source chosen by the
 * `datasource` variable; the namespace and object names of the release are written into the queries
 * when the chart renders, so a dashboard shows exactly one release.
 */

export interface Query {
  expr: string;
  legend?: string;
}

export interface PanelSpec {
  title: string;
  description?: string;
  unit?: string;
  queries: Query[];
  /** 'stat' shows the last value; 'timeseries' (default) a graph. */
  kind?: 'timeseries' | 'stat';
  /** A red threshold line (e.g. a connection budget). */
  threshold?: number;
  /** Full width instead of half. */
  wide?: boolean;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  rows: { title: string; panels: PanelSpec[] }[];
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function panel(id: number, spec: PanelSpec, x: number, y: number): Record<string, unknown> {
  const defaults: Record<string, unknown> = { unit: spec.unit ?? 'short' };
  if (spec.threshold !== undefined) {
    defaults.thresholds = { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: spec.threshold }] };
    defaults.custom = { thresholdsStyle: { mode: 'line' } };
  }
  return {
    id,
    type: spec.kind ?? 'timeseries',
    title: spec.title,
    ...(spec.description ? { description: spec.description } : {}),
    datasource: DATASOURCE,
    gridPos: { h: 8, w: spec.wide ? 24 : 12, x, y },
    fieldConfig: { defaults, overrides: [] },
    options: spec.kind === 'stat' ? { reduceOptions: { calcs: ['lastNotNull'] } } : { legend: { displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max'] } },
    targets: spec.queries.map((q, i) => ({ refId: String.fromCharCode(65 + i), datasource: DATASOURCE, expr: q.expr, legendFormat: q.legend ?? '__auto', range: true })),
  };
}

export function dashboard(spec: DashboardSpec): Record<string, unknown> {
  const panels: Record<string, unknown>[] = [];
  let id = 1;
  let y = 0;
  for (const row of spec.rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y }, panels: [] });
    y += 1;
    let x = 0;
    for (const p of row.panels) {
      if (p.wide && x) {
        x = 0;
        y += 8;
      }
      panels.push(panel(id++, p, x, y));
      x = p.wide ? 24 : x + 12;
      if (x >= 24) {
        x = 0;
        y += 8;
      }
    }
    if (x) y += 8;
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['inferctl', 'llm'],
    editable: true,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }],
    },
    panels,
  };
}

/** Every PromQL expression of a dashboard, for checks. */
export function dashboardQueries(model: Record<string, unknown>): string[] {
  return (model.panels as { targets?: { expr: string }[] }[]).flatMap((p) => (p.targets ?? []).map((t) => t.expr));
}

/** A label value inside a PromQL string literal. */
export function q(value: string): string {
  return JSON.stringify(value);
}

/** An anchored regex matching any of the names exactly. */
export function anyOf(names: string[]): string {
  return q(names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

/** Pods of a StatefulSet: <name>-<ordinal>. */
export function statefulSetPods(name: string): string {
  return q(`${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[0-9]+`);
}

/** The Valkey pods of a scope: the Deployments' (standalone or replicated mode) or the data-node StatefulSet's (Sentinel mode). */
export function valkeyPods(s: { valkeyDeployments?: string[]; valkeyStatefulSet?: string }): string | undefined {
  if (s.valkeyStatefulSet) return statefulSetPods(s.valkeyStatefulSet);
  return s.valkeyDeployments?.length ? deploymentPods(s.valkeyDeployments) : undefined;
}

/**
 * A regex (for pod=~) matching exactly the pods of these Deployments: <deployment>-<hash>-<hash>.
 * Anchored segments keep pooler "x" from matching the pods of pooler "x-ro".
 */
export function deploymentPods(deployments: string[]): string {
  const names = deployments.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return q(`${names.length > 1 ? `(${names.join('|')})` : names[0]}-[a-z0-9]+-[a-z0-9]+`);
}
