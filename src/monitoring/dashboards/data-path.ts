import { dashboard, deploymentPods, q, valkeyPods, type DashboardSpec, type PanelSpec } from '../grafana.js';

export interface PoolerBudget {
  /** CNPG Pooler name: its Deployment's pods are <name>-<hash>-<hash>. */
  name: string;
  /** Client connections the pooler accepts: instances x max_client_conn. */
  clientBudget: number;
  /** Server connections it may open to PostgreSQL: instances x (default_pool_size + reserve_pool_size). */
  serverBudget: number;
}

export interface DataPathScope {
  uid: string;
  release: string;
  namespace: string;
  /** The CNPG Cluster (instances are pods <cluster>-<n>); undefined without bundled PostgreSQL. */
  cluster?: string;
  poolers: PoolerBudget[];
  maxConnections: number;
  /** The Valkey Deployments (primary, replicas); undefined without bundled Valkey. */
  valkeyDeployments?: string[];
  /** Sentinel mode: the data-node StatefulSet, whose pods take turns as the primary. */
  valkeyStatefulSet?: string;
}

/** Data path: PgBouncer against its budget, PostgreSQL against max_connections, Valkey memory, hits and replication. */
export function dataPathDashboard(s: DataPathScope): Record<string, unknown> {
  const ns = `namespace=${q(s.namespace)}`;
  const rows: DashboardSpec['rows'] = [];
  if (s.poolers.length) {
    const panels: PanelSpec[] = [];
    for (const p of s.poolers) {
      const sel = `${ns},pod=~${deploymentPods([p.name])}`;
      panels.push(
        {
          title: `${p.name}: client connections (budget ${p.clientBudget})`,
          description: 'Active and waiting clients against what the pooler accepts (instances x max_client_conn); at the budget, new clients get "no more connections allowed".',
          threshold: p.clientBudget,
          queries: [{ expr: `sum(cnpg_pgbouncer_pools_cl_active{${sel}}) + sum(cnpg_pgbouncer_pools_cl_waiting{${sel}})`, legend: 'clients' }],
        },
        {
          title: `${p.name}: server connections (budget ${p.serverBudget})`,
          description: 'Connections the pooler holds to PostgreSQL against instances x (default_pool_size + reserve_pool_size).',
          threshold: p.serverBudget,
          queries: [
            { expr: `sum(cnpg_pgbouncer_pools_sv_active{${sel}}) + sum(cnpg_pgbouncer_pools_sv_idle{${sel}}) + sum(cnpg_pgbouncer_pools_sv_used{${sel}})`, legend: 'server connections' },
            { expr: `sum(cnpg_pgbouncer_pools_cl_waiting{${sel}})`, legend: 'clients waiting for a server connection' },
          ],
        },
      );
    }
    rows.push({ title: 'PgBouncer', panels });
  }
  if (s.cluster) {
    const sel = `${ns},pod=~${q(`${s.cluster}-[0-9]+`)}`;
    rows.push({
      title: 'PostgreSQL',
      panels: [
        { title: `Connections per instance (max_connections ${s.maxConnections})`, threshold: s.maxConnections, queries: [{ expr: `sum by (pod) (cnpg_backends_total{${sel}})`, legend: '{{pod}}' }] },
        {
          title: 'Connections used, share of max_connections',
          unit: 'percentunit',
          queries: [{ expr: `sum by (pod) (cnpg_backends_total{${sel}}) / on (pod) max by (pod) (cnpg_pg_settings_setting{${sel},name="max_connections"})`, legend: '{{pod}}' }],
        },
        { title: 'Replication lag', unit: 's', queries: [{ expr: `max by (pod) (cnpg_pg_replication_lag{${sel}})`, legend: '{{pod}}' }] },
        { title: 'Streaming replicas of the primary', queries: [{ expr: `max(cnpg_pg_replication_streaming_replicas{${sel}})`, legend: 'replicas' }] },
      ],
    });
  }
  const valkey = valkeyPods(s);
  if (valkey) {
    const sel = `${ns},pod=~${valkey}`;
    rows.push({
      title: 'Valkey',
      panels: [
        {
          title: 'Memory used and maxmemory',
          unit: 'bytes',
          queries: [
            { expr: `max by (pod) (redis_memory_used_bytes{${sel}})`, legend: '{{pod}} used' },
            { expr: `max by (pod) (redis_memory_max_bytes{${sel}})`, legend: '{{pod}} maxmemory' },
          ],
        },
        {
          title: 'Cache hit rate',
          unit: 'percentunit',
          queries: [{ expr: `sum(rate(redis_keyspace_hits_total{${sel}}[5m])) / (sum(rate(redis_keyspace_hits_total{${sel}}[5m])) + sum(rate(redis_keyspace_misses_total{${sel}}[5m])))`, legend: 'hit rate' }],
        },
        {
          title: 'Replication: replicas connected to the primary, replica links up',
          queries: [
            { expr: `max(redis_connected_slaves{${sel}})`, legend: 'connected replicas' },
            { expr: `sum(redis_master_link_up{${sel}})`, legend: 'replica links up' },
          ],
        },
        { title: 'Evicted keys per second', unit: 'short', queries: [{ expr: `sum(rate(redis_evicted_keys_total{${sel}}[5m]))`, legend: 'evictions' }] },
      ],
    });
  }
  return dashboard({
    uid: s.uid,
    title: `LLM platform ${s.namespace}/${s.release}: data path`,
    description: 'PgBouncer and PostgreSQL connections against the budgets inferctl computed, Valkey memory, hit rate and replication. Rendered by inferctl.',
    rows,
  });
}
