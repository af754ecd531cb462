/**
 * An in-process Kubernetes API simulator for tests: a loopback HTTP server that follows the real
 * apiserver's rules for what a deploy tool does (discovery, CRUD, the patch types, server-side
 * apply with managedFields, status subresources, watches, finalizers, garbage collection, CRDs,
 * admission webhooks) plus scripted controllers that drive objects to Ready, slowly, or into
 * failure.
 *
 *   const sim = await startSimulator();
 *   sim.script({ kind: 'Job', name: /migrate/, outcome: 'fail' });
 *   // point the code under test at sim.kubeconfigPath or sim.url
 *   await sim.stop();
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { K8sObject } from '../core/object.js';
import { Admission } from './admission.js';
import { ApiServer, type RequestOptions } from './api.js';
import { buildControllers, type ControllerSelection } from './controllers/index.js';
import { Client } from './controllers/client.js';
import { EventRecorder } from './controllers/events.js';
import { ControllerRunner } from './controllers/runner.js';
import { DEFAULT_TIMING, type Controller, type ControllerContext, type Timing } from './controllers/types.js';
import type { VersionInfo } from './discovery.js';
import { serviceBackend } from './cluster-dns.js';
import { ApiError } from './errors.js';
import { LoopbackBackends } from './loopback.js';
import { writeKubeconfig, type KubeconfigOptions } from './kubeconfig.js';
import { ResourceRegistry } from './resources.js';
import { Scripts, type ScriptHandle, type ScriptRule } from './scripts.js';
import { loadBuiltinSchemas } from './builtin-schema.js';
import { clusterNodes } from './nodes.js';
import { HttpFront } from './server.js';
import { Faults, type FaultSpec } from './faults.js';
import { Store, type ObjectQuery } from './store.js';

export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Write the kubeconfig here instead of a temporary file. */
  kubeconfigPath?: string;
  /** 'all' (default), 'core' (CRDs, namespaces, GC only), 'none', or per-controller picks and options. */
  controllers?: 'all' | 'core' | 'none' | ControllerSelection;
  /** More controllers (tests can plug their own). */
  extraControllers?: Controller[];
  /** Every controller delay is divided by this (2 = twice as fast). Default 1. */
  speed?: number;
  /** Override individual controller delays (milliseconds at speed 1). */
  timing?: Partial<Timing>;
  /** Server version reported at /version (default 1.35). */
  version?: VersionInfo;
  /** Objects created at startup, in order, after the built-in ones (namespaces first!). */
  seed?: K8sObject[];
  /** CPU worker nodes: 8 cores, 32 GiB (7910m and 29Gi allocatable), 110 pods each. Default 3. */
  cpuNodes?: number;
  /** GPU worker nodes with 8 nvidia.com/gpu each, labelled like the NVIDIA GPU operator's and tainted nvidia.com/gpu=present:NoSchedule. Default 0. */
  gpuNodes?: number;
  /** Create the kind-like default StorageClass "standard" (default true). */
  defaultStorageClass?: boolean;
  /** Events kept per resource type for watches that resume from a resourceVersion (default 1024); older resume points get 410 Expired. */
  watchCacheSize?: number;
  /** Progress bookmarks on watches that allow them (default 10s). */
  bookmarkIntervalMs?: number;
  /** API faults from the start (429, 500, resets, hung requests, latency); `sim.faults` changes them later. */
  faults?: FaultSpec;
  /** Called for controller errors (default: printed to stderr). */
  onControllerError?: (controller: string, error: unknown) => void;
  /** Lines for the person running the simulator, e.g. where a fake LiteLLM listens (default: dropped). */
  onNotice?: (message: string) => void;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** A kubeconfig for this simulator (written at start). */
  readonly kubeconfigPath: string;
  /** Direct read access for assertions: objects, and the request log (method, path, time, verb...). */
  readonly store: Store;
  /** The API semantics without HTTP (same rules), for quick setup in tests. */
  readonly api: ApiServer;
  readonly registry: ResourceRegistry;
  writeKubeconfig(file: string, opts?: KubeconfigOptions): string;
  /** A client that acts as the given field manager (create/apply/patch/delete objects in setup code). */
  client(fieldManager?: string): SimClient;
  /** Faults of the API server itself for every HTTP request: `sim.faults.set({ rate429: 0.05, hang: 1 })`. */
  readonly faults: Faults;
  /** Inject behaviour: `sim.script({ kind: 'Pod', namePrefix: 'x', imagePullError: true })`. */
  script(rule: ScriptRule): ScriptHandle;
  /** A webhook (by name) fails calls for `forMs` (or until the handle is removed). */
  webhookDown(name: string | RegExp, forMs?: number, message?: string): ScriptHandle;
  /** Remove every script rule. */
  clearScripts(): void;
  setSpeed(speed: number): void;
  /** Polls `check` until it returns a truthy value or the timeout passes (then throws). */
  waitFor<T>(check: () => T | undefined | false | null, opts?: { timeoutMs?: number; intervalMs?: number; what?: string }): Promise<T>;
  /** Text served at /api/v1/namespaces/<ns>/pods/<pod>/log. */
  setPodLog(namespace: string, pod: string, text: string): void;
  podLog(namespace: string, pod: string): string | undefined;
  /** http://127.0.0.1:PORT where the simulator serves a Service's pods (a fake LiteLLM...), if it does. */
  serviceUrl(namespace: string, service: string, port?: number): string | undefined;
  stop(): Promise<void>;
}

