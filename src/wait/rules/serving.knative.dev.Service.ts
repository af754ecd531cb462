import { blockingCondition, conditions, conditionText, defineRule, failed, findCondition, generationLag, progressing, ready, str } from '../util.js';
import { hopelessScheduling, looksUnschedulable, REVISION_FAILURES } from './knative.js';

export const knativeServiceRule = defineRule({
  group: 'serving.knative.dev',
  kind: 'Service',
  judge(ksvc) {
    const conds = conditions(ksvc);
    if (conds.length === 0) return progressing('waiting for Knative Serving to report status (is the KnativeServing Ready?)');
    // Ready stays True from the previous generation until the controller sees an update.
    const lag = generationLag(ksvc);
    if (lag) return progressing(lag);
    const readyCond = findCondition(conds, 'Ready');
    const created = str(ksvc, 'status.latestCreatedRevisionName');
    const readyRev = str(ksvc, 'status.latestReadyRevisionName');
    if (readyCond?.status === 'True') {
      if (created && created !== readyRev) return progressing(`waiting for revision ${created} to become ready (serving ${readyRev || 'none'})`);
      const url = str(ksvc, 'status.url');
      return ready(`ready${url ? ` at ${url}` : ''}${readyRev ? ` (revision ${readyRev})` : ''}`);
    }
    for (const type of ['ConfigurationsReady', 'Ready', 'RoutesReady']) {
      const c = findCondition(conds, type);
      if (c?.status === 'False' && REVISION_FAILURES.has(c.reason ?? '')) {
        if (!looksUnschedulable(c.message)) return failed(conditionText(c));
        const advice = hopelessScheduling(c.message);
        if (advice) return failed(`${conditionText(c)}; ${advice}`);
      }
    }
    const blocking = blockingCondition(conds, ['ConfigurationsReady', 'RoutesReady', 'Ready']);
    return progressing(blocking ? conditionText(blocking) : 'waiting for the Ready condition');
  },
});
