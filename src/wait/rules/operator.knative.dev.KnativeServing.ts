import { blockingCondition, conditions, conditionText, defineRule, failed, findCondition, generationLag, progressing, ready, str } from '../util.js';

const STAGES = ['VersionMigrationEligible', 'DependenciesInstalled', 'InstallSucceeded', 'DeploymentsAvailable', 'Ready'];

export const knativeServingRule = defineRule({
  group: 'operator.knative.dev',
  kind: 'KnativeServing',
  judge(ks) {
    const conds = conditions(ks);
    if (conds.length === 0) return progressing('waiting for the Knative operator to report status (are knative-operator and operator-webhook running?)');
    const lag = generationLag(ks);
    if (lag) return progressing(lag);
    const migration = findCondition(conds, 'VersionMigrationEligible');
    // The operator refuses to skip minor versions and will not retry until spec.version changes.
    if (migration?.status === 'False') return failed(conditionText(migration));
    if (findCondition(conds, 'Ready')?.status === 'True') {
      const version = str(ks, 'status.version');
      return ready(`Knative Serving${version ? ` ${version}` : ''} is ready`);
    }
    const blocking = blockingCondition(conds, STAGES);
    return progressing(blocking ? conditionText(blocking) : 'waiting for the Ready condition');
  },
});
