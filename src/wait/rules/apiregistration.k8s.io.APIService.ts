import { conditions, conditionText, defineRule, findCondition, progressing, ready } from '../util.js';

/** An aggregated API (metrics-server, KEDA) answers only once its backing Service does. */
export const apiServiceRule = defineRule({
  group: 'apiregistration.k8s.io',
  kind: 'APIService',
  judge(api) {
    const available = findCondition(conditions(api), 'Available');
    if (available?.status === 'True') return ready('available');
    return progressing(available ? `not available: ${conditionText(available)}` : 'waiting for the Available condition');
  },
});
