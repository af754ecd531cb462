import type { K8sObject } from '../../../core/object.js';
import type { Component } from '../../../render/component.js';
import { defineGroup } from '../../../render/groups.js';
import { contentHash } from '../../../render/hash.js';
import { commonLabels, selectorLabels } from '../../../render/labels.js';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../../../render/security.js';
import type { RenderedObject } from '../../../render/types.js';
import { toYaml } from '../../../render/yaml-output.js';
import type { ResolvedModel, StackConfig } from '../config.js';
import { MODEL_PORT } from '../runtimes/runtime.js';
import { modelsGroup } from './models.js';
import { POOL_GROUP, poolRoute } from './pool-route.js';

export const EPP_PORTS = { grpc: 9002, health: 9003, metrics: 9090 };
export const EPP_UID = 65532;
const CONFIG_FILE = 'epp-config.yaml';

export const poolsGroup = defineGroup<StackConfig>({
  name: 'pools',
  description: "InferencePools, their endpoint pickers and their routes on the model gateway: ready when the picker runs, the pool's Gateway accepted it and the route is Accepted with ResolvedRefs",
  after: [modelsGroup],
  gates: (config) => [
    { kind: 'crd-established', name: 'inferencepools.inference.networking.k8s.io', why: 'InferencePools need the Gateway API Inference Extension CRDs' },
    { kind: 'deployment-available', ...config.aiGatewayController, why: 'Envoy Gateway routes to an InferencePool only through Envoy AI Gateway (operators value envoyAIGateway.enabled)' },
  ],
});

/**
 * llm-d-router v0.10.0's EndpointPickerConfig, with the scorers and weights of its built-in default
 * (pkg/epp/config/loader/defaults.go): queue depth and KV-cache use from vLLM's /metrics, plus
 * prefix-cache affinity. A config file is always passed (EPP v1.3 crashed without one).
 */
export function endpointPickerConfig(): string {
  return toYaml({
    apiVersion: 'llm-d.ai/v1alpha1',
    kind: 'EndpointPickerConfig',
    plugins: [
      { type: 'queue-scorer' },
      { type: 'kv-cache-utilization-scorer' },
      { type: 'prefix-cache-scorer' },
      { type: 'metrics-data-source', parameters: { scheme: 'http', path: '/metrics' } },
      { type: 'core-metrics-extractor' },
    ],
    schedulingProfiles: [
      {
        name: 'default',
        plugins: [
          { pluginRef: 'queue-scorer', weight: 2 },
          { pluginRef: 'kv-cache-utilization-scorer', weight: 2 },
          { pluginRef: 'prefix-cache-scorer', weight: 3 },
        ],
      },
    ],
  });
}

/** Flags of llm-d-router v0.10.0 (pkg/epp/server/options.go, logging/options.go); nothing else. */
export function endpointPickerArgs(config: StackConfig, m: ResolvedModel): string[] {
  const args = [
    `--pool-name=${m.pool!.name}`,
    `--pool-namespace=${config.namespace}`,
    `--pool-group=${POOL_GROUP}`,
    `--config-file=/config/${CONFIG_FILE}`,
    `--grpc-port=${EPP_PORTS.grpc}`,
    `--grpc-health-port=${EPP_PORTS.health}`,
    `--metrics-port=${EPP_PORTS.metrics}`,
    '--zap-encoder=json',
    // Tracing defaults to on and would dial an OTLP collector that does not exist.
    '--tracing=false',
    // Metrics auth needs cluster-wide TokenReview rights; the metrics hold no secrets.
    '--metrics-endpoint-auth=false',
  ];
  if (config.values.endpointPicker.replicas > 1) args.push('--ha-enable-leader-election');
  return args;
}

/**
 * A GIE InferencePool over the model's KServe predictor pods, with its endpoint picker and the
 * HTTPRoute LiteLLM calls (pool-route.ts). The pool always names its picker and fails open: when the
 * picker is down the gateway still sends traffic to some pod instead of failing it. One group, so the
 * pool (whose Gateway parent appears only once a route references it) and its route become ready
 * together, before the registrar points LiteLLM at the route.
 */
export const pools: Component<StackConfig> = {
  groups: [poolsGroup],
  render: (config): RenderedObject[] =>
    config.models.filter((m) => m.pool).flatMap((m) => poolObjects(config, m).map((object) => ({ object, group: poolsGroup, source: `inference-stack/pools/${m.name}` }))),
};

