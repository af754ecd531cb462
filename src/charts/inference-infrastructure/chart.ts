import type { ChartDefinition, GroupSpec, ProvidedRef, RenderContext, RenderResult } from '../../render/types.js';
import { resolveConfig, type InfraConfig } from './config.js';
import { renderLitellm } from './components/litellm.js';
import { KNATIVE_NAMESPACE, renderEnvoyGateway, renderKourier } from './components/networking.js';
import { renderPostgresql } from './components/postgresql.js';
import { renderSecretGenerator } from './components/secrets.js';
import { renderValkey } from './components/valkey.js';
import { infrastructureValues, type InfrastructureValues } from './values.js';

export const CNPG_OPERATOR = { namespace: 'cnpg-system', name: 'cnpg-controller-manager' };

/** The order the platform must come up in; see docs/ordering.md. */
function groups(config: InfraConfig): GroupSpec[] {
  const lp = config.values['litellm-proxy'];
  const litellmNeeds = ['secrets', 'litellm-config'];
  if (config.values.valkey.enabled && config.cache?.bundled) litellmNeeds.push('valkey');
  if (lp.migrationJob.enabled) litellmNeeds.push('litellm-migration');
  else if (config.database.bundled) litellmNeeds.push('pooler');
  return [
    { name: 'namespaces', dependsOn: [], description: 'Namespaces shared with operators (knative-serving)' },
    { name: 'secrets', dependsOn: [], description: 'Generate missing Secrets once, in the cluster' },
    {
      name: 'postgresql',
      dependsOn: [],
      description: 'CNPG Cluster: ready when the primary and replicas run and the app Secret exists',
      gates: [{ kind: 'deployment-available', ...CNPG_OPERATOR, why: 'the CNPG webhook must answer before a Cluster can be created' }],
    },
    { name: 'pooler', dependsOn: ['postgresql'], description: 'PgBouncer Poolers, once the Cluster is Ready' },
    { name: 'valkey', dependsOn: ['secrets'], description: 'Valkey primary and replicas' },
    { name: 'gateway', dependsOn: [], description: 'EnvoyProxy, GatewayClass and Gateway' },
    { name: 'knative', dependsOn: ['namespaces'], description: 'Knative Serving with Kourier' },
    { name: 'litellm-config', dependsOn: [], description: 'LiteLLM ServiceAccount and configuration' },
    {
      name: 'litellm-migration',
      dependsOn: ['litellm-config', ...(config.database.bundled ? ['pooler'] : [])],
      description: 'Prisma migrations against the primary, once the database and its Secret exist',
    },
    { name: 'litellm', dependsOn: litellmNeeds, description: 'LiteLLM proxy, after migrations completed' },
    { name: 'routes', dependsOn: ['litellm', 'gateway'], description: 'Gateway routes to LiteLLM' },
  ];
}

function provided(config: InfraConfig): ProvidedRef[] {
  const { names, namespace, values, database, cache, secrets, generated } = config;
  const refs: ProvidedRef[] = [];
  const cnpg = `CNPG operator (Cluster ${names.cluster})`;
  if (values.postgresql.enabled) {
    refs.push({ kind: 'Secret', namespace, name: names.appSecret, keys: ['username', 'user', 'password', 'dbname', 'host', 'port', 'pgpass', 'uri', 'jdbc-uri', 'fqdn-uri', 'fqdn-jdbc-uri'], by: cnpg });
    for (const suffix of ['rw', 'ro', 'r']) refs.push({ kind: 'Service', namespace, name: `${names.cluster}-${suffix}`, by: cnpg });
    for (const p of names.poolers) refs.push({ kind: 'Service', namespace, name: p.cnpgService, by: `CNPG operator (Pooler ${p.pooler})` });
  }
  for (const g of generated) refs.push({ kind: 'Secret', namespace, name: g.name, keys: [g.key], by: `secret generator Job ${names.secretGenerator}` });
  const user = (path: string) => `user (${path})`;
  if (!values.postgresql.enabled) refs.push({ kind: 'Secret', namespace, name: database.passwordSecret.name, keys: [database.passwordSecret.key], by: user('litellm-proxy.database.passwordSecretName') });
  if (values['litellm-proxy'].masterKey.existingSecret) refs.push({ kind: 'Secret', namespace, name: secrets.masterKey.name, keys: [secrets.masterKey.key], by: user('litellm-proxy.masterKey.existingSecret') });
  if (values['litellm-proxy'].saltKey.existingSecret) refs.push({ kind: 'Secret', namespace, name: secrets.saltKey.name, keys: [secrets.saltKey.key], by: user('litellm-proxy.saltKey.existingSecret') });
  if (values.valkey.enabled && values.valkey.auth.existingSecret) refs.push({ kind: 'Secret', namespace, name: secrets.valkey.name, keys: [secrets.valkey.key], by: user('valkey.auth.existingSecret') });
  if (cache?.passwordSecret && !cache.bundled) refs.push({ kind: 'Secret', namespace, name: cache.passwordSecret.name, keys: [cache.passwordSecret.key], by: user('litellm-proxy.cache.passwordSecretName') });
  const tls = values['networking-layer'].envoyGateway.tls;
  if (tls.enabled) refs.push({ kind: 'Secret', namespace, name: tls.secretName, keys: ['tls.crt', 'tls.key'], by: user('networking-layer.envoyGateway.tls.secretName') });
  for (const name of values.global.imagePullSecrets) refs.push({ kind: 'Secret', namespace, name, by: user('global.imagePullSecrets') });
  return refs;
}

