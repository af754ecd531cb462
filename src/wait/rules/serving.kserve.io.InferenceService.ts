import type { K8sObject } from '../../core/object.js';
import { notReadyWithPods } from '../pods.js';
import { answer, podsQuery } from '../related.js';
import {
  annotation,
  blockingCondition,
  conditions,
  conditionText,
  defineRule,
  failed,
  field,
  findCondition,
  generationLag,
  progressing,
  ready,
  reasonText,
  str,
} from '../util.js';
import { hopelessScheduling, looksUnschedulable, REVISION_FAILURES } from './knative.js';

const MODEL_FAILURES = new Set(['BlockedByFailedLoad', 'InvalidSpec']);

function modelFailure(isvc: K8sObject): string | undefined {
  const transition = str(isvc, 'status.modelStatus.transitionStatus');
  const target = str(isvc, 'status.modelStatus.states.targetModelState');
  const active = str(isvc, 'status.modelStatus.states.activeModelState');
  if (!MODEL_FAILURES.has(transition) && target !== 'FailedToLoad' && active !== 'FailedToLoad') return undefined;
  const info = field(isvc, 'status.modelStatus.lastFailureInfo');
  const where = [str(info, 'location'), typeof field(info, 'exitCode') === 'number' ? `exit code ${String(field(info, 'exitCode'))}` : '']
    .filter(Boolean)
    .join(', ');
  const why = reasonText(str(info, 'reason'), str(info, 'message'));
  return `model failed to load (${transition || 'FailedToLoad'})${why ? `: ${why}` : ''}${where ? ` [${where}]` : ''}`;
}

export const inferenceServiceRule = defineRule({
  group: 'serving.kserve.io',
  kind: 'InferenceService',
  related: (isvc) => [podsQuery(isvc, { 'serving.kserve.io/inferenceservice': isvc.metadata.name })],
  judge(isvc, related) {
    const conds = conditions(isvc);
    if (annotation(isvc, 'serving.kserve.io/stop') === 'true' || findCondition(conds, 'Stopped')?.status === 'True') {
      return ready('is stopped (serving.kserve.io/stop); not waiting for it');
    }
    if (conds.length === 0) return progressing('waiting for the KServe controller to report status (is kserve-controller-manager running?)');
    const lag = generationLag(isvc);
    if (lag) return progressing(lag);
    const model = modelFailure(isvc);
    if (model) return failed(model);
    if (findCondition(conds, 'Ready')?.status === 'True') {
      const url = str(isvc, 'status.url');
      return ready(`ready${url ? ` at ${url}` : ''}`);
    }
    for (const type of ['PredictorReady', 'PredictorConfigurationReady', 'LatestDeploymentReady', 'Ready']) {
      const c = findCondition(conds, type);
      if (c?.status === 'False' && REVISION_FAILURES.has(c.reason ?? '')) {
        if (!looksUnschedulable(c.message)) return failed(conditionText(c));
        const advice = hopelessScheduling(c.message);
        if (advice) return failed(`${conditionText(c)}; ${advice}`);
      }
    }
    const order = ['PredictorReady', 'LatestDeploymentReady', 'PredictorConfigurationReady', 'PredictorRouteReady', 'IngressReady', 'Ready'];
    const blocking = blockingCondition(conds, order);
    return notReadyWithPods(blocking ? conditionText(blocking) : 'waiting for the Ready condition', answer(related, 0));
  },
});
