import { fixtureTable } from './helpers.js';

fixtureTable('gatewayclass', [
  { file: 'accepted.yaml', state: 'ready', message: 'GatewayClass envoy: accepted by gateway.envoyproxy.io/gatewayclass-controller' },
  { file: 'pending.yaml', state: 'progressing', message: 'is that controller installed and running?' },
  { file: 'invalid-parameters.yaml', state: 'failed', message: 'InvalidParameters: Invalid ParametersRef: envoyproxies.gateway.envoyproxy.io "llm-proxy" not found' },
]);
