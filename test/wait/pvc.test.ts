import { fixtureTable } from './helpers.js';

fixtureTable('pvc', [
  { file: 'bound.yaml', state: 'ready', message: 'PersistentVolumeClaim models/model-cache: bound to pvc-3f1c2a9e' },
  { file: 'pending-wait-for-first-consumer.yaml', state: 'ready', message: 'StorageClass standard binds on first consumer' },
  { file: 'pending-immediate.yaml', state: 'progressing', message: 'waiting for a volume to be provisioned or bound' },
  { file: 'pending-missing-class.yaml', state: 'progressing', message: 'no StorageClass manual exists' },
  { file: 'lost.yaml', state: 'failed', message: 'Lost' },
]);
