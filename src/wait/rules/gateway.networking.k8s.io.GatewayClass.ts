import { conditions, conditionText, defineRule, failed, findCondition, isStale, progressing, ready, staleText, str } from '../util.js';

export const gatewayClassRule = defineRule({
  group: 'gateway.networking.k8s.io',
  kind: 'GatewayClass',
  judge(gc) {
    const accepted = findCondition(conditions(gc), 'Accepted');
    const controller = str(gc, 'spec.controllerName', '?');
    if (!accepted || accepted.status === 'Unknown') {
      return progressing(`waiting for controller ${controller} to accept it (is that controller installed and running?)`);
    }
    if (isStale(gc, accepted)) return progressing(staleText(gc, accepted));
    if (accepted.status === 'True') return ready(`accepted by ${controller}`);
    return failed(`not accepted by ${controller}: ${conditionText(accepted)}`);
  },
});
