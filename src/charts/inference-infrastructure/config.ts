import { UserError } from '../../core/errors.js';
import type { ChartInfo, ReleaseLookup } from '../../render/types.js';
import { operatorsView, type OperatorsView } from '../contracts/operators.js';
import { expandRelease, RELEASE_PLACEHOLDER } from '../../render/release.js';
import type { KeyPath } from '../../schema/validate.js';
import { resolveMonitoring, type InfraMonitoring } from './monitoring-config.js';
import type { InfrastructureValues } from './values.js';
import { checkCapacity } from './capacity.js';
import { checkCredentials } from './credentials.js';

/**
 * Values resolved for one release: every derived name computed once, every cross-component rule
 * checked. Components read this, never raw values, so naming lives in one place.
 */
export interface InfraConfig {
  release: string;
  namespace: string;
  chart: ChartInfo;
  values: InfrastructureValues;
  names: InfraNames;
  database: DatabaseWiring;
  cache: CacheWiring | undefined;
  secrets: SecretWiring;
  /** Secrets generated in the cluster, once, by the generator Job. */
  generated: GeneratedSecret[];
  /** The operators release (or the upstream defaults): where the CNPG operator runs, Envoy Gateway's controller name. */
  operators: OperatorsView;
  monitoring: InfraMonitoring;
  sourceOf(path: KeyPath): string | undefined;
  isUserSet(path: KeyPath): boolean;
}

export interface InfraNames {
  cluster: string;
  clusterRw: string;
  appSecret: string;
  /** Pooler objects, in values order; the first is the default one. */
  poolers: { pooler: string; service: string; cnpgService: string; index: number }[];
  valkeyService: string;
  valkeyPrimary: string;
  valkeyReplica: string;
  valkeyAuthSecret: string;
  valkeyConfig: string;
  /** Sentinel mode: data nodes (StatefulSet) and their headless Service (pod DNS names). */
  valkeyNodes: string;
  valkeyNodesHeadless: string;
  /** Sentinel mode: the Sentinels (StatefulSet, client Service) and their headless Service. */
  valkeySentinel: string;
  valkeySentinelHeadless: string;
  litellm: string;
  /** ClusterIP Service of LiteLLM's unauthenticated metrics port (never routed by the Gateway). */
  litellmMetrics: string;
  litellmConfig: string;
  litellmScripts: string;
  migrationJob: string;
  gatewayClass: string;
  gateway: string;
  envoyProxy: string;
  secretGenerator: string;
}

export interface DatabaseWiring {
  host: string;
  directHost: string;
  port: number;
  name: string;
  user: string;
  passwordSecret: { name: string; key: string };
  pgbouncer: boolean;
  bundled: boolean;
}

export interface CacheWiring {
  host: string;
  port: number;
  passwordSecret?: { name: string; key: string };
  sentinel?: { host: string; port: number; masterName: string; passwordSecret?: { name: string; key: string } };
  bundled: boolean;
}

export interface SecretWiring {
  masterKey: { name: string; key: string };
  saltKey: { name: string; key: string };
  valkey: { name: string; key: string };
}

export interface GeneratedSecret {
  name: string;
  key: string;
  /** 'sk-' for the LiteLLM master key, which must start with it. */
  prefix: string;
  bytes: number;
  purpose: string;
}

function fail(path: string, sourceOf: (p: KeyPath) => string | undefined, message: string): never {
  const src = sourceOf(path.split('.'));
  throw new UserError(`key ${path}${src ? ` (from ${src})` : ''}: ${message}`);
}

