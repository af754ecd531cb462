import type { K8sObject } from '../../../core/object.js';
import { isPlainObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { contentHash } from '../../../render/hash.js';
import { commonLabels, selectorLabels } from '../../../render/labels.js';
import { restrictedContainerSecurityContext } from '../../../render/security.js';
import type { RenderedObject } from '../../../render/types.js';
import { toYaml } from '../../../render/yaml-output.js';
import type { InfraConfig } from '../config.js';
import { LAUNCH_PY } from '../scripts.js';
import { gatewayGroup } from './envoy-gateway.js';
import { poolerGroup } from './postgresql.js';
import { secretsGroup } from './secrets.js';
import { valkeyGroup } from './valkey.js';

/** The image's non-root user (Wolfi "nonroot"); LiteLLM needs no privileges. */
export const LITELLM_UID = 65532;
const CONFIG_DIR = '/etc/litellm';
const SCRIPTS_DIR = '/etc/litellm-scripts';

export const litellmConfigGroup = defineGroup<InfraConfig>({ name: 'litellm-config', description: 'LiteLLM ServiceAccount and configuration' });
export const litellmMigrationGroup = defineGroup<InfraConfig>({
  name: 'litellm-migration',
  description: 'Prisma migrations against the primary, once the database and its Secret exist',
  after: (config) => [litellmConfigGroup, ...(config.database.bundled ? [poolerGroup] : [])],
});
export const litellmGroup = defineGroup<InfraConfig>({
  name: 'litellm',
  description: 'LiteLLM proxy, after migrations completed',
  after: (config) => {
    const needs = [secretsGroup, litellmConfigGroup];
    if (config.values.valkey.enabled && config.cache?.bundled) needs.push(valkeyGroup);
    if (config.values['litellm-proxy'].migrationJob.enabled) needs.push(litellmMigrationGroup);
    else if (config.database.bundled) needs.push(poolerGroup);
    return needs;
  },
});
export const routesGroup = defineGroup<InfraConfig>({ name: 'routes', description: 'Gateway routes to LiteLLM', after: [litellmGroup, gatewayGroup] });

function merge(base: Record<string, unknown>, extra: unknown): Record<string, unknown> {
  return isPlainObject(extra) ? { ...base, ...extra } : base;
}

/** LiteLLM's config.yaml: secrets only as os.environ/ references, so the ConfigMap holds none. */
export function litellmConfigYaml(config: InfraConfig): string {
  const lp = config.values['litellm-proxy'];
  const cache = config.cache;
  const general = merge(
    {
      master_key: 'os.environ/LITELLM_MASTER_KEY',
      database_connection_pool_limit: lp.database.connectionPoolLimit,
      database_connection_timeout: lp.database.connectionTimeout,
      proxy_batch_write_at: 60,
      disable_error_logs: true,
    },
    lp.litellm.generalSettings,
  );
  const litellmSettings: Record<string, unknown> = { json_logs: true, num_retries: 2, request_timeout: 600 };
  const router: Record<string, unknown> = { routing_strategy: 'simple-shuffle', enable_pre_call_checks: true };
  if (cache) {
    const password = cache.passwordSecret ? { password: 'os.environ/REDIS_PASSWORD' } : {};
    const params: Record<string, unknown> = cache.sentinel
      ? { type: 'redis', service_name: cache.sentinel.masterName, sentinel_nodes: [[cache.sentinel.host, cache.sentinel.port]], ...password }
      : { type: 'redis', host: cache.host, port: cache.port, ...password };
    Object.assign(params, { namespace: 'litellm.caching', ttl: lp.cache.ttl, mode: lp.cache.mode });
    litellmSettings.cache = true;
    litellmSettings.cache_params = params;
    if (!cache.sentinel) {
      // Shared rpm/tpm counters across pods; a Sentinel address is not a Redis server, so only for direct hosts.
      Object.assign(router, { redis_host: cache.host, redis_port: cache.port });
      if (cache.passwordSecret) router.redis_password = 'os.environ/REDIS_PASSWORD';
    }
  }
  const doc = {
    model_list: Array.isArray(lp.litellm.modelList) ? lp.litellm.modelList : [],
    general_settings: general,
    litellm_settings: merge(litellmSettings, lp.litellm.litellmSettings),
    router_settings: merge(router, lp.litellm.routerSettings),
  };
  return `# LiteLLM proxy config for release ${config.release}; rendered by inferctl\n${toYaml(doc)}`;
}

function databaseEnv(config: InfraConfig): Record<string, unknown>[] {
  const db = config.database;
  const env: Record<string, unknown>[] = [
    { name: 'PGHOST', value: db.host },
    { name: 'PGPORT', value: String(db.port) },
    { name: 'PGDIRECTHOST', value: db.directHost },
    { name: 'PGDATABASE', value: db.name },
    { name: 'PGUSER', value: db.user },
    { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: db.passwordSecret.name, key: db.passwordSecret.key } } },
    { name: 'PGBOUNCER', value: String(db.pgbouncer) },
  ];
  const sslmode = config.values['litellm-proxy'].database.sslmode;
  if (sslmode) env.push({ name: 'PGSSLMODE', value: sslmode });
  return env;
}

