import { UserError } from '../../core/errors.js';
import type { KeyPath } from '../../schema/validate.js';
import type { InfraConfig } from './config.js';

/**
 * Connection budgets of the data path, computed in one place: the render's capacity check refuses
 * values that break them, and dashboards and alerts draw them as thresholds.
 */

/**
 * The LiteLLM Deployment's rolling update: one extra pod starts (and opens its database pools)
 * before an old one stops, so a rollout briefly runs replicas + maxSurge pods.
 */
export const LITELLM_ROLLOUT = { maxSurge: 1, maxUnavailable: 0 } as const;

/** PgBouncer's own defaults for the parameters the budgets read. */
const PGBOUNCER_DEFAULTS = { max_client_conn: 100, default_pool_size: 20, reserve_pool_size: 0, max_db_connections: 0 };
/** The operator's instance manager, monitoring and the migration Job connect to PostgreSQL directly. */
export const DIRECT_CONNECTION_HEADROOM = 10;

export interface PoolerBudget {
  /** postgresql.poolers[index] */
  index: number;
  /** CNPG Pooler name: its pods carry cnpg.io/poolerName=<name> and are named <name>-<hash>. */
  name: string;
  /** The Service clients connect to. */
  service: string;
  instances: number;
  /** max_client_conn of one PgBouncer instance. */
  maxClientConn: number;
  /** Client connections the pooler accepts: instances x max_client_conn. */
  clientBudget: number;
  /** Server connections one instance may open: default_pool_size + reserve_pool_size, capped by max_db_connections. */
  serverPerInstance: number;
  /** Server connections the pooler may open to PostgreSQL: instances x serverPerInstance. */
  serverBudget: number;
  /** LiteLLM's database host is this pooler. */
  usedByLitellm: boolean;
}

export interface LitellmClients {
  /** Pods at steady state: replicaCount, or autoscaling.maxReplicas with the HPA. */
  pods: number;
  /** Extra pods during a rolling update (0 when there are no pods). */
  surge: number;
  workers: number;
  /** Prisma connection_limit per worker. */
  poolLimit: number;
  /** (pods + surge) x workers x poolLimit: what LiteLLM can hold open at the worst moment of a rollout. */
  maxClients: number;
  /** Index into poolers of the pooler LiteLLM connects through; undefined when it connects elsewhere. */
  pooler?: number;
}

export interface PostgresBudget {
  maxConnections: number;
  superuserReserved: number;
  /** Kept for direct connections (operator, monitoring, migrations). */
  headroom: number;
  /** maxConnections - superuserReserved - headroom: what the poolers may use together. */
  available: number;
  /** Sum of the poolers' serverBudget. */
  poolerServerConnections: number;
}

export interface ConnectionBudgets {
  /** Bundled PgBouncer poolers, in values order (empty without bundled PostgreSQL). */
  poolers: PoolerBudget[];
  /** Undefined when LiteLLM is disabled. */
  litellm?: LitellmClients;
  /** Undefined without bundled PostgreSQL. */
  postgres?: PostgresBudget;
}

