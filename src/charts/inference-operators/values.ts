import { s, type Infer } from '../../schema/dsl.js';
import { VERSIONS as V } from './versions.js';
import { monitoringValues } from '../../monitoring/values.js';

/**
 * The single source of truth for the inference-operators values. Every component is the upstream
 * release manifest of its project (see manifests.lock.json), toggled by `enabled`. A component that
 * another one needs (cert-manager for KServe, the Gateway API CRDs for Envoy Gateway) can instead be
 * declared `external`: installed outside this release, so nothing of it is rendered and its dependents
 * wait for it in the cluster.
 */
const enabled = (what: string) => s.bool({ description: `Install ${what}.`, default: true });
const external = (what: string, neededBy: string) =>
  s.bool({ description: `${what} is installed outside this release (e.g. by a platform team): render none of it, and let ${neededBy} use the existing one. Wins over enabled.`, default: false });

export const operatorsValues = s.object({
  'cert-manager': s.object({
    enabled: enabled(`cert-manager ${V.certManager} (issues the KServe webhook certificate)`),
    external: external('cert-manager', 'KServe'),
  }),
  'cloudnative-pg': s.object({
    enabled: enabled(`the CloudNativePG ${V.cnpg} operator and its CRDs (PostgreSQL for the infrastructure layer)`),
  }),
  'gateway-api': s.object({
    enabled: enabled(`the Gateway API ${V.gatewayApi} CRDs, ${V.gatewayApiChannel} channel (the channel Envoy Gateway ${V.envoyGateway} expects)`),
    external: external('The Gateway API CRDs', 'Envoy Gateway'),
  }),
  'envoy-gateway': s.object({
    enabled: enabled(`the Envoy Gateway ${V.envoyGateway} controller and its CRDs`),
  }),
  'knative-operator': s.object({
    enabled: enabled(`the Knative Operator ${V.knativeOperator}; the infrastructure layer asks it for Knative Serving with Kourier`),
  }),
  kserve: s.object({
    enabled: enabled(`the KServe ${V.kserve} controller and its CRDs (needs cert-manager)`),
    deploymentMode: s.string({
      description:
        'Default deployment mode of InferenceServices without the serving.kserve.io/deploymentMode annotation. Standard (plain Deployments) works in any install order. Knative (scale to zero) needs Knative Serving, which the infrastructure layer installs; KServe checks for Knative once at startup, so installing a stack with Knative-mode models restarts deploy/kserve-controller-manager when it started before the Knative Serving CRDs.',
      enum: ['Standard', 'Knative'],
      default: 'Standard',
    }),
  }),
  'gateway-api-inference-extension': s.object({
    enabled: enabled(`the Gateway API Inference Extension ${V.gatewayApiInferenceExtension} CRDs (InferencePool)`),
  }),
  envoyAIGateway: s.object({
    enabled: enabled(
      `Envoy AI Gateway ${V.envoyAiGateway} (needs Envoy Gateway and cert-manager) and configure Envoy Gateway for it: the extension that routes an HTTPRoute to an InferencePool through its endpoint picker. Without it the stack's InferencePools (cache-aware routing) cannot be used`,
    ),
  }),
  monitoring: monitoringValues("Scrape the controllers this release installs: cert-manager, CloudNativePG, Envoy Gateway, and KServe through its kube-rbac-proxy (PodMonitors only; no dashboards or rules).", {}),
});

export type OperatorsValues = Infer<typeof operatorsValues>;