function exportsOf(config: InfraConfig): Record<string, string> {
  const { names, namespace, values } = config;
  const out: Record<string, string> = { namespace };
  const net = values['networking-layer'];
  if (net.enabled && net.envoyGateway.enabled) {
    out.gateway = names.gateway;
    out.gatewayClass = names.gatewayClass;
  }
  if (values['litellm-proxy'].enabled) {
    out.litellmService = names.litellm;
    out.litellmPort = String(values['litellm-proxy'].service.port);
    out.litellmUrl = `http://${names.litellm}.${namespace}.svc.cluster.local:${values['litellm-proxy'].service.port}`;
    out.masterKeySecret = config.secrets.masterKey.name;
    out.masterKeySecretKey = config.secrets.masterKey.key;
  }
  if (net.enabled && net.kourier.enabled) out.knativeNamespace = KNATIVE_NAMESPACE;
  return out;
}

/** Data and credentials that outlive an uninstall unless --purge. */
function purgeSelectors(config: InfraConfig) {
  const { namespace, release, names } = config;
  return [
    { apiVersion: 'v1', kind: 'Secret', namespace, labelSelector: `inferctl.io/generated=true,app.kubernetes.io/instance=${release}`, what: 'generated Secrets (master key, salt key, Valkey password)' },
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, labelSelector: `cnpg.io/cluster=${names.cluster}`, what: 'PostgreSQL volumes' },
  ];
}

export const inferenceInfrastructure: ChartDefinition<InfrastructureValues> = {
  info: {
    name: 'inference-infrastructure',
    version: '0.1.0',
    appVersion: '1.0.0',
    description: 'PostgreSQL (CNPG + PgBouncer), Valkey, Envoy Gateway + Kourier and the LiteLLM proxy, wired by release name.',
  },
  values: infrastructureValues,
  render(ctx: RenderContext<InfrastructureValues>): RenderResult {
    const config = resolveConfig(ctx.release, ctx.namespace, ctx.values, ctx.chart, ctx.sourceOf, ctx.isUserSet);
    const objects = [
      ...renderSecretGenerator(config),
      ...renderPostgresql(config),
      ...renderValkey(config),
      ...renderEnvoyGateway(config),
      ...renderKourier(config),
      ...renderLitellm(config),
    ];
    const used = new Set(objects.map((o) => o.group));
    const allGroups = groups(config);
    // Keep only groups that have objects, re-pointing dependencies through dropped ones.
    const byName = new Map(allGroups.map((g) => [g.name, g]));
    const resolveDeps = (deps: string[], seen = new Set<string>()): string[] =>
      deps.flatMap((d) => {
        if (seen.has(d)) return [];
        seen.add(d);
        if (used.has(d)) return [d];
        return resolveDeps(byName.get(d)?.dependsOn ?? [], seen);
      });
    const kept = allGroups.filter((g) => used.has(g.name)).map((g) => ({ ...g, dependsOn: [...new Set(resolveDeps(g.dependsOn))] }));
    return { objects, groups: kept, provided: provided(config), exports: exportsOf(config), purge: purgeSelectors(config) };
  },
};
