/**
 * Admission: namespace lifecycle (content needs an existing, non-terminating namespace), the
 * ServiceAccount plugin (a pod's service account must exist) and admission webhooks. Webhook configurations applied to the simulator are honoured the way the
 * apiserver does: a matching webhook whose Service has no ready endpoints fails the request with
 * the real "failed calling webhook" error unless failurePolicy is Ignore. Controllers can also
 * register built-in webhooks (CNPG's) for installs that do not ship a configuration object.
 */
import type { K8sObject } from '../core/object.js';
import { ApiError, forbidden, internalError, notFound } from './errors.js';
import type { ResourceType } from './resources.js';
import type { Scripts } from './scripts.js';
import { matchesLabels, selectorFromObject } from './selectors.js';
import type { Store } from './store.js';
import { arr, isObj, obj } from './util.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionRequest {
  operation: Operation;
  rt: ResourceType;
  namespace?: string;
  name: string;
  subresource?: string;
  /** generateName when the client asked for a generated name: admission errors name the prefix. */
  generateName?: string;
  object?: K8sObject;
  oldObject?: K8sObject;
  dryRun: boolean;
}

export interface BuiltinWebhook {
  /** The webhook's name as it appears in errors ("mcluster.cnpg.io"). */
  name: string;
  type: 'mutating' | 'validating';
  matches(req: AdmissionRequest): boolean;
  /** The URL the apiserver would POST to (appears in the error). */
  url: string;
  /** Why the call fails right now ("no endpoints available for service ..."), or undefined when serving. */
  unavailable(): string | undefined;
  mutate?(object: K8sObject, req: AdmissionRequest): void;
  /** A denial message, or undefined to allow. */
  validate?(req: AdmissionRequest): string | undefined;
}

const WEBHOOK_CONFIG_KINDS = new Set(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);

export class Admission {
  readonly builtinWebhooks: BuiltinWebhook[] = [];
  /**
   * Creates a namespace's `default` ServiceAccount on demand; set by the controller that owns them.
   * The real plugin retries the lookup of `default` for about a second while that controller catches
   * up with a new namespace, so a pod created right after its namespace still finds it.
   */
  defaultServiceAccount?: (namespace: string) => boolean;

  constructor(
    private readonly store: Store,
    private readonly scripts: Scripts,
  ) {}

  /** NamespaceLifecycle: runs first, as in the apiserver's plugin order. */
  namespaceLifecycle(req: AdmissionRequest): void {
    if (!req.rt.namespaced || !req.namespace || req.operation !== 'CREATE') return;
    const ns = this.store.peek('/namespaces', undefined, req.namespace);
    if (!ns) throw notFound({ group: '', plural: 'namespaces' }, req.namespace);
    if (ns.metadata.deletionTimestamp || obj(ns.status).phase === 'Terminating') {
      // Events are still accepted so controllers can report on the teardown.
      if (req.rt.kind === 'Event') return;
      throw forbidden(req.rt, req.name, `unable to create new content in namespace ${req.namespace} because it is being terminated`, [
        { reason: 'NamespaceTerminating', message: `namespace ${req.namespace} is being terminated`, field: 'metadata.namespace' },
      ]);
    }
  }

  /** The ServiceAccount plugin (runs after NamespaceLifecycle): refuses pods whose service account does not exist. */
  serviceAccount(req: AdmissionRequest): void {
    if (req.rt.kind !== 'Pod' || req.rt.group !== '' || req.operation !== 'CREATE' || req.subresource || !req.object || !req.namespace) return;
    if (req.object.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined) return;
    const name = String(obj(req.object.spec).serviceAccountName || 'default');
    if (this.store.peek('/serviceaccounts', req.namespace, name)) return;
    if (name === 'default' && this.defaultServiceAccount?.(req.namespace)) return;
    throw forbidden(req.rt, req.generateName ?? req.name, `error looking up service account ${req.namespace}/${name}: serviceaccount "${name}" not found`);
  }

