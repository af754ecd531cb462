import { fixtureTable } from './helpers.js';

fixtureTable('knativeserving', [
  {
    file: 'installing.yaml',
    state: 'progressing',
    message: 'KnativeServing knative-serving/knative-serving: DeploymentsAvailable=False: NotReady: Waiting on deployments: activator',
  },
  { file: 'ready.yaml', state: 'ready', message: 'Knative Serving 1.23.0 is ready' },
  { file: 'version-not-eligible.yaml', state: 'failed', message: 'VersionMigrationEligible=False: Error: Version migration is not eligible' },
  { file: 'no-status.yaml', state: 'progressing', message: 'waiting for the Knative operator' },
]);
