import { notReadyWithPods } from '../pods.js';
import { answer, podsQuery, selectorOf } from '../related.js';
import { defineRule, field, generationLag, num, optNum, progressing, ready, str } from '../util.js';

export const daemonSetRule = defineRule({
  group: 'apps',
  kind: 'DaemonSet',
  related(ds) {
    const sel = selectorOf(field(ds, 'spec.selector'));
    return sel ? [podsQuery(ds, sel)] : [];
  },
  judge(ds, related) {
    // The controller always writes observedGeneration; without it the counts below are not computed yet.
    if (optNum(ds, 'status.observedGeneration') === undefined) return progressing('waiting for the controller to report status');
    const lag = generationLag(ds);
    if (lag) return progressing(lag);
    const pods = answer(related, 0);
    const desired = optNum(ds, 'status.desiredNumberScheduled');
    if (desired === undefined) return progressing('waiting for the controller to count eligible nodes');
    if (desired === 0) return ready('no node matches its node selector/tolerations; 0 Pods desired');
    const scheduled = num(ds, 'status.currentNumberScheduled', 0);
    const updated = num(ds, 'status.updatedNumberScheduled', 0);
    const available = num(ds, 'status.numberAvailable', 0);
    const readyN = num(ds, 'status.numberReady', 0);
    const onDelete = str(ds, 'spec.updateStrategy.type') === 'OnDelete';

    if (scheduled < desired) return notReadyWithPods(`${scheduled} of ${desired} nodes have a Pod`, pods);
    if (!onDelete && updated < desired) return notReadyWithPods(`${updated} of ${desired} Pods updated`, pods);
    if (readyN < desired) return notReadyWithPods(`${readyN} of ${desired} Pods ready`, pods);
    if (available < desired) return notReadyWithPods(`${available} of ${desired} Pods available`, pods);
    return ready(`${readyN} of ${desired} Pods ready`);
  },
});
