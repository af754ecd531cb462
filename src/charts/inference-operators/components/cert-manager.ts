import type { OperatorComponent } from '../component.js';
import { FOUNDATION } from '../component.js';
import { VERSIONS } from '../versions.js';

export const CERT_MANAGER_NAMESPACE = 'cert-manager';
export const CERT_MANAGER_GROUP = 'cert-manager';

/** cert-manager: only KServe needs it here, for the certificate of its admission webhook. */
export const certManager: OperatorComponent = {
  key: 'cert-manager',
  manifests: [{ project: 'cert-manager', file: `cert-manager-${VERSIONS.certManager}.yaml` }],
  groups: () => [
    {
      name: CERT_MANAGER_GROUP,
      dependsOn: FOUNDATION,
      description: 'cert-manager controller, cainjector and webhook: ready when all three Deployments are Available',
    },
  ],
  exports: () => ({
    certManagerVersion: VERSIONS.certManager,
    certManagerNamespace: CERT_MANAGER_NAMESPACE,
    certManagerWebhookDeployment: `${CERT_MANAGER_NAMESPACE}/cert-manager-webhook`,
  }),
};
