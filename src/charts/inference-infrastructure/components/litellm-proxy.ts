import { UserError } from '../../../core/errors.js';
import type { K8sObject } from '../../../core/object.js';
import { isPlainObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { contentHash } from '../../../render/hash.js';
import { selectorLabels } from '../../../render/labels.js';
import type { RenderedObject } from '../../../render/types.js';
import { LITELLM_ROLLOUT } from '../capacity.js';
import type { InfraConfig } from '../config.js';
import {
  commonEnv,
  CONFIG_DIR,
  databaseEnv,
  LITELLM_SOURCE,
  litellmContainerSecurity,
  litellmImage,
  litellmLabels,
  litellmPodSecurity,
  litellmVolumeMounts,
  litellmVolumes,
  pullSecrets,
  SCRIPTS_DIR,
} from './litellm-common.js';
import { litellmConfigGroup, litellmConfigYaml } from './litellm-config.js';
import { litellmMetricsArgs, litellmMetricsContainerPort, litellmMetricsEnv, litellmMetricsService, litellmScraped } from './litellm-metrics.js';
import { litellmMigrationGroup } from './litellm-migration.js';
import { poolerGroup } from './postgresql.js';
import { secretsGroup } from './secrets.js';
import { valkeyGroup } from './valkey.js';
import { valkeySentinelGroup } from './valkey-sentinel.js';

export const litellmGroup = defineGroup<InfraConfig>({
  name: 'litellm',
  description: 'LiteLLM proxy, after migrations completed',
  after: (config) => {
    const needs = [secretsGroup, litellmConfigGroup];
    if (config.values.valkey.enabled && config.cache?.bundled) needs.push(valkeyGroup, valkeySentinelGroup);
    if (config.values['litellm-proxy'].migrationJob.enabled) needs.push(litellmMigrationGroup);
    else if (config.database.bundled) needs.push(poolerGroup);
    return needs;
  },
});

/** The LiteLLM proxy: Deployment and Service, and the PodDisruptionBudget and HPA when asked for. */
function renderProxy(config: InfraConfig): RenderedObject[] {
  const { values, names, release, namespace, secrets, cache } = config;
  const lp = values['litellm-proxy'];
  if (!lp.enabled) return [];
  const image = litellmImage(config);
  const labels = (component: string) => litellmLabels(config, component);
  const configYaml = litellmConfigYaml(config);
  const pullSecretRefs = pullSecrets(config);

  const proxyEnv: Record<string, unknown>[] = [
    ...commonEnv(),
    ...databaseEnv(config),
    { name: 'LITELLM_MASTER_KEY', valueFrom: { secretKeyRef: { name: secrets.masterKey.name, key: secrets.masterKey.key } } },
    { name: 'LITELLM_SALT_KEY', valueFrom: { secretKeyRef: { name: secrets.saltKey.name, key: secrets.saltKey.key } } },
    { name: 'LITELLM_LOG', value: lp.logLevel },
    { name: 'STORE_MODEL_IN_DB', value: 'True' },
    // Longer than the gateway's upstream idle timeout, so Envoy never reuses a connection LiteLLM closed.
    { name: 'KEEPALIVE_TIMEOUT', value: '75' },
  ];
  if (cache?.passwordSecret) {
    proxyEnv.push({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: cache.passwordSecret.name, key: cache.passwordSecret.key } } });
  }
  if (cache?.sentinel?.passwordSecret) {
    const s = cache.sentinel.passwordSecret;
    proxyEnv.push({ name: 'REDIS_SENTINEL_PASSWORD', valueFrom: { secretKeyRef: { name: s.name, key: s.key } } });
  }
  if (!lp.storePrompts) proxyEnv.push({ name: 'LITELLM_DONT_STORE_PROMPTS', value: 'True' });
  if (lp.migrationJob.enabled) proxyEnv.push({ name: 'DISABLE_SCHEMA_UPDATE', value: 'true' });
  if (litellmScraped(config)) proxyEnv.push(...litellmMetricsEnv());
  lp.credentials.forEach((c, i) => {
    // Two entries of one name: Kubernetes keeps the last, server-side apply refuses the list.
    if (proxyEnv.some((e) => e.name === c.env)) {
      const src = config.sourceOf(['litellm-proxy', 'credentials', i, 'env']);
      throw new UserError(`key litellm-proxy.credentials[${i}].env${src ? ` (from ${src})` : ''}: the proxy already has an environment variable ${c.env} (set by the chart or an earlier credentials entry); give this credential another name and refer to it as os.environ/<that name>.`);
    }
    proxyEnv.push({ name: c.env, valueFrom: { secretKeyRef: { name: c.secretName, key: c.secretKey } } });
  });
  if (Array.isArray(lp.extraEnv)) proxyEnv.push(...lp.extraEnv);

  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  });
  const proxyContainer: Record<string, unknown> = {
    name: 'litellm',
    image,
    imagePullPolicy: lp.image.pullPolicy,
    command: ['python3', `${SCRIPTS_DIR}/launch.py`, '--', 'litellm', '--config', `${CONFIG_DIR}/config.yaml`, '--host', '0.0.0.0', '--port', '4000', '--num_workers', String(lp.numWorkers), ...(litellmScraped(config) ? litellmMetricsArgs() : [])],
    env: proxyEnv,
    ports: [{ name: 'http', containerPort: 4000, protocol: 'TCP' }, ...(litellmScraped(config) ? [litellmMetricsContainerPort()] : [])],
    // /health/readiness checks the database; /health is an authenticated model call and never a probe.
    startupProbe: probe('/health/readiness', 10, 30),
    readinessProbe: probe('/health/readiness', 10, 3),
    livenessProbe: probe('/health/liveliness', 15, 5),
    resources: lp.resources,
    securityContext: litellmContainerSecurity(),
    volumeMounts: litellmVolumeMounts(),
  };
  if (Array.isArray(lp.extraEnvFrom) && lp.extraEnvFrom.length) proxyContainer.envFrom = lp.extraEnvFrom;

  const podSpec: Record<string, unknown> = {
    serviceAccountName: names.litellm,
    automountServiceAccountToken: false,
    securityContext: litellmPodSecurity(),
    terminationGracePeriodSeconds: 90,
    containers: [proxyContainer],
    volumes: litellmVolumes(config),
  };
  if (pullSecretRefs.length) podSpec.imagePullSecrets = pullSecretRefs;
  if (Object.keys(lp.nodeSelector).length) podSpec.nodeSelector = lp.nodeSelector;
  if (Array.isArray(lp.tolerations) && lp.tolerations.length) podSpec.tolerations = lp.tolerations;
  if (isPlainObject(lp.affinity) && Object.keys(lp.affinity).length) podSpec.affinity = lp.affinity;

  const deploymentSpec: Record<string, unknown> = {
    selector: { matchLabels: selectorLabels('litellm-proxy', release, 'proxy') },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: LITELLM_ROLLOUT.maxUnavailable, maxSurge: LITELLM_ROLLOUT.maxSurge } },
    template: {
      metadata: {
        labels: labels('proxy'),
        annotations: { ...lp.podAnnotations, 'inferctl.io/config-hash': contentHash(configYaml) },
      },
      spec: podSpec,
    },
  };
  if (!lp.autoscaling.enabled) deploymentSpec.replicas = lp.replicaCount;
  const deployment: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: names.litellm, namespace, labels: labels('proxy') },
    spec: deploymentSpec,
  };
  const service: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: names.litellm, namespace, labels: labels('proxy') },
    spec: {
      type: lp.service.type,
      selector: selectorLabels('litellm-proxy', release, 'proxy'),
      ports: [{ name: 'http', port: lp.service.port, targetPort: 'http', protocol: 'TCP' }],
    },
  };

  const out: RenderedObject[] = [
    { object: service, group: litellmGroup, source: LITELLM_SOURCE },
    { object: deployment, group: litellmGroup, source: LITELLM_SOURCE },
  ];
  if (litellmScraped(config)) out.push({ object: litellmMetricsService(config), group: litellmGroup, source: LITELLM_SOURCE });

  if (lp.podDisruptionBudget.enabled) {
    out.push({
      object: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: names.litellm, namespace, labels: labels('proxy') },
        spec: { maxUnavailable: lp.podDisruptionBudget.maxUnavailable, selector: { matchLabels: selectorLabels('litellm-proxy', release, 'proxy') } },
      },
      group: litellmGroup,
      source: LITELLM_SOURCE,
    });
  }
  if (lp.autoscaling.enabled) {
    out.push({
      object: {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: names.litellm, namespace, labels: labels('proxy') },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: names.litellm },
          minReplicas: lp.autoscaling.minReplicas,
          maxReplicas: lp.autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: lp.autoscaling.targetCPUUtilizationPercentage } } }],
        },
      },
      group: litellmGroup,
      source: LITELLM_SOURCE,
    });
  }
  return out;
}

export const litellmProxy: Component<InfraConfig> = { groups: [litellmGroup], render: renderProxy };
