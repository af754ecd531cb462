import { fixtureTable } from './helpers.js';

fixtureTable('httproute', [
  { file: 'accepted.yaml', state: 'ready', message: 'HTTPRoute infra/litellm: accepted by Gateway llm-gateway (http)' },
  { file: 'backend-not-found.yaml', state: 'progressing', message: 'Gateway llm-gateway: ResolvedRefs=False: BackendNotFound: Service models/llama-predictor not found' },
  { file: 'ref-not-permitted.yaml', state: 'failed', message: 'RefNotPermitted: Backend ref to Service models/llama-predictor not permitted by any ReferenceGrant' },
  { file: 'not-allowed.yaml', state: 'failed', message: 'NotAllowedByListeners' },
  { file: 'pool-invalid-kind.yaml', state: 'failed', message: ['ResolvedRefs=False: InvalidKind: Failed to process route rule 0 backendRef 0: Group is invalid', 'needs Envoy Gateway configured with the Envoy AI Gateway extension: upgrade the operators layer with envoyAIGateway.enabled=true'] },
  { file: 'no-status.yaml', state: 'progressing', message: 'waiting for Gateway llm-gateway to report on this route' },
  { file: 'one-parent-missing.yaml', state: 'progressing', message: 'waiting for Gateway internal-gateway' },
  { file: 'stale.yaml', state: 'progressing', message: 'Gateway llm-gateway: waiting for the controller to observe generation 2' },
]);
