/**
 * The controller catalog: which controllers run by default and how tests pick, configure or
 * replace them (`controllers: { kubelet: false, service: { loadBalancerIPs: false } }`).
 */
import { CrdController } from './crd.js';
import { DaemonSetController } from './daemonset.js';
import { DeploymentController } from './deployment.js';
import { GarbageCollector } from './gc.js';
import { JobController } from './job.js';
import { NamespaceController, type NamespaceControllerOptions } from './namespace.js';
import { PodController, type PodControllerOptions } from './pod.js';
import { PvcController } from './pvc.js';
import { ReplicaSetController } from './replicaset.js';
import { ServiceController, type ServiceControllerOptions } from './service.js';
import { StatefulSetController } from './statefulset.js';
import { CnpgController, type CnpgOptions } from './cnpg.js';
import { GatewayController, type GatewayOptions } from './gateway.js';
import { KnativeController, type KnativeOptions } from './knative.js';
import { KServeController, type KServeOptions } from './kserve.js';
import { CertManagerController } from './cert-manager.js';
import { CertManagerWebhookController } from './cert-manager-webhook.js';
import { CaInjectorController } from './cainjector.js';
import { KnativeOperatorController, type KnativeOperatorOptions } from './knative-operator.js';
import { JobProgramsController, type JobProgramsOptions } from './job-programs.js';
import { LiteLLMController } from './litellm.js';
import { EnvoyAIGatewayController } from './envoy-ai-gateway.js';
import type { Controller } from './types.js';

export interface ControllerOptionsMap {
  'garbage-collector': Record<string, never>;
  namespace: NamespaceControllerOptions;
  crd: Record<string, never>;
  kubelet: PodControllerOptions;
  replicaset: Record<string, never>;
  deployment: Record<string, never>;
  statefulset: Record<string, never>;
  daemonset: Record<string, never>;
  job: Record<string, never>;
  service: ServiceControllerOptions;
  persistentvolume: Record<string, never>;
  cnpg: CnpgOptions;
  gateway: GatewayOptions;
  knative: KnativeOptions;
  kserve: KServeOptions;
  'cert-manager': Record<string, never>;
  'cert-manager-webhook': Record<string, never>;
  cainjector: Record<string, never>;
  'knative-operator': KnativeOperatorOptions;
  'job-programs': JobProgramsOptions;
  litellm: Record<string, never>;
  'envoy-ai-gateway': Record<string, never>;
}

export type ControllerName = keyof ControllerOptionsMap;

/** Per controller: false disables it, true or an options object enables it. */
export type ControllerSelection = { [K in ControllerName]?: boolean | ControllerOptionsMap[K] };

/** The apiserver-internal parts (CRD establishment, namespace cleanup, GC) without workload simulation. */
export const CORE_CONTROLLERS: ControllerName[] = ['garbage-collector', 'namespace', 'crd'];

const FACTORIES: { [K in ControllerName]: (opts: ControllerOptionsMap[K]) => Controller } = {
  'garbage-collector': () => new GarbageCollector(),
  namespace: (o) => new NamespaceController(o),
  crd: () => new CrdController(),
  kubelet: () => new PodController(),
  replicaset: () => new ReplicaSetController(),
  deployment: () => new DeploymentController(),
  statefulset: () => new StatefulSetController(),
  daemonset: () => new DaemonSetController(),
  job: () => new JobController(),
  service: (o) => new ServiceController(o),
  persistentvolume: () => new PvcController(),
  cnpg: (o) => new CnpgController(o),
  gateway: (o) => new GatewayController(o),
  knative: (o) => new KnativeController(o),
  kserve: (o) => new KServeController(o),
  'cert-manager': () => new CertManagerController(),
  'cert-manager-webhook': () => new CertManagerWebhookController(),
  cainjector: () => new CaInjectorController(),
  'knative-operator': (o) => new KnativeOperatorController(o),
  'job-programs': (o) => new JobProgramsController(o),
  litellm: () => new LiteLLMController(),
  'envoy-ai-gateway': () => new EnvoyAIGatewayController(),
};

export const ALL_CONTROLLERS = Object.keys(FACTORIES) as ControllerName[];

export function buildControllers(selection: 'all' | 'core' | 'none' | ControllerSelection = 'all'): Controller[] {
  const base = selection === 'none' ? [] : selection === 'core' ? CORE_CONTROLLERS : ALL_CONTROLLERS;
  const picks = typeof selection === 'object' ? selection : {};
  const out: Controller[] = [];
  for (const name of ALL_CONTROLLERS) {
    const pick = picks[name];
    const enabled = pick === undefined ? base.includes(name) : pick !== false;
    if (!enabled) continue;
    const opts = typeof pick === 'object' ? pick : {};
    out.push((FACTORIES[name] as (o: unknown) => Controller)(opts));
  }
  return out;
}
