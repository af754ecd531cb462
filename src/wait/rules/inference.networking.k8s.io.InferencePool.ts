import { isPlainObject } from '../../core/object.js';
import { conditionsIn, conditionText, defineRule, findCondition, isStale, progressing, ready, records, staleText, str, type Verdict } from '../util.js';

function parentName(p: Record<string, unknown>): string {
  const ref = isPlainObject(p.parentRef) ? p.parentRef : {};
  const ns = str(ref, 'namespace');
  return `${str(ref, 'kind', 'Gateway')} ${ns ? `${ns}/` : ''}${str(ref, 'name', '?')}`;
}

/**
 * A GIE InferencePool is routable once a Gateway reports it as a parent with Accepted and
 * ResolvedRefs True. The gateway's controller writes that entry (Envoy AI Gateway v1.1.0 does so for
 * Gateways an HTTPRoute in the pool's namespace attaches it to); an empty list means no Gateway that
 * implements InferencePool uses the pool yet. Never failed: NotAccepted is what Envoy AI Gateway
 * reports while the picker's Service does not exist yet, which the same apply usually creates.
 */
export const inferencePoolRule = defineRule({
  group: 'inference.networking.k8s.io',
  kind: 'InferencePool',
  judge(pool) {
    const parents = records(pool, 'status.parents').filter((p) => str(isPlainObject(p.parentRef) ? p.parentRef : {}, 'kind', 'Gateway') === 'Gateway');
    if (parents.length === 0) {
      return progressing(
        `waiting for a Gateway to accept the pool: an HTTPRoute in namespace ${pool.metadata.namespace ?? 'default'} must send traffic to it through a Gateway whose controller implements InferencePool (Envoy Gateway with Envoy AI Gateway)`,
      );
    }
    let pending: Verdict | undefined;
    for (const p of parents) {
      const conds = conditionsIn(p.conditions);
      for (const type of ['Accepted', 'ResolvedRefs']) {
        const c = findCondition(conds, type);
        if (c?.status === 'True' && !isStale(pool, c)) continue;
        pending ??= progressing(`${parentName(p)}: ${c ? (isStale(pool, c) ? staleText(pool, c) : conditionText(c)) : `no ${type} condition yet`}`);
      }
    }
    return pending ?? ready(`accepted by ${parents.length === 1 ? parentName(parents[0]) : `${parents.length} Gateways`}`);
  },
});
