import { podIssue } from '../pods.js';
import { conditions, defineRule, failed, findCondition, progressing, ready, str } from '../util.js';

/** A bare Pod (Deployments and Jobs judge their Pods through pods.ts with their own tolerance). */
export const podRule = defineRule({
  group: '',
  kind: 'Pod',
  judge(pod) {
    const issue = podIssue(pod, { terminalExitIsFatal: true });
    const ns = pod.metadata.namespace;
    const cause = issue ? `Pod ${ns ? `${ns}/` : ''}${pod.metadata.name}: ${issue.detail}` : undefined;
    if (issue?.fatal) return failed(issue.detail, cause);
    const phase = str(pod, 'status.phase');
    if (phase === 'Succeeded') return ready('completed successfully');
    if (findCondition(conditions(pod), 'Ready')?.status === 'True') return ready('ready');
    if (!phase) return progressing('waiting for the kubelet to report status');
    return progressing(issue ? issue.detail : `${phase}, not ready yet`, cause);
  },
});
