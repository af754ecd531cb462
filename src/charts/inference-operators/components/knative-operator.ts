import { defineGroup } from '../../../render/groups.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';

export const KNATIVE_OPERATOR_NAMESPACE = 'knative-operator';

const knativeOperatorGroup = defineGroup<OperatorsConfig>({
  name: 'knative-operator',
  description: 'Knative Operator and its conversion webhook: ready when deployments knative-operator and operator-webhook are Available',
  after: FOUNDATION,
});

/**
 * The Knative Operator. Knative Serving and Kourier are not rendered here: the infrastructure layer's
 * KnativeServing asks this operator for them (net-kourier's standalone kourier.yaml would install a
 * second, unmanaged copy in kourier-system).
 */
export const knativeOperator: OperatorComponent = {
  key: 'knative-operator',
  manifests: [{ project: 'knative-operator', file: `operator-v${VERSIONS.knativeOperator}.yaml` }],
  groups: [knativeOperatorGroup],
  exports: () => ({
    knativeOperatorVersion: VERSIONS.knativeOperator,
    knativeOperatorNamespace: KNATIVE_OPERATOR_NAMESPACE,
    knativeOperatorDeployments: `${KNATIVE_OPERATOR_NAMESPACE}/knative-operator,${KNATIVE_OPERATOR_NAMESPACE}/operator-webhook`,
    knativeServingVersions: VERSIONS.knativeServingRange,
  }),
};