function poolObjects(config: StackConfig, m: ResolvedModel): K8sObject[] {
  const { release, namespace, chart, values } = config;
  const epp = m.pool!.epp;
  const ep = values.endpointPicker;
  const labels = commonLabels('endpoint-picker', release, chart, m.name, ep.image.tag);
  const selector = selectorLabels('endpoint-picker', release, m.name);
  const configYaml = endpointPickerConfig();
  const multi = ep.replicas > 1;
  const healthService = (which: 'liveness' | 'readiness') => (multi ? which : 'inference-extension');

  const rules: Record<string, unknown>[] = [
    { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [POOL_GROUP], resources: ['inferencepools'], verbs: ['get', 'list', 'watch'] },
    // The picker reads objectives and model rewrites from both API groups (llm-d.ai preferred).
    { apiGroups: ['llm-d.ai', 'inference.networking.x-k8s.io'], resources: ['inferenceobjectives', 'inferencemodelrewrites'], verbs: ['get', 'list', 'watch'] },
  ];
  if (multi) {
    rules.push({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] });
    rules.push({ apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] });
  }

  const pool: K8sObject = {
    apiVersion: `${POOL_GROUP}/v1`,
    kind: 'InferencePool',
    metadata: { name: m.pool!.name, namespace, labels: commonLabels('inference-pool', release, chart, m.name) },
    spec: {
      // KServe labels every predictor pod with these (crds.md 4.2).
      selector: { matchLabels: { 'serving.kserve.io/inferenceservice': m.isvc, component: 'predictor' } },
      targetPorts: [{ number: MODEL_PORT }],
      endpointPickerRef: { name: epp, port: { number: EPP_PORTS.grpc }, failureMode: 'FailOpen' },
    },
  };
  const podSpec: Record<string, unknown> = {
    serviceAccountName: epp,
    securityContext: restrictedPodSecurityContext(EPP_UID),
    // Mirrors the longest grace period of the pool's pods, as upstream recommends.
    terminationGracePeriodSeconds: 130,
    containers: [
      {
        name: 'epp',
        image: `${ep.image.repository}:${ep.image.tag}`,
        imagePullPolicy: ep.image.pullPolicy,
        args: endpointPickerArgs(config, m),
        env: [
          { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ],
        ports: [
          { name: 'grpc', containerPort: EPP_PORTS.grpc, protocol: 'TCP' },
          { name: 'grpc-health', containerPort: EPP_PORTS.health, protocol: 'TCP' },
          { name: 'metrics', containerPort: EPP_PORTS.metrics, protocol: 'TCP' },
        ],
        livenessProbe: { grpc: { port: EPP_PORTS.health, service: healthService('liveness') }, initialDelaySeconds: 5, periodSeconds: 10 },
        readinessProbe: { grpc: { port: EPP_PORTS.health, service: healthService('readiness') }, periodSeconds: 2 },
        resources: ep.resources,
        securityContext: restrictedContainerSecurityContext(),
        volumeMounts: [
          { name: 'config', mountPath: '/config', readOnly: true },
          { name: 'tmp', mountPath: '/tmp' },
        ],
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: epp } },
      { name: 'tmp', emptyDir: {} },
    ],
  };
  if (values.global.imagePullSecrets.length) podSpec.imagePullSecrets = values.global.imagePullSecrets.map((name) => ({ name }));

  return [
    pool,
    poolRoute(config, m),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: epp, namespace, labels } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: epp, namespace, labels }, rules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: epp, namespace, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: epp },
      subjects: [{ kind: 'ServiceAccount', name: epp, namespace }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: epp, namespace, labels }, data: { [CONFIG_FILE]: configYaml } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: epp, namespace, labels },
      spec: {
        replicas: ep.replicas,
        // One active picker keeps prefix-cache state coherent; Recreate lets a new one take over at once.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: selector },
        template: { metadata: { labels, annotations: { 'inferctl.io/config-hash': contentHash(configYaml) } }, spec: podSpec },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: epp, namespace, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: [
          { name: 'grpc-ext-proc', port: EPP_PORTS.grpc, targetPort: 'grpc', protocol: 'TCP', appProtocol: 'kubernetes.io/h2c' },
          { name: 'http-metrics', port: EPP_PORTS.metrics, targetPort: 'metrics', protocol: 'TCP' },
        ],
      },
    },
  ];
}
