import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cnpgPoolerRule } from '../../src/wait/rules/postgresql.cnpg.io.Pooler.js';
import { fixtureTable, loadFixture } from './helpers.js';

fixtureTable('cnpg-pooler', [
  { file: 'ready.yaml', state: 'ready', message: 'Pooler infra/infra-pooler-rw: Deployment infra-pooler-rw: 2 of 2 replicas ready' },
  { file: 'no-deployment.yaml', state: 'progressing', message: ['waiting for the operator to create Deployment infra-pooler-rw', 'secret infra-postgresql-ca not found'] },
  { file: 'failed.yaml', state: 'failed', message: 'phase failed: cannot resolve the pgbouncer image' },
  {
    file: 'pod-crashloop.yaml',
    state: 'failed',
    message: ['Deployment infra-pooler-rw: 0 of 1 replicas ready', 'container pgbouncer: CrashLoopBackOff', 'cannot load TLS key'],
  },
]);

test('a Pooler is judged through the Deployment with its own name', () => {
  const { subject } = loadFixture('cnpg-pooler/ready.yaml');
  assert.deepEqual(cnpgPoolerRule.related?.(subject)[0], { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'infra', name: 'infra-pooler-rw' });
});
