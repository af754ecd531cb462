/**
 * Service controllers: EndpointSlices (discovery.k8s.io/v1) and legacy Endpoints listing the
 * selected Pods with ready/serving/terminating conditions and resolved target ports, plus
 * LoadBalancer ingress IPs (as MetalLB or cloud-provider-kind would assign them).
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, deepEqual, isObj, obj, randomSuffix } from '../util.js';
import type { Client } from './client.js';
import { fresh, ownerRef, podReady, podTerminal } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface ServiceControllerOptions {
  /** Give LoadBalancer Services an ingress IP (default true); false leaves them <pending>. */
  loadBalancerIPs?: boolean;
}

type O = Record<string, any>;

export class ServiceController implements Controller {
  readonly name = 'service';
  private ctx!: ControllerContext;
  private client!: Client;
  private nextLb = 200;
  private readonly lbTimers = new Set<string>();

  constructor(private readonly opts: ServiceControllerOptions = {}) {}

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('kube-controller-manager');
    this.resync();
  }

  resync(): void {
    for (const s of this.ctx.store.list('/services')) this.reconcile(s);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === '/services' && e.type !== 'DELETED') this.reconcile(e.object);
    if (e.storageKey === '/pods') {
      for (const s of this.ctx.store.list('/services', e.object.metadata.namespace)) {
        const sel = obj(obj(s.spec).selector);
        const hit = (p: K8sObject | undefined) => !!p && Object.keys(sel).length > 0 && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v);
        if (hit(e.object) || hit(e.previous)) this.reconcile(s);
      }
    }
    if (e.storageKey === 'discovery.k8s.io/endpointslices' && e.type === 'DELETED') {
      const svcName = e.object.metadata.labels?.['kubernetes.io/service-name'];
      const svc = svcName ? this.ctx.store.get('/services', e.object.metadata.namespace, svcName) : undefined;
      if (svc) this.reconcile(svc);
    }
  }

  private reconcile(eventSvc: K8sObject): void {
    const svc = fresh(this.ctx, eventSvc);
    if (!svc) return;
    if (svc.metadata.deletionTimestamp) return;
    const spec = obj(svc.spec) as O;
    if (spec.type === 'LoadBalancer') this.assignLoadBalancer(svc);
    const sel = obj(spec.selector);
    if (Object.keys(sel).length === 0 || spec.type === 'ExternalName') return;
    const ns = svc.metadata.namespace!;
    const pods = this.ctx.store
      .list('/pods', ns)
      .filter((p) => Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v) && obj(p.status).podIP && !podTerminal(p));
    const ports = arr(spec.ports).map((p) => obj(p) as O);
    const endpoints = pods.map((p) => {
      const ready = podReady(p);
      const terminating = !!p.metadata.deletionTimestamp;
      return {
        addresses: [String(obj(p.status).podIP)],
        conditions: { ready: ready && !terminating, serving: ready, terminating },
        nodeName: obj(p.spec).nodeName,
        targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
      };
    });
    const slicePorts = ports.map((sp) => ({ name: sp.name ?? '', port: resolveTargetPort(sp, pods), protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) }));
    this.writeSlice(svc, endpoints, slicePorts);
    this.writeEndpoints(svc, pods, ports);
  }

  private writeSlice(svc: K8sObject, endpoints: O[], ports: O[]): void {
    const ns = svc.metadata.namespace!;
    const existing = this.ctx.store.list('discovery.k8s.io/endpointslices', ns).find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name);
    const labels = {
      ...(svc.metadata.labels ?? {}),
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      'kubernetes.io/service-name': svc.metadata.name,
    };
    if (!existing) {
      this.client.create({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${svc.metadata.name}-${randomSuffix()}`, namespace: ns, labels, ownerReferences: [ownerRef(svc)] },
        addressType: 'IPv4',
        endpoints,
        ports,
      });
      return;
    }
    const cur = existing as O;
    if (deepEqual(cur.endpoints ?? [], endpoints) && deepEqual(cur.ports ?? [], ports)) return;
    this.client.update({ ...existing, endpoints, ports } as K8sObject);
  }

  private writeEndpoints(svc: K8sObject, pods: K8sObject[], ports: O[]): void {
    const ns = svc.metadata.namespace!;
    const addr = (p: K8sObject) => ({ ip: String(obj(p.status).podIP), nodeName: obj(p.spec).nodeName, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } });
    const ready = pods.filter((p) => podReady(p) && !p.metadata.deletionTimestamp).map(addr);
    const notReady = pods.filter((p) => !podReady(p) || p.metadata.deletionTimestamp).map(addr);
    const subsetPorts = ports.map((sp) => ({ name: sp.name, port: resolveTargetPort(sp, pods), protocol: sp.protocol ?? 'TCP' }));
    const subsets = pods.length ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports: subsetPorts }] : [];
    const existing = this.ctx.store.get('/endpoints', ns, svc.metadata.name) as O | undefined;
    if (!existing) {
      this.client.create({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata.name, namespace: ns, labels: svc.metadata.labels ?? {} }, ...(subsets.length ? { subsets } : {}) });
      return;
    }
    if (deepEqual(existing.subsets ?? [], subsets)) return;
    const next = { ...existing, subsets } as O;
    if (!subsets.length) delete next.subsets;
    this.client.update(next as K8sObject);
  }

  private assignLoadBalancer(svc: K8sObject): void {
    if (this.opts.loadBalancerIPs === false) return;
    if (arr(obj(obj(svc.status).loadBalancer).ingress).length) return;
    const key = String(svc.metadata.uid);
    if (this.lbTimers.has(key)) return;
    this.lbTimers.add(key);
    this.ctx.after(this.ctx.timing.loadBalancerMs, () => {
      this.lbTimers.delete(key);
      const cur = this.ctx.store.get('/services', svc.metadata.namespace, svc.metadata.name);
      if (!cur || obj(cur.spec).type !== 'LoadBalancer') return;
      const ip = `172.18.255.${this.nextLb++}`;
      this.client.patchStatus(cur, { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } });
    });
  }
}

/** Named targetPorts resolve to the matching container port of the selected pods. */
function resolveTargetPort(sp: O, pods: K8sObject[]): number {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  for (const p of pods) {
    for (const c of arr(obj(p.spec).containers).map(obj)) {
      const port = arr(c.ports).map(obj).find((x) => x.name === target);
      if (port && isObj(port)) return Number(port.containerPort);
    }
  }
  return Number(sp.port);
}
