import type { K8sObject } from '../../core/object.js';
import { notReadyWithPods } from '../pods.js';
import { answer, podsQuery, selectorOf } from '../related.js';
import {
  annotation,
  conditions,
  conditionText,
  defineRule,
  field,
  findCondition,
  generationLag,
  label,
  num,
  plural,
  progressing,
  ready,
  type Condition,
  type Verdict,
} from '../util.js';

const REVISION = 'deployment.kubernetes.io/revision';

/**
 * Only the Pods of the ReplicaSet the Deployment is rolling out to: old Pods that crash are being
 * replaced anyway and must not fail the rollout.
 */
function currentPods(deploy: K8sObject, replicaSets: K8sObject[], pods: K8sObject[]): K8sObject[] {
  const uid = deploy.metadata.uid;
  const owned = replicaSets.filter((rs) => {
    const refs = field(rs, 'metadata.ownerReferences');
    return !uid || !Array.isArray(refs) || refs.some((r) => field(r, 'uid') === uid);
  });
  const wanted = annotation(deploy, REVISION);
  const newest =
    owned.find((rs) => wanted !== undefined && annotation(rs, REVISION) === wanted) ??
    [...owned].sort((a, b) => Number(annotation(b, REVISION) ?? 0) - Number(annotation(a, REVISION) ?? 0))[0];
  const hash = newest && label(newest, 'pod-template-hash');
  return hash ? pods.filter((p) => label(p, 'pod-template-hash') === hash) : pods;
}

/** Shared with the CNPG Pooler rule, which judges the Deployment the operator creates. */
export function judgeDeployment(deploy: K8sObject, replicaSets: K8sObject[], pods: K8sObject[]): Verdict {
  if (field(deploy, 'spec.paused') === true) return ready('rollout is paused (spec.paused); not waiting for it');
  const lag = generationLag(deploy);
  if (lag) return progressing(lag);

  const mine = currentPods(deploy, replicaSets, pods);
  const conds = conditions(deploy);
  const progressingCond = findCondition(conds, 'Progressing');
  if (progressingCond?.reason === 'ProgressDeadlineExceeded') {
    const text = `rollout exceeded its progress deadline (${progressingCond.message ?? 'ProgressDeadlineExceeded'})`;
    return { ...notReadyWithPods(text, mine), state: 'failed' };
  }

  const want = num(deploy, 'spec.replicas', 1);
  const have = num(deploy, 'status.replicas', 0);
  const updated = num(deploy, 'status.updatedReplicas', 0);
  const readyN = num(deploy, 'status.readyReplicas', 0);
  const available = num(deploy, 'status.availableReplicas', 0);

  if (want === 0) {
    return have > 0 ? progressing(`scaling to 0: ${plural(have, 'replica')} still running`) : ready('scaled to 0 replicas');
  }
  let gap: string | undefined;
  if (updated < want) gap = `${updated} of ${want} replicas updated, ${readyN} ready`;
  else if (have > want) gap = `${plural(have - want, 'old replica')} pending termination`;
  else if (readyN < want) gap = `${readyN} of ${want} replicas ready`;
  else if (available < want) gap = `${available} of ${want} replicas available (minReadySeconds)`;
  else if (findCondition(conds, 'Available')?.status === 'False') {
    gap = conditionText(findCondition(conds, 'Available') as Condition);
  } else if (progressingCond?.status === 'True' && progressingCond.reason && progressingCond.reason !== 'NewReplicaSetAvailable') {
    gap = `waiting for the controller to finish the rollout (Progressing: ${progressingCond.reason})`;
  }
  return gap ? notReadyWithPods(gap, mine) : ready(`${readyN} of ${want} replicas ready`);
}

export const deploymentRule = defineRule({
  group: 'apps',
  kind: 'Deployment',
  related(deploy) {
    const sel = selectorOf(field(deploy, 'spec.selector'));
    if (!sel) return [];
    const ns = deploy.metadata.namespace;
    return [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: ns, labelSelector: sel }, podsQuery(deploy, sel)];
  },
  judge: (deploy, related) => judgeDeployment(deploy, answer(related, 0), answer(related, 1)),
});
