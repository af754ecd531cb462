import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as loadYaml, loadAll } from 'js-yaml';
import type { K8sObject } from '../../src/core/object.js';
import { makeContext, type ActionContext, type WaitOptions } from '../../src/actions/context.js';
import { silentProgress, type ProgressEvent, type ProgressSink } from '../../src/apply/progress.js';
import { ClientNodeKube, loadKubeConfig } from '../../src/kube/client-node.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.js';
import type { Controller, ControllerContext } from '../../src/sim/controllers/types.js';
import type { ScriptHandle } from '../../src/sim/scripts.js';
import type { StoreEvent } from '../../src/sim/store.js';
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
export function operatorDeployments(which: ('cnpg' | 'envoy-gateway' | 'knative' | 'kserve')[]): K8sObject[] {
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
  };
  return which.flatMap((w) => all[w]);
}

/**
 * Runs the Python programs our Jobs carry for real: when a Job whose container runs
 * `python3 /<dir>/<file>.py` appears and <file>.py is one of `scripts`, the script is taken from
 * the mounted ConfigMap and executed on this machine with the container's env, pointed at the
 * simulator's API. The Job stays incomplete until the program exits, then succeeds or fails with it.
 * Other Jobs (the LiteLLM migration, which needs LiteLLM itself) are left to the simulator.
 */
export class PythonJobRunner implements Controller {
  readonly name = 'python-jobs';
  private ctx!: ControllerContext;
  private readonly seen = new Set<string>();
  readonly runs: { job: string; code: number; output: string }[] = [];
  /**
   * Cluster DNS for the programs: every occurrence of a key in an env value (after the container's
   * env is resolved) becomes its value, e.g. an in-cluster Service URL -> a fake on 127.0.0.1.
   */
  readonly serviceAddresses = new Map<string, string>();

  constructor(
    private readonly url: () => string,
    private readonly extraEnv: Record<string, string> = {},
    private readonly scripts = ['generate-secrets.py', 'register-models.py'],
  ) {}

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
  }

  onEvent(e: StoreEvent): void {
    if (e.type !== 'ADDED' || e.object.kind !== 'Job') return;
    const job = e.object;
    const key = `${job.metadata.namespace}/${job.metadata.name}/${job.metadata.uid}`;
    if (this.seen.has(key)) return;
    const c = (job.spec as any)?.template?.spec?.containers?.[0];
    const scriptArg = (c?.command ?? []).find((a: string) => typeof a === 'string' && a.endsWith('.py') && a.startsWith('/'));
    if (c?.command?.[0] !== 'python3' || !scriptArg || !this.scripts.includes(scriptArg.split('/').pop())) return;
    this.seen.add(key);
    if (process.env.DEBUG_PYJOBS) console.error("pyjob start", key, scriptArg);
    const hold: ScriptHandle = this.ctx.scripts.add({ kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, outcome: 'stuck' });
    void this.run(job, c, scriptArg).then(({ code, output }) => {
      this.runs.push({ job: `${job.metadata.namespace}/${job.metadata.name}`, code, output });
      if (process.env.DEBUG_PYJOBS) console.error("pyjob done", code, output);
      if (code !== 0) this.ctx.scripts.add({ kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, outcome: 'fail', reason: 'BackoffLimitExceeded', message: `python exited ${code}` });
      hold.remove();
    });
  }

  private async run(job: K8sObject, container: any, scriptPath: string): Promise<{ code: number; output: string }> {
    const ns = job.metadata.namespace!;
    const podSpec = (job.spec as any).template.spec;
    const mount = (container.volumeMounts ?? []).find((m: any) => scriptPath.startsWith(m.mountPath + '/'));
    const volume = podSpec.volumes?.find((v: any) => v.name === mount?.name);
    const cm = volume?.configMap ? this.ctx.store.list('/configmaps', ns).find((o) => o.metadata.name === volume.configMap.name) : undefined;
    const script = (cm?.data as Record<string, string> | undefined)?.[scriptPath.slice(mount.mountPath.length + 1)];
    if (!script) return { code: 127, output: `script ${scriptPath} not found in a mounted ConfigMap` };
    const dir = mkdtempSync(join(tmpdir(), 'inferctl-pyjob-'));
    const file = join(dir, 'script.py');
    writeFileSync(file, script);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', KUBE_API_URL: this.url(), ...this.extraEnv };
    for (const e of container.env ?? []) {
      if (typeof e.value === 'string') env[e.name] = e.value;
      else if (e.valueFrom?.fieldRef?.fieldPath === 'metadata.namespace') env[e.name] = ns;
      else if (e.valueFrom?.secretKeyRef) {
        const s = this.ctx.store.list('/secrets', ns).find((o) => o.metadata.name === e.valueFrom.secretKeyRef.name);
        const v = (s?.data as Record<string, string> | undefined)?.[e.valueFrom.secretKeyRef.key];
        if (v !== undefined) env[e.name] = Buffer.from(v, 'base64').toString('utf8');
      }
    }
    for (const [name, value] of Object.entries(env)) {
      let v = value;
      for (const [from, to] of this.serviceAddresses) v = v.split(from).join(to);
      env[name] = v;
    }
    const args = container.command.slice(1).map((a: string) => (a === scriptPath ? file : a));
    return new Promise((resolve) => {
      const child = spawn('python3', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on("data", (d) => { output += d; if (process.env.DEBUG_PYJOBS) process.stderr.write(`py: ${d}`); });
      child.on('close', (code) => {
        rmSync(dir, { recursive: true, force: true });
        resolve({ code: code ?? 1, output });
      });
    });
  }
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
  python: PythonJobRunner;
  ctx(progress?: ProgressSink): ActionContext;
  stop(): Promise<void>;
}

/** A simulated cluster with the operators layer's CRDs and controllers present. */
export async function startPlatform(opts: { operators?: ('cnpg' | 'envoy-gateway' | 'knative' | 'kserve')[]; crds?: string[]; sim?: SimulatorOptions } = {}): Promise<Platform> {
  let url = '';
  const python = new PythonJobRunner(() => url);
  // Pods keep their grace period but a tenth of it: uninstalls wait for many terminations in a row.
  const sim = await startSimulator({ speed: 20, ...opts.sim, timing: { terminationGraceScale: 0.1, ...opts.sim?.timing }, extraControllers: [python, ...(opts.sim?.extraControllers ?? [])] });
  url = sim.url;
  const client = sim.client('test-setup');
  for (const crd of crdObjects(opts.crds ?? INFRA_CRDS)) client.apply(crd);
  for (const o of operatorDeployments(opts.operators ?? ['cnpg', 'envoy-gateway', 'knative'])) client.apply(o);
  await sim.waitFor(() => sim.store.list('apiextensions.k8s.io/customresourcedefinitions').every((c) => (c.status as any)?.conditions?.some((x: any) => x.type === 'Established' && x.status === 'True')), { what: 'CRDs established' });
  const kube = new ClientNodeKube(loadKubeConfig({ kubeconfig: sim.kubeconfigPath }));
  return {
    sim,
    python,
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

export { loadYaml };
