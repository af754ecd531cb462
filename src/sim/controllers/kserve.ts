/**
 * KServe, scripted: only when the kserve-controller-manager Deployment exists and is Available.
 * An InferenceService gets a predictor (a Deployment + Service in Standard mode, a Knative Service
 * in Knative mode; the deprecated RawDeployment/Serverless names are normalised as v0.20 does) and
 * becomes Ready with status.url and PredictorReady once the predictor is; predictor pod failures
 * (or a scripted `fail`) surface as PredictorReady=False and modelStatus BlockedByFailedLoad.
 *
 * Like the real controller (v0.20 SetupWithManager and utils.IsCrdAvailable, whose discovery
 * answer is cached for the life of the process), KServe knows Knative Services only if
 * serving.knative.dev/v1 was served when its running pod started: otherwise a Knative-mode
 * InferenceService gets the Warning event ServerlessModeRejected, Unknown conditions and no
 * Knative Service, until the controller restarts.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, clone, obj } from '../util.js';
import type { Client } from './client.js';
import { type Condition, condition, conditionTrue, deploymentAvailable, findDeployment, fresh, labelsMatch, ownerRef, podProblem, podReady, setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface KServeOptions {
  controllerDeployment?: string;
  /** Namespace of the controller and its inferenceservice-config ConfigMap. */
  namespace?: string;
  ingressDomain?: string;
}

const API = 'serving.kserve.io/v1beta1';
const POD_SPEC_FIELDS = new Set([
  'affinity', 'automountServiceAccountToken', 'dnsConfig', 'dnsPolicy', 'hostAliases', 'hostIPC', 'hostNetwork', 'hostPID',
  'imagePullSecrets', 'initContainers', 'nodeName', 'nodeSelector', 'priorityClassName', 'runtimeClassName', 'schedulerName',
  'securityContext', 'serviceAccountName', 'terminationGracePeriodSeconds', 'tolerations', 'topologySpreadConstraints', 'volumes',
]);
const KSVC = 'serving.knative.dev/v1';
const IMAGES: Record<string, string> = {
  huggingface: 'kserve/huggingfaceserver:v0.20.0',
  sklearn: 'kserve/sklearnserver:v0.20.0',
  xgboost: 'kserve/xgbserver:v0.20.0',
  vllm: 'kserve/huggingfaceserver:v0.20.0',
};

export class KServeController implements Controller {
  readonly name = 'kserve';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly deployment: string;
  private readonly ns: string;
  private readonly domainOverride?: string;
  /** Per controller pod: whether Knative Services were served when it started. */
  private readonly knativeAtStart = new Map<string, boolean>();
  /** The pod doing the work (leader election: the one holding the lease until it goes). */
  private leader?: string;

  constructor(opts: KServeOptions = {}) {
    this.deployment = opts.controllerDeployment ?? 'kserve-controller-manager';
    this.ns = opts.namespace ?? 'kserve';
    this.domainOverride = opts.ingressDomain;
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kserve-controller-manager');
    this.resync();
  }

  resync(): void {
    for (const i of this.client.list(API, 'InferenceService')) this.reconcile(i);
  }

  onEvent(e: StoreEvent): void {
    const o = e.object;
    if (e.storageKey === '/pods' && this.observeControllerPod(e)) return this.resync();
    if (e.storageKey === 'serving.kserve.io/inferenceservices' && e.type !== 'DELETED') return this.reconcile(o);
    if (e.storageKey === 'apps/deployments' && o.metadata.name === this.deployment) return this.resync();
    const isvc = o.metadata.labels?.['serving.kserve.io/inferenceservice'];
    if (isvc && ['apps/deployments', '/pods', 'serving.knative.dev/services'].includes(e.storageKey)) {
      const i = this.client.get(API, 'InferenceService', o.metadata.namespace, isvc);
      if (i) this.reconcile(i);
    }
  }

  /** Records what a controller pod saw at start; true when the leader changed (a new process lists everything). */
  private observeControllerPod(e: StoreEvent): boolean {
    const d = findDeployment(this.client, this.deployment, e.object.metadata.namespace);
    const selector = obj(obj(obj(d?.spec).selector).matchLabels) as Record<string, string>;
    if (!d || !Object.keys(selector).length || !labelsMatch(selector, e.object.metadata.labels)) return false;
    const uid = String(e.object.metadata.uid);
    if (e.type === 'DELETED') this.knativeAtStart.delete(uid);
    else if (!this.knativeAtStart.has(uid) && obj(e.object.status).phase === 'Running') this.knativeAtStart.set(uid, !!this.client.rt(KSVC, 'Service'));
    const pods = this.client.list('v1', 'Pod', d.metadata.namespace, Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(','));
    const serving = (uid?: string) => pods.some((p) => p.metadata.uid === uid && podReady(p));
    if (serving(this.leader)) return false;
    const next = pods.find((p) => podReady(p) && this.knativeAtStart.has(String(p.metadata.uid)))?.metadata.uid as string | undefined;
    if (next === this.leader) return false;
    this.leader = next;
    return !!next;
  }

