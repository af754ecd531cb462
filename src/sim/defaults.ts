/**
 * Defaulting for built-in kinds: the fields the apiserver fills in that show up in `-o yaml` and
 * that controllers and readiness checks rely on (Deployment strategy, Service clusterIP and
 * targetPort, Job selector, Secret stringData folding...). Not every default, only those a deploy
 * tool can observe.
 */
import type { K8sObject } from '../core/object.js';
import { clone, ensurePath, isObj, obj } from './util.js';

export interface DefaultingContext {
  create: boolean;
  old?: K8sObject;
  allocateClusterIP(): string;
  allocateNodePort(): number;
  defaultStorageClass(): string | undefined;
}

type O = Record<string, any>;

function setDefault(o: O, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = clone(value);
}

function defaultContainer(c: O): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  if (c.imagePullPolicy === undefined && typeof c.image === 'string') {
    const tagged = /:[^/]+$/.test(c.image.replace(/@.*$/, '')) || c.image.includes('@');
    c.imagePullPolicy = !tagged || /:latest$/.test(c.image) ? 'Always' : 'IfNotPresent';
  }
  setDefault(c, 'resources', {});
  for (const p of Array.isArray(c.ports) ? c.ports : []) if (isObj(p)) setDefault(p, 'protocol', 'TCP');
  for (const e of Array.isArray(c.env) ? c.env : []) {
    if (isObj(e) && isObj(e.valueFrom) && isObj(e.valueFrom.fieldRef)) setDefault(e.valueFrom.fieldRef, 'apiVersion', 'v1');
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    const p = c[probe];
    if (!isObj(p)) continue;
    setDefault(p, 'timeoutSeconds', 1);
    setDefault(p, 'periodSeconds', 10);
    setDefault(p, 'successThreshold', 1);
    setDefault(p, 'failureThreshold', 3);
    if (isObj(p.httpGet)) setDefault(p.httpGet, 'scheme', 'HTTP');
  }
}

export function defaultPodSpec(spec: O, opts: { pod: boolean; restartPolicy?: string }): void {
  setDefault(spec, 'restartPolicy', opts.restartPolicy ?? 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  setDefault(spec, 'securityContext', {});
  for (const list of ['containers', 'initContainers']) {
    for (const c of Array.isArray(spec[list]) ? spec[list] : []) if (isObj(c)) defaultContainer(c);
  }
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
    if (!isObj(v)) continue;
    if (isObj(v.secret)) setDefault(v.secret, 'defaultMode', 420);
    if (isObj(v.configMap)) setDefault(v.configMap, 'defaultMode', 420);
  }
  if (opts.pod) {
    // SetDefaults_Pod: a limit without a request is also the request (the scheduler counts it).
    for (const list of ['containers', 'initContainers']) {
      for (const c of Array.isArray(spec[list]) ? spec[list] : []) {
        if (!isObj(c) || !isObj(c.resources) || !isObj(c.resources.limits)) continue;
        const requests = (isObj(c.resources.requests) ? c.resources.requests : {}) as O;
        for (const [k, v] of Object.entries(c.resources.limits)) if (requests[k] === undefined) requests[k] = v;
        c.resources.requests = requests;
      }
    }
    setDefault(spec, 'serviceAccountName', spec.serviceAccount ?? 'default');
    setDefault(spec, 'serviceAccount', spec.serviceAccountName);
    setDefault(spec, 'enableServiceLinks', true);
    setDefault(spec, 'priority', 0);
    setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
    // The DefaultTolerationSeconds admission plugin adds these to every pod.
    const tol: O[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tol.some((t) => t.key === key)) tol.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    spec.tolerations = tol;
  }
}

function templateSpec(o: O): O | undefined {
  const t = o.spec?.template;
  return isObj(t) ? (ensurePath(t, ['spec']) as O) : undefined;
}

