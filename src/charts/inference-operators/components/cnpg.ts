import { defineGroup } from '../../../render/groups.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';

export const CNPG_NAMESPACE = 'cnpg-system';
const OPERATOR = 'cnpg-controller-manager';

const cnpgGroup = defineGroup<OperatorsConfig>({
  name: 'cnpg',
  description: `CloudNativePG operator: ready when deployment/${OPERATOR} is Available (its webhooks answer)`,
  after: FOUNDATION,
});

/** CloudNativePG: its webhooks fail closed, so Clusters wait for the operator Deployment. */
export const cnpg: OperatorComponent = {
  key: 'cloudnative-pg',
  manifests: [{ project: 'cnpg', file: `cnpg-${VERSIONS.cnpg}.yaml` }],
  groups: [cnpgGroup],
  exports: () => ({
    cnpgVersion: VERSIONS.cnpg,
    cnpgNamespace: CNPG_NAMESPACE,
    cnpgWebhookDeployment: `${CNPG_NAMESPACE}/${OPERATOR}`,
  }),
  provided: () => [
    // Mounted optionally; the operator generates it and patches its webhook configurations.
    { kind: 'Secret', namespace: CNPG_NAMESPACE, name: 'cnpg-webhook-cert', by: 'CloudNativePG operator' },
  ],
};