  private knownKnative(): boolean {
    return !!this.leader && this.knativeAtStart.get(this.leader) === true;
  }

  private config(): { mode: string; domain: string } {
    const cm = this.client.get('v1', 'ConfigMap', this.ns, 'inferenceservice-config');
    const data = obj(obj(cm).data);
    const mode = /"defaultDeploymentMode"\s*:\s*"(\w+)"/.exec(String(data.deploy ?? ''))?.[1] ?? 'Serverless';
    const domain = this.domainOverride ?? /"ingressDomain"\s*:\s*"([^"]+)"/.exec(String(data.ingress ?? ''))?.[1] ?? 'example.com';
    return { mode, domain };
  }

  private reconcile(eventIsvc: K8sObject): void {
    const isvc = fresh(this.ctx, eventIsvc);
    if (!isvc) return;
    if (isvc.metadata.deletionTimestamp) return;
    const controller = findDeployment(this.client, this.deployment);
    if (!deploymentAvailable(controller)) return;
    const ns = isvc.metadata.namespace!;
    const name = isvc.metadata.name;
    const cfg = this.config();
    const mode = isvc.metadata.annotations?.['serving.kserve.io/deploymentMode'] ?? cfg.mode;
    const raw = mode === 'RawDeployment' || mode === 'Standard';
    if (!raw && !this.knownKnative()) return this.rejectKnative(isvc);
    const predictorName = `${name}-predictor`;
    const labels = { 'serving.kserve.io/inferenceservice': name, component: 'predictor', app: `isvc.${predictorName}` };
    const podSpec = this.predictorPodSpec(isvc);
    let ready = false;
    let problem: { reason: string; message: string } | undefined;
    // KServe's PropagateModelStatus: only a failed or crash-looping container is a failed load; a pod
    // that cannot be scheduled, pulled or configured leaves the model Pending.
    let loadFailed: { message: string; exitCode?: number } | undefined;
    if (raw) {
      this.client.ensure({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: predictorName, namespace: ns, labels, ownerReferences: [ownerRef(isvc)] },
        spec: { replicas: Number(obj(obj(isvc.spec).predictor).minReplicas ?? 1) || 1, selector: { matchLabels: { app: labels.app } }, template: { metadata: { labels }, spec: podSpec } },
      });
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: predictorName, namespace: ns, labels, ownerReferences: [ownerRef(isvc)] },
        spec: { selector: { app: labels.app }, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }] },
      });
      ready = deploymentAvailable(this.client.get('apps/v1', 'Deployment', ns, predictorName));
    } else {
      this.client.ensure({
        apiVersion: KSVC,
        kind: 'Service',
        metadata: { name: predictorName, namespace: ns, labels, ownerReferences: [ownerRef(isvc)] },
        spec: { template: { metadata: { labels }, spec: podSpec } },
      });
      const ksvc = this.client.get(KSVC, 'Service', ns, predictorName);
      ready = conditionTrue(ksvc, 'Ready');
    }
    const pods = this.client.list('v1', 'Pod', ns, `serving.kserve.io/inferenceservice=${name}`);
    const rule = this.ctx.scripts.match(isvc);
    if (rule?.outcome === 'fail') {
      problem = { reason: rule.reason ?? 'ModelLoadFailed', message: rule.message ?? 'simulated model load failure' };
      loadFailed = { message: problem.message };
    } else {
      problem = pods.map(podProblem).find((p) => p);
      loadFailed = pods.map(failedLoad).find((f) => f);
    }
    if (problem) ready = false;
    const stuck = rule?.outcome === 'stuck';
    if (stuck) ready = false;

    const url = raw ? `http://${name}-${ns}.${cfg.domain}` : `http://${name}.${ns}.${cfg.domain}`;
    const gen = Number(isvc.metadata.generation);
    const predictor: Condition = ready
      ? { type: 'PredictorReady', status: 'True' }
      : problem
        ? { type: 'PredictorReady', status: 'False', reason: problem.reason, message: problem.message }
        : { type: 'PredictorReady', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' };
    const types = raw ? ['IngressReady', 'PredictorReady', 'Ready'] : ['IngressReady', 'LatestDeploymentReady', 'PredictorConfigurationReady', 'PredictorReady', 'PredictorRouteReady', 'Ready'];
    let conditions = arr(obj(isvc.status).conditions);
    for (const t of types) {
      const c: Condition = t === 'PredictorReady' ? predictor : { ...predictor, type: t };
      if (t === 'IngressReady' && !ready) Object.assign(c, { status: 'False', reason: 'PredictorNotReady', message: 'Predictor ingress not created' });
      conditions = setCondition(conditions, c);
    }
    this.client.patchStatus(isvc, {
      observedGeneration: gen,
      deploymentMode: raw ? 'Standard' : 'Knative',
      url: ready ? url : (obj(isvc.status).url ?? null),
      address: ready ? { url: `http://${predictorName}.${ns}.svc.cluster.local` } : (obj(isvc.status).address ?? null),
      components: { predictor: ready ? { url: raw ? `http://${predictorName}-${ns}.${cfg.domain}` : `http://${predictorName}.${ns}.${cfg.domain}`, latestCreatedRevision: `${predictorName}-00001`, latestReadyRevision: `${predictorName}-00001` } : { latestCreatedRevision: `${predictorName}-00001` } },
      conditions,
      modelStatus: ready
        ? { states: { activeModelState: 'Loaded', targetModelState: 'Loaded' }, transitionStatus: 'UpToDate', copies: { failedCopies: 0, totalCopies: 1 } }
        : problem && loadFailed
          ? { states: { activeModelState: '', targetModelState: 'FailedToLoad' }, transitionStatus: 'BlockedByFailedLoad', lastFailureInfo: { reason: 'ModelLoadFailed', ...loadFailed }, copies: { failedCopies: 1, totalCopies: 1 } }
          : { states: { activeModelState: 'Pending', targetModelState: 'Loaded' }, transitionStatus: 'InProgress', copies: { failedCopies: 0 } },
    });
  }

  /** v0.20 controller.go: an event, initialised (Unknown) conditions, no Knative Service, no requeue. */
  private rejectKnative(isvc: K8sObject): void {
    const status = obj(isvc.status);
    if (status.deploymentMode === 'Knative' && arr(status.conditions).length) return;
    this.ctx.events.record(isvc, 'Warning', 'ServerlessModeRejected', 'It is not possible to use Knative deployment mode when Knative Services are not available', 'v1beta1Controllers');
    let conditions = arr(status.conditions);
    for (const type of ['IngressReady', 'PredictorReady', 'Ready']) if (!condition(isvc, type)) conditions = setCondition(conditions, { type, status: 'Unknown' });
    this.client.patchStatus(isvc, { deploymentMode: 'Knative', conditions });
  }

  private predictorPodSpec(isvc: K8sObject): Record<string, unknown> {
    const predictor = obj(obj(isvc.spec).predictor);
    // The predictor inlines a PodSpec: scheduling fields (GPU tolerations, nodeSelector...) reach the pods.
    const podFields = Object.fromEntries(Object.entries(predictor).filter(([k]) => POD_SPEC_FIELDS.has(k)).map(([k, v]) => [k, clone(v)]));
    const containers = arr(predictor.containers).map((c) => clone(obj(c)));
    if (containers.length) {
      containers[0].name = containers[0].name ?? 'kserve-container';
      return { ...podFields, containers };
    }
    const model = obj(predictor.model);
    const format = String(obj(model.modelFormat).name ?? 'custom');
    const container: Record<string, unknown> = {
      name: 'kserve-container',
      image: IMAGES[format] ?? `kserve/${format}server:v0.20.0`,
      args: [`--model_name=${isvc.metadata.name}`, ...(model.storageUri ? [`--model_dir=/mnt/models`] : []), ...arr(model.args).map(String)],
      ports: [{ name: 'http1', containerPort: 8080, protocol: 'TCP' }],
    };
    if (model.resources) container.resources = model.resources;
    if (model.env) container.env = model.env;
    return { ...podFields, containers: [container] };
  }
}

/** A serving container that exited with an error or crash-loops, with what it said (lastFailureInfo). */
function failedLoad(pod: K8sObject): { message: string; exitCode?: number } | undefined {
  for (const c of arr(obj(pod.status).containerStatuses).map(obj)) {
    const terminated = obj(obj(c.state).terminated);
    const last = obj(obj(c.lastState).terminated);
    if (terminated.reason === 'Error') return { message: String(terminated.message ?? ''), exitCode: Number(terminated.exitCode ?? 1) };
    if (obj(obj(c.state).waiting).reason === 'CrashLoopBackOff') return { message: String(last.message ?? ''), exitCode: Number(last.exitCode ?? 1) };
  }
  return undefined;
}