export function resolveConfig(
  release: string,
  namespace: string,
  values: InfrastructureValues,
  chart: ChartInfo,
  sourceOf: (path: KeyPath) => string | undefined,
  isUserSet: (path: KeyPath) => boolean = () => false,
  releases?: ReleaseLookup,
): InfraConfig {
  const x = (v: string) => expandRelease(v, release, namespace);
  const pg = values.postgresql;
  const vk = values.valkey;
  const lp = values['litellm-proxy'];
  const eg = values['networking-layer'].envoyGateway;

  const cluster = `${release}-postgresql`;
  const poolerNames = new Set<string>();
  const poolers = pg.poolers.map((p, index) => {
    if (poolerNames.has(p.name)) fail(`postgresql.poolers[${index}].name`, sourceOf, `pooler name ${JSON.stringify(p.name)} is used twice; give every pooler its own name.`);
    poolerNames.add(p.name);
    // The default pooler's CNPG name is "<release>-postgresql-pooler" so its pods carry
    // cnpg.io/poolerName=<release>-postgresql-pooler (the selector the README's troubleshooting uses);
    // a Service of our own gives it the documented name <release>-postgresql-pooler-<name>.
    const pooler = index === 0 ? `${cluster}-pooler` : `${cluster}-pooler-${p.name}`;
    return { pooler, cnpgService: pooler, service: `${cluster}-pooler-${p.name}`, index };
  });

  const names: InfraNames = {
    cluster,
    clusterRw: `${cluster}-rw`,
    appSecret: `${cluster}-app`,
    poolers,
    valkeyService: `${release}-valkey`,
    valkeyPrimary: `${release}-valkey-primary`,
    valkeyReplica: `${release}-valkey-replica`,
    valkeyAuthSecret: vk.auth.existingSecret || `${release}-valkey-auth`,
    valkeyConfig: `${release}-valkey-config`,
    valkeyNodes: `${release}-valkey-node`,
    valkeyNodesHeadless: `${release}-valkey-node-headless`,
    valkeySentinel: `${release}-valkey-sentinel`,
    valkeySentinelHeadless: `${release}-valkey-sentinel-headless`,
    litellm: `${release}-litellm-proxy`,
    litellmMetrics: `${release}-litellm-proxy-metrics`,
    litellmConfig: `${release}-litellm-proxy-config`,
    litellmScripts: `${release}-litellm-proxy-scripts`,
    migrationJob: `${release}-litellm-proxy-migration`,
    gatewayClass: x(eg.gatewayClassName),
    gateway: x(eg.gatewayName),
    envoyProxy: `${release}-envoy-proxy`,
    secretGenerator: `${release}-generate-secrets`,
  };

  const database = resolveDatabase(values, names, x, sourceOf);
  const cache = resolveCache(values, names, x, sourceOf, isUserSet);

  const secrets: SecretWiring = {
    masterKey: { name: lp.masterKey.existingSecret || `${names.litellm}-master-key`, key: lp.masterKey.existingSecretKey },
    saltKey: { name: lp.saltKey.existingSecret || `${names.litellm}-salt-key`, key: lp.saltKey.existingSecretKey },
    valkey: { name: names.valkeyAuthSecret, key: vk.auth.existingSecretKey },
  };
  const generated: GeneratedSecret[] = [];
  if (lp.enabled && !lp.masterKey.existingSecret) {
    generated.push({ ...secrets.masterKey, prefix: 'sk-', bytes: 32, purpose: 'LiteLLM master (admin) key' });
  }
  if (lp.enabled && !lp.saltKey.existingSecret) {
    generated.push({ ...secrets.saltKey, prefix: '', bytes: 32, purpose: 'LiteLLM salt key (encrypts stored credentials; never rotated)' });
  }
  if (vk.enabled && !vk.auth.existingSecret) {
    generated.push({ ...secrets.valkey, prefix: '', bytes: 32, purpose: 'Valkey password of the default user' });
  }

  const operators = operatorsView(releases);
  const monitoring = resolveMonitoring(values, sourceOf);
  const config: InfraConfig = { release, namespace, chart, values, names, database, cache, secrets, generated, operators, monitoring, sourceOf, isUserSet };
  checkSynchronous(config);
  checkCapacity(config);
  checkPreparedStatements(config);
  checkNetworking(config);
  checkCredentials(config);
  checkSentinel(config);
  return config;
}

function isDerived(value: string): boolean {
  return value === '' || value.includes(RELEASE_PLACEHOLDER);
}

function resolveDatabase(
  values: InfrastructureValues,
  names: InfraNames,
  x: (v: string) => string,
  sourceOf: (p: KeyPath) => string | undefined,
): DatabaseWiring {
  const db = values['litellm-proxy'].database;
  const bundled = values.postgresql.enabled;
  if (values['litellm-proxy'].enabled && !bundled && isDerived(db.host)) {
    fail('litellm-proxy.database.host', sourceOf, `postgresql.enabled is false, so LiteLLM needs your database: set litellm-proxy.database.host (and passwordSecretName) to your external PostgreSQL, as in the README's values-external-db.yaml.`);
  }
  if (values['litellm-proxy'].enabled && !bundled && isDerived(db.passwordSecretName)) {
    fail('litellm-proxy.database.passwordSecretName', sourceOf, `postgresql.enabled is false, so there is no CNPG app Secret: set litellm-proxy.database.passwordSecretName to the Secret holding your database password.`);
  }
  const derivedHost = isDerived(db.host) && bundled;
  const host = derivedHost ? names.poolers[0]?.service ?? names.clusterRw : x(db.host);
  // Without a pooler LiteLLM talks to the primary directly and Prisma may keep prepared statements.
  const pgbouncer = derivedHost && !names.poolers.length ? false : db.pgbouncer;
  const viaBundledPooler = bundled && names.poolers.some((p) => p.service === host);
  const directHost = db.directHost ? x(db.directHost) : bundled && (viaBundledPooler || host === names.clusterRw) ? names.clusterRw : host;
  return {
    host,
    directHost,
    port: db.port,
    name: db.name,
    user: db.user,
    passwordSecret: { name: x(db.passwordSecretName), key: db.passwordSecretKey },
    pgbouncer,
    bundled,
  };
}

