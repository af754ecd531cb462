/**
 * Envoy Gateway, scripted: accepts GatewayClasses naming its controller once the envoy-gateway
 * Deployment is Available; for each Gateway of such a class runs an Envoy proxy Deployment and a
 * Service shaped by the EnvoyProxy in effect (the Gateway's infrastructure.parametersRef, else the
 * class's: envoyService.type, default LoadBalancer, and envoyService.name, default
 * envoy-<ns>-<gateway>-<hash>) and reports Accepted, then Programmed with the load balancer address
 * (or the ClusterIP); HTTPRoutes get status.parents with Accepted and ResolvedRefs (False with
 * BackendNotFound when a backend Service is missing).
 *
 * InferencePool backends (envoy-gateway-config.ts): Envoy Gateway reads its configuration when its
 * pod starts; a backendRef of kind InferencePool resolves only when that configuration lists
 * InferencePool under extensionManager.backendResources and Envoy AI Gateway's controller is
 * Available, otherwise ResolvedRefs=False, InvalidKind.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, obj, stableHash } from '../util.js';
import type { Client } from './client.js';
import { EnvoyGatewayConfigs, INFERENCE_POOL_GROUP, isAiGatewayController, poolBackendProblem } from './envoy-gateway-config.js';
import { conditionTrue, deploymentAvailable, findDeployment, fresh, setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface GatewayOptions {
  controllerName?: string;
  namespace?: string;
  deployment?: string;
  envoyImage?: string;
}

const GW = 'gateway.networking.k8s.io';
const API = `${GW}/v1`;

export class GatewayController implements Controller {
  readonly name = 'gateway';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly controllerName: string;
  private readonly ns: string;
  private readonly deployment: string;
  private readonly image: string;
  private configs!: EnvoyGatewayConfigs;

  constructor(opts: GatewayOptions = {}) {
    this.controllerName = opts.controllerName ?? 'gateway.envoyproxy.io/gatewayclass-controller';
    this.ns = opts.namespace ?? 'envoy-gateway-system';
    this.deployment = opts.deployment ?? 'envoy-gateway';
    this.image = opts.envoyImage ?? 'docker.io/envoyproxy/envoy:distroless-v1.36.0';
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('envoy-gateway');
    this.configs = new EnvoyGatewayConfigs(this.client, this.ns, this.deployment);
    this.resync();
  }

  resync(): void {
    for (const c of this.client.list(API, 'GatewayClass')) this.reconcileClass(c);
    for (const g of this.client.list(API, 'Gateway')) this.reconcileGateway(g);
    for (const r of this.client.list(API, 'HTTPRoute')) this.reconcileRoute(r);
  }

  onEvent(e: StoreEvent): void {
    const o = e.object;
    switch (e.storageKey) {
      case `${GW}/gatewayclasses`:
      case `${GW}/gateways`:
      case `${GW}/httproutes`:
        if (e.type === 'DELETED' && e.storageKey !== `${GW}/httproutes`) return this.resync();
        if (e.type === 'DELETED') return this.resyncGateways();
        if (e.storageKey.endsWith('gatewayclasses')) this.reconcileClass(o);
        else if (e.storageKey.endsWith('gateways')) this.reconcileGateway(o);
        else {
          this.reconcileRoute(o);
          this.resyncGateways();
        }
        return;
      case 'apps/deployments':
        if (o.metadata.namespace === this.ns || isAiGatewayController(o)) this.resync();
        return;
      case '/pods':
        if (o.metadata.namespace === this.ns && this.configs.observe(e)) this.resync();
        return;
      case `${INFERENCE_POOL_GROUP}/inferencepools`:
        for (const r of this.client.list(API, 'HTTPRoute', o.metadata.namespace)) this.reconcileRoute(r);
        return;
      case '/services':
        if (o.metadata.namespace === this.ns) this.resyncGateways();
        else for (const r of this.client.list(API, 'HTTPRoute', o.metadata.namespace)) this.reconcileRoute(r);
        return;
      default:
        return;
    }
  }

  private resyncGateways(): void {
    for (const g of this.client.list(API, 'Gateway')) this.reconcileGateway(g);
  }

  private operatorReady(): boolean {
    return deploymentAvailable(findDeployment(this.client, this.deployment, this.ns));
  }

  private ours(c: K8sObject | undefined): boolean {
    return !!c && obj(c.spec).controllerName === this.controllerName;
  }

  private reconcileClass(eventC: K8sObject): void {
    const c = fresh(this.ctx, eventC);
    if (!c) return;
    if (!this.ours(c) || c.metadata.deletionTimestamp || !this.operatorReady()) return;
    let conditions = setCondition(obj(c.status).conditions, { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Valid GatewayClass' }, { observedGeneration: Number(c.metadata.generation) });
    conditions = setCondition(conditions, { type: 'SupportedVersion', status: 'True', reason: 'SupportedVersion', message: 'Gateway API CRD bundle version v1.6.1 is supported by Envoy Gateway.' }, { observedGeneration: Number(c.metadata.generation) });
    this.client.patchStatus(c, { conditions });
    // Gateways created before their class was accepted are waiting for this.
    this.resyncGateways();
  }

  private reconcileGateway(eventG: K8sObject): void {
    const g = fresh(this.ctx, eventG);
    if (!g) return;
    if (g.metadata.deletionTimestamp) return;
    const cls = this.client.get(API, 'GatewayClass', undefined, String(obj(g.spec).gatewayClassName));
    if (!this.ours(cls) || !conditionTrue(cls, 'Accepted') || !this.operatorReady()) return;
    const gen = Number(g.metadata.generation);
    const proxyName = `envoy-${g.metadata.namespace}-${g.metadata.name}-${stableHash(`${g.metadata.namespace}/${g.metadata.name}`, 8)}`.slice(0, 63);
    const labels = {
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'app.kubernetes.io/name': 'envoy',
      'gateway.envoyproxy.io/owning-gateway-name': g.metadata.name,
      'gateway.envoyproxy.io/owning-gateway-namespace': String(g.metadata.namespace),
    };
    const listeners = arr(obj(g.spec).listeners).map(obj);
    const envoyService = this.envoyService(g, cls!);
    const serviceName = String(envoyService.name ?? proxyName);
    const serviceType = String(envoyService.type ?? 'LoadBalancer');
    if (this.client.get('v1', 'Namespace', undefined, this.ns)) {
      this.client.ensure({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: proxyName, namespace: this.ns, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'envoy', image: this.image, ports: listeners.map((l, i) => ({ name: `port-${i}`, containerPort: 10080 + i, protocol: 'TCP' })) }] } },
        },
      });
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: serviceName, namespace: this.ns, labels },
        spec: {
          type: serviceType,
          selector: labels,
          ports: (listeners.length ? listeners : [{ name: 'http', port: 80 }]).map((l, i) => ({ name: String(l.name ?? `port-${i}`).slice(0, 15).toLowerCase(), port: Number(l.port ?? 80), protocol: 'TCP', targetPort: 10080 + i })),
        },
      });
    }
    const proxy = this.client.get('apps/v1', 'Deployment', this.ns, proxyName);
    const svc = this.client.get('v1', 'Service', this.ns, serviceName);
    // A ClusterIP Service's address is its cluster IP (Envoy Gateway reports that for internal Gateways).
    const ip = serviceType === 'ClusterIP' ? (obj(svc?.spec).clusterIP as string | undefined) : arr(obj(obj(svc?.status).loadBalancer).ingress).map(obj)[0]?.ip;
    const programmed = deploymentAvailable(proxy) && !!ip;
    let conditions = setCondition(obj(g.status).conditions, { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'The Gateway has been scheduled by Envoy Gateway' }, { observedGeneration: gen });
    conditions = setCondition(
      conditions,
      programmed
        ? { type: 'Programmed', status: 'True', reason: 'Programmed', message: 'Address assigned to the Gateway, 1/1 envoy replicas available' }
        : { type: 'Programmed', status: 'False', reason: ip ? 'NoResources' : 'AddressNotAssigned', message: ip ? 'Envoy replicas unavailable' : 'No addresses have been assigned to the Gateway' },
      { observedGeneration: gen },
    );
    const prevListeners = arr(obj(g.status).listeners).map(obj);
    const routes = this.client.list(API, 'HTTPRoute').filter((r) => arr(obj(r.spec).parentRefs).some((p) => refersTo(obj(p), g, r)));
    this.client.patchStatus(g, {
      conditions: conditions.filter((c) => c.type === 'Accepted' || c.type === 'Programmed'),
      addresses: ip ? [{ type: 'IPAddress', value: ip }] : null,
      listeners: listeners.map((l) => keepTransitionTimes(prevListeners.find((x) => x.name === l.name), {
        name: l.name,
        supportedKinds: [
          { group: GW, kind: 'HTTPRoute' },
          { group: GW, kind: 'GRPCRoute' },
        ],
        attachedRoutes: routes.filter((r) => arr(obj(r.spec).parentRefs).some((p) => !obj(p).sectionName || obj(p).sectionName === l.name)).length,
        conditions: [
          { type: 'Programmed', status: programmed ? 'True' : 'False', reason: programmed ? 'Programmed' : 'Invalid', message: programmed ? 'Sending translated listener configuration to the data plane' : 'Listener is not programmed', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: gen },
          { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Listener has been successfully translated', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: gen },
          { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'Listener references have been resolved', lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), observedGeneration: gen },
        ],
      })),
    });
  }

  private reconcileRoute(eventR: K8sObject): void {
    const r = fresh(this.ctx, eventR);
    if (!r) return;
    if (r.metadata.deletionTimestamp) return;
    const gen = Number(r.metadata.generation);
    const parents: Record<string, unknown>[] = [];
    for (const ref of arr(obj(r.spec).parentRefs).map(obj)) {
      const ns = String(ref.namespace ?? r.metadata.namespace);
      const g = this.client.get(API, 'Gateway', ns, String(ref.name));
      if (!g || !conditionTrue(g, 'Accepted')) continue;
      const cls = this.client.get(API, 'GatewayClass', undefined, String(obj(g.spec).gatewayClassName));
      if (!this.ours(cls)) continue;
      const problem = this.backendProblem(r);
      parents.push({
        parentRef: { group: GW, kind: 'Gateway', ...ref },
        controllerName: this.controllerName,
        conditions: [
          { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Route is accepted', observedGeneration: gen, lastTransitionTime: stamp() },
          problem
            ? { type: 'ResolvedRefs', status: 'False', reason: problem.reason, message: problem.message, observedGeneration: gen, lastTransitionTime: stamp() }
            : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'Resolved all the Object references for the Route', observedGeneration: gen, lastTransitionTime: stamp() },
        ],
      });
    }
    if (parents.length === 0) return;
    // lastTransitionTime is kept when nothing else changed, so repeated reconciles are no-ops.
    const prev = arr(obj(r.status).parents).map(obj);
    for (const p of parents) {
      const old = prev.find((x) => JSON.stringify(x.parentRef) === JSON.stringify(p.parentRef));
      for (const c of p.conditions as Record<string, unknown>[]) {
        const oc = arr(old?.conditions).map(obj).find((x) => x.type === c.type);
        if (oc && oc.status === c.status) c.lastTransitionTime = oc.lastTransitionTime;
      }
    }
    this.client.patchStatus(r, { parents });
  }

  /** The first backendRef that does not resolve, as Envoy Gateway words it ("Failed to process route rule i backendRef j: ..."). */
  private backendProblem(r: K8sObject): { reason: string; message: string } | undefined {
    const rules = arr(obj(r.spec).rules).map(obj);
    for (let i = 0; i < rules.length; i++) {
      const refs = arr(rules[i].backendRefs).map(obj);
      for (let j = 0; j < refs.length; j++) {
        const b = refs[j];
        const at = `Failed to process route rule ${i} backendRef ${j}: `;
        const ns = String(b.namespace ?? r.metadata.namespace);
        if ((b.group ?? '') === INFERENCE_POOL_GROUP) {
          const problem = poolBackendProblem(this.client, this.configs.running(), ns, b);
          if (problem) return { reason: problem.reason, message: at + problem.message };
          continue;
        }
        if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '') continue;
        if (!this.client.get('v1', 'Service', ns, String(b.name))) return { reason: 'BackendNotFound', message: `${at}service ${ns}/${b.name} not found.` };
      }
    }
    return undefined;
  }

  /** envoyService of the EnvoyProxy in effect: the Gateway's own replaces the class's (EG's default merge type, Replace). */
  private envoyService(g: K8sObject, cls: K8sObject): Record<string, unknown> {
    const gwRef = obj(obj(obj(g.spec).infrastructure).parametersRef);
    const clsRef = obj(obj(cls.spec).parametersRef);
    const proxy =
      (gwRef.kind === 'EnvoyProxy' && this.client.get('gateway.envoyproxy.io/v1alpha1', 'EnvoyProxy', g.metadata.namespace, String(gwRef.name))) ||
      (clsRef.kind === 'EnvoyProxy' && this.client.get('gateway.envoyproxy.io/v1alpha1', 'EnvoyProxy', String(clsRef.namespace ?? ''), String(clsRef.name))) ||
      undefined;
    return obj(obj(obj(obj(proxy?.spec).provider).kubernetes).envoyService);
  }
}

function refersTo(ref: Record<string, unknown>, g: K8sObject, route: K8sObject): boolean {
  return ref.name === g.metadata.name && (ref.namespace ?? route.metadata.namespace) === g.metadata.namespace && (ref.kind ?? 'Gateway') === 'Gateway';
}

/** Listener conditions keep their lastTransitionTime while their status is unchanged. */
function keepTransitionTimes(prev: Record<string, unknown> | undefined, next: Record<string, unknown>): Record<string, unknown> {
  const old = arr(prev?.conditions).map(obj);
  for (const c of arr(next.conditions).map(obj)) {
    const oc = old.find((x) => x.type === c.type);
    if (oc && oc.status === c.status) c.lastTransitionTime = oc.lastTransitionTime;
  }
  return next;
}

function stamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}
