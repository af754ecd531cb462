import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jobRule } from '../../src/wait/rules/batch.Job.js';
import { fixtureTable, loadFixture } from './helpers.js';

fixtureTable('job', [
  {
    file: 'backoff-limit-exceeded.yaml',
    state: 'failed',
    message: ['Job default/foo: failed: BackoffLimitExceeded: Job has reached the specified backoff limit', 'executable file not found'],
    cause: 'Pod default/foo-8xkzd: container pi: exited with code 128 (StartError)',
  },
  { file: 'complete.yaml', state: 'ready', message: 'completed (1 of 1 succeeded)' },
  { file: 'running.yaml', state: 'progressing', message: 'running: 1 active, 0 of 1 succeeded, 0 failed' },
  { file: 'retrying.yaml', state: 'progressing', message: ['1 failed (backoffLimit 4)', "P1001: Can't reach database server"] },
  { file: 'image-pull-backoff.yaml', state: 'failed', message: 'ImagePullBackOff: Back-off pulling image "ghcr.io/berriai/litellm-database:nope"' },
  { file: 'suspended.yaml', state: 'ready', message: 'suspended' },
  { file: 'not-started.yaml', state: 'progressing', message: 'waiting for the Job to start' },
]);

test('a rendered Job (no selector yet) finds its Pods by job-name', () => {
  const { subject } = loadFixture('job/not-started.yaml');
  assert.deepEqual(jobRule.related?.(subject), [
    { apiVersion: 'v1', kind: 'Pod', namespace: 'infra', labelSelector: { 'job-name': 'infra-litellm-migrations' } },
  ]);
});
