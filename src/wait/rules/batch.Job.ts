import { notReadyWithPods, podCause, podClause, worstPod } from '../pods.js';
import { answer, podsQuery, selectorOf } from '../related.js';
import { conditions, defineRule, failed, field, findCondition, num, optNum, plural, progressing, ready, reasonText, str } from '../util.js';

export const jobRule = defineRule({
  group: 'batch',
  kind: 'Job',
  related(job) {
    // The API server fills spec.selector with the controller-uid; a rendered Job only has its name.
    return [podsQuery(job, selectorOf(field(job, 'spec.selector')) ?? { 'job-name': job.metadata.name })];
  },
  judge(job, related) {
    const pods = answer(related, 0);
    const conds = conditions(job);
    const succeeded = num(job, 'status.succeeded', 0);
    const completions = optNum(job, 'spec.completions');
    const of = completions === undefined ? '' : ` of ${completions}`;

    const failure = [findCondition(conds, 'Failed'), findCondition(conds, 'FailureTarget')].find((c) => c?.status === 'True');
    if (failure) {
      const text = `failed: ${reasonText(failure.reason, failure.message) || 'Failed'} (${plural(num(job, 'status.failed', 0), 'failed Pod')})`;
      const f = worstPod(pods, { includeFinished: true });
      return f ? failed(`${text}; ${podClause(f)}`, podCause(f)) : failed(text);
    }
    if (findCondition(conds, 'Complete')?.status === 'True') return ready(`completed (${succeeded}${of} succeeded)`);
    if (field(job, 'spec.suspend') === true || findCondition(conds, 'Suspended')?.status === 'True') {
      return ready('is suspended (spec.suspend); not waiting for it');
    }
    if (!str(job, 'status.startTime')) return notReadyWithPods('waiting for the Job to start', pods);
    const active = num(job, 'status.active', 0);
    const failedN = num(job, 'status.failed', 0);
    const limit = num(job, 'spec.backoffLimit', 6);
    const text = `running: ${active} active, ${succeeded}${of} succeeded, ${failedN} failed (backoffLimit ${limit})`;
    // Failed Pods explain retries; the Job controller decides when retrying stops.
    const v = notReadyWithPods(text, pods);
    if (v.cause || failedN === 0) return v;
    const f = worstPod(pods, { includeFinished: true });
    return f ? progressing(`${text}; ${podClause(f)}`, podCause(f)) : v;
  },
});
