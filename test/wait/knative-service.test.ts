import { fixtureTable } from './helpers.js';

fixtureTable('knative-service', [
  { file: 'ready.yaml', state: 'ready', message: 'Service models/embeddings: ready at http://embeddings.models.example.com (revision embeddings-00001)' },
  {
    file: 'revision-failed.yaml',
    state: 'failed',
    message: 'ConfigurationsReady=False: RevisionFailed: Revision "helloworld-00002" failed with message: Container failed with: container exited with no error.',
  },
  { file: 'unschedulable.yaml', state: 'progressing', message: 'Insufficient nvidia.com/gpu' },
  { file: 'unschedulable-no-gpu-node.yaml', state: 'failed', message: ['3 Insufficient nvidia.com/gpu', 'add nodes with enough nvidia.com/gpu'] },
  { file: 'progressing.yaml', state: 'progressing', message: 'is waiting for a Revision to become ready' },
  { file: 'stale-generation.yaml', state: 'progressing', message: 'observe generation 2' },
  { file: 'new-revision-pending.yaml', state: 'progressing', message: 'waiting for revision embeddings-00002' },
]);
