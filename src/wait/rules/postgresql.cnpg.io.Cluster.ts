import { notReadyWithPods } from '../pods.js';
import { answer, podsQuery } from '../related.js';
import {
  annotation,
  conditions,
  conditionText,
  defineRule,
  failed,
  findCondition,
  generation,
  isStale,
  num,
  progressing,
  ready,
  str,
} from '../util.js';

const HEALTHY = 'Cluster in healthy state';

/**
 * Phases in which the operator has stopped and waits for a person (cloudnative-pg
 * api/v1/cluster_types.go; Argo CD's health.lua calls them Suspended). Phases Argo CD calls Degraded
 * (failing over, switchover, applying configuration, restarts) are transient: keep waiting.
 */
const STOPPED = new Set([
  'Cluster is unrecoverable and needs manual intervention',
  'Unable to create required cluster objects',
  'Cluster cannot proceed to reconciliation due to an unknown plugin being required',
  'Cluster cannot proceed to reconciliation due to an error while interacting with plugins',
  'Cluster has incomplete or invalid image catalog',
  'Cluster cannot execute instance online upgrade due to missing architecture binary',
  'Invalid cluster definition',
]);

export const cnpgClusterRule = defineRule({
  group: 'postgresql.cnpg.io',
  kind: 'Cluster',
  related: (cluster) => [podsQuery(cluster, { 'cnpg.io/cluster': cluster.metadata.name })],
  judge(cluster, related) {
    // Explicit user decisions that stop reconciliation: the cluster will not converge, by design.
    if (annotation(cluster, 'cnpg.io/reconciliation') === 'disabled') {
      return ready('reconciliation is disabled (cnpg.io/reconciliation: disabled); not waiting for it');
    }
    const conds = conditions(cluster);
    const hibernation = findCondition(conds, 'cnpg.io/hibernation');
    if (annotation(cluster, 'cnpg.io/hibernation') === 'on' || hibernation?.status === 'True') {
      return ready(`is hibernated (cnpg.io/hibernation); not waiting for it`);
    }

    const phase = str(cluster, 'status.phase');
    const reason = str(cluster, 'status.phaseReason');
    const want = num(cluster, 'spec.instances', 1);
    const instances = `${num(cluster, 'status.readyInstances', 0)} of ${want} instances ready`;
    const phaseText = [phase, reason].filter(Boolean).join(': ');
    if (!phase) return progressing('waiting for the CloudNativePG operator to report status (is the operator running?)');
    if (STOPPED.has(phase)) return failed(`${phaseText} (${instances})`);
    if (phase === 'Waiting for user action') {
      // Supervised updates park here on purpose until someone promotes the new primary.
      if (str(cluster, 'spec.primaryUpdateStrategy') === 'supervised') {
        return ready(`waits for a manual switchover (primaryUpdateStrategy: supervised); not waiting for it`);
      }
      return failed(`${phaseText} (${instances})`);
    }
    const readyCond = findCondition(conds, 'Ready');
    const pods = answer(related, 0);
    if (phase === HEALTHY) {
      if (readyCond?.status === 'True' && !isStale(cluster, readyCond)) return ready(`${HEALTHY}, ${instances}`);
      const why = !readyCond
        ? 'no Ready condition yet'
        : readyCond.status === 'True'
          ? `Ready is for generation ${readyCond.observedGeneration}, waiting for the operator to observe generation ${generation(cluster)}`
          : conditionText(readyCond);
      return notReadyWithPods(`${HEALTHY} but ${why} (${instances})`, pods);
    }
    return notReadyWithPods(`${phaseText} (${instances})`, pods);
  },
});
