import { fixtureTable } from './helpers.js';

fixtureTable('cnpg-cluster', [
  {
    file: 'setting-up-primary.yaml',
    state: 'progressing',
    message: 'Cluster infra/infra-postgresql: Setting up primary: Creating primary instance infra-postgresql-1 (0 of 3 instances ready)',
  },
  { file: 'healthy.yaml', state: 'ready', message: 'Cluster in healthy state, 3 of 3 instances ready' },
  { file: 'failing-over.yaml', state: 'progressing', message: 'Failing over: Initiating a failover from infra-postgresql-2 (2 of 3 instances ready)' },
  { file: 'no-status.yaml', state: 'progressing', message: 'waiting for the CloudNativePG operator' },
  { file: 'unrecoverable.yaml', state: 'failed', message: ['Cluster is unrecoverable and needs manual intervention', 'backoff limit reached'] },
  { file: 'reconciliation-disabled.yaml', state: 'ready', message: 'reconciliation is disabled' },
  { file: 'hibernated.yaml', state: 'ready', message: 'hibernated' },
  {
    file: 'primary-image-pull.yaml',
    state: 'failed',
    message: ['Setting up primary', 'container initdb: ImagePullBackOff: Back-off pulling image "ghcr.io/cloudnative-pg/postgresql:17.99"'],
    cause: 'Pod infra/infra-postgresql-1-initdb-x7k2p',
  },
  { file: 'waiting-for-user-unsupervised.yaml', state: 'failed', message: 'Waiting for user action: Cannot shrink the storage size' },
  { file: 'waiting-for-user-supervised.yaml', state: 'ready', message: 'supervised' },
  { file: 'healthy-stale-ready.yaml', state: 'progressing', message: 'Cluster in healthy state' },
]);
