import { fixtureTable } from './helpers.js';

fixtureTable('daemonset', [
  { file: 'ready.yaml', state: 'ready', message: '2 of 2 Pods ready' },
  { file: 'updating.yaml', state: 'progressing', message: '1 of 2 Pods updated' },
  { file: 'no-nodes.yaml', state: 'ready', message: '0 Pods desired' },
  { file: 'not-observed.yaml', state: 'progressing', message: 'waiting for the controller' },
  { file: 'image-pull.yaml', state: 'failed', message: ['0 of 1 Pods ready', 'ErrImagePull'] },
]);
