import { fixtureTable } from './helpers.js';

fixtureTable('apiservice', [
  { file: 'available.yaml', state: 'ready', message: 'APIService v1beta1.metrics.k8s.io: available' },
  { file: 'unavailable.yaml', state: 'progressing', message: 'MissingEndpoints: endpoints for service/metrics-server' },
]);
