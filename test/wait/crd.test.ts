import { fixtureTable } from './helpers.js';

fixtureTable('crd', [
  { file: 'established.yaml', state: 'ready', message: 'CustomResourceDefinition clusters.postgresql.cnpg.io: established' },
  { file: 'installing.yaml', state: 'progressing', message: 'waiting for the API server to establish it' },
  { file: 'names-not-accepted.yaml', state: 'failed', message: 'NamesAccepted=False: ShortNamesConflict: "svc" is already in use' },
  { file: 'no-status.yaml', state: 'progressing', message: 'Established' },
]);
