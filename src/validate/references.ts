import { describeObject, groupOf, isPlainObject, type K8sObject } from '../core/object.js';
import type { ProvidedRef } from './implied.js';
import { claimTemplateNames } from './names.js';
import { asArray, asRecord, containersOf, podTemplates, type PodTemplate } from './workloads.js';

export type { ProvidedRef } from './implied.js';

/**
 * Cross-object references: everything an object needs that must exist when it is applied, found either
 * among the rendered objects (same namespace unless the target is cluster-scoped) or among the refs the
 * caller says something else provides.
 */

export interface ReferenceIssue {
  /** describeObject() of the referring object. */
  object: string;
  /** Where the reference is, inside the referring object. */
  path: string;
  message: string;
}

const CLUSTER_SCOPED = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'ClusterRole.rbac.authorization.k8s.io', 'ClusterRoleBinding.rbac.authorization.k8s.io',
  'CustomResourceDefinition.apiextensions.k8s.io', 'PriorityClass.scheduling.k8s.io', 'StorageClass.storage.k8s.io',
  'IngressClass.networking.k8s.io', 'RuntimeClass.node.k8s.io', 'ValidatingWebhookConfiguration.admissionregistration.k8s.io',
  'MutatingWebhookConfiguration.admissionregistration.k8s.io', 'GatewayClass.gateway.networking.k8s.io',
  'ClusterServingRuntime.serving.kserve.io', 'ClusterImageCatalog.postgresql.cnpg.io',
]);

/** Objects every cluster has, so references to them never need rendering. */
const ALWAYS_PRESENT: Array<(kind: string, name: string) => boolean> = [
  (k, n) => k === 'ServiceAccount' && n === 'default',
  (k, n) => k === 'Namespace' && ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(n),
  (k, n) => k === 'ClusterRole' && (n.startsWith('system:') || ['cluster-admin', 'admin', 'edit', 'view'].includes(n)),
  (k, n) => k === 'ClusterRoleBinding' && n.startsWith('system:'),
];

interface Target {
  kind: string;
  group: string;
  namespace: string;
  name: string;
}

class Index {
  private readonly objects = new Map<string, K8sObject>();
  constructor(private readonly all: K8sObject[], private readonly provided: ProvidedRef[]) {
    for (const o of all) this.objects.set(key(groupOf(o.apiVersion), o.kind, o.metadata?.namespace ?? '', o.metadata?.name), o);
  }

  grantsIn(ns: string): K8sObject[] {
    return this.all.filter((o) => o.kind === 'ReferenceGrant' && groupOf(o.apiVersion) === 'gateway.networking.k8s.io' && o.metadata?.namespace === ns);
  }

  providesKindIn(kind: string, ns: string): boolean {
    return this.provided.some((p) => p.kind === kind && (p.namespace === undefined || p.namespace === ns));
  }

  find(t: Target): K8sObject | undefined {
    const ns = isClusterScoped(t.kind, t.group) ? '' : t.namespace;
    return this.objects.get(key(t.group, t.kind, ns, t.name));
  }

  providedFor(t: Target): ProvidedRef[] {
    const clusterScoped = isClusterScoped(t.kind, t.group);
    return this.provided.filter(
      (p) => p.kind === t.kind && p.name === t.name && (clusterScoped || p.namespace === undefined || p.namespace === t.namespace),
    );
  }

  exists(t: Target): boolean {
    return ALWAYS_PRESENT.some((f) => f(t.kind, t.name)) || this.find(t) !== undefined || this.providedFor(t).length > 0;
  }
}

function key(group: string, kind: string, ns: string, name: string | undefined): string {
  return `${group}/${kind}/${ns}/${name ?? ''}`;
}

function isClusterScoped(kind: string, group: string): boolean {
  return CLUSTER_SCOPED.has(group ? `${kind}.${group}` : kind);
}