  /** Runs mutating then validating webhooks; mutating ones may change req.object. */
  webhooks(req: AdmissionRequest, phase: 'mutating' | 'validating'): void {
    if (WEBHOOK_CONFIG_KINDS.has(req.rt.kind)) return;
    const configKind = phase === 'mutating' ? 'admissionregistration.k8s.io/mutatingwebhookconfigurations' : 'admissionregistration.k8s.io/validatingwebhookconfigurations';
    const configured = new Set<string>();
    for (const cfg of this.store.scan(configKind)) {
      for (const w of arr((cfg as Record<string, unknown>).webhooks)) {
        if (!isObj(w)) continue;
        const name = String(w.name);
        configured.add(name);
        if (!this.webhookMatches(w, req)) continue;
        const failure = this.scriptedFailure(name) ?? this.serviceProblem(w);
        if (failure && w.failurePolicy !== 'Ignore') throw callFailed(name, webhookUrl(w), failure);
      }
    }
    for (const b of this.builtinWebhooks) {
      if (b.type !== phase || configured.has(b.name) || !b.matches(req)) continue;
      const failure = this.scriptedFailure(b.name) ?? b.unavailable();
      if (failure) throw callFailed(b.name, b.url, failure);
      if (phase === 'mutating' && req.object && b.mutate) b.mutate(req.object, req);
      if (phase === 'validating' && b.validate) {
        const denial = b.validate(req);
        if (denial) throw new ApiError(400, 'BadRequest', `admission webhook "${b.name}" denied the request: ${denial}`);
      }
    }
  }

  private scriptedFailure(name: string): string | undefined {
    return this.scripts.webhookFailure(name);
  }

  private webhookMatches(w: Record<string, unknown>, req: AdmissionRequest): boolean {
    const resource = req.subresource ? `${req.rt.plural}/${req.subresource}` : req.rt.plural;
    const ruleOk = arr(w.rules).some((r) => {
      if (!isObj(r)) return false;
      const ops = arr(r.operations).map(String);
      const groups = arr(r.apiGroups).map(String);
      const versions = arr(r.apiVersions).map(String);
      const resources = arr(r.resources).map(String);
      const scope = String(r.scope ?? '*');
      if (!ops.includes('*') && !ops.includes(req.operation)) return false;
      if (!groups.includes('*') && !groups.includes(req.rt.group)) return false;
      if (w.matchPolicy === 'Exact' && !versions.includes('*') && !versions.includes(req.rt.version)) return false;
      const resOk = resources.some((x) => x === '*/*' || x === resource || (x === '*' && !req.subresource) || (x === `${req.rt.plural}/*` && !!req.subresource) || (x === `*/${req.subresource}` && !!req.subresource));
      if (!resOk) return false;
      if (scope === 'Cluster' && req.rt.namespaced) return false;
      if (scope === 'Namespaced' && !req.rt.namespaced) return false;
      return true;
    });
    if (!ruleOk) return false;
    const subject = req.object ?? req.oldObject;
    if (isObj(w.objectSelector) && !matchesLabels(selectorFromObject(w.objectSelector), subject?.metadata.labels)) return false;
    if (isObj(w.namespaceSelector) && Object.keys(w.namespaceSelector).length) {
      const nsLabels = req.rt.kind === 'Namespace' ? subject?.metadata.labels : req.namespace ? this.store.peek('/namespaces', undefined, req.namespace)?.metadata.labels : undefined;
      if (req.rt.namespaced || req.rt.kind === 'Namespace') {
        if (!matchesLabels(selectorFromObject(w.namespaceSelector), nsLabels)) return false;
      }
    }
    return true;
  }

  /** A service-backed webhook answers only when its Service has a ready endpoint. */
  private serviceProblem(w: Record<string, unknown>): string | undefined {
    const svcRef = obj(obj(w.clientConfig).service);
    if (!svcRef.name) return undefined;
    return serviceEndpointProblem(this.store, String(svcRef.namespace ?? 'default'), String(svcRef.name));
  }
}

export function serviceEndpointProblem(store: Store, namespace: string, name: string): string | undefined {
  const svc = store.peek('/services', namespace, name);
  if (!svc) return `service "${name}" not found`;
  const slices = store.scan('discovery.k8s.io/endpointslices', namespace).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === name);
  const ready = slices.some((s) => arr((s as Record<string, unknown>).endpoints).some((e) => isObj(e) && obj(e.conditions).ready === true));
  return ready ? undefined : `no endpoints available for service "${name}"`;
}

export function webhookUrl(w: Record<string, unknown>): string {
  const cc = obj(w.clientConfig);
  if (typeof cc.url === 'string') return cc.url;
  const svc = obj(cc.service);
  const timeout = typeof w.timeoutSeconds === 'number' ? w.timeoutSeconds : 10;
  return `https://${svc.name}.${svc.namespace}.svc:${svc.port ?? 443}${svc.path ?? ''}?timeout=${timeout}s`;
}

function callFailed(name: string, url: string, why: string): ApiError {
  return internalError(`failed calling webhook "${name}": failed to call webhook: Post "${url}": ${why}`);
}
