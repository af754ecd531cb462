import type { K8sObject } from '../../core/object.js';
import { conditions, conditionsIn, conditionText, defineRule, failed, findCondition, isStale, progressing, ready, records, staleText, str } from '../util.js';

/** Listener problems such as a TLS Secret that cert-manager has not issued yet usually resolve by themselves. */
function listenerProblem(gw: K8sObject): string | undefined {
  for (const l of records(gw, 'status.listeners')) {
    for (const c of conditionsIn(l.conditions)) {
      const bad =
        ((c.type === 'Accepted' || c.type === 'ResolvedRefs' || c.type === 'Programmed') && c.status === 'False') ||
        (c.type === 'Conflicted' && c.status === 'True');
      if (bad) return `listener ${str(l, 'name', '?')}: ${conditionText(c)}`;
    }
  }
  return undefined;
}

export const gatewayRule = defineRule({
  group: 'gateway.networking.k8s.io',
  kind: 'Gateway',
  judge(gw) {
    const conds = conditions(gw);
    const accepted = findCondition(conds, 'Accepted');
    const programmed = findCondition(conds, 'Programmed');
    const cls = str(gw, 'spec.gatewayClassName', '?');
    if (accepted?.status === 'False' && accepted.reason !== 'Pending' && !isStale(gw, accepted)) {
      return failed(`not accepted: ${conditionText(accepted)}`);
    }
    if (!accepted || accepted.status === 'Unknown') {
      return progressing(`waiting for the controller of GatewayClass ${cls} to accept it (${accepted ? conditionText(accepted) : 'no status yet'})`);
    }
    const stale = [accepted, programmed].find((c) => c && isStale(gw, c));
    if (stale) return progressing(staleText(gw, stale));
    if (!programmed || programmed.status !== 'True') {
      return progressing(programmed ? `not programmed yet: ${conditionText(programmed)}` : 'waiting for the Programmed condition');
    }
    if (accepted.status !== 'True') return progressing(`waiting for acceptance: ${conditionText(accepted)}`);
    const problem = listenerProblem(gw);
    if (problem) return progressing(problem);
    const addresses = records(gw, 'status.addresses').map((a) => str(a, 'value')).filter(Boolean);
    return ready(`programmed${addresses.length ? ` at ${addresses.join(', ')}` : ''}`);
  },
});
