import { fixtureTable } from './helpers.js';

fixtureTable('inferenceservice', [
  { file: 'ready.yaml', state: 'ready', message: 'InferenceService models/llama: ready at http://llama-models.example.com' },
  { file: 'predictor-failed.yaml', state: 'failed', message: 'PredictorReady=False: RevisionFailed: Revision "helloworld-00002" failed' },
  {
    file: 'model-failed-to-load.yaml',
    state: 'failed',
    message: ['model failed to load (BlockedByFailedLoad): ModelLoadFailed: torch.OutOfMemoryError: CUDA out of memory', 'llama-predictor-7b9c5d6f8-abcde, exit code 1'],
  },
  {
    file: 'progressing.yaml',
    state: 'progressing',
    message: ['PredictorReady=False: MinimumReplicasUnavailable', 'Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu'],
  },
  { file: 'image-pull.yaml', state: 'failed', message: 'container kserve-container: ImagePullBackOff' },
  { file: 'stopped.yaml', state: 'ready', message: 'stopped' },
  { file: 'no-status.yaml', state: 'progressing', message: 'waiting for the KServe controller' },
]);
