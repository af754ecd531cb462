import { s, type Infer } from '../../schema/dsl.js';
import { images } from '../images.js';
import { DURATION_PATTERN } from '../../monitoring/objects.js';
import { DURATION_HINT, monitoringValues } from '../../monitoring/values.js';

/**
 * The single source of truth for the inference-infrastructure values: keys, types, defaults and
 * descriptions. `show values`, `show schema`, charts/inference-infrastructure/values.yaml and the
 * typed config all come from here.
 *
 * Defaults that name other objects contain `{{ .Release.Name }}`: they follow the release name,
 * so `template platform ...` wires LiteLLM to platform-postgresql-pooler-rw without any --set.
 */
const RELEASE = '{{ .Release.Name }}';

const resources = (description: string, def: Record<string, unknown>) => s.any({ shape: 'object', description, default: def });
const k8sName = { pattern: '^(\\{\\{ \\.Release\\.Name \\}\\}|[a-z0-9])([-a-z0-9.]*[a-z0-9])?$|^[a-z0-9]$', patternHint: 'use lowercase letters, digits, "-" and "." (RFC 1123), optionally starting with {{ .Release.Name }}' };

const pooler = s.object({
  name: s.string({ description: 'Suffix of the Pooler name: <release>-postgresql-pooler-<name>. Also its Service name.', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', patternHint: 'use lowercase letters, digits and "-"' }),
  type: s.string({ description: 'Which instances PgBouncer connects to: rw (primary), ro (replicas), r (any).', enum: ['rw', 'ro', 'r'], default: 'rw' }),
  instances: s.int({ description: 'Number of PgBouncer pods.', minimum: 1, default: 2 }),
  poolMode: s.string({ description: 'PgBouncer pool mode. LiteLLM (Prisma) needs transaction mode with pgbouncer=true.', enum: ['transaction', 'session'], default: 'transaction' }),
  parameters: s.map(s.scalar(), { description: 'pgbouncer.ini parameters (CNPG-allowed keys; values are strings). max_prepared_statements > 0 lets Prisma keep prepared statements through transaction pooling.', default: { default_pool_size: '50', max_client_conn: '1000', max_prepared_statements: '200' } }),
  resources: resources('PgBouncer container resources.', { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } }),
});

const credential = s.object({
  env: s.string({ description: 'Environment variable the proxy gets; write os.environ/<env> where LiteLLM takes the credential.', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', patternHint: 'use letters, digits and "_", not starting with a digit' }),
  secretName: s.string({ description: 'Secret in the release namespace holding the value (yours: lint and install report it missing).', pattern: k8sName.pattern, patternHint: k8sName.patternHint }),
  secretKey: s.string({ description: 'Key of the value in that Secret.' }),
});

export const infrastructureValues = s.object({
  global: s.object({
    imagePullSecrets: s.array(s.string(), { description: 'Secrets used to pull every image of the release.', default: [] }),
  }),

  postgresql: s.object({
    enabled: s.bool({ description: 'Deploy a CloudNativePG PostgreSQL cluster with PgBouncer poolers.', default: true }),
    cluster: s.object({
      instances: s.int({ description: 'Number of PostgreSQL instances (1 primary, the rest replicas).', minimum: 1, default: 3 }),
      imageName: s.string({ description: 'PostgreSQL operand image.', default: images.postgresql }),
      storage: s.object({
        size: s.string({ description: 'Storage per instance.', default: '50Gi', pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$', patternHint: 'use a Kubernetes quantity such as 50Gi' }),
        storageClass: s.string({ description: 'StorageClass of the PVCs; empty uses the cluster default.', default: '' }),
      }),
      resources: resources('PostgreSQL container resources.', { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } }),
      affinity: s.object({
        enablePodAntiAffinity: s.bool({ default: true, description: 'Spread instances apart.' }),
        podAntiAffinityType: s.string({ enum: ['preferred', 'required'], default: 'preferred', description: 'preferred keeps scheduling possible on small clusters.' }),
        topologyKey: s.string({ default: 'kubernetes.io/hostname', description: 'Spread instances across this topology key.' }),
        nodeSelector: s.map(s.string(), { default: {}, description: 'Node labels the instances must run on.' }),
        tolerations: s.any({ shape: 'array', default: [], description: 'Tolerations for the instances.' }),
      }),
      synchronous: s.object({
        enabled: s.bool({ description: 'Quorum synchronous replication. Rendered only when instances > number (never on a single instance).', default: true }),
        method: s.string({ enum: ['any', 'first'], default: 'any', description: 'Synchronous replication method.' }),
        number: s.int({ minimum: 1, default: 1, description: 'Number of synchronous standbys.' }),
        dataDurability: s.string({ enum: ['required', 'preferred'], default: 'preferred', description: 'preferred keeps the primary writable when no standby is available.' }),
      }),
      parameters: s.map(s.scalar(), { description: 'postgresql.conf parameters (values become strings).', default: { max_connections: '200', shared_buffers: '256MB' } }),
      database: s.string({ description: 'Application database created at bootstrap.', default: 'app' }),
      owner: s.string({ description: 'Owner role of the application database; CNPG stores its password in <release>-postgresql-app.', default: 'app' }),
      enableSuperuserAccess: s.bool({ description: 'Create <release>-postgresql-superuser.', default: false }),
      enablePodMonitor: s.bool({ description: 'Create a PodMonitor (needs the Prometheus Operator CRDs).', default: false }),
    }),
    poolers: s.array(pooler, {
      description: 'PgBouncer poolers. The first rw pooler is what LiteLLM uses.',
      default: [{ name: 'rw', type: 'rw', instances: 2, poolMode: 'transaction', parameters: { default_pool_size: '50', max_client_conn: '1000', max_prepared_statements: '200' } }],
    }),
  }),

  valkey: s.object({
    enabled: s.bool({ description: 'Deploy Valkey (primary + replicas) as the LiteLLM cache.', default: true }),
    image: s.object({
      repository: s.string({ default: images.valkey.repository, description: 'Valkey image repository.' }),
      tag: s.string({ default: images.valkey.tag, description: 'Valkey image tag.' }),
      pullPolicy: s.string({ enum: ['IfNotPresent', 'Always', 'Never'], default: 'IfNotPresent', description: 'Image pull policy.' }),
    }),
    auth: s.object({
      existingSecret: s.string({ description: 'Secret holding the password; empty generates <release>-valkey-auth once, in the cluster.', default: '' }),
      existingSecretKey: s.string({ description: 'Key of the password in the Secret.', default: 'default-password' }),
    }),
    primary: s.object({
      resources: resources('Primary container resources.', { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }),
    }),
    replica: s.object({
      replicaCount: s.int({ description: 'Number of read replicas replicating from the primary (0 for a single node).', minimum: 0, default: 2 }),
      resources: resources('Replica container resources.', { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } }),
    }),
    cache: s.object({
      maxmemoryPercent: s.int({ description: 'maxmemory as a percentage of the memory limit, leaving room for replication buffers.', minimum: 10, maximum: 95, default: 75 }),
      maxmemoryPolicy: s.string({ description: 'Eviction policy: a response cache evicts least-recently-used keys.', default: 'allkeys-lru', enum: ['allkeys-lru', 'allkeys-lfu', 'volatile-lru', 'volatile-lfu', 'allkeys-random', 'volatile-random', 'volatile-ttl', 'noeviction'] }),
      persistence: s.bool({ description: 'RDB/AOF persistence. Off: a cache is rebuilt on demand.', default: false }),
    }),
    service: s.object({ port: s.int({ default: 6379, minimum: 1, maximum: 65535, description: 'Service port.' }) }),
    sentinel: s.object({
      enabled: s.bool({ description: 'Sentinel mode: 1 + replica.replicaCount data nodes (StatefulSet <release>-valkey-node, each on primary.resources) watched by Sentinels (StatefulSet and Service <release>-valkey-sentinel) that promote a replica when the primary fails; LiteLLM finds the primary through them. Off: one primary Deployment behind Service <release>-valkey.', default: false }),
      replicaCount: s.int({ description: 'Sentinels; a failover needs a majority of them.', minimum: 3, default: 3 }),
      quorum: s.int({ description: 'Sentinels that must agree the primary is down before a failover starts.', minimum: 1, default: 2 }),
      masterName: s.string({ description: 'Name the Sentinels monitor the primary under (LiteLLM service_name).', default: 'mymaster', pattern: '^[A-Za-z0-9._-]+$', patternHint: 'use letters, digits, ".", "_" and "-"' }),
      port: s.int({ description: 'Sentinel port (and port of Service <release>-valkey-sentinel).', minimum: 1, maximum: 65535, default: 26379 }),
      downAfterMilliseconds: s.int({ description: 'A primary silent this long is considered down.', minimum: 100, default: 5000 }),
      failoverTimeoutMilliseconds: s.int({ description: 'Sentinel failover-timeout; a restarted primary waits down-after + this for a replica to be promoted before it starts empty as primary.', minimum: 1000, default: 30000 }),
      resources: resources('Sentinel container resources.', { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } }),
      networkPolicy: s.object({
        enabled: s.bool({ description: 'NetworkPolicy <release>-valkey-sentinel: the Sentinel port only from this release\'s LiteLLM and Valkey pods.', default: true }),
      }),
    }),
  }),

  'networking-layer': s.object({
    enabled: s.bool({ description: 'Deploy the networking layer.', default: true }),
    envoyGateway: s.object({
      enabled: s.bool({ description: 'Deploy Envoy Gateway objects (EnvoyProxy, GatewayClass, Gateway).', default: true }),
      gatewayClassName: s.string({ description: 'GatewayClass name (cluster-scoped, so per release by default).', default: `${RELEASE}-llm-gateway`, ...k8sName }),
      gatewayName: s.string({ description: 'Gateway name.', default: `${RELEASE}-gateway`, ...k8sName }),
      serviceType: s.string({ description: 'Type of the Service Envoy Gateway creates for the Gateway.', enum: ['LoadBalancer', 'ClusterIP', 'NodePort'], default: 'LoadBalancer' }),
      serviceAnnotations: s.map(s.string(), { description: 'Annotations on that Service (cloud load balancer settings).', default: {} }),
      hostname: s.string({ description: 'Listener hostname; empty accepts any host.', default: '' }),
      tls: s.object({
        enabled: s.bool({ description: 'Add an HTTPS listener on 443.', default: false }),
        secretName: s.string({ description: 'TLS Secret for the HTTPS listener (required when TLS is enabled).', default: '' }),
      }),
      modelGateway: s.object({
        enabled: s.bool({
          description: 'A second, internal Gateway <release>-model-gateway (ClusterIP Service envoy-<namespace>-<release>-model-gateway in Envoy Gateway\'s namespace, never a load balancer) for the stack\'s routes to InferencePools: LiteLLM reaches cache-aware routed models through it. Needs Envoy AI Gateway in the operators layer to route to pools.',
          default: true,
        }),
      }),
    }),
    kourier: s.object({
      enabled: s.bool({ description: 'Deploy Knative Serving with Kourier (a KnativeServing for the Knative Operator).', default: true }),
      version: s.string({ description: 'Knative Serving version the operator installs.', default: '1.23' }),
      serviceType: s.string({ description: 'Type of the kourier Service.', enum: ['ClusterIP', 'LoadBalancer', 'NodePort'], default: 'ClusterIP' }),
      domain: s.string({ description: 'Domain for Knative Service URLs.', default: 'svc.cluster.local' }),
      scaleToZeroGracePeriod: s.string({ description: 'How long the last pod of an idle model lingers.', default: '30s' }),
      scaleDownDelay: s.string({ description: 'Delay before scaling down (model loads are expensive).', default: '300s' }),
    }),
  }),

  'litellm-proxy': s.object({
    enabled: s.bool({ description: 'Deploy the LiteLLM proxy.', default: true }),
    image: s.object({
      repository: s.string({ default: images.litellm.repository, description: 'LiteLLM image (official, with the Prisma toolchain).' }),
      tag: s.string({ default: images.litellm.tag, description: 'Pinned LiteLLM tag.' }),
      pullPolicy: s.string({ enum: ['IfNotPresent', 'Always', 'Never'], default: 'IfNotPresent', description: 'Image pull policy.' }),
    }),
    replicaCount: s.int({ description: 'Proxy replicas (ignored when autoscaling is enabled).', minimum: 0, default: 2 }),
    numWorkers: s.int({ description: 'Uvicorn workers per pod; each opens its own database pool.', minimum: 1, default: 1 }),
    autoscaling: s.object({
      enabled: s.bool({ default: false, description: 'Create a HorizontalPodAutoscaler.' }),
      minReplicas: s.int({ default: 2, minimum: 1, description: 'HPA minimum.' }),
      maxReplicas: s.int({ default: 10, minimum: 1, description: 'HPA maximum (counts in the database capacity check).' }),
      targetCPUUtilizationPercentage: s.int({ default: 80, minimum: 1, maximum: 100, description: 'HPA CPU target.' }),
    }),
    podDisruptionBudget: s.object({
      enabled: s.bool({ default: true, description: 'Create a PodDisruptionBudget.' }),
      maxUnavailable: s.int({ default: 1, minimum: 0, description: 'Pods that may be down during voluntary disruptions.' }),
    }),
    masterKey: s.object({
      existingSecret: s.string({ description: 'Secret with the admin key (must start with sk-); empty generates <release>-litellm-proxy-master-key once, in the cluster.', default: '' }),
      existingSecretKey: s.string({ description: 'Key in that Secret.', default: 'master-key' }),
    }),
    saltKey: s.object({
      existingSecret: s.string({ description: 'Secret with the salt key that encrypts stored credentials (never change it); empty generates <release>-litellm-proxy-salt-key once.', default: '' }),
      existingSecretKey: s.string({ description: 'Key in that Secret.', default: 'salt-key' }),
    }),
    database: s.object({
      host: s.string({ description: 'PostgreSQL host LiteLLM connects to (the PgBouncer pooler).', default: `${RELEASE}-postgresql-pooler-rw`, note: 'infra-postgresql-pooler-rw for release "infra"' }),
      port: s.int({ description: 'PostgreSQL port.', minimum: 1, maximum: 65535, default: 5432 }),
      name: s.string({ description: 'Database name.', default: 'app' }),
      user: s.string({ description: 'Database user.', default: 'app' }),
      passwordSecretName: s.string({ description: 'Secret holding the password.', default: `${RELEASE}-postgresql-app`, note: 'created by CNPG' }),
      passwordSecretKey: s.string({ description: 'Key of the password in that Secret.', default: 'password' }),
      directHost: s.string({ description: 'Host for migrations, bypassing transaction pooling; empty: the bundled <release>-postgresql-rw, or host when PostgreSQL is external.', default: '' }),
      pgbouncer: s.bool({ description: 'Add pgbouncer=true (Prisma without prepared statements): only for a transaction pooler with max_prepared_statements 0 or PgBouncer older than 1.21.', default: false }),
      connectionPoolLimit: s.int({ description: 'Prisma connection_limit per worker.', minimum: 1, default: 10 }),
      connectionTimeout: s.int({ description: 'Prisma pool_timeout in seconds.', minimum: 1, default: 60 }),
      sslmode: s.string({ description: 'libpq sslmode for the connection; empty leaves the client default.', default: '', enum: ['', 'disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] }),
    }),
    cache: s.object({
      enabled: s.bool({ description: 'Use Valkey/Redis for the response cache and router state.', default: true }),
      host: s.string({ description: 'Valkey/Redis host.', default: `${RELEASE}-valkey`, note: 'infra-valkey for release "infra"' }),
      port: s.int({ description: 'Valkey/Redis port.', minimum: 1, maximum: 65535, default: 6379 }),
      passwordSecretName: s.string({ description: 'Secret holding the password; empty for no auth.', default: `${RELEASE}-valkey-auth` }),
      passwordSecretKey: s.string({ description: 'Key of the password in that Secret.', default: 'default-password' }),
      ttl: s.int({ description: 'Cache entry lifetime in seconds.', minimum: 1, default: 600 }),
      mode: s.string({ description: 'default_off caches only requests that ask for it; default_on caches everything.', enum: ['default_off', 'default_on'], default: 'default_off' }),
      sentinel: s.object({
        enabled: s.bool({ description: 'Discover the primary through Redis/Valkey Sentinel. With valkey.sentinel.enabled it is on and the keys below follow the bundled Sentinels unless set.', default: false }),
        host: s.string({ description: 'Sentinel host (with valkey.sentinel.enabled: <release>-valkey-sentinel).', default: '' }),
        port: s.int({ description: 'Sentinel port (with valkey.sentinel.enabled: valkey.sentinel.port).', minimum: 1, maximum: 65535, default: 26379 }),
        masterName: s.string({ description: 'Name of the monitored primary (with valkey.sentinel.enabled: valkey.sentinel.masterName).', default: 'mymaster' }),
        serviceName: s.string({ description: 'Alias of masterName (original chart key); masterName wins when both are set.', default: '' }),
        passwordSecretName: s.string({ description: 'Secret with the password the Sentinels require (LiteLLM sentinel_password); empty for Sentinels without a password. With valkey.sentinel.enabled: the Valkey auth Secret.', default: '' }),
        passwordSecretKey: s.string({ description: 'Key of the Sentinel password in that Secret.', default: 'default-password' }),
      }),
    }),
    litellm: s.object({
      modelList: s.any({ shape: 'array', default: [], description: 'LiteLLM model_list entries (model_name, litellm_params, model_info).' }),
      generalSettings: s.any({ shape: 'object', default: {}, description: 'Merged into general_settings.' }),
      litellmSettings: s.any({ shape: 'object', default: {}, description: 'Merged into litellm_settings.' }),
      routerSettings: s.any({ shape: 'object', default: {}, description: 'Merged into router_settings.' }),
    }),
    service: s.object({
      type: s.string({ enum: ['ClusterIP', 'LoadBalancer', 'NodePort'], default: 'ClusterIP', description: 'Service type.' }),
      port: s.int({ default: 4000, minimum: 1, maximum: 65535, description: 'Service port.' }),
    }),
    httpRoute: s.object({
      enabled: s.bool({ description: 'Route the Gateway to LiteLLM.', default: true }),
      hostnames: s.array(s.string(), { default: [], description: 'Hostnames the route answers; empty: any.' }),
      pathPrefix: s.string({ default: '/', description: 'Path prefix routed to LiteLLM.' }),
      requestTimeout: s.string({ default: '600s', description: 'Whole-request timeout (long streaming completions).', pattern: '^([0-9]{1,5}(h|m|s|ms)){1,4}$', patternHint: 'use a Gateway API duration such as 600s or 10m' }),
    }),
    migrationJob: s.object({
      enabled: s.bool({ default: true, description: 'Run Prisma migrations in Job <release>-litellm-proxy-migration before the proxy rolls out.' }),
      backoffLimit: s.int({ default: 4, minimum: 0, description: 'Retries of the migration Job.' }),
      activeDeadlineSeconds: s.int({ default: 900, minimum: 60, description: 'Give up on the migration after this long.' }),
      resources: resources('Migration container resources.', { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } }),
    }),
    resources: resources('Proxy container resources (LiteLLM needs about 1 GiB per worker at start).', { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '4Gi' } }),
    logLevel: s.string({ enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR'], default: 'INFO', description: 'LITELLM_LOG.' }),
    storePrompts: s.bool({ default: false, description: 'Keep prompts and responses in spend logs.' }),
    extraEnv: s.any({ shape: 'array', default: [], description: 'Extra container env entries (Kubernetes EnvVar objects).' }),
    extraEnvFrom: s.any({ shape: 'array', default: [], description: 'Extra envFrom sources.' }),
    credentials: s.array(credential, { default: [], description: 'Credentials from Secrets, as proxy environment variables: litellm.modelList and the settings refer to them as os.environ/<env> (a literal credential there is refused: it would sit in a ConfigMap).' }),
    nodeSelector: s.map(s.string(), { default: {}, description: 'Node selector for proxy pods.' }),
    tolerations: s.any({ shape: 'array', default: [], description: 'Tolerations for proxy pods.' }),
    affinity: s.any({ shape: 'object', default: {}, description: 'Affinity for proxy pods.' }),
    podAnnotations: s.map(s.string(), { default: {}, description: 'Extra pod annotations.' }),
    serviceMonitor: s.object({
      enabled: s.bool({ description: 'Scrape LiteLLM: its Prometheus callback, the metrics port 4001 with Service <release>-litellm-proxy-metrics, and ServiceMonitor <release>-litellm-proxy (original chart key). Implied by monitoring.enabled.', default: false }),
      interval: s.string({ description: "LiteLLM's scrape interval; wins over monitoring.interval for LiteLLM.", default: '15s', pattern: DURATION_PATTERN, patternHint: DURATION_HINT }),
      scrapeTimeout: s.string({ description: "LiteLLM's scrape timeout (at most the interval).", default: '10s', pattern: DURATION_PATTERN, patternHint: DURATION_HINT }),
    }),
    dashboards: s.object({
      enabled: s.bool({ description: 'Render the LiteLLM (platform overview) Grafana dashboard ConfigMap <release>-litellm-proxy-dashboard-litellm (original chart key). Implied by monitoring.enabled.', default: false }),
      folderAnnotation: s.string({ description: 'Grafana folder of this chart\'s dashboards: the value of their grafana_folder annotation.', default: 'LLM Platform' }),
    }),
  }),

  monitoring: monitoringValues("Scrape PostgreSQL and its PgBouncer poolers, Valkey (a redis_exporter sidecar), LiteLLM and the Gateway's Envoy proxies, and render the overview and data-path Grafana dashboards and the alert rules.", {
    valkeyExporter: s.object({
      image: s.object({
        repository: s.string({ default: images.redisExporter.repository, description: 'redis_exporter image, run as a sidecar of every Valkey pod.' }),
        tag: s.string({ default: images.redisExporter.tag, description: 'Pinned redis_exporter tag.' }),
        pullPolicy: s.string({ enum: ['IfNotPresent', 'Always', 'Never'], default: 'IfNotPresent', description: 'Image pull policy.' }),
      }),
      resources: resources('redis_exporter container resources.', { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } }),
    }),
  }),
});

export type InfrastructureValues = Infer<typeof infrastructureValues>;
