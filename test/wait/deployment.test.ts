import { fixtureTable } from './helpers.js';

fixtureTable('deployment', [
  {
    file: 'image-pull-backoff.yaml',
    state: 'failed',
    message:
      'Deployment infra/infra-litellm-proxy: 1 of 2 replicas ready; Pod infra-litellm-proxy-6b7f9c8d4-abcde: container litellm: ImagePullBackOff: Back-off pulling image "ghcr.io/berriai/litellm:bad"',
    cause: 'Pod infra/infra-litellm-proxy-6b7f9c8d4-abcde: container litellm: ImagePullBackOff',
  },
  {
    file: 'create-container-config-error.yaml',
    state: 'failed',
    message: ['0 of 1 replicas ready', 'CreateContainerConfigError: secret "infra-postgresql-app" not found'],
  },
  { file: 'rolling-out.yaml', state: 'progressing', message: ['1 of 2 replicas updated', 'container litellm: ContainerCreating'] },
  { file: 'rolled-out.yaml', state: 'ready', message: '2 of 2 replicas ready' },
  {
    file: 'progress-deadline-exceeded.yaml',
    state: 'failed',
    message: ['progress deadline', 'has timed out progressing', 'container litellm is running but not ready'],
  },
  { file: 'old-pod-crashlooping.yaml', state: 'progressing', message: '1 old replica pending termination' },
  { file: 'stale-generation.yaml', state: 'progressing', message: 'observe generation 6' },
  { file: 'paused.yaml', state: 'ready', message: 'paused' },
  { file: 'scaled-to-zero.yaml', state: 'ready', message: 'scaled to 0' },
  { file: 'no-status.yaml', state: 'progressing', message: '0 of 1 replicas updated' },
]);
