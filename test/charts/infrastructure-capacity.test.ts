import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveChart } from '../../src/charts/index.js';
import { connectionBudgets, LITELLM_ROLLOUT } from '../../src/charts/inference-infrastructure/capacity.js';
import { resolveConfig } from '../../src/charts/inference-infrastructure/config.js';
import type { InfrastructureValues } from '../../src/charts/inference-infrastructure/values.js';
import { get, render } from '../helpers/render.js';

// The connection budgets (one function, read by the capacity check and by dashboards and alerts)
// and the edge where a LiteLLM rollout's surge pod no longer fits the pooler.

function budgetsFor(values: string[], stringValues: string[] = []) {
  const r = render({ options: { values, stringValues } });
  const chart = resolveChart('inference-infrastructure');
  const config = resolveConfig('infra', 'default', r.values as InfrastructureValues, chart.info, () => undefined);
  return connectionBudgets(config);
}

test('defaults: per-pooler client and server budgets, LiteLLM clients with the surge pod, PostgreSQL headroom', () => {
  assert.deepEqual(budgetsFor([]), {
    poolers: [
      { index: 0, name: 'infra-postgresql-pooler', service: 'infra-postgresql-pooler-rw', instances: 2, maxClientConn: 1000, clientBudget: 2000, serverPerInstance: 50, serverBudget: 100, usedByLitellm: true },
    ],
    litellm: { pods: 2, surge: 1, workers: 1, poolLimit: 10, maxClients: 30, pooler: 0 },
    postgres: { maxConnections: 200, superuserReserved: 3, headroom: 10, available: 187, poolerServerConnections: 100 },
  });
});

test('the surge counted is the Deployment strategy rendered', () => {
  const r = render();
  assert.deepEqual(get(r.find('Deployment', 'infra-litellm-proxy'), 'spec.strategy.rollingUpdate'), { maxUnavailable: LITELLM_ROLLOUT.maxUnavailable, maxSurge: LITELLM_ROLLOUT.maxSurge });
  assert.equal(budgetsFor([]).litellm!.surge, get(r.find('Deployment', 'infra-litellm-proxy'), 'spec.strategy.rollingUpdate.maxSurge'));
});

test('autoscaling: the HPA maximum plus the surge pod; no pods, no surge', () => {
  assert.equal(budgetsFor(['litellm-proxy.autoscaling.enabled=true', 'litellm-proxy.autoscaling.maxReplicas=7']).litellm!.maxClients, (7 + 1) * 10);
  assert.deepEqual(budgetsFor(['litellm-proxy.replicaCount=0']).litellm, { pods: 0, surge: 0, workers: 1, poolLimit: 10, maxClients: 0, pooler: 0 });
  assert.equal(budgetsFor(['litellm-proxy.enabled=false']).litellm, undefined);
  assert.deepEqual(budgetsFor(['postgresql.enabled=false', 'litellm-proxy.enabled=false']).poolers, []);
});

test('max_db_connections caps a pooler instance; every pooler counts against max_connections', () => {
  const b = budgetsFor([], ['postgresql.poolers[0].name=rw', 'postgresql.poolers[0].parameters.max_client_conn=500', 'postgresql.poolers[0].parameters.default_pool_size=40', 'postgresql.poolers[0].parameters.reserve_pool_size=5', 'postgresql.poolers[0].parameters.max_db_connections=30', 'postgresql.poolers[1].name=ro', 'postgresql.poolers[1].type=ro', 'postgresql.poolers[1].parameters.max_client_conn=100']);
  assert.equal(b.poolers[0].serverPerInstance, 30);
  assert.equal(b.poolers[1].serverPerInstance, 20, "PgBouncer's default_pool_size");
  assert.equal(b.poolers[1].usedByLitellm, false);
  assert.equal(b.postgres!.poolerServerConnections, b.poolers[0].instances * 30 + b.poolers[1].instances * 20);
});

// The edge of the issue: 2 pods x 1 worker x 10 connections = 20 = max_client_conn of one pooler instance.
const EDGE = ['litellm-proxy.replicaCount=2', 'postgresql.poolers[0].name=rw', 'postgresql.poolers[0].instances=1'];

test('at the edge the render refuses what a rollout would break, with every key, its source and the fix', () => {
  assert.throws(
    () => render({ options: { values: EDGE, stringValues: ['postgresql.poolers[0].parameters.max_client_conn=20'] } }),
    (err: Error) => {
      assert.equal(
        err.message,
        'LiteLLM can open more database connections than pooler infra-postgresql-pooler-rw accepts during a rolling update, and PgBouncer refuses the rest with "no more connections allowed": ' +
          "(2 pods (litellm-proxy.replicaCount, from --set litellm-proxy.replicaCount=2) + 1 surge pod (the proxy's RollingUpdate maxSurge)) x 1 workers (litellm-proxy.numWorkers) x 10 (litellm-proxy.database.connectionPoolLimit) = 30 clients, " +
          'but 1 pooler instances (postgresql.poolers[0].instances, from --set postgresql.poolers[0].instances=1) x max_client_conn 20 (postgresql.poolers[0].parameters.max_client_conn, from --set-string postgresql.poolers[0].parameters.max_client_conn=20) = 20. ' +
          'Raise postgresql.poolers[0].parameters.max_client_conn to at least 30 or postgresql.poolers[0].instances to 2, or lower litellm-proxy.replicaCount, litellm-proxy.numWorkers or litellm-proxy.database.connectionPoolLimit.',
      );
      assert.doesNotMatch(err.message, /\n/, 'one paragraph');
      return true;
    },
  );
  // The fix the message names renders.
  render({ options: { values: EDGE, stringValues: ['postgresql.poolers[0].parameters.max_client_conn=30'] } });
  render({ options: { values: [...EDGE.slice(0, 2), 'postgresql.poolers[0].instances=2'], stringValues: ['postgresql.poolers[0].parameters.max_client_conn=20'] } });
});
