/**
 * Envoy AI Gateway v1.1.0's InferencePool controller (internal/controller/inference_pool.go), scripted:
 * while deployment ai-gateway-controller in envoy-ai-gateway-system is Available, every InferencePool
 * gets one status.parents entry per Gateway that an HTTPRoute (or AIGatewayRoute) in the pool's own
 * namespace attaches it to (routes elsewhere count for nothing, as upstream), with parentRef
 * {group gateway.networking.k8s.io, kind Gateway, name, namespace} and the conditions Accepted
 * (reason Accepted, or False/NotAccepted when the endpoint picker Service named by
 * spec.endpointPickerRef does not exist) and ResolvedRefs; no referencing Gateway clears the list.
 * Not modelled: the controller skips InferencePools when their CRD was missing at its start.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, k8sTime, obj } from '../util.js';
import { OperatorController } from './operator.js';

const POOLS = 'inference.networking.k8s.io/v1';
const GW = 'gateway.networking.k8s.io';
const CONTROLLER = 'ai-gateway-controller';

type O = Record<string, unknown>;

function refersToPool(backendRefs: unknown, pool: K8sObject): boolean {
  return arr(backendRefs).map(obj).some((b) => b.group === 'inference.networking.k8s.io' && b.kind === 'InferencePool' && b.name === pool.metadata.name);
}

export class EnvoyAIGatewayController extends OperatorController {
  readonly name = 'envoy-ai-gateway';
  protected readonly manager = 'envoy-ai-gateway-controller';
  protected readonly operators = [{ name: CONTROLLER, namespace: 'envoy-ai-gateway-system' }];
  protected readonly watches = ['inference.networking.k8s.io/inferencepools'];

  /** Routes, Gateways and the pickers' Services change what a pool's status says. */
  protected override onOtherEvent(e: StoreEvent): void {
    if (!this.running()) return;
    const keys = [`${GW}/httproutes`, `${GW}/gateways`, 'aigateway.envoyproxy.io/aigatewayroutes', '/services'];
    if (!keys.includes(e.storageKey)) return;
    // A Gateway's routes may live anywhere; everything else concerns pools of its own namespace.
    const ns = e.storageKey === `${GW}/gateways` ? undefined : e.object.metadata.namespace;
    for (const p of this.client.list(POOLS, 'InferencePool', ns)) this.reconcile(p);
  }

  protected reconcile(pool: K8sObject): void {
    const ns = pool.metadata.namespace!;
    const gen = Number(pool.metadata.generation ?? 1);
    const picker = String(obj(obj(pool.spec).endpointPickerRef).name ?? '');
    const pickerMissing = !picker ? 'ExtensionReference name is empty' : this.client.get('v1', 'Service', ns, picker) ? undefined : `ExtensionReference service ${picker} not found in namespace ${ns}`;
    const routes = [...this.client.list(`${GW}/v1`, 'HTTPRoute', ns), ...this.client.list('aigateway.envoyproxy.io/v1beta1', 'AIGatewayRoute', ns)];
    const gateways = this.client.list(`${GW}/v1`, 'Gateway').filter((g) =>
      routes.some((r) => {
        const attached = arr(obj(r.spec).parentRefs).map(obj).some((p) => p.name === g.metadata.name && (p.namespace ?? r.metadata.namespace) === g.metadata.namespace);
        return attached && arr(obj(r.spec).rules).map(obj).some((rule) => refersToPool(rule.backendRefs, pool));
      }),
    );
    const previous = arr(obj(pool.status).parents).map(obj);
    const parents = gateways
      .sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`))
      .map((g) => {
        const parentRef = { group: GW, kind: 'Gateway', name: g.metadata.name, namespace: g.metadata.namespace };
        const accepted = pickerMissing
          ? { type: 'Accepted', status: 'False', reason: 'NotAccepted', message: `InferencePool has been NotAccepted by controller ${CONTROLLER}: ${pickerMissing}` }
          : { type: 'Accepted', status: 'True', reason: 'Accepted', message: `InferencePool has been Accepted by controller ${CONTROLLER}: InferencePool reconciled successfully` };
        const resolved = pickerMissing
          ? { type: 'ResolvedRefs', status: 'False', reason: 'ResolvedRefs', message: `Reference resolution by controller ${CONTROLLER}: ${pickerMissing}` }
          : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: `Reference resolution by controller ${CONTROLLER}: All references resolved successfully` };
        const old = previous.find((p) => JSON.stringify(p.parentRef) === JSON.stringify(parentRef));
        // Upstream stamps metav1.Now() on every update; kept while nothing changes so reconciles settle.
        const conditions = [accepted, resolved].map((c) => {
          const oc = arr(old?.conditions).map(obj).find((x) => x.type === c.type) as O | undefined;
          const same = oc && oc.status === c.status && oc.message === c.message && oc.observedGeneration === gen;
          return { ...c, observedGeneration: gen, lastTransitionTime: same ? oc.lastTransitionTime : k8sTime() };
        });
        return { parentRef, conditions };
      });
    if (JSON.stringify(parents) === JSON.stringify(previous)) return;
    // A merge patch replaces the whole list; an empty one clears it, as upstream does without Gateways.
    this.client.patchStatus(pool, { parents });
  }
}
