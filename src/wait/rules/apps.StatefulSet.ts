import { notReadyWithPods } from '../pods.js';
import { answer, podsQuery, selectorOf } from '../related.js';
import { defineRule, field, generationLag, optNum, num, plural, progressing, ready, str } from '../util.js';

/** kstatus/Helm semantics; Pods of every revision count, since an OrderedReady rollout stalls on any of them. */
export const statefulSetRule = defineRule({
  group: 'apps',
  kind: 'StatefulSet',
  related(sts) {
    const sel = selectorOf(field(sts, 'spec.selector'));
    return sel ? [podsQuery(sts, sel)] : [];
  },
  judge(sts, related) {
    const lag = generationLag(sts);
    if (lag) return progressing(lag);
    const pods = answer(related, 0);
    const want = num(sts, 'spec.replicas', 1);
    const have = num(sts, 'status.replicas', 0);
    const readyN = num(sts, 'status.readyReplicas', 0);
    const available = optNum(sts, 'status.availableReplicas');
    const updated = num(sts, 'status.updatedReplicas', 0);

    if (have < want) return notReadyWithPods(`${have} of ${want} replicas created, ${readyN} ready`, pods);
    if (readyN < want) return notReadyWithPods(`${readyN} of ${want} replicas ready`, pods);
    if (have > want) return progressing(`${plural(have - want, 'extra replica')} pending termination`);
    if (available !== undefined && available < want) {
      return notReadyWithPods(`${available} of ${want} replicas available (minReadySeconds)`, pods);
    }
    // Pods of an OnDelete StatefulSet only change when someone deletes them: no rollout to wait for.
    if (str(sts, 'spec.updateStrategy.type') === 'OnDelete') return ready(`${readyN} of ${want} replicas ready (OnDelete updates)`);

    const partition = num(sts, 'spec.updateStrategy.rollingUpdate.partition', 0);
    if (partition > 0) {
      const target = Math.max(want - partition, 0);
      return updated < target
        ? notReadyWithPods(`${updated} of ${target} replicas above partition ${partition} updated`, pods)
        : ready(`partitioned rollout done: ${updated} updated, ${partition} held back by partition`);
    }
    const current = str(sts, 'status.currentRevision');
    const update = str(sts, 'status.updateRevision');
    if (updated < want || (update && current !== update)) {
      return notReadyWithPods(`rolling out revision ${update || '?'}: ${updated} of ${want} replicas updated`, pods);
    }
    return ready(`${readyN} of ${want} replicas ready`);
  },
});
