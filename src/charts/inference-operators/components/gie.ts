import type { OperatorComponent } from '../component.js';
import { VERSIONS } from '../versions.js';

/** Gateway API Inference Extension: CRDs only (InferencePool); it has no controller or webhook. */
export const gatewayApiInferenceExtension: OperatorComponent = {
  key: 'gateway-api-inference-extension',
  manifests: [{ project: 'gateway-api-inference-extension', file: `manifests-${VERSIONS.gatewayApiInferenceExtension}.yaml` }],
  groups: [],
  exports: () => ({
    gatewayApiInferenceExtensionVersion: VERSIONS.gatewayApiInferenceExtension,
    inferencePoolApiVersion: 'inference.networking.k8s.io/v1',
  }),
};