/** Setup helper with the same API rules as HTTP requests. */
export class SimClient extends Client {
  /** Server-side apply (force by default: setup code owns what it writes). */
  apply(o: K8sObject, opts: { force?: boolean; dryRun?: boolean } = {}): K8sObject {
    const rt = this.rt(o.apiVersion, o.kind);
    if (!rt) throw new ApiError(404, 'NotFound', `the server doesn't have a resource type for ${o.apiVersion} ${o.kind}`);
    const ro: RequestOptions & { force?: boolean } = { fieldManager: this.manager, force: opts.force ?? true, dryRun: opts.dryRun };
    return this.api.patch(rt, o.metadata.namespace, o.metadata.name, 'apply', JSON.stringify(o), ro);
  }
}

const BUILTIN_SEED: K8sObject[] = [
  ...['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], type: 'ClusterIP' },
  },
  ...[
    ['system-cluster-critical', 2000000000],
    ['system-node-critical', 2000001000],
  ].map(([name, value]) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: String(name) }, value, description: 'Used for system critical pods that must not be moved from their current node.' })),
];

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  await loadBuiltinSchemas();
  let speed = opts.speed ?? 1;
  const store = new Store(opts.watchCacheSize);
  const registry = new ResourceRegistry();
  const scripts = new Scripts(() => speed);
  const admission = new Admission(store, scripts);
  const api = new ApiServer(store, registry, admission);
  const podLogs = new Map<string, string>();
  const timing: Timing = { ...DEFAULT_TIMING, ...(opts.timing ?? {}) };

  const seed = [...BUILTIN_SEED];
  if (opts.defaultStorageClass !== false) {
    seed.push({
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  }
  const nodeRt = registry.byApiVersionKind('v1', 'Node')!;
  // Kubelets register their nodes before anything else runs.
  for (const node of clusterNodes({ cpuNodes: opts.cpuNodes ?? 3, gpuNodes: opts.gpuNodes ?? 0 })) {
    api.create(nodeRt, undefined, node.object, { fieldManager: 'kubelet' });
    api.patch(nodeRt, undefined, node.object.metadata.name, 'merge', JSON.stringify({ status: node.status }), { fieldManager: 'kubelet' }, 'status');
  }
  for (const o of [...seed, ...(opts.seed ?? [])]) {
    const rt = registry.byApiVersionKind(o.apiVersion, o.kind);
    if (!rt) throw new Error(`seed object ${o.apiVersion} ${o.kind} has no resource type (CRDs are not served until established)`);
    api.create(rt, o.metadata.namespace, o, { fieldManager: 'kube-apiserver' });
  }

  const onError =
    opts.onControllerError ??
    ((name: string, e: unknown) => {
      // Conflicts and vanished objects are normal controller races; anything else is worth seeing.
      if (e instanceof ApiError && (e.code === 404 || e.code === 409)) return;
      console.error(`[k8s-sim] controller ${name} failed: ${e instanceof ApiError ? e.message : ''}`, e instanceof ApiError ? '' : e);
    });
  const controllers = [...buildControllers(opts.controllers ?? 'all'), ...(opts.extraControllers ?? [])];
  const runner = new ControllerRunner(controllers, () => speed, onError);
  const clients = new Map<string, Client>();
  const backends = new LoopbackBackends();
  let apiUrl = '';
  const ctx: ControllerContext = {
    api,
    store,
    registry,
    scripts,
    timing,
    client: (manager) => {
      let c = clients.get(manager);
      if (!c) {
        c = new Client(api, manager);
        clients.set(manager, c);
      }
      return c;
    },
    after: runner.after,
    events: new EventRecorder(api),
    podLogs,
    resyncAll: () => runner.resync(),
    apiUrl: () => apiUrl,
    backends,
    notice: (message) => opts.onNotice?.(message),
  };
  scripts.onChange(() => runner.resync());
  runner.start(ctx, (l) => store.subscribe(l));

  const faults = new Faults();
  if (opts.faults) faults.set(opts.faults);
  const http = new HttpFront(api, {
    faults,
    version: opts.version ?? { major: '1', minor: '35', gitVersion: 'v1.35.0' },
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
    podLogs: (ns, pod) => podLogs.get(`${ns}/${pod}`),
  });
  const port = await http.listen(opts.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  apiUrl = url;
  let tmpDir: string | undefined;
  let kubeconfigPath = opts.kubeconfigPath;
  if (!kubeconfigPath) {
    tmpDir = mkdtempSync(join(tmpdir(), 'k8s-sim-'));
    kubeconfigPath = join(tmpDir, 'kubeconfig');
  }
  writeKubeconfig(kubeconfigPath, url);

  let stopped = false;
  const sim: Simulator = {
    url,
    port,
    kubeconfigPath,
    store,
    api,
    registry,
    writeKubeconfig: (file, o) => writeKubeconfig(file, url, o),
    client: (manager = 'sim-test') => new SimClient(api, manager),
    faults,
    script: (rule) => scripts.add(rule),
    webhookDown: (name, forMs, message) => scripts.add({ webhook: name, down: true, forMs, message }),
    clearScripts: () => scripts.clear(),
    setSpeed: (s) => {
      speed = s;
    },
    waitFor: async (check, o = {}) => {
      const deadline = Date.now() + (o.timeoutMs ?? 10_000);
      for (;;) {
        const v = check();
        if (v) return v as never;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${o.what ?? 'condition'}`);
        await new Promise((r) => setTimeout(r, o.intervalMs ?? 5));
      }
    },
    setPodLog: (ns, pod, text) => podLogs.set(`${ns}/${pod}`, text),
    podLog: (ns, pod) => podLogs.get(`${ns}/${pod}`),
    serviceUrl: (ns, service, p) => {
      const local = serviceBackend(store, backends, ns, service, p);
      return local && `http://${local}`;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      runner.stop();
      await http.close();
      if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
    },
  };
  return sim;
}

export type { ObjectQuery, ScriptRule, ScriptHandle, Timing, ControllerSelection, Controller, ControllerContext };
export { ApiError } from './errors.js';
export { kubectlPath } from './kubectl-binary.js';