export function applyBuiltinDefaults(o: K8sObject, ctx: DefaultingContext): void {
  const x = o as unknown as O;
  const spec = (isObj(x.spec) ? x.spec : undefined) as O | undefined;
  switch (o.kind) {
    case 'Pod':
      if (spec) defaultPodSpec(spec, { pod: true });
      if (ctx.create) {
        x.status = { phase: 'Pending', qosClass: qosClass(spec) };
      }
      break;
    case 'Deployment':
      if (!spec) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'strategy', {});
      setDefault(spec.strategy, 'type', 'RollingUpdate');
      if (spec.strategy.type === 'RollingUpdate') {
        setDefault(spec.strategy, 'rollingUpdate', {});
        setDefault(spec.strategy.rollingUpdate, 'maxUnavailable', '25%');
        setDefault(spec.strategy.rollingUpdate, 'maxSurge', '25%');
      }
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'progressDeadlineSeconds', 600);
      if (templateSpec(x)) defaultPodSpec(templateSpec(x)!, { pod: false });
      break;
    case 'ReplicaSet':
      if (!spec) break;
      setDefault(spec, 'replicas', 1);
      if (templateSpec(x)) defaultPodSpec(templateSpec(x)!, { pod: false });
      break;
    case 'StatefulSet':
      if (!spec) break;
      setDefault(spec, 'replicas', 1);
      setDefault(spec, 'podManagementPolicy', 'OrderedReady');
      setDefault(spec, 'updateStrategy', {});
      setDefault(spec.updateStrategy, 'type', 'RollingUpdate');
      if (spec.updateStrategy.type === 'RollingUpdate') {
        setDefault(spec.updateStrategy, 'rollingUpdate', {});
        setDefault(spec.updateStrategy.rollingUpdate, 'partition', 0);
      }
      setDefault(spec, 'revisionHistoryLimit', 10);
      setDefault(spec, 'persistentVolumeClaimRetentionPolicy', { whenDeleted: 'Retain', whenScaled: 'Retain' });
      for (const t of Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []) {
        if (!isObj(t)) continue;
        setDefault(t, 'apiVersion', 'v1');
        setDefault(t, 'kind', 'PersistentVolumeClaim');
        if (isObj(t.spec)) setDefault(t.spec, 'volumeMode', 'Filesystem');
        setDefault(t, 'status', { phase: 'Pending' });
      }
      if (templateSpec(x)) defaultPodSpec(templateSpec(x)!, { pod: false });
      break;
    case 'DaemonSet':
      if (!spec) break;
      setDefault(spec, 'updateStrategy', {});
      setDefault(spec.updateStrategy, 'type', 'RollingUpdate');
      if (spec.updateStrategy.type === 'RollingUpdate') {
        setDefault(spec.updateStrategy, 'rollingUpdate', {});
        setDefault(spec.updateStrategy.rollingUpdate, 'maxUnavailable', 1);
        setDefault(spec.updateStrategy.rollingUpdate, 'maxSurge', 0);
      }
      setDefault(spec, 'revisionHistoryLimit', 10);
      if (templateSpec(x)) defaultPodSpec(templateSpec(x)!, { pod: false });
      break;
    case 'Job':
      if (!spec) break;
      defaultJobSpec(o, spec, ctx);
      break;
    case 'CronJob':
      if (!spec) break;
      setDefault(spec, 'concurrencyPolicy', 'Allow');
      setDefault(spec, 'suspend', false);
      setDefault(spec, 'successfulJobsHistoryLimit', 3);
      setDefault(spec, 'failedJobsHistoryLimit', 1);
      if (isObj(spec.jobTemplate?.spec?.template)) {
        const js = spec.jobTemplate.spec;
        setDefault(js, 'backoffLimit', 6);
        setDefault(js, 'completionMode', 'NonIndexed');
        setDefault(js, 'suspend', false);
        defaultPodSpec(ensurePath(js.template, ['spec']) as O, { pod: false, restartPolicy: js.template.spec?.restartPolicy });
      }
      break;
    case 'Service':
      defaultService(o, x, ctx);
      break;
    case 'Secret':
      setDefault(x, 'type', 'Opaque');
      if (isObj(x.stringData)) {
        const data = (x.data ?? {}) as O;
        for (const [k, v] of Object.entries(x.stringData)) data[k] = Buffer.from(String(v)).toString('base64');
        x.data = data;
        delete x.stringData;
      }
      break;
    case 'Namespace':
      ensurePath(x, ['metadata', 'labels'])['kubernetes.io/metadata.name'] = o.metadata.name;
      if (ctx.create) {
        x.spec = { finalizers: ['kubernetes'], ...(isObj(x.spec) ? x.spec : {}) };
        x.status = { phase: 'Active' };
      }
      break;
    case 'PersistentVolumeClaim':
      if (!spec) break;
      setDefault(spec, 'volumeMode', 'Filesystem');
      if (ctx.create && spec.storageClassName === undefined) {
        const sc = ctx.defaultStorageClass();
        if (sc) spec.storageClassName = sc;
      }
      if (ctx.create) {
        x.status = { phase: 'Pending' };
        // The StorageObjectInUseProtection admission plugin: a claim in use cannot vanish.
        const fins = Array.isArray(x.metadata.finalizers) ? x.metadata.finalizers : [];
        if (!fins.includes('kubernetes.io/pvc-protection')) x.metadata.finalizers = [...fins, 'kubernetes.io/pvc-protection'];
      }
      break;
    case 'CustomResourceDefinition':
      if (!spec) break;
      setDefault(spec, 'conversion', { strategy: 'None' });
      if (isObj(spec.names)) {
        setDefault(spec.names, 'singular', String(spec.names.kind ?? '').toLowerCase());
        setDefault(spec.names, 'listKind', `${spec.names.kind}List`);
      }
      recordStoredVersion(x, spec, ctx.create);
      break;
    case 'MutatingWebhookConfiguration':
    case 'ValidatingWebhookConfiguration':
      for (const w of Array.isArray(x.webhooks) ? x.webhooks : []) {
        if (!isObj(w)) continue;
        setDefault(w, 'failurePolicy', 'Fail');
        setDefault(w, 'matchPolicy', 'Equivalent');
        setDefault(w, 'namespaceSelector', {});
        setDefault(w, 'objectSelector', {});
        setDefault(w, 'timeoutSeconds', 10);
        if (o.kind === 'MutatingWebhookConfiguration') setDefault(w, 'reinvocationPolicy', 'Never');
        if (isObj(w.clientConfig) && isObj(w.clientConfig.service)) setDefault(w.clientConfig.service, 'port', 443);
        for (const r of Array.isArray(w.rules) ? w.rules : []) if (isObj(r)) setDefault(r, 'scope', '*');
      }
      break;
    default:
      break;
  }
}

