import { UserError } from '../../core/errors.js';
import type { ReleaseLookup } from '../../render/types.js';
import { INFRASTRUCTURE_CHART, infrastructureContract } from '../contracts/infrastructure.js';
import { ENVOY_GATEWAY_NAMESPACE, modelGatewayNames, modelGatewayUrl } from '../contracts/model-gateway.js';
import type { StackValues } from './values.js';

/** What the stack needs from the infrastructure release, and how it was learned. */
export interface Infrastructure {
  release: string;
  namespace: string;
  litellmUrl: string;
  masterKeySecret: string;
  masterKeySecretKey: string;
  /** The internal Gateway routes to InferencePools attach to, and its URL; undefined when that release has none. */
  modelGateway?: string;
  modelGatewayUrl?: string;
  /** Undefined: unknown (template) or Knative disabled there (record without knativeNamespace). */
  knativeNamespace?: string;
  /** 'record': read from the release record (install/upgrade); 'convention': names derived from the release name (template). */
  source: 'record' | 'convention';
}

/**
 * Finds the infrastructure release. install/upgrade pass a lookup that reads release records; its
 * exports are the truth (they follow every override made there). `template` has no cluster, so the
 * naming convention of inference-infrastructure is used: <infra>-litellm-proxy on port 4000 and
 * Secret <infra>-litellm-proxy-master-key, key master-key, model gateway <infra>-model-gateway.
 * Explicit `infrastructure.*` values win.
 */
export function discoverInfrastructure(values: StackValues, namespace: string, lookup: ReleaseLookup | undefined): Infrastructure {
  const release = values.infrastructureReleaseName;
  const infraNs = values.infrastructureNamespace || namespace;
  const o = values.infrastructure;
  const overridden = !!o.litellmUrl && !!o.masterKeySecret;
  const fix = `install it first (npx inferctl install ${release} ./charts/inference-infrastructure -n ${infraNs}) or set infrastructureReleaseName`;

  if (lookup && !overridden) {
    const record = lookup.find(release, infraNs);
    const missing = `no infrastructure release "${release}" in namespace "${infraNs}"`;
    if (!record) throw new UserError(`${missing}: ${fix} (and infrastructureNamespace when it lives in another namespace).`);
    if (record.chart !== INFRASTRUCTURE_CHART) {
      throw new UserError(`${missing} (the release of that name is of chart ${record.chart}, not ${INFRASTRUCTURE_CHART}): ${fix}.`);
    }
    if (record.status === 'uninstalling' || record.status === 'uninstalled') {
      throw new UserError(`infrastructure release "${release}" in namespace "${infraNs}" is ${record.status}: ${fix}.`);
    }
    const e = infrastructureContract.read(record);
    const litellmUrl = o.litellmUrl || e.litellmUrl;
    const masterKeySecret = o.masterKeySecret || e.masterKeySecret;
    if (!litellmUrl || !masterKeySecret) {
      throw new UserError(`infrastructure release "${release}" in namespace "${infraNs}" runs no LiteLLM proxy (litellm-proxy.enabled=false there), so nothing can route to these models: enable it, set infrastructure.litellmUrl and infrastructure.masterKeySecret, or set registrar.enabled=false.`);
    }
    return {
      release,
      namespace: e.namespace || infraNs,
      litellmUrl,
      masterKeySecret,
      masterKeySecretKey: o.masterKeySecretKey || e.masterKeySecretKey || 'master-key',
      knativeNamespace: e.knativeNamespace,
      modelGateway: e.modelGateway,
      modelGatewayUrl: e.modelGatewayUrl,
      source: 'record',
    };
  }
  const litellm = `${release}-litellm-proxy`;
  const gateway = modelGatewayNames(release, infraNs);
  return {
    release,
    namespace: infraNs,
    litellmUrl: o.litellmUrl || `http://${litellm}.${infraNs}.svc.cluster.local:4000`,
    masterKeySecret: o.masterKeySecret || `${litellm}-master-key`,
    masterKeySecretKey: o.masterKeySecretKey || 'master-key',
    modelGateway: gateway.gateway,
    modelGatewayUrl: modelGatewayUrl(gateway.service, ENVOY_GATEWAY_NAMESPACE),
    source: 'convention',
  };
}
