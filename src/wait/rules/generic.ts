import { groupOf, type K8sObject } from '../../core/object.js';
import type { ReadinessRule } from '../types.js';
import { conditions, conditionText, failed, findCondition, generationLag, progressing, ready, str, toReadiness, type Verdict } from '../util.js';

/** Kinds with nothing to converge: usable the moment the API server stores them (kstatus, Pulumi, kapp). */
const ALWAYS_READY = new Set([
  'core/ConfigMap',
  'core/Secret',
  'core/ServiceAccount',
  'core/LimitRange',
  'core/ResourceQuota',
  'core/Endpoints',
  'core/PersistentVolume',
  'rbac.authorization.k8s.io/Role',
  'rbac.authorization.k8s.io/RoleBinding',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'policy/PodDisruptionBudget',
  'networking.k8s.io/NetworkPolicy',
  'networking.k8s.io/IngressClass',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'batch/CronJob',
  'autoscaling/HorizontalPodAutoscaler',
  'discovery.k8s.io/EndpointSlice',
  'coordination.k8s.io/Lease',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
]);

export function kindKey(obj: Pick<K8sObject, 'apiVersion' | 'kind'>): string {
  return `${groupOf(obj.apiVersion) || 'core'}/${obj.kind}`;
}

/**
 * kstatus semantics for kinds without a rule: a stale observedGeneration, Reconciling=True or
 * Ready!=True mean progressing, Stalled=True means failed, and no signal at all means ready.
 */
function judge(obj: K8sObject): Verdict {
  if (ALWAYS_READY.has(kindKey(obj))) return ready('exists (nothing to wait for)');
  if (kindKey(obj) === 'core/Namespace') {
    const phase = str(obj, 'status.phase', 'Active');
    return phase === 'Active' ? ready('active') : progressing(`${phase} (being deleted)`);
  }
  const lag = generationLag(obj);
  if (lag) return progressing(lag);
  const conds = conditions(obj);
  const stalled = findCondition(conds, 'Stalled');
  if (stalled?.status === 'True') return failed(conditionText(stalled));
  const reconciling = findCondition(conds, 'Reconciling');
  if (reconciling?.status === 'True') return progressing(conditionText(reconciling));
  const readyCond = findCondition(conds, 'Ready');
  if (readyCond) return readyCond.status === 'True' ? ready('Ready=True') : progressing(conditionText(readyCond));
  return ready('reports no readiness signal; ready once created');
}

export const genericRule: ReadinessRule = {
  id: 'generic',
  matches: () => true,
  evaluate: (obj) => toReadiness(obj, judge(obj)),
};
