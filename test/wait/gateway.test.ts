import { fixtureTable } from './helpers.js';

fixtureTable('gateway', [
  { file: 'programmed.yaml', state: 'ready', message: 'Gateway infra/llm-gateway: programmed at 172.18.255.201' },
  { file: 'not-accepted.yaml', state: 'failed', message: 'not accepted: Accepted=False: NoControllerFound: Gateway has not been accepted by any controller' },
  { file: 'pending.yaml', state: 'progressing', message: 'waiting for the controller of GatewayClass envoy' },
  { file: 'address-not-assigned.yaml', state: 'progressing', message: 'AddressNotAssigned: No addresses have been assigned to the Gateway' },
  { file: 'listener-invalid-cert.yaml', state: 'progressing', message: 'listener https: ResolvedRefs=False: InvalidCertificateRef: Secret infra/llm-gateway-tls does not exist.' },
  { file: 'stale.yaml', state: 'progressing', message: 'observe generation 3 (Accepted is for generation 2)' },
]);
