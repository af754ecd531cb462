import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../src/core/object.js';
import { isUserError } from '../../src/core/errors.js';
import { validateWaitAnnotations, waitForOf } from '../../src/wait/custom.js';
import { evaluateReadiness, readinessRuleFor } from '../../src/wait/registry.js';
import { fakeCluster, loadFixture } from './helpers.js';

function withWait(obj: K8sObject, waitFor?: string, skip?: string): K8sObject {
  const annotations: Record<string, string> = { ...obj.metadata.annotations };
  if (waitFor !== undefined) annotations['inferctl.io/wait-for'] = waitFor;
  if (skip !== undefined) annotations['inferctl.io/skip-wait'] = skip;
  return { ...obj, metadata: { ...obj.metadata, annotations } };
}

const backup = (status: Record<string, unknown>, generation = 1): K8sObject => ({
  apiVersion: 'postgresql.cnpg.io/v1',
  kind: 'Backup',
  metadata: { name: 'nightly', namespace: 'infra', generation },
  spec: { cluster: { name: 'infra-postgresql' } },
  status,
});

test('parses kubectl wait forms, several separated by ";"', () => {
  const obj = withWait(
    backup({}),
    ` condition=Ready ; condition=Available=False;jsonpath={.status.phase}=completed; jsonpath='{.status.conditions[?(@.type=="Ready")].status}'=True;jsonpath={.status.url};`,
  );
  const waits = waitForOf(obj) ?? [];
  assert.deepEqual(
    waits.map((w) => (w.kind === 'condition' ? [w.kind, w.type, w.status] : [w.kind, w.path.source, w.value])),
    [
      ['condition', 'Ready', 'True'],
      ['condition', 'Available', 'False'],
      ['jsonpath', '{.status.phase}', 'completed'],
      ['jsonpath', '{.status.conditions[?(@.type=="Ready")].status}', 'True'],
      ['jsonpath', '{.status.url}', undefined],
    ],
  );
});

test('invalid annotation syntax is a UserError naming the object and the annotation', () => {
  for (const bad of ['condtion=Ready', 'condition=', 'condition=Ready=True=x', 'jsonpath={.status.phase', 'jsonpath={.a[?(@.b==x)]}=1', 'jsonpath={.x}=', 'jsonpath={.x}Running', ' ; ']) {
    const obj = withWait(backup({}), bad);
    assert.throws(
      () => readinessRuleFor(obj),
      (err: unknown) => {
        assert.ok(isUserError(err), bad);
        assert.match((err as Error).message, /^Backup infra\/nightly: annotation inferctl\.io\/wait-for: /);
        assert.match((err as Error).message, /kubectl wait syntax/);
        return true;
      },
    );
  }
  assert.throws(() => validateWaitAnnotations(withWait(backup({}), undefined, 'yes')), /inferctl\.io\/skip-wait: "yes": must be "true" or "false"/);
});

test('condition waits: met, unmet with the reason, case-insensitive like kubectl', () => {
  const notReady = backup({ conditions: [{ type: 'Ready', status: 'False', reason: 'Running', message: 'barman-cloud is uploading' }] });
  let r = evaluateReadiness(withWait(notReady, 'condition=Ready'), fakeCluster([]));
  assert.equal(r.state, 'progressing');
  assert.equal(r.message, 'Backup infra/nightly: waiting for condition=Ready: condition Ready is False, want True (Running: barman-cloud is uploading)');
  r = evaluateReadiness(withWait(notReady, 'condition=ready=false'), fakeCluster([]));
  assert.equal(r.state, 'ready');
  r = evaluateReadiness(withWait(backup({}), 'condition=Ready'), fakeCluster([]));
  assert.match(r.message, /condition Ready is not reported yet/);
});

test('jsonpath waits: value, existence and the value seen', () => {
  const running = backup({ phase: 'running' });
  let r = evaluateReadiness(withWait(running, 'jsonpath={.status.phase}=completed'), fakeCluster([]));
  assert.equal(r.state, 'progressing');
  assert.match(r.message, /\{\.status\.phase\} is "running", want "completed"/);
  r = evaluateReadiness(withWait(backup({ phase: 'completed' }), "jsonpath='{.status.phase}'=completed"), fakeCluster([]));
  assert.equal(r.state, 'ready');
  r = evaluateReadiness(withWait(running, 'jsonpath={.status.backupId}'), fakeCluster([]));
  assert.match(r.message, /\{\.status\.backupId\} is not set/);
  r = evaluateReadiness(withWait(backup({ backupId: '20260820T100000' }), 'jsonpath={.status.backupId}'), fakeCluster([]));
  assert.equal(r.state, 'ready');
});

test('custom waits honour observedGeneration (Pulumi) and stale conditions (kubectl)', () => {
  const lagging = backup({ observedGeneration: 1, phase: 'completed' }, 2);
  let r = evaluateReadiness(withWait(lagging, 'jsonpath={.status.phase}=completed'), fakeCluster([]));
  assert.equal(r.state, 'progressing');
  assert.match(r.message, /observe generation 2/);
  const staleCond = backup({ conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] }, 2);
  r = evaluateReadiness(withWait(staleCond, 'condition=Ready'), fakeCluster([]));
  assert.match(r.message, /condition Ready is for an older generation/);
});

test('every wait must hold; the message lists each unmet one', () => {
  const obj = withWait(backup({ phase: 'running', conditions: [{ type: 'Ready', status: 'True' }] }), 'condition=Ready;jsonpath={.status.phase}=completed');
  const r = evaluateReadiness(obj, fakeCluster([]));
  assert.equal(r.state, 'progressing');
  assert.doesNotMatch(r.message, /condition=Ready/);
  assert.match(r.message, /waiting for jsonpath=\{\.status\.phase\}=completed/);
});

test('a custom wait replaces the kind rule for readiness but keeps its fail-fast', () => {
  const { subject, cluster } = loadFixture('deployment/image-pull-backoff.yaml');
  const r = evaluateReadiness(withWait(subject, 'condition=Available'), fakeCluster(cluster));
  assert.equal(r.state, 'failed');
  assert.match(r.message, /ImagePullBackOff/);

  // A Gateway that only needs to be accepted (no address on a kind cluster).
  const gw = loadFixture('gateway/address-not-assigned.yaml').subject;
  assert.equal(evaluateReadiness(gw, fakeCluster([])).state, 'progressing');
  const accepted = evaluateReadiness(withWait(gw, 'condition=Accepted'), fakeCluster([]));
  assert.equal(accepted.state, 'ready');
  assert.equal(accepted.message, 'Gateway infra/llm-gateway: custom wait met (condition=Accepted)');
});

test('skip-wait makes anything ready, even a failing or deleting object', () => {
  const { subject, cluster } = loadFixture('deployment/image-pull-backoff.yaml');
  const deleting = { ...subject, metadata: { ...subject.metadata, deletionTimestamp: '2026-08-20T11:00:00Z' } };
  const r = evaluateReadiness(withWait(deleting, 'condition=Available', 'TRUE'), fakeCluster(cluster));
  assert.deepEqual(r, { state: 'ready', message: 'Deployment infra/infra-litellm-proxy: not waited for (inferctl.io/skip-wait: "true")' });
  assert.equal(evaluateReadiness(withWait(subject, undefined, 'false'), fakeCluster(cluster)).state, 'failed');
});
