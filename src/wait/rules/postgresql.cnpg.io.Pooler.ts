import { answer } from '../related.js';
import { defineRule, failed, progressing, reasonText, str } from '../util.js';
import { judgeDeployment } from './apps.Deployment.js';

/**
 * A Pooler has no conditions (crds.md 1.5): it is ready when the Deployment the operator creates with
 * the Pooler's own name is, unless the operator reports the Pooler itself as failed.
 */
export const cnpgPoolerRule = defineRule({
  group: 'postgresql.cnpg.io',
  kind: 'Pooler',
  related(pooler) {
    const ns = pooler.metadata.namespace;
    const sel = { 'cnpg.io/poolerName': pooler.metadata.name };
    return [
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: pooler.metadata.name },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', namespace: ns, labelSelector: sel },
      { apiVersion: 'v1', kind: 'Pod', namespace: ns, labelSelector: sel },
    ];
  },
  judge(pooler, related) {
    const phase = str(pooler, 'status.phase');
    const why = reasonText(str(pooler, 'status.phaseReason'), str(pooler, 'status.error'));
    if (phase === 'failed') return failed(`phase failed${why ? `: ${why}` : ''}`);
    const deploy = answer(related, 0)[0];
    if (!deploy) {
      const detail = phase === 'inactive' ? `phase inactive${why ? `: ${why}` : ''}` : 'is the operator running?';
      return progressing(`waiting for the operator to create Deployment ${pooler.metadata.name} (${detail})`);
    }
    const v = judgeDeployment(deploy, answer(related, 1), answer(related, 2));
    return { ...v, text: `Deployment ${deploy.metadata.name}: ${v.text}` };
  },
});
