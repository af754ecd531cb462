import { conditions, conditionText, defineRule, failed, findCondition, progressing, ready } from '../util.js';

export const crdRule = defineRule({
  group: 'apiextensions.k8s.io',
  kind: 'CustomResourceDefinition',
  judge(crd) {
    const conds = conditions(crd);
    const names = findCondition(conds, 'NamesAccepted');
    if (names?.status === 'False') return failed(`names not accepted: ${conditionText(names)}`);
    const established = findCondition(conds, 'Established');
    if (established?.status === 'True') return ready('established');
    if (established?.status === 'False' && established.reason !== 'Installing') {
      return failed(`not established: ${conditionText(established)}`);
    }
    return progressing('waiting for the API server to establish it (Established condition)');
  },
});
