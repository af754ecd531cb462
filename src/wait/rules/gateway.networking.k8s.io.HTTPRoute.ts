import { isPlainObject, type K8sObject } from '../../core/object.js';
import { conditionsIn, conditionText, defineRule, failed, findCondition, isStale, progressing, ready, records, staleText, str, type Verdict } from '../util.js';

/** Reasons that only change when someone edits the route, a listener or a ReferenceGrant. */
const FATAL_ACCEPTED = new Set(['NotAllowedByListeners', 'NoMatchingListenerHostname', 'NoMatchingParent', 'UnsupportedValue', 'IncompatibleFilters']);
const FATAL_REFS = new Set(['RefNotPermitted', 'InvalidKind', 'UnsupportedProtocol']);

function refKey(route: K8sObject, ref: Record<string, unknown>): string {
  return [str(ref, 'namespace', route.metadata.namespace ?? ''), str(ref, 'name'), str(ref, 'sectionName'), String(ref.port ?? '')].join('/');
}

function parentRef(p: Record<string, unknown>): Record<string, unknown> {
  return isPlainObject(p.parentRef) ? p.parentRef : {};
}

function parentName(ref: Record<string, unknown>): string {
  const section = str(ref, 'sectionName');
  return `${str(ref, 'kind', 'Gateway')} ${str(ref, 'name', '?')}${section ? ` (${section})` : ''}`;
}

/** What to do about a refused InferencePool backend: plain Envoy Gateway does not implement it (envoyproxy/gateway#4423). */
function poolHint(route: K8sObject, reason: string | undefined): string {
  if (reason !== 'InvalidKind') return '';
  const pools = records(route, 'spec.rules').flatMap((r) => records(r, 'backendRefs')).filter((b) => str(b, 'kind') === 'InferencePool');
  if (!pools.length) return '';
  return '. An InferencePool backend needs Envoy Gateway configured with the Envoy AI Gateway extension: upgrade the operators layer with envoyAIGateway.enabled=true (it also configures Envoy Gateway), or set the model\'s inferencePool.enabled=false';
}

export const httpRouteRule = defineRule({
  group: 'gateway.networking.k8s.io',
  kind: 'HTTPRoute',
  judge(route) {
    const statuses = records(route, 'status.parents');
    const seen = new Set(statuses.map((p) => refKey(route, parentRef(p))));
    for (const ref of records(route, 'spec.parentRefs')) {
      if (!seen.has(refKey(route, ref))) return progressing(`waiting for ${parentName(ref)} to report on this route`);
    }
    if (statuses.length === 0) return progressing('waiting for a parent Gateway to report on this route');
    let pending: Verdict | undefined;
    for (const p of statuses) {
      const ref = parentRef(p);
      const conds = conditionsIn(p.conditions);
      for (const type of ['Accepted', 'ResolvedRefs']) {
        const c = findCondition(conds, type);
        const stale = c !== undefined && isStale(route, c);
        if (c?.status === 'True' && !stale) continue;
        const fatal = type === 'Accepted' ? FATAL_ACCEPTED : FATAL_REFS;
        const text = `${parentName(ref)}: ${c ? conditionText(c) : `no ${type} condition yet`}`;
        if (c?.status === 'False' && !stale && fatal.has(c.reason ?? '')) return failed(text + poolHint(route, c.reason));
        pending ??= progressing(stale && c ? `${parentName(ref)}: ${staleText(route, c)}` : text);
      }
    }
    return pending ?? ready(`accepted by ${statuses.length === 1 ? parentName(parentRef(statuses[0])) : `${statuses.length} parents`}`);
  },
});
