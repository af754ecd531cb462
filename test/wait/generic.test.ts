import { fixtureTable } from './helpers.js';

fixtureTable('generic', [
  { file: 'configmap.yaml', state: 'ready', message: 'ConfigMap infra/infra-litellm-config: exists' },
  { file: 'namespace-active.yaml', state: 'ready', message: 'Namespace infra: active' },
  { file: 'namespace-terminating.yaml', state: 'progressing', message: 'Terminating (being deleted)' },
  { file: 'certificate-ready.yaml', state: 'ready', message: 'the certificate is ready' },
  { file: 'certificate-issuing.yaml', state: 'progressing', message: 'Ready=False: DoesNotExist: Issuing certificate as Secret does not exist' },
  { file: 'stalled.yaml', state: 'failed', message: 'Stalled=True: URLInvalid' },
  { file: 'reconciling.yaml', state: 'progressing', message: 'Reconciling=True: Progressing: building artifact' },
  { file: 'observed-generation-lag.yaml', state: 'progressing', message: 'observe generation 4 (status is for generation 3)' },
  { file: 'no-signal.yaml', state: 'ready', message: 'no readiness signal' },
]);
