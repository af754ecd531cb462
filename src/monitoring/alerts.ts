/**
 * Alert rules as Prometheus Operator PrometheusRule groups. Each rule carries a `runbook` annotation
 * with the inferctl or kubectl command that starts the investigation, so the page is actionable
 * without a wiki. Names and budgets are those of one release, written in when the chart renders.
 */
import { anyOf, deploymentPods, q, valkeyPods } from './grafana.js';
import type { PoolerBudget } from './dashboards/data-path.js';

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'warning' | 'critical' };
  annotations: { summary: string; description: string; runbook: string };
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

/** Alert at this share of a connection budget, so there is time to act before clients are refused. */
export const BUDGET_ALERT_RATIO = 0.85;

export interface InfrastructureAlertScope {
  release: string;
  namespace: string;
  /** The Service LiteLLM is scraped through (the `service` label of its series). */
  litellmService?: string;
  /** LiteLLM's Deployment, for the runbook. */
  litellmDeployment?: string;
  migrationJob?: string;
  cluster?: string;
  poolers: PoolerBudget[];
  maxConnections: number;
  /** The Valkey Deployments (primary, replicas). */
  valkeyDeployments?: string[];
  /** Sentinel mode: the data-node StatefulSet, whose pods take turns as the primary. */
  valkeyStatefulSet?: string;
  /** Replicas the Valkey primary should see connected. */
  valkeyReplicas: number;
}

function rule(alert: string, severity: AlertRule['labels']['severity'], expr: string, forDuration: string, summary: string, description: string, runbook: string): AlertRule {
  return { alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description, runbook } };
}

export function infrastructureAlerts(s: InfrastructureAlertScope): RuleGroup[] {
  const ns = `namespace=${q(s.namespace)}`;
  const status = `inferctl status ${s.release} -n ${s.namespace}`;
  const rules: AlertRule[] = [];
  if (s.litellmService) {
    const sel = `${ns},service=${q(s.litellmService)}`;
    rules.push(
      rule(
        'LiteLLMHighServerErrorRatio', 'critical',
        `sum(rate(litellm_proxy_total_requests_metric_total{${sel},status_code=~"5.."}[5m])) / sum(rate(litellm_proxy_total_requests_metric_total{${sel}}[5m])) > 0.05`,
        '10m',
        `More than 5% of requests through LiteLLM ${s.namespace}/${s.litellmDeployment ?? s.litellmService} fail with 5xx`,
        'LiteLLM answers server errors: a model backend is down or overloaded, or LiteLLM cannot reach its database or cache.',
        `kubectl logs -n ${s.namespace} deploy/${s.litellmDeployment ?? s.litellmService} --since=15m | grep -i error; ${status}`,
      ),
    );
  }
  if (s.migrationJob) {
    rules.push(
      rule(
        'LiteLLMMigrationJobFailed', 'critical',
        `max(kube_job_failed{${ns},job_name=${q(s.migrationJob)},condition="true"}) > 0`,
        '1m',
        `LiteLLM database migration Job ${s.namespace}/${s.migrationJob} failed`,
        'The proxy does not roll out until its Prisma migrations completed (requires kube-state-metrics).',
        `kubectl logs -n ${s.namespace} job/${s.migrationJob} --all-containers; inferctl upgrade ${s.release} inference-infrastructure -n ${s.namespace} (re-runs it)`,
      ),
    );
  }
  for (const p of s.poolers) {
    const sel = `${ns},pod=~${deploymentPods([p.name])}`;
    rules.push(
      rule(
        'PgBouncerClientConnectionsNearBudget', 'warning',
        `(sum(cnpg_pgbouncer_pools_cl_active{${sel}}) + sum(cnpg_pgbouncer_pools_cl_waiting{${sel}})) > ${Math.floor(p.clientBudget * BUDGET_ALERT_RATIO)}`,
        '5m',
        `Pooler ${p.name} holds more than ${BUDGET_ALERT_RATIO * 100}% of its ${p.clientBudget} client connections`,
        'At the budget PgBouncer refuses new clients ("no more connections allowed"); a LiteLLM rollout adds a pod of connections.',
        `${status}; raise postgresql.poolers[].parameters.max_client_conn or instances (inferctl upgrade checks the arithmetic)`,
      ),
      rule(
        'PgBouncerServerConnectionsNearBudget', 'warning',
        `(sum(cnpg_pgbouncer_pools_sv_active{${sel}}) + sum(cnpg_pgbouncer_pools_sv_idle{${sel}}) + sum(cnpg_pgbouncer_pools_sv_used{${sel}})) > ${Math.floor(p.serverBudget * BUDGET_ALERT_RATIO)}`,
        '5m',
        `Pooler ${p.name} uses more than ${BUDGET_ALERT_RATIO * 100}% of its ${p.serverBudget} server connections`,
        'Clients start waiting for a server connection: queries queue in PgBouncer.',
        `kubectl exec -n ${s.namespace} deploy/${p.name} -- psql -p 5432 -U pgbouncer pgbouncer -c "SHOW POOLS"`,
      ),
    );
  }
  if (s.cluster) {
    const sel = `${ns},pod=~${q(`${s.cluster}-[0-9]+`)}`;
    rules.push(
      rule(
        'PostgreSQLConnectionsNearMax', 'warning',
        `max by (pod) (sum by (pod) (cnpg_backends_total{${sel}}) / on (pod) max by (pod) (cnpg_pg_settings_setting{${sel},name="max_connections"})) > ${BUDGET_ALERT_RATIO}`,
        '5m',
        `PostgreSQL ${s.namespace}/${s.cluster} uses more than ${BUDGET_ALERT_RATIO * 100}% of max_connections (${s.maxConnections})`,
        'New connections will be refused ("too many clients already"); the poolers, the operator and migrations share the budget.',
        `kubectl cnpg status ${s.cluster} -n ${s.namespace} || kubectl describe cluster ${s.cluster} -n ${s.namespace}`,
      ),
    );
  }
  const valkey = valkeyPods(s);
  if (valkey && s.valkeyReplicas > 0) {
    const sel = `${ns},pod=~${valkey}`;
    rules.push(
      rule(
        'ValkeyReplicationLinkDown', 'warning',
        `min(redis_master_link_up{${sel}}) < 1 or max(redis_connected_slaves{${sel}}) < ${s.valkeyReplicas}`,
        '5m',
        `A Valkey replica of ${s.namespace}/${s.release} lost its link to the primary`,
        'Replicas that cannot sync serve stale data and cannot take over.',
        `kubectl logs -n ${s.namespace} -l app.kubernetes.io/name=valkey,app.kubernetes.io/instance=${s.release} --tail=50; ${status}`,
      ),
    );
  }
  return rules.length ? [{ name: `inferctl.${s.namespace}.${s.release}.infrastructure`, rules }] : [];
}