function show(t: Target): string {
  const where = isClusterScoped(t.kind, t.group) ? t.name : `${t.namespace}/${t.name}`;
  return `${t.kind}${t.group ? `.${t.group}` : ''} ${where}`;
}

export function checkReferences(objects: K8sObject[], provided: ProvidedRef[]): ReferenceIssue[] {
  const index = new Index(objects, provided);
  const issues: ReferenceIssue[] = [];
  const pods = podLabelSets(objects, provided);
  for (const obj of objects) {
    const c = new Checker(obj, index, issues);
    c.namespace();
    for (const t of podTemplates(obj)) c.podSpec(t, claimTemplateNames(obj));
    c.inferenceService();
    c.ownSelector();
    c.rbac();
    c.gatewayApi();
    c.cnpg();
    c.gie();
    c.selectors(pods);
  }
  return issues;
}

class Checker {
  private readonly ns: string;
  private readonly group: string;
  private readonly spec: Record<string, unknown>;
  private readonly clusterScoped: boolean;

  constructor(private readonly obj: K8sObject, private readonly index: Index, private readonly issues: ReferenceIssue[]) {
    this.ns = obj.metadata?.namespace ?? '';
    this.group = groupOf(obj.apiVersion);
    this.spec = asRecord(obj.spec);
    this.clusterScoped = isClusterScoped(obj.kind, this.group);
  }

  private is(group: string, ...kinds: string[]): boolean {
    return this.group === group && kinds.includes(this.obj.kind);
  }

  private report(path: string, message: string): void {
    this.issues.push({ object: describeObject(this.obj), path, message });
  }

  /** Reports the target unless it exists; returns the rendered target when there is one. */
  private need(path: string, t: Target, what: string): K8sObject | undefined {
    if (!t.name) return undefined;
    const found = this.index.find(t);
    if (!found && !this.index.exists(t)) this.report(path, `${show(t)} is neither rendered nor provided (${what})`);
    return found;
  }

  /** Like need() for a Secret/ConfigMap key: the key must be in the rendered data or the provided key list. */
  private needKey(path: string, t: Target, dataKey: string | undefined, what: string): void {
    const found = this.need(path, t, what);
    if (dataKey === undefined || !this.index.exists(t)) return;
    let keys: string[] | undefined;
    if (found) {
      keys = ['data', 'stringData', 'binaryData'].flatMap((f) => Object.keys(asRecord(found[f])));
    } else {
      const lists = this.index.providedFor(t).map((p) => p.keys);
      if (lists.some((k) => k === undefined)) return;
      keys = lists.flatMap((k) => k ?? []);
    }
    if (!keys.includes(dataKey)) {
      const by = found ? 'rendered' : `provided by ${this.index.providedFor(t).map((p) => p.by).join(', ')}`;
      this.report(path, `${show(t)} (${by}) has no key "${dataKey}" (${what}); it has: ${keys.sort().join(', ') || 'no keys'}`);
    }
  }

  namespace(): void {
    if (this.ns) this.need('metadata.namespace', { kind: 'Namespace', group: '', namespace: '', name: this.ns }, 'the namespace of this object');
  }

