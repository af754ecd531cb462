import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupKind, groupOf, objectKey } from '../../src/core/object.js';

test('groupOf splits apiVersion; core group is empty', () => {
  assert.equal(groupOf('apps/v1'), 'apps');
  assert.equal(groupOf('v1'), '');
  assert.equal(groupKind({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' }), 'Cluster.postgresql.cnpg.io');
  assert.equal(objectKey({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a', namespace: 'n' } }), 'Service/n/a');
});