function intParam(params: Record<string, string | number>, key: keyof typeof PGBOUNCER_DEFAULTS | string, fallback: number): number {
  const raw = params[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

/** Every connection budget of the release, from its resolved config. Pure: no checks, no errors. */
export function connectionBudgets(config: InfraConfig): ConnectionBudgets {
  const { values, names, database } = config;
  const lp = values['litellm-proxy'];
  const bundled = values.postgresql.enabled;
  const poolers: PoolerBudget[] = bundled
    ? values.postgresql.poolers.map((p, index) => {
        const maxClientConn = intParam(p.parameters, 'max_client_conn', PGBOUNCER_DEFAULTS.max_client_conn);
        const perDb = intParam(p.parameters, 'default_pool_size', PGBOUNCER_DEFAULTS.default_pool_size) + intParam(p.parameters, 'reserve_pool_size', PGBOUNCER_DEFAULTS.reserve_pool_size);
        const maxDb = intParam(p.parameters, 'max_db_connections', PGBOUNCER_DEFAULTS.max_db_connections);
        const serverPerInstance = maxDb > 0 ? Math.min(perDb, maxDb) : perDb;
        const n = names.poolers[index];
        return {
          index,
          name: n.pooler,
          service: n.service,
          instances: p.instances,
          maxClientConn,
          clientBudget: p.instances * maxClientConn,
          serverPerInstance,
          serverBudget: p.instances * serverPerInstance,
          usedByLitellm: lp.enabled && n.service === database.host,
        };
      })
    : [];
  let litellm: LitellmClients | undefined;
  if (lp.enabled) {
    const pods = lp.autoscaling.enabled ? lp.autoscaling.maxReplicas : lp.replicaCount;
    const surge = pods > 0 ? LITELLM_ROLLOUT.maxSurge : 0;
    const pooler = poolers.findIndex((p) => p.usedByLitellm);
    litellm = {
      pods,
      surge,
      workers: lp.numWorkers,
      poolLimit: lp.database.connectionPoolLimit,
      maxClients: (pods + surge) * lp.numWorkers * lp.database.connectionPoolLimit,
      ...(pooler >= 0 ? { pooler } : {}),
    };
  }
  let postgres: PostgresBudget | undefined;
  if (bundled) {
    const params = values.postgresql.cluster.parameters;
    const maxConnections = intParam(params, 'max_connections', 100);
    const superuserReserved = intParam(params, 'superuser_reserved_connections', 3);
    postgres = {
      maxConnections,
      superuserReserved,
      headroom: DIRECT_CONNECTION_HEADROOM,
      available: maxConnections - superuserReserved - DIRECT_CONNECTION_HEADROOM,
      poolerServerConnections: poolers.reduce((sum, p) => sum + p.serverBudget, 0),
    };
  }
  return { poolers, ...(litellm ? { litellm } : {}), ...(postgres ? { postgres } : {}) };
}

/** " (from FILE)" when the key was set by the user, so the message says where to change it. */
function fromSource(config: InfraConfig, path: string): string {
  const keys: KeyPath = path.split(/[.[\]]+/).filter(Boolean);
  // sourceOf answers for the nearest recorded ancestor too; only a key the user set has a source of its own.
  const src = config.isUserSet(keys) ? config.sourceOf(keys) : undefined;
  return src ? `, from ${src}` : '';
}

/**
 * Refuses pool sizes that cannot work: LiteLLM's clients during a rollout must fit what its pooler
 * accepts, and the poolers' server connections must fit PostgreSQL's max_connections.
 */
export function checkCapacity(config: InfraConfig): void {
  const { values } = config;
  if (!values.postgresql.enabled || !values['litellm-proxy'].enabled) return;
  const budgets = connectionBudgets(config);
  const l = budgets.litellm!;
  if (l.pooler !== undefined) {
    const p = budgets.poolers[l.pooler];
    if (l.maxClients > p.clientBudget) {
      const lp = values['litellm-proxy'];
      const podsKey = lp.autoscaling.enabled ? 'litellm-proxy.autoscaling.maxReplicas' : 'litellm-proxy.replicaCount';
      const key = `postgresql.poolers[${p.index}]`;
      const needConn = Math.ceil(l.maxClients / p.instances);
      const needInstances = Math.ceil(l.maxClients / p.maxClientConn);
      throw new UserError(
        `LiteLLM can open more database connections than pooler ${p.service} accepts during a rolling update, and PgBouncer refuses the rest with "no more connections allowed": ` +
          `(${l.pods} pods (${podsKey}${fromSource(config, podsKey)}) + ${l.surge} surge pod (the proxy's RollingUpdate maxSurge)) x ${l.workers} workers (litellm-proxy.numWorkers${fromSource(config, 'litellm-proxy.numWorkers')}) x ${l.poolLimit} (litellm-proxy.database.connectionPoolLimit${fromSource(config, 'litellm-proxy.database.connectionPoolLimit')}) = ${l.maxClients} clients, ` +
          `but ${p.instances} pooler instances (${key}.instances${fromSource(config, `${key}.instances`)}) x max_client_conn ${p.maxClientConn} (${key}.parameters.max_client_conn${fromSource(config, `${key}.parameters.max_client_conn`)}) = ${p.clientBudget}. ` +
          `Raise ${key}.parameters.max_client_conn to at least ${needConn} or ${key}.instances to ${needInstances}, or lower ${podsKey}, litellm-proxy.numWorkers or litellm-proxy.database.connectionPoolLimit.`,
      );
    }
  }
  const pg = budgets.postgres!;
  if (pg.poolerServerConnections > pg.available) {
    const parts = budgets.poolers.map((p) => `${p.instances} x ${p.serverPerInstance} (postgresql.poolers[${p.index}])`);
    throw new UserError(
      `PgBouncer poolers can open more server connections than PostgreSQL allows: ${parts.join(' + ')} = ${pg.poolerServerConnections} (instances x default_pool_size+reserve_pool_size), but max_connections ${pg.maxConnections} - ${pg.superuserReserved} superuser_reserved_connections - ${pg.headroom} kept for the operator and migrations = ${pg.available}. Raise postgresql.cluster.parameters.max_connections or lower the poolers' default_pool_size.`,
    );
  }
}
