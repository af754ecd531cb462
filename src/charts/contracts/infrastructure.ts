import { defineContract, type ExportsOf } from '../../render/contract.js';

const NAME = { pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, expected: 'a Kubernetes object name' };

/** What the inference-infrastructure release tells model stacks: where LiteLLM and the Gateway are. */
export const infrastructureContract = defineContract('inference-infrastructure', 1, {
  namespace: { description: 'namespace of the release', required: true, ...NAME },
  gateway: { description: 'the Gateway routes attach to', ...NAME },
  gatewayClass: { description: 'its GatewayClass', ...NAME },
  modelGateway: { description: 'the internal Gateway (ClusterIP, not exposed) that model routes through an InferencePool attach to (absent: none)', ...NAME },
  modelGatewayUrl: { description: 'that Gateway inside the cluster, where LiteLLM sends requests for pooled models', pattern: /^https?:\/\/\S+$/, expected: 'a URL such as http://host' },
  litellmService: { description: 'the LiteLLM proxy Service', ...NAME },
  litellmPort: { description: 'its port', pattern: /^\d{1,5}$/, expected: 'a port number' },
  litellmUrl: { description: 'LiteLLM inside the cluster', pattern: /^https?:\/\/\S+$/, expected: 'a URL such as http://host:4000' },
  masterKeySecret: { description: "the Secret holding LiteLLM's master key", ...NAME },
  masterKeySecretKey: { description: 'its key', pattern: /^[-._a-zA-Z0-9]+$/, expected: 'a Secret key' },
  knativeNamespace: { description: 'namespace of Knative Serving (absent: Knative is off there)', ...NAME },
  operators: { description: 'which operators release the infrastructure used' },
});

export type InfrastructureExports = ExportsOf<typeof infrastructureContract.fields>;
export const INFRASTRUCTURE_CHART = infrastructureContract.chart;