/**
 * The CRD registry's PrepareForCreate/PrepareForUpdate: the storage version joins status.storedVersions
 * in the same write (validation then refuses a spec that drops a version still listed there).
 */
function recordStoredVersion(x: O, spec: O, create: boolean): void {
  const storage = (Array.isArray(spec.versions) ? spec.versions : []).find((v: unknown) => isObj(v) && v.storage === true);
  if (!storage) return;
  if (create) x.status = {};
  const status = ensurePath(x, ['status']) as O;
  const stored: string[] = Array.isArray(status.storedVersions) ? status.storedVersions : [];
  if (!stored.includes(storage.name)) status.storedVersions = [...stored, storage.name];
}

function defaultJobSpec(o: K8sObject, spec: O, ctx: DefaultingContext): void {
  setDefault(spec, 'parallelism', 1);
  if (spec.completions === undefined && spec.parallelism !== undefined) setDefault(spec, 'completions', 1);
  setDefault(spec, 'backoffLimit', 6);
  setDefault(spec, 'completionMode', 'NonIndexed');
  setDefault(spec, 'suspend', false);
  setDefault(spec, 'podReplacementPolicy', 'TerminatingOrFailed');
  setDefault(spec, 'manualSelector', undefined);
  if (spec.manualSelector === undefined) delete spec.manualSelector;
  if (ctx.create && !spec.manualSelector) {
    // The Job registry generates a selector on the controller-uid and labels the template with it.
    const uid = String(o.metadata.uid);
    spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    const labels = ensurePath(spec, ['template', 'metadata', 'labels']);
    labels['batch.kubernetes.io/controller-uid'] = uid;
    labels['batch.kubernetes.io/job-name'] = o.metadata.name;
    labels['controller-uid'] = uid;
    labels['job-name'] = o.metadata.name;
  }
  const ts = templateSpec(o as unknown as O);
  if (ts) defaultPodSpec(ts, { pod: false, restartPolicy: ts.restartPolicy ?? '' });
  if (ts && ts.restartPolicy === '') delete ts.restartPolicy;
}

function defaultService(o: K8sObject, x: O, ctx: DefaultingContext): void {
  const spec = ensurePath(x, ['spec']) as O;
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  const old = ctx.old ? (obj(ctx.old.spec) as O) : undefined;
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isObj(p)) continue;
    setDefault(p, 'protocol', 'TCP');
    setDefault(p, 'targetPort', p.port);
  }
  if (spec.type === 'ExternalName') return;
  // A write that omits clusterIP keeps the allocated one (the registry patches allocated values back).
  if ((spec.clusterIP === undefined || spec.clusterIP === '') && old?.clusterIP) {
    spec.clusterIP = old.clusterIP;
    spec.clusterIPs = old.clusterIPs;
  }
  if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = ctx.allocateClusterIP();
  if (spec.clusterIPs === undefined) spec.clusterIPs = [spec.clusterIP];
  setDefault(spec, 'ipFamilies', ['IPv4']);
  setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    setDefault(spec, 'externalTrafficPolicy', 'Cluster');
    if (spec.type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
    const oldPorts: O[] = Array.isArray(old?.ports) ? old!.ports : [];
    for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
      if (!isObj(p) || p.nodePort) continue;
      const prev = oldPorts.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === p.protocol);
      p.nodePort = prev?.nodePort ?? ctx.allocateNodePort();
    }
  }
  if (ctx.create) x.status = { loadBalancer: {} };
  void o;
}

function qosClass(spec: O | undefined): string {
  const containers: O[] = Array.isArray(spec?.containers) ? spec!.containers : [];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = obj(c.resources?.requests);
    const lim = obj(c.resources?.limits);
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) if (!lim[r] || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