function commonEnv(): Record<string, unknown>[] {
  return [
    { name: 'HOME', value: '/tmp' },
    { name: 'LITELLM_MODE', value: 'PRODUCTION' },
    { name: 'LITELLM_MIGRATION_DIR', value: '/tmp/litellm-migrations' },
    // The cost map ships in the image; no download at start (works air-gapped).
    { name: 'LITELLM_LOCAL_MODEL_COST_MAP', value: 'True' },
  ];
}

function renderLitellm(config: InfraConfig): RenderedObject[] {
  const { values, names, release, namespace, chart, secrets, cache } = config;
  const lp = values['litellm-proxy'];
  if (!lp.enabled) return [];
  const source = 'inference-infrastructure/litellm-proxy';
  const image = `${lp.image.repository}:${lp.image.tag}`;
  const labels = (component: string) => commonLabels('litellm-proxy', release, chart, component, lp.image.tag);
  const configYaml = litellmConfigYaml(config);
  const pullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));

  const serviceAccount: K8sObject = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: names.litellm, namespace, labels: labels('proxy') },
    automountServiceAccountToken: false,
  };
  const configMap: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.litellmConfig, namespace, labels: labels('proxy') },
    data: { 'config.yaml': configYaml },
  };
  const scripts: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: names.litellmScripts, namespace, labels: labels('proxy') },
    data: { 'launch.py': LAUNCH_PY },
  };

  const volumes = [
    { name: 'config', configMap: { name: names.litellmConfig } },
    { name: 'scripts', configMap: { name: names.litellmScripts } },
    { name: 'tmp', emptyDir: {} },
  ];
  const volumeMounts = [
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
    { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  // Prisma writes its engine and client caches inside the image's own tree, so the root filesystem
  // stays writable; everything else the "restricted" Pod Security Standard asks for is set.
  const containerSecurity = restrictedContainerSecurityContext(false);
  const podSecurity = { runAsNonRoot: true, runAsUser: LITELLM_UID, seccompProfile: { type: 'RuntimeDefault' } };

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
  if (!lp.storePrompts) proxyEnv.push({ name: 'LITELLM_DONT_STORE_PROMPTS', value: 'True' });
  if (lp.migrationJob.enabled) proxyEnv.push({ name: 'DISABLE_SCHEMA_UPDATE', value: 'true' });
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
    command: ['python3', `${SCRIPTS_DIR}/launch.py`, '--', 'litellm', '--config', `${CONFIG_DIR}/config.yaml`, '--host', '0.0.0.0', '--port', '4000', '--num_workers', String(lp.numWorkers)],
    env: proxyEnv,
    ports: [{ name: 'http', containerPort: 4000, protocol: 'TCP' }],
    // /health/readiness checks the database; /health is an authenticated model call and never a probe.
    startupProbe: probe('/health/readiness', 10, 30),
    readinessProbe: probe('/health/readiness', 10, 3),
    livenessProbe: probe('/health/liveliness', 15, 5),
    resources: lp.resources,
    securityContext: containerSecurity,
    volumeMounts,
  };
  if (Array.isArray(lp.extraEnvFrom) && lp.extraEnvFrom.length) proxyContainer.envFrom = lp.extraEnvFrom;

  const podSpec: Record<string, unknown> = {
    serviceAccountName: names.litellm,
    automountServiceAccountToken: false,
    securityContext: podSecurity,
    terminationGracePeriodSeconds: 90,
    containers: [proxyContainer],
    volumes,
  };
  if (pullSecrets.length) podSpec.imagePullSecrets = pullSecrets;
  if (Object.keys(lp.nodeSelector).length) podSpec.nodeSelector = lp.nodeSelector;
  if (Array.isArray(lp.tolerations) && lp.tolerations.length) podSpec.tolerations = lp.tolerations;
  if (isPlainObject(lp.affinity) && Object.keys(lp.affinity).length) podSpec.affinity = lp.affinity;

  const deploymentSpec: Record<string, unknown> = {
    selector: { matchLabels: selectorLabels('litellm-proxy', release, 'proxy') },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
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
    { object: serviceAccount, group: litellmConfigGroup, source },
    { object: configMap, group: litellmConfigGroup, source },
    { object: scripts, group: litellmConfigGroup, source },
    { object: service, group: litellmGroup, source },
    { object: deployment, group: litellmGroup, source },
  ];

  if (lp.podDisruptionBudget.enabled) {
    out.push({
      object: {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: names.litellm, namespace, labels: labels('proxy') },
        spec: { maxUnavailable: lp.podDisruptionBudget.maxUnavailable, selector: { matchLabels: selectorLabels('litellm-proxy', release, 'proxy') } },
      },
      group: litellmGroup,
      source,
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
      source,
    });
  }

  if (lp.migrationJob.enabled) {
    const migrationEnv = [...commonEnv(), ...databaseEnv(config), { name: 'DISABLE_SCHEMA_UPDATE', value: 'false' }];
    const jobPod: Record<string, unknown> = {
      serviceAccountName: names.litellm,
      automountServiceAccountToken: false,
      restartPolicy: 'Never',
      securityContext: podSecurity,
      containers: [
        {
          name: 'migration',
          image,
          imagePullPolicy: lp.image.pullPolicy,
          workingDir: '/app',
          // Waits for the primary (not the pooler), then runs LiteLLM's Prisma migrations against it.
          command: ['python3', `${SCRIPTS_DIR}/launch.py`, '--migrate', '--wait', '600', '--', 'python3', 'litellm/proxy/prisma_migration.py'],
          env: migrationEnv,
          resources: lp.migrationJob.resources,
          securityContext: containerSecurity,
          volumeMounts: volumeMounts.filter((m) => m.name !== 'config'),
        },
      ],
      volumes: volumes.filter((v) => v.name !== 'config'),
    };
    if (pullSecrets.length) jobPod.imagePullSecrets = pullSecrets;
    out.push({
      object: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: names.migrationJob, namespace, labels: labels('migration') },
        spec: {
          backoffLimit: lp.migrationJob.backoffLimit,
          activeDeadlineSeconds: lp.migrationJob.activeDeadlineSeconds,
          template: { metadata: { labels: labels('migration'), annotations: { 'inferctl.io/image': image } }, spec: jobPod },
        },
      },
      group: litellmMigrationGroup,
      source,
      replaceOnChange: true,
    });
  }

  const net = values['networking-layer'];
  if (lp.httpRoute.enabled && net.enabled && net.envoyGateway.enabled) {
    const route: Record<string, unknown> = {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: names.gateway, namespace }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: lp.httpRoute.pathPrefix } }],
          backendRefs: [{ group: '', kind: 'Service', name: names.litellm, port: lp.service.port }],
          timeouts: { request: lp.httpRoute.requestTimeout },
        },
      ],
    };
    if (lp.httpRoute.hostnames.length) route.hostnames = lp.httpRoute.hostnames;
    out.push({
      object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: names.litellm, namespace, labels: labels('proxy') }, spec: route },
      group: routesGroup,
      source,
    });
    out.push({
      object: {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        metadata: { name: names.litellm, namespace, labels: labels('proxy') },
        spec: {
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: names.litellm }],
          // Below LiteLLM's keep-alive (KEEPALIVE_TIMEOUT=75) so Envoy closes idle connections first.
          timeout: { http: { connectionIdleTimeout: '60s' } },
        },
      },
      group: routesGroup,
      source,
    });
  }
  return out;
}

export const litellmProxy: Component<InfraConfig> = { groups: [litellmConfigGroup, litellmMigrationGroup, litellmGroup, routesGroup], render: renderLitellm };
