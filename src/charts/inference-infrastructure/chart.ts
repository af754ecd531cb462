import { renderComponents, type Component } from '../../render/component.js';
import type { ChartDefinition, ProvidedRef, RenderContext, RenderResult } from '../../render/types.js';
import { infrastructureContract, type InfrastructureExports } from '../contracts/infrastructure.js';
import { resolveConfig, type InfraConfig } from './config.js';
import { envoyGateway } from './components/envoy-gateway.js';
import { KNATIVE_NAMESPACE, kourier } from './components/kourier.js';
import { litellmConfig } from './components/litellm-config.js';
import { litellmMigration } from './components/litellm-migration.js';
import { litellmProxy } from './components/litellm-proxy.js';
import { litellmRoute } from './components/litellm-route.js';
import { modelGateway, modelGatewayExport } from './components/model-gateway.js';
import { monitoring } from './components/monitoring.js';
import { postgresql } from './components/postgresql.js';
import { secretGenerator } from './components/secrets.js';
import { valkey } from './components/valkey.js';
import { valkeySentinel } from './components/valkey-sentinel.js';
import { namespacesGroup } from './namespaces.js';
import { infrastructureValues, type InfrastructureValues } from './values.js';
import { requiredMonitoringApis } from '../../monitoring/objects.js';

/**
 * The components, in registration order: their groups are declared in this order, which breaks
 * ordering ties (and so fixes the order of `template` output). A new component is a new file in
 * components/ and one line here.
 */
const COMPONENTS: Component<InfraConfig>[] = [secretGenerator, postgresql, valkey, valkeySentinel, envoyGateway, kourier, litellmConfig, litellmMigration, litellmProxy, litellmRoute, modelGateway, monitoring];

/** What the user supplies (existing Secrets, external services); components add what operators and Jobs create. */
function userProvided(config: InfraConfig): ProvidedRef[] {
  const { namespace, values, database, cache, secrets } = config;
  const refs: ProvidedRef[] = [];
  const user = (path: string) => `user (${path})`;
  if (!values.postgresql.enabled) refs.push({ kind: 'Secret', namespace, name: database.passwordSecret.name, keys: [database.passwordSecret.key], by: user('litellm-proxy.database.passwordSecretName') });
  if (values['litellm-proxy'].masterKey.existingSecret) refs.push({ kind: 'Secret', namespace, name: secrets.masterKey.name, keys: [secrets.masterKey.key], by: user('litellm-proxy.masterKey.existingSecret') });
  if (values['litellm-proxy'].saltKey.existingSecret) refs.push({ kind: 'Secret', namespace, name: secrets.saltKey.name, keys: [secrets.saltKey.key], by: user('litellm-proxy.saltKey.existingSecret') });
  if (values.valkey.enabled && values.valkey.auth.existingSecret) refs.push({ kind: 'Secret', namespace, name: secrets.valkey.name, keys: [secrets.valkey.key], by: user('valkey.auth.existingSecret') });
  if (cache?.passwordSecret && !cache.bundled) refs.push({ kind: 'Secret', namespace, name: cache.passwordSecret.name, keys: [cache.passwordSecret.key], by: user('litellm-proxy.cache.passwordSecretName') });
  const sentinelSecret = cache?.sentinel?.passwordSecret;
  if (sentinelSecret && !(values.valkey.enabled && sentinelSecret.name === secrets.valkey.name)) refs.push({ kind: 'Secret', namespace, name: sentinelSecret.name, keys: [sentinelSecret.key], by: user('litellm-proxy.cache.sentinel.passwordSecretName') });
  if (values['litellm-proxy'].enabled) {
    values['litellm-proxy'].credentials.forEach((c, i) => refs.push({ kind: 'Secret', namespace, name: c.secretName, keys: [c.secretKey], by: user(`litellm-proxy.credentials[${i}]`) }));
  }
  const tls = values['networking-layer'].envoyGateway.tls;
  if (tls.enabled) refs.push({ kind: 'Secret', namespace, name: tls.secretName, keys: ['tls.crt', 'tls.key'], by: user('networking-layer.envoyGateway.tls.secretName') });
  for (const name of values.global.imagePullSecrets) refs.push({ kind: 'Secret', namespace, name, by: user('global.imagePullSecrets') });
  return refs;
}

function exportsOf(config: InfraConfig): Record<string, string> {
  const { names, namespace, values } = config;
  const out: InfrastructureExports = { namespace };
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
  Object.assign(out, modelGatewayExport(config));
  out.operators = config.operators.source;
  return infrastructureContract.write(out);
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
    const config = resolveConfig(ctx.release, ctx.namespace, ctx.values, ctx.chart, ctx.sourceOf, ctx.isUserSet, ctx.releases);
    const { objects, groups, provided } = renderComponents(COMPONENTS, config, [namespacesGroup]);
    const requiredApis = requiredMonitoringApis(objects.map((o) => o.object), config.monitoring.why);
    return { objects, groups, provided: [...provided, ...userProvided(config)], exports: exportsOf(config), purge: purgeSelectors(config), requiredApis };
  },
};
