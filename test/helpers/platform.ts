import assert from 'node:assert/strict';
import { load as loadYaml } from 'js-yaml';
import type { K8sObject } from '../../src/core/object.js';
import { makeContext, type ActionContext, type WaitOptions } from '../../src/actions/context.js';
import { silentProgress, type ProgressEvent, type ProgressSink } from '../../src/apply/progress.js';
import { connectKube } from '../../src/kube/connect.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import { shippedCrds } from './upstream.js';

/** CRDs the infrastructure layer's custom resources need, as the operators layer installs them. */
export const INFRA_CRDS = [
  'Cluster.postgresql.cnpg.io',
  'Pooler.postgresql.cnpg.io',
  'GatewayClass.gateway.networking.k8s.io',
  'Gateway.gateway.networking.k8s.io',
  'HTTPRoute.gateway.networking.k8s.io',
  'EnvoyProxy.gateway.envoyproxy.io',
  'BackendTrafficPolicy.gateway.envoyproxy.io',
  'KnativeServing.operator.knative.dev',
];

export const crdObjects = shippedCrds;

/** The operator Deployments the simulator's scripted controllers look for (names as upstream installs them). */
export type OperatorName = 'cnpg' | 'envoy-gateway' | 'knative' | 'kserve' | 'envoy-ai-gateway';

export function operatorDeployments(which: OperatorName[]): K8sObject[] {
  const deploy = (namespace: string, name: string, image: string): K8sObject[] => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace, labels: { 'app.kubernetes.io/name': name } },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'manager', image }] } } },
    },
  ];
  const all = {
    cnpg: deploy('cnpg-system', 'cnpg-controller-manager', 'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0'),
    'envoy-gateway': deploy('envoy-gateway-system', 'envoy-gateway', 'docker.io/envoyproxy/gateway:v1.9.0'),
    knative: deploy('knative-operator', 'knative-operator', 'gcr.io/knative-releases/knative.dev/operator/cmd/operator:v1.23.0'),
    kserve: deploy('kserve', 'kserve-controller-manager', 'kserve/kserve-controller:v0.20.0'),
    'envoy-ai-gateway': deploy('envoy-ai-gateway-system', 'ai-gateway-controller', 'docker.io/envoyproxy/ai-gateway-controller:v1.1.0'),
  };
  return which.flatMap((w) => all[w]);
}

/** Records progress events, for asserting what the engine did and in which order. */
export class RecordingProgress implements ProgressSink {
  readonly events: (ProgressEvent & { at: number })[] = [];
  emit(e: ProgressEvent): void {
    this.events.push({ ...e, at: Date.now() });
  }
  close(): void {}
  applied(): string[] {
    return this.events.filter((e) => e.type === 'applied').map((e) => (e as { object: string }).object);
  }
}

export interface Platform {
  sim: Simulator;
  ctx(progress?: ProgressSink): ActionContext;
  stop(): Promise<void>;
}

/** A simulated cluster with the operators layer's CRDs and controllers present. */
export async function startPlatform(opts: { operators?: OperatorName[]; crds?: string[]; sim?: SimulatorOptions } = {}): Promise<Platform> {
  // Pods keep their grace period but a tenth of it: uninstalls wait for many terminations in a row.
  const sim = await startSimulator({ speed: 20, ...opts.sim, timing: { terminationGraceScale: 0.1, ...opts.sim?.timing } });
  const client = sim.client('test-setup');
  for (const crd of crdObjects(opts.crds ?? INFRA_CRDS)) client.apply(crd);
  for (const o of operatorDeployments(opts.operators ?? ['cnpg', 'envoy-gateway', 'knative'])) client.apply(o);
  await sim.waitFor(() => sim.store.list('apiextensions.k8s.io/customresourcedefinitions').every((c) => (c.status as any)?.conditions?.some((x: any) => x.type === 'Established' && x.status === 'True')), { what: 'CRDs established' });
  const kube = await connectKube({ kubeconfig: sim.kubeconfigPath });
  return {
    sim,
    ctx: (progress = silentProgress) => makeContext(kube, progress),
    stop: () => sim.stop(),
  };
}

export const fastWait: WaitOptions = { wait: true, timeoutMs: 120_000, pollMs: 25, failGraceMs: 300 };

export function secretValue(sim: Simulator, namespace: string, name: string, key: string): string | undefined {
  const s = sim.store.list('/secrets', namespace).find((o) => o.metadata.name === name);
  const v = (s?.data as Record<string, string> | undefined)?.[key];
  return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
}

/** How the latest pod of a Job ended: its container's exit code and log (the program's output). */
export function jobRun(sim: Simulator, namespace: string, jobName: string | RegExp): { exitCode?: number; log: string } | undefined {
  const job = sim.store.objects({ kind: 'Job', namespace }).find((j) => (typeof jobName === 'string' ? j.metadata.name === jobName : jobName.test(j.metadata.name)));
  if (!job) return undefined;
  const pods = sim.store.objects({ kind: 'Pod', namespace }).filter((p) => (p.metadata.ownerReferences as { uid: string }[] | undefined)?.some((r) => r.uid === job.metadata.uid));
  const pod = pods.at(-1);
  if (!pod) return undefined;
  const state = (pod.status as any)?.containerStatuses?.[0]?.state;
  return { exitCode: state?.terminated?.exitCode, log: sim.podLog(namespace, pod.metadata.name) ?? '' };
}

/** Calls the simulator's LiteLLM admin API (the fake behind a LiteLLM Service) with the release's master key. */
export async function litellmCall(sim: Simulator, namespace: string, path: string, body?: unknown, release = 'infra'): Promise<any> {
  const url = sim.serviceUrl(namespace, `${release}-litellm-proxy`, 4000);
  assert.ok(url, `the simulator serves ${namespace}/${release}-litellm-proxy`);
  const key = secretValue(sim, namespace, `${release}-litellm-proxy-master-key`, 'master-key');
  const res = await fetch(`${url}${path}`, { method: body === undefined ? 'GET' : 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return res.json();
}

export { loadYaml };
