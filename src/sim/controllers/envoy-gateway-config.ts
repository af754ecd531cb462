/**
 * What the simulated Envoy Gateway knows about InferencePool backends. Like the real controller,
 * which reads /config/envoy-gateway.yaml (ConfigMap envoy-gateway-config) once at start, the
 * configuration in effect is the one each controller pod saw when it started: a changed ConfigMap
 * means nothing until the Deployment restarts.
 */
import { load } from 'js-yaml';
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, obj } from '../util.js';
import type { Client } from './client.js';
import { deploymentAvailable, labelsMatch, podReady } from './helpers.js';

export const INFERENCE_POOL_GROUP = 'inference.networking.k8s.io';
const AI_GATEWAY = { namespace: 'envoy-ai-gateway-system', name: 'ai-gateway-controller' };

export function isAiGatewayController(d: K8sObject): boolean {
  return d.metadata.namespace === AI_GATEWAY.namespace && d.metadata.name === AI_GATEWAY.name;
}

export interface EnvoyGatewayConfig {
  /** extensionManager.backendResources lists InferencePool (group inference.networking.k8s.io). */
  inferencePoolBackend: boolean;
}

function readConfig(client: Client, namespace: string): EnvoyGatewayConfig {
  const cm = client.get('v1', 'ConfigMap', namespace, 'envoy-gateway-config');
  let doc: unknown;
  try {
    doc = load(String(obj(cm?.data)['envoy-gateway.yaml'] ?? ''));
  } catch {
    doc = undefined;
  }
  const backends = arr(obj(obj(doc).extensionManager).backendResources).map(obj);
  return { inferencePoolBackend: backends.some((b) => b.group === INFERENCE_POOL_GROUP && b.kind === 'InferencePool') };
}

export class EnvoyGatewayConfigs {
  /** Per controller pod uid: the configuration it read when it started. */
  private readonly atStart = new Map<string, EnvoyGatewayConfig>();

  constructor(
    private readonly client: Client,
    private readonly namespace: string,
    private readonly deployment: string,
  ) {}

  private pods(): K8sObject[] {
    const d = this.client.get('apps/v1', 'Deployment', this.namespace, this.deployment);
    const selector = obj(obj(obj(d?.spec).selector).matchLabels) as Record<string, string>;
    if (!Object.keys(selector).length) return [];
    return this.client.list('v1', 'Pod', this.namespace).filter((p) => labelsMatch(selector, p.metadata.labels));
  }

  /** Records what a starting controller pod read; true when the configuration in effect may have changed. */
  observe(e: StoreEvent): boolean {
    const uid = String(e.object.metadata.uid);
    if (e.type === 'DELETED') return this.atStart.delete(uid);
    if (this.atStart.has(uid) || obj(e.object.status).phase !== 'Running') return false;
    if (!this.pods().some((p) => p.metadata.uid === uid)) return false;
    this.atStart.set(uid, readConfig(this.client, this.namespace));
    return true;
  }

  /** The configuration of the newest ready controller pod (after a rollout, the new one's). */
  running(): EnvoyGatewayConfig | undefined {
    const ready = this.pods()
      .filter((p) => podReady(p) && this.atStart.has(String(p.metadata.uid)))
      .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)) || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    const newest = ready.at(-1);
    return newest ? this.atStart.get(String(newest.metadata.uid)) : undefined;
  }
}

/**
 * Why a backendRef to an InferencePool does not resolve. Without InferencePool among the extension's
 * backend resources the message is Envoy Gateway v1.9.0's own (internal/gatewayapi/validate.go
 * validateBackendRefGroup). With it but without Envoy AI Gateway running, the real Envoy Gateway
 * reports the route resolved and fails the xDS translation in its log; the simulator says so on the
 * route instead, so the failure is visible.
 */
export function poolBackendProblem(client: Client, config: EnvoyGatewayConfig | undefined, namespace: string, ref: Record<string, unknown>): { reason: string; message: string } | undefined {
  if (!config?.inferencePoolBackend || ref.kind !== 'InferencePool') {
    return {
      reason: 'InvalidKind',
      message: 'Group is invalid, only the core API group (specified by omitting the group field or setting it to an empty string), multicluster.x-k8s.io and gateway.envoyproxy.io are supported.',
    };
  }
  if (!deploymentAvailable(client.get('apps/v1', 'Deployment', AI_GATEWAY.namespace, AI_GATEWAY.name))) {
    return {
      reason: 'InvalidKind',
      message: `InferencePool backends are served by the Envoy AI Gateway extension server (${AI_GATEWAY.name}.${AI_GATEWAY.namespace}:1063), whose Deployment is not available (k8s-sim: the real Envoy Gateway fails the xDS translation instead).`,
    };
  }
  if (!client.get(`${INFERENCE_POOL_GROUP}/v1`, 'InferencePool', namespace, String(ref.name))) {
    return { reason: 'BackendNotFound', message: `custom backend InferencePool ${namespace}/${ref.name} not found.` };
  }
  return undefined;
}
