import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateReadiness } from '../../src/wait/registry.js';
import { fakeCluster, fixtureTable, loadFixture } from './helpers.js';
import type { RelatedQuery } from '../../src/wait/types.js';

fixtureTable('service', [
  { file: 'ready.yaml', state: 'ready', message: 'Service infra/infra-litellm: 1 ready endpoint' },
  {
    file: 'no-ready-endpoints.yaml',
    state: 'progressing',
    message: ['no ready endpoints among 1 Pod', 'ImagePullBackOff'],
    cause: 'Pod infra/infra-pooler-rw-6f7d8c9b5-k2j3h',
  },
  { file: 'no-pods.yaml', state: 'progressing', message: 'no Pod matches selector app.kubernetes.io/name=litellm' },
  { file: 'headless.yaml', state: 'ready', message: '2 ready endpoints' },
  { file: 'load-balancer-pending.yaml', state: 'progressing', message: 'status.loadBalancer.ingress is empty' },
  { file: 'load-balancer-ready.yaml', state: 'ready', message: '1 ready endpoint' },
  { file: 'external-name.yaml', state: 'ready', message: 'ExternalName for api.openai.com' },
  { file: 'no-selector.yaml', state: 'ready', message: 'no selector' },
  { file: 'no-cluster-ip.yaml', state: 'progressing', message: 'waiting for a cluster IP' },
]);

test('a Service asks for its EndpointSlices by the service-name label and for Pods by its selector', () => {
  const { subject, cluster } = loadFixture('service/ready.yaml');
  const seen: RelatedQuery[] = [];
  evaluateReadiness(subject, fakeCluster(cluster, seen));
  assert.deepEqual(seen, [
    { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', namespace: 'infra', labelSelector: { 'kubernetes.io/service-name': 'infra-litellm' } },
    { apiVersion: 'v1', kind: 'Pod', namespace: 'infra', labelSelector: { 'app.kubernetes.io/name': 'litellm', 'app.kubernetes.io/instance': 'infra' } },
  ]);
});
