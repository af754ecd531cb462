import { fixtureTable } from './helpers.js';

fixtureTable('inferencepool', [
  { file: 'accepted.yaml', state: 'ready', message: 'InferencePool llm/stack-qwen-pool: accepted by Gateway llm/infra-model-gateway' },
  { file: 'no-parents.yaml', state: 'progressing', message: 'waiting for a Gateway to accept the pool: an HTTPRoute in namespace llm must send traffic to it through a Gateway whose controller implements InferencePool (Envoy Gateway with Envoy AI Gateway)' },
  { file: 'picker-missing.yaml', state: 'progressing', message: 'Gateway llm/infra-model-gateway: Accepted=False: NotAccepted: InferencePool has been NotAccepted by controller ai-gateway-controller: ExtensionReference service stack-qwen-epp not found in namespace llm' },
  { file: 'stale.yaml', state: 'progressing', message: 'Gateway llm/infra-model-gateway: waiting for the controller to observe generation 2 (Accepted is for generation 1)' },
]);
