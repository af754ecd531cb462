import { fixtureTable } from './helpers.js';

fixtureTable('pod', [
  {
    file: 'image-pull-backoff.yaml',
    state: 'failed',
    message: 'Pod infra/debug: container app: ImagePullBackOff: Back-off pulling image "ghcr.io/x:bad"',
    cause: 'Pod infra/debug: container app: ImagePullBackOff',
  },
  { file: 'err-image-pull.yaml', state: 'failed', message: 'ErrImagePull: failed to pull and unpack image "ghcr.io/x:bad"' },
  {
    file: 'crashloop.yaml',
    state: 'failed',
    message: ['container crash: CrashLoopBackOff: back-off 10s restarting failed container=crash', 'last exited with code 1 (Error)'],
  },
  { file: 'oom-crashloop.yaml', state: 'failed', message: 'exited with code 137 (OOMKilled)' },
  { file: 'create-container-config-error.yaml', state: 'failed', message: 'CreateContainerConfigError: secret "infra-postgresql-app" not found' },
  { file: 'unschedulable.yaml', state: 'progressing', message: 'Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu' },
  // Preemption "not helpful" on every node: no node can ever take the pod, waiting cannot help.
  {
    file: 'unschedulable-no-gpu-node.yaml',
    state: 'failed',
    message: ['Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.', 'add nodes with enough nvidia.com/gpu', 'gpus: 0 runs a model on CPU'],
  },
  { file: 'unschedulable-untolerated-taint.yaml', state: 'failed', message: ['tolerate the taint {nvidia.com/gpu: present}', 'add nodes with enough nvidia.com/gpu'] },
  // The GPU node exists but is full: a GPU may be freed, so keep waiting.
  { file: 'unschedulable-gpu-nodes-full.yaml', state: 'progressing', message: 'Unschedulable: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu' },
  { file: 'ready.yaml', state: 'ready', message: 'Pod infra/debug: ready' },
  { file: 'never-restart-exit.yaml', state: 'failed', message: ['container psql: exited with code 2 (Error)', 'Connection refused'] },
  { file: 'succeeded.yaml', state: 'ready', message: 'completed' },
  { file: 'evicted.yaml', state: 'failed', message: 'Failed: Evicted: The node was low on resource: ephemeral-storage' },
  { file: 'container-creating.yaml', state: 'progressing', message: 'container app: ContainerCreating' },
  { file: 'init-running.yaml', state: 'progressing', message: 'init container storage-initializer is still running' },
  { file: 'init-crashloop.yaml', state: 'failed', message: ['init container storage-initializer: CrashLoopBackOff', '401 Unauthorized'] },
  { file: 'no-status.yaml', state: 'progressing', message: 'waiting for the kubelet' },
]);