/** The bundled Valkey runs as data nodes watched by Sentinels (valkey.sentinel.enabled). */
export function bundledSentinel(values: InfrastructureValues): boolean {
  return values.valkey.enabled && values.valkey.sentinel.enabled;
}

function resolveCache(
  values: InfrastructureValues,
  names: InfraNames,
  x: (v: string) => string,
  sourceOf: (p: KeyPath) => string | undefined,
  isUserSet: (p: KeyPath) => boolean,
): CacheWiring | undefined {
  const c = values['litellm-proxy'].cache;
  if (!c.enabled || !values['litellm-proxy'].enabled) return undefined;
  const bundled = values.valkey.enabled;
  const vs = values.valkey.sentinel;
  const userSet = (key: string) => isUserSet(['litellm-proxy', 'cache', 'sentinel', key]);
  // Bundled Sentinel mode derives the LiteLLM side from the release; explicit values win, as everywhere.
  const derived = bundledSentinel(values);
  const sentinelOn = userSet('enabled') ? c.sentinel.enabled : c.sentinel.enabled || derived;
  if (derived && !sentinelOn && isDerived(c.host)) {
    fail('litellm-proxy.cache.sentinel.enabled', sourceOf, `valkey.sentinel.enabled is true, so the bundled Valkey has no fixed primary Service (${names.valkeyService} is not rendered) and LiteLLM must ask the Sentinels: remove litellm-proxy.cache.sentinel.enabled=false, or point litellm-proxy.cache.host at another Valkey/Redis.`);
  }
  let sentinel: CacheWiring['sentinel'];
  if (sentinelOn) {
    const useDerived = (key: string) => derived && !userSet(key);
    sentinel = {
      host: useDerived('host') ? names.valkeySentinel : x(c.sentinel.host),
      port: useDerived('port') ? vs.port : c.sentinel.port,
      masterName: useDerived('masterName') && !userSet('serviceName') ? vs.masterName : c.sentinel.masterName || c.sentinel.serviceName || 'mymaster',
    };
    if (useDerived('passwordSecretName')) {
      // The bundled Sentinels require the Valkey password (requirepass), as the data nodes do.
      sentinel.passwordSecret = { name: names.valkeyAuthSecret, key: values.valkey.auth.existingSecretKey };
    } else if (c.sentinel.passwordSecretName) {
      sentinel.passwordSecret = { name: x(c.sentinel.passwordSecretName), key: c.sentinel.passwordSecretKey };
    } else if (derived && sentinel.host === names.valkeySentinel) {
      fail('litellm-proxy.cache.sentinel.passwordSecretName', sourceOf, `the bundled Sentinels (${names.valkeySentinel}) require the Valkey password, so LiteLLM cannot ask them without one: remove litellm-proxy.cache.sentinel.passwordSecretName="" (it defaults to the Valkey auth Secret in Sentinel mode).`);
    }
  }
  if (sentinel && !sentinel.host) {
    fail('litellm-proxy.cache.sentinel.host', sourceOf, 'Sentinel is enabled but no Sentinel host is set: set litellm-proxy.cache.sentinel.host (e.g. my-sentinel.cache.svc.cluster.local).');
  }
  if (!bundled && !sentinel && isDerived(c.host)) {
    fail('litellm-proxy.cache.host', sourceOf, 'valkey.enabled is false, so LiteLLM needs your Valkey/Redis: set litellm-proxy.cache.host (or enable sentinel), or set litellm-proxy.cache.enabled=false.');
  }
  let passwordSecret: { name: string; key: string } | undefined;
  if (c.passwordSecretName) {
    // The default follows the bundled Valkey's Secret, including a user-supplied existingSecret.
    const derivedSecret = isDerived(c.passwordSecretName) && bundled;
    passwordSecret = derivedSecret
      ? { name: names.valkeyAuthSecret, key: values.valkey.auth.existingSecret ? values.valkey.auth.existingSecretKey : c.passwordSecretKey }
      : { name: x(c.passwordSecretName), key: c.passwordSecretKey };
    if (!bundled && isDerived(c.passwordSecretName)) {
      fail('litellm-proxy.cache.passwordSecretName', sourceOf, 'valkey.enabled is false, so there is no generated Valkey Secret: set litellm-proxy.cache.passwordSecretName to your Secret, or "" for a server without a password.');
    }
  }
  return { host: x(c.host), port: c.port, passwordSecret, sentinel, bundled };
}