  podSpec(t: PodTemplate, claims: Set<string>): void {
    // A ClusterServingRuntime's references resolve in each InferenceService's namespace, unknown here.
    if (this.clusterScoped) return;
    const secret = (name: unknown): Target => ({ kind: 'Secret', group: '', namespace: this.ns, name: String(name ?? '') });
    const configMap = (name: unknown): Target => ({ kind: 'ConfigMap', group: '', namespace: this.ns, name: String(name ?? '') });
    for (const { path, container } of containersOf(t)) {
      const cname = String(container.name ?? '?');
      asArray(container.env).forEach((e, i) => {
        const env = asRecord(e);
        const from = asRecord(env.valueFrom);
        const what = `env ${String(env.name)} of container "${cname}"`;
        const s = asRecord(from.secretKeyRef);
        if (s.name !== undefined && s.optional !== true) this.needKey(`${path}.env[${i}].valueFrom.secretKeyRef`, secret(s.name), stringOr(s.key), what);
        const m = asRecord(from.configMapKeyRef);
        if (m.name !== undefined && m.optional !== true) this.needKey(`${path}.env[${i}].valueFrom.configMapKeyRef`, configMap(m.name), stringOr(m.key), what);
      });
      asArray(container.envFrom).forEach((e, i) => {
        const ef = asRecord(e);
        const what = `envFrom of container "${cname}"`;
        const s = asRecord(ef.secretRef);
        if (s.name !== undefined && s.optional !== true) this.need(`${path}.envFrom[${i}].secretRef`, secret(s.name), what);
        const m = asRecord(ef.configMapRef);
        if (m.name !== undefined && m.optional !== true) this.need(`${path}.envFrom[${i}].configMapRef`, configMap(m.name), what);
      });
    }
    asArray(t.spec.volumes).forEach((v, i) => this.volume(asRecord(v), `${t.specPath}.volumes[${i}]`, claims, secret, configMap));
    const sa = t.spec.serviceAccountName ?? t.spec.serviceAccount;
    if (typeof sa === 'string' && sa !== '') {
      this.need(`${t.specPath}.serviceAccountName`, { kind: 'ServiceAccount', group: '', namespace: this.ns, name: sa }, 'the pods\' service account');
    }
    asArray(t.spec.imagePullSecrets).forEach((s, i) => {
      const name = asRecord(s).name;
      if (typeof name === 'string') this.need(`${t.specPath}.imagePullSecrets[${i}]`, secret(name), 'image pull secret');
    });
  }

  private volume(v: Record<string, unknown>, path: string, claims: Set<string>, secret: (n: unknown) => Target, configMap: (n: unknown) => Target): void {
    const what = `volume "${String(v.name)}"`;
    const s = asRecord(v.secret);
    if (s.secretName !== undefined && s.optional !== true) this.itemsKeys(`${path}.secret`, secret(s.secretName), s.items, what);
    const m = asRecord(v.configMap);
    if (m.name !== undefined && m.optional !== true) this.itemsKeys(`${path}.configMap`, configMap(m.name), m.items, what);
    asArray(asRecord(v.projected).sources).forEach((src, j) => {
      const ps = asRecord(asRecord(src).secret);
      if (ps.name !== undefined && ps.optional !== true) this.itemsKeys(`${path}.projected.sources[${j}].secret`, secret(ps.name), ps.items, what);
      const pm = asRecord(asRecord(src).configMap);
      if (pm.name !== undefined && pm.optional !== true) this.itemsKeys(`${path}.projected.sources[${j}].configMap`, configMap(pm.name), pm.items, what);
    });
    const claim = asRecord(v.persistentVolumeClaim).claimName;
    if (typeof claim === 'string' && !claims.has(String(v.name))) {
      this.need(`${path}.persistentVolumeClaim.claimName`, { kind: 'PersistentVolumeClaim', group: '', namespace: this.ns, name: claim }, what);
    }
  }

  private itemsKeys(path: string, t: Target, items: unknown, what: string): void {
    const keys = asArray(items).map((it) => asRecord(it).key).filter((k): k is string => typeof k === 'string');
    if (keys.length === 0) this.need(path, t, what);
    else keys.forEach((k, i) => this.needKey(`${path}.items[${i}].key`, t, k, what));
  }

  /** The predictor of an InferenceService is a PodSpec whose `model` is one more container. */
  inferenceService(): void {
    if (!this.is('serving.kserve.io', 'InferenceService')) return;
    const predictor = asRecord(this.spec.predictor);
    const model = asRecord(predictor.model);
    const containers = [...asArray(predictor.containers), ...(Object.keys(model).length ? [{ name: 'kserve-container', ...model }] : [])];
    this.podSpec({ specPath: 'spec.predictor', spec: { ...predictor, containers }, fullPodSpec: false }, new Set());
    const runtime = model.runtime;
    if (typeof runtime === 'string') {
      const ns: Target = { kind: 'ServingRuntime', group: 'serving.kserve.io', namespace: this.ns, name: runtime };
      const cluster: Target = { ...ns, kind: 'ClusterServingRuntime', namespace: '' };
      if (!this.index.exists(ns) && !this.index.exists(cluster)) {
        this.report('spec.predictor.model.runtime', `neither ServingRuntime ${this.ns}/${runtime} nor ClusterServingRuntime ${runtime} is rendered or provided (the model's runtime)`);
      }
    }
  }