export interface ModelAlertScope {
  servedModelName: string;
  runtime: string;
  isvc: string;
  /** Knative mode: the predictor Deployments are <isvc>-predictor-<revision>-deployment, not <isvc>-predictor. */
  knative: boolean;
  /** Knative models with minReplicas 0: no replica is normal for them. */
  scalesToZero: boolean;
}

export interface StackAlertScope {
  release: string;
  namespace: string;
  models: ModelAlertScope[];
  /** Waiting requests per replica that mean the model needs more capacity. */
  waitingThreshold: number;
}

export function stackAlerts(s: StackAlertScope): RuleGroup[] {
  const ns = `namespace=${q(s.namespace)}`;
  const rules: AlertRule[] = [];
  const always = s.models.filter((m) => !m.scalesToZero);
  if (always.length) {
    // An anchored regex: Standard mode's Deployment, or any revision's Deployment in Knative mode
    // (older revisions are scaled to 0 replicas, which the spec > 0 condition leaves out).
    const deployments = q(always.map((m) => `${m.isvc.replace(/[.]/g, '\\.')}-predictor${m.knative ? '-[0-9]+-deployment' : ''}`).join('|'));
    rules.push(
      rule(
        'ModelHasNoReadyReplica', 'critical',
        `max by (deployment) (kube_deployment_spec_replicas{${ns},deployment=~${deployments}}) > 0 and max by (deployment) (kube_deployment_status_replicas_available{${ns},deployment=~${deployments}}) == 0`,
        '10m',
        'Model predictor {{ $labels.deployment }} has no available replica',
        'Requests for this model fail or wait (requires kube-state-metrics).',
        `inferctl status ${s.release} -n ${s.namespace}; kubectl describe deployment -n ${s.namespace} {{ $labels.deployment }}`,
      ),
    );
  }
  const byRuntime = (runtime: string) => s.models.filter((m) => m.runtime === runtime).map((m) => m.servedModelName);
  const vllm = byRuntime('vllm');
  const sglang = byRuntime('sglang');
  const waiting = [
    ...(vllm.length ? [`max by (model_name, pod) (vllm:num_requests_waiting{${ns},model_name=~${anyOf(vllm)}})`] : []),
    ...(sglang.length ? [`max by (model_name, pod) (sglang:num_queue_reqs{${ns},model_name=~${anyOf(sglang)}})`] : []),
  ];
  const kv = [
    ...(vllm.length ? [`max by (model_name, pod) (vllm:kv_cache_usage_perc{${ns},model_name=~${anyOf(vllm)}})`] : []),
    ...(sglang.length ? [`max by (model_name, pod) (sglang:token_usage{${ns},model_name=~${anyOf(sglang)}})`] : []),
  ];
  if (waiting.length) {
    rules.push(
      rule(
        'ModelRequestsWaiting', 'warning',
        `(${waiting.join(' or ')}) > ${s.waitingThreshold}`,
        '5m',
        'Model {{ $labels.model_name }} has more than ' + s.waitingThreshold + ' requests waiting on {{ $labels.pod }}',
        'Requests queue in the model server: add replicas (maxReplicas, autoscaling) or GPUs.',
        `kubectl get pods -n ${s.namespace} -l serving.kserve.io/inferenceservice -o wide; inferctl status ${s.release} -n ${s.namespace}`,
      ),
      rule(
        'ModelKVCacheNearlyFull', 'warning',
        `(${kv.join(' or ')}) > 0.9`,
        '5m',
        'KV cache of model {{ $labels.model_name }} on {{ $labels.pod }} is above 90%',
        'Requests get preempted and time to first token grows.',
        `kubectl logs -n ${s.namespace} {{ $labels.pod }} --tail=100`,
      ),
    );
  }
  return rules.length ? [{ name: `inferctl.${s.namespace}.${s.release}.models`, rules }] : [];
}
