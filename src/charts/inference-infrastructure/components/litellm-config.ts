import type { K8sObject } from '../../../core/object.js';
import { isPlainObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import type { RenderedObject } from '../../../render/types.js';
import { toYaml } from '../../../render/yaml-output.js';
import type { InfraConfig } from '../config.js';
import { LAUNCH_PY } from '../scripts.js';
import { LITELLM_SOURCE, litellmLabels } from './litellm-common.js';
import { litellmScraped, withPrometheusCallback } from './litellm-metrics.js';

export const litellmConfigGroup = defineGroup<InfraConfig>({ name: 'litellm-config', description: 'LiteLLM ServiceAccount and configuration' });

function merge(base: Record<string, unknown>, extra: unknown): Record<string, unknown> {
  return isPlainObject(extra) ? { ...base, ...extra } : base;
}

/** LiteLLM's config.yaml: secrets only as os.environ/ references, so the ConfigMap holds none. */
export function litellmConfigYaml(config: InfraConfig): string {
  const lp = config.values['litellm-proxy'];
  const cache = config.cache;
  const general: Record<string, unknown> = {
    master_key: 'os.environ/LITELLM_MASTER_KEY',
    database_connection_pool_limit: lp.database.connectionPoolLimit,
    database_connection_timeout: lp.database.connectionTimeout,
    proxy_batch_write_at: 60,
    disable_error_logs: true,
  };
  const litellmSettings: Record<string, unknown> = { json_logs: true, num_retries: 2, request_timeout: 600 };
  const router: Record<string, unknown> = { routing_strategy: 'simple-shuffle', enable_pre_call_checks: true };
  if (cache) {
    const password = cache.passwordSecret ? { password: 'os.environ/REDIS_PASSWORD' } : {};
    // LiteLLM >= the fix of BerriAI/litellm#20734 (v1.104 has it) authenticates to the Sentinels with
    // sentinel_password and to the primary they name with password.
    const sentinelAuth = cache.sentinel?.passwordSecret ? { sentinel_password: 'os.environ/REDIS_SENTINEL_PASSWORD' } : {};
    const sentinelParams = cache.sentinel
      ? { service_name: cache.sentinel.masterName, sentinel_nodes: [[cache.sentinel.host, cache.sentinel.port]], ...password, ...sentinelAuth }
      : undefined;
    const params: Record<string, unknown> = sentinelParams
      ? { type: 'redis', ...sentinelParams }
      : { type: 'redis', host: cache.host, port: cache.port, ...password };
    Object.assign(params, { namespace: 'litellm.caching', ttl: lp.cache.ttl, mode: lp.cache.mode });
    litellmSettings.cache = true;
    litellmSettings.cache_params = params;
    if (!sentinelParams) {
      // Shared rpm/tpm counters across pods.
      Object.assign(router, { redis_host: cache.host, redis_port: cache.port });
      if (cache.passwordSecret) router.redis_password = 'os.environ/REDIS_PASSWORD';
    } else {
      // router_settings takes only a Redis host; coordination Redis (LiteLLM >= v1.93) takes Sentinels,
      // and the router uses it for its rpm/tpm counters when router_settings has no Redis.
      general.coordination_redis = sentinelParams;
    }
  }
  const doc = {
    model_list: Array.isArray(lp.litellm.modelList) ? lp.litellm.modelList : [],
    general_settings: merge(general, lp.litellm.generalSettings),
    litellm_settings: litellmScraped(config) ? withPrometheusCallback(merge(litellmSettings, lp.litellm.litellmSettings)) : merge(litellmSettings, lp.litellm.litellmSettings),
    router_settings: merge(router, lp.litellm.routerSettings),
  };
  return `# LiteLLM proxy config for release ${config.release}; rendered by inferctl\n${toYaml(doc)}`;
}

/** LiteLLM's ServiceAccount, its config.yaml and the launcher that builds database URLs at start. */
function renderLitellmConfig(config: InfraConfig): RenderedObject[] {
  const { values, names, namespace } = config;
  if (!values['litellm-proxy'].enabled) return [];
  const labels = litellmLabels(config, 'proxy');
  const serviceAccount: K8sObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: names.litellm, namespace, labels },
    automountServiceAccountToken: false,
  };
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.litellmConfig, namespace, labels },
    data: { 'config.yaml': litellmConfigYaml(config) },
  };
  const scripts: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.litellmScripts, namespace, labels },
    data: { 'launch.py': LAUNCH_PY },
  };
  return [serviceAccount, configMap, scripts].map((object) => ({ object, group: litellmConfigGroup, source: LITELLM_SOURCE }));
}

export const litellmConfig: Component<InfraConfig> = { groups: [litellmConfigGroup], render: renderLitellmConfig };
