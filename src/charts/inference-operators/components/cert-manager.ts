import { defineGroup } from '../../../render/groups.js';
import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import type { OperatorsConfig } from '../config.js';
import { VERSIONS } from '../versions.js';

export const CERT_MANAGER_NAMESPACE = 'cert-manager';
export const certManagerGroup = defineGroup<OperatorsConfig>({
  name: 'cert-manager',
  description: 'cert-manager controller, cainjector and webhook: ready when all three Deployments are Available',
  after: FOUNDATION,
});

/** cert-manager: only KServe needs it here, for the certificate of its admission webhook. */
export const certManager: OperatorComponent = {
  key: 'cert-manager',
  manifests: [{ project: 'cert-manager', file: `cert-manager-${VERSIONS.certManager}.yaml` }],
  groups: [certManagerGroup],
  exports: () => ({
    certManagerVersion: VERSIONS.certManager,
    certManagerNamespace: CERT_MANAGER_NAMESPACE,
    certManagerWebhookDeployment: `${CERT_MANAGER_NAMESPACE}/cert-manager-webhook`,
  }),
};