/** Sentinel mode needs a replica to promote and a quorum the Sentinels can reach. */
function checkSentinel(config: InfraConfig): void {
  const { values } = config;
  if (!bundledSentinel(values)) return;
  const vs = values.valkey.sentinel;
  if (values.valkey.replica.replicaCount < 1) {
    fail('valkey.replica.replicaCount', config.sourceOf, 'valkey.sentinel.enabled is true, but with no replica there is nothing to promote when the primary fails: set valkey.replica.replicaCount to 1 or more (2 keeps a replica while one is promoted), or valkey.sentinel.enabled=false.');
  }
  if (vs.quorum > vs.replicaCount) {
    fail('valkey.sentinel.quorum', config.sourceOf, `a quorum of ${vs.quorum} can never be reached by ${vs.replicaCount} Sentinels (valkey.sentinel.replicaCount): set valkey.sentinel.quorum to at most ${vs.replicaCount} (a majority, ${Math.floor(vs.replicaCount / 2) + 1}, is usual).`);
  }
}

function checkSynchronous(config: InfraConfig): void {
  const { cluster } = config.values.postgresql;
  const sync = cluster.synchronous;
  const explicit = config.isUserSet(['postgresql', 'cluster', 'synchronous', 'number']);
  if (config.values.postgresql.enabled && sync.enabled && explicit && sync.number >= cluster.instances) {
    fail('postgresql.cluster.synchronous.number', config.sourceOf, `${sync.number} synchronous standbys need at least ${sync.number + 1} instances, but postgresql.cluster.instances is ${cluster.instances}. Lower the number, raise instances, or set synchronous.enabled=false.`);
  }
}

/** Renders only when the cluster has standbys to wait for (CNPG rejects number >= instances). */
export function synchronousApplies(config: InfraConfig): boolean {
  const { cluster } = config.values.postgresql;
  return cluster.synchronous.enabled && cluster.instances > cluster.synchronous.number;
}

function intParam(params: Record<string, string | number>, key: string, fallback: number): number {
  const raw = params[key];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? n : fallback;
}

/**
 * Prisma behind transaction pooling works one of two ways; mixing them is a known failure
 * ("prepared statement ... does not exist" / "already exists"). PgBouncer 1.25 (CNPG's image)
 * defaults max_prepared_statements to 200.
 */
function checkPreparedStatements(config: InfraConfig): void {
  const { values, names, database } = config;
  if (!values.postgresql.enabled || !values['litellm-proxy'].enabled) return;
  const i = names.poolers.findIndex((p) => p.service === database.host);
  if (i < 0 || values.postgresql.poolers[i].poolMode !== 'transaction') return;
  const prepared = intParam(values.postgresql.poolers[i].parameters, 'max_prepared_statements', 200);
  if (database.pgbouncer && prepared > 0) {
    fail('litellm-proxy.database.pgbouncer', config.sourceOf, `pgbouncer=true disables Prisma's prepared statements, but pooler ${names.poolers[i].service} tracks them (max_prepared_statements ${prepared}); together they fail with "prepared statement ... does not exist". Set litellm-proxy.database.pgbouncer=false, or postgresql.poolers[${i}].parameters.max_prepared_statements="0".`);
  }
  if (!database.pgbouncer && prepared === 0) {
    fail(`postgresql.poolers[${i}].parameters.max_prepared_statements`, config.sourceOf, `with max_prepared_statements 0 a transaction pooler cannot carry Prisma's prepared statements ("prepared statement s0 already exists"). Set litellm-proxy.database.pgbouncer=true, or max_prepared_statements above 0.`);
  }
}

function checkNetworking(config: InfraConfig): void {
  const eg = config.values['networking-layer'].envoyGateway;
  if (config.values['networking-layer'].enabled && eg.enabled && eg.tls.enabled && !eg.tls.secretName) {
    fail('networking-layer.envoyGateway.tls.secretName', config.sourceOf, 'TLS is enabled but no certificate Secret is named: set networking-layer.envoyGateway.tls.secretName to a kubernetes.io/tls Secret in the release namespace.');
  }
}