  /** The apiserver rejects a workload whose selector does not select its own pod template. */
  ownSelector(): void {
    if (!(this.is('apps', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'))) return;
    const t = podTemplates(this.obj)[0];
    if (!t || !isPlainObject(this.spec.selector)) return;
    if (!selectorMatches(this.spec.selector, t.labels ?? {})) {
      this.report('spec.selector', `does not match the pod template labels (${labelText(t.labels)}): the apiserver rejects this`);
    }
  }

  rbac(): void {
    if (!this.is('rbac.authorization.k8s.io', 'RoleBinding', 'ClusterRoleBinding')) return;
    // Bindings keep roleRef and subjects at the top level, not under spec.
    const roleRef = asRecord(this.obj.roleRef);
    const kind = String(roleRef.kind ?? '');
    if (kind === 'Role' || kind === 'ClusterRole') {
      this.need('roleRef', { kind, group: 'rbac.authorization.k8s.io', namespace: this.ns, name: String(roleRef.name ?? '') }, 'the bound role');
    }
    asArray(this.obj.subjects).forEach((s, i) => {
      const subj = asRecord(s);
      if (subj.kind !== 'ServiceAccount') return;
      const ns = typeof subj.namespace === 'string' ? subj.namespace : this.ns;
      if (!ns) this.report(`subjects[${i}].namespace`, 'a ServiceAccount subject of a ClusterRoleBinding needs a namespace');
      else this.need(`subjects[${i}]`, { kind: 'ServiceAccount', group: '', namespace: ns, name: String(subj.name ?? '') }, 'a subject of this binding');
    });
  }

  gatewayApi(): void {
    const gw = 'gateway.networking.k8s.io';
    if (this.is(gw, 'HTTPRoute', 'GRPCRoute', 'TCPRoute', 'TLSRoute', 'UDPRoute')) this.route();
    if (this.is(gw, 'Gateway')) {
      this.need('spec.gatewayClassName', { kind: 'GatewayClass', group: gw, namespace: '', name: String(this.spec.gatewayClassName ?? '') }, 'the gateway class');
      const infra = asRecord(asRecord(this.spec.infrastructure).parametersRef);
      if (infra.name !== undefined) {
        this.need('spec.infrastructure.parametersRef', { kind: String(infra.kind), group: String(infra.group ?? ''), namespace: this.ns, name: String(infra.name) }, 'the gateway infrastructure parameters');
      }
      asArray(this.spec.listeners).forEach((l, i) => {
        asArray(asRecord(asRecord(l).tls).certificateRefs).forEach((r, j) => {
          const ref = asRecord(r);
          const t: Target = { kind: String(ref.kind ?? 'Secret'), group: String(ref.group ?? ''), namespace: String(ref.namespace ?? this.ns), name: String(ref.name ?? '') };
          this.need(`spec.listeners[${i}].tls.certificateRefs[${j}]`, t, `TLS certificate of listener ${String(asRecord(l).name)}`);
          this.grant(`spec.listeners[${i}].tls.certificateRefs[${j}]`, t);
        });
      });
    }
    if (this.is(gw, 'GatewayClass')) {
      const p = asRecord(this.spec.parametersRef);
      if (p.name !== undefined) {
        const t: Target = { kind: String(p.kind), group: String(p.group ?? ''), namespace: String(p.namespace ?? ''), name: String(p.name) };
        if (!t.namespace && !isClusterScoped(t.kind, t.group)) this.report('spec.parametersRef.namespace', `${t.kind} is namespaced, so parametersRef needs a namespace`);
        else this.need('spec.parametersRef', t, 'the gateway class parameters');
      }
    }
  }

  private route(): void {
    asArray(this.spec.parentRefs).forEach((r, i) => {
      const ref = asRecord(r);
      const group = String(ref.group ?? 'gateway.networking.k8s.io');
      const kind = String(ref.kind ?? 'Gateway');
      this.need(`spec.parentRefs[${i}]`, { kind, group, namespace: String(ref.namespace ?? this.ns), name: String(ref.name ?? '') }, 'a parent of this route');
    });
    asArray(this.spec.rules).forEach((rule, i) => {
      asArray(asRecord(rule).backendRefs).forEach((b, j) => {
        const ref = asRecord(b);
        const t: Target = { kind: String(ref.kind ?? 'Service'), group: String(ref.group ?? ''), namespace: String(ref.namespace ?? this.ns), name: String(ref.name ?? '') };
        const path = `spec.rules[${i}].backendRefs[${j}]`;
        this.need(path, t, 'a backend of this route');
        this.grant(path, t);
      });
    });
  }

  /** A reference into another namespace needs a ReferenceGrant there that allows it. */
  private grant(path: string, t: Target): void {
    if (t.namespace === this.ns || isClusterScoped(t.kind, t.group)) return;
    const grants = this.index.grantsIn(t.namespace);
    const ok = grants.some((g) => {
      const spec = asRecord(g.spec);
      const from = asArray(spec.from).some((f) => {
        const x = asRecord(f);
        return x.group === this.group && x.kind === this.obj.kind && x.namespace === this.ns;
      });
      const to = asArray(spec.to).some((x0) => {
        const x = asRecord(x0);
        return String(x.group ?? '') === t.group && x.kind === t.kind && (x.name === undefined || x.name === t.name);
      });
      return from && to;
    });
    if (!ok && !this.index.providesKindIn('ReferenceGrant', t.namespace)) {
      this.report(path, `refers to ${show(t)} in another namespace, but no ReferenceGrant in ${t.namespace} allows ${this.obj.kind} from ${this.ns}`);
    }
  }

  cnpg(): void {
    const g = 'postgresql.cnpg.io';
    const secret = (name: unknown): Target => ({ kind: 'Secret', group: '', namespace: this.ns, name: String(name ?? '') });
    if (this.is(g, 'Pooler')) {
      const cluster = asRecord(this.spec.cluster).name;
      this.need('spec.cluster.name', { kind: 'Cluster', group: g, namespace: this.ns, name: String(cluster ?? '') }, 'the pooled cluster');
      const auth = asRecord(asRecord(this.spec.pgbouncer).authQuerySecret).name;
      if (auth !== undefined) this.need('spec.pgbouncer.authQuerySecret', secret(auth), 'the auth query secret');
    }
    if (this.is(g, 'Cluster')) {
      const initdb = asRecord(asRecord(this.spec.bootstrap).initdb);
      const s = asRecord(initdb.secret).name;
      if (s !== undefined) this.needKey('spec.bootstrap.initdb.secret', secret(s), 'password', 'the application owner credentials');
      const su = asRecord(this.spec.superuserSecret).name;
      if (su !== undefined) this.needKey('spec.superuserSecret', secret(su), 'password', 'the superuser credentials');
      asArray(asRecord(this.spec.managed).roles).forEach((r, i) => {
        const p = asRecord(asRecord(r).passwordSecret).name;
        if (p !== undefined) this.needKey(`spec.managed.roles[${i}].passwordSecret`, secret(p), 'password', `password of role ${String(asRecord(r).name)}`);
      });
      const cat = asRecord(this.spec.imageCatalogRef);
      if (cat.name !== undefined) {
        this.need('spec.imageCatalogRef', { kind: String(cat.kind), group: g, namespace: this.ns, name: String(cat.name) }, 'the image catalog');
      }
    }
  }

  gie(): void {
    if (this.is('inference.networking.k8s.io', 'InferencePool')) {
      const epp = asRecord(this.spec.endpointPickerRef);
      if (epp.name !== undefined) {
        this.need('spec.endpointPickerRef', { kind: String(epp.kind ?? 'Service'), group: String(epp.group ?? ''), namespace: this.ns, name: String(epp.name) }, 'the endpoint picker');
      }
    }
    if (this.is('llm-d.ai', 'InferenceObjective', 'InferenceModelRewrite') || this.is('inference.networking.x-k8s.io', 'InferenceObjective', 'InferenceModelRewrite')) {
      const pool = asRecord(this.spec.poolRef);
      const t: Target = { kind: String(pool.kind ?? 'InferencePool'), group: String(pool.group ?? 'inference.networking.k8s.io'), namespace: this.ns, name: String(pool.name ?? '') };
      this.need('spec.poolRef', t, 'the inference pool');
    }
  }

  /** Selectors that pick pods must pick some: a Service or PDB selecting nothing is a silent outage. */
  selectors(pods: PodLabels[]): void {
    let selector: Record<string, unknown> | undefined;
    let path = '';
    if (this.obj.kind === 'Service' && this.group === '' && isPlainObject(this.spec.selector)) {
      selector = { matchLabels: this.spec.selector };
      path = 'spec.selector';
    } else if (this.is('policy', 'PodDisruptionBudget') && isPlainObject(this.spec.selector)) {
      selector = this.spec.selector;
      path = 'spec.selector';
    } else if (this.is('inference.networking.k8s.io', 'InferencePool') && isPlainObject(this.spec.selector)) {
      selector = this.spec.selector;
      path = 'spec.selector';
    }
    if (!selector || Object.keys(asRecord(selector.matchLabels)).length + asArray(selector.matchExpressions).length === 0) return;
    const here = pods.filter((p) => p.namespace === undefined || p.namespace === this.ns);
    if (!here.some((p) => selectorMatches(selector!, p.labels))) {
      this.report(path, `selects no pods: no rendered workload or provided Pod in ${this.ns} has labels matching ${selectorText(selector)}`);
    }
  }
}

interface PodLabels {
  namespace?: string;
  labels: Record<string, string>;
}

function podLabelSets(objects: K8sObject[], provided: ProvidedRef[]): PodLabels[] {
  const out: PodLabels[] = [];
  for (const o of objects) {
    for (const t of podTemplates(o)) if (t.labels) out.push({ namespace: o.metadata?.namespace, labels: t.labels });
  }
  for (const p of provided) if (p.kind === 'Pod' && p.labels) out.push({ namespace: p.namespace, labels: p.labels });
  return out;
}

export function selectorMatches(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(asRecord(selector.matchLabels))) if (labels[k] !== v) return false;
  for (const e of asArray(selector.matchExpressions)) {
    const { key: k, operator, values } = asRecord(e);
    const has = typeof k === 'string' && Object.prototype.hasOwnProperty.call(labels, k);
    const vals = asArray(values).map(String);
    const val = typeof k === 'string' ? labels[k] : undefined;
    if (operator === 'In' && !(has && vals.includes(String(val)))) return false;
    if (operator === 'NotIn' && has && vals.includes(String(val))) return false;
    if (operator === 'Exists' && !has) return false;
    if (operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function selectorText(s: Record<string, unknown>): string {
  const parts = Object.entries(asRecord(s.matchLabels)).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of asArray(s.matchExpressions)) {
    const x = asRecord(e);
    parts.push(`${String(x.key)} ${String(x.operator)}${x.values ? ` (${asArray(x.values).join(',')})` : ''}`);
  }
  return parts.join(', ');
}

function labelText(l: Record<string, string> | undefined): string {
  return Object.entries(l ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
}

function stringOr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
