import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateReadiness } from '../../src/wait/index.js';

const cert = (status?: unknown) => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'serving-cert', namespace: 'kserve', generation: 1 },
  spec: { secretName: 'kserve-webhook-server-cert', issuerRef: { name: 'selfsigned-issuer' } },
  ...(status ? { status } : {}),
});

test('cert-manager: a Certificate without status is not ready; Ready=True is; Ready=False keeps waiting with the reason', () => {
  assert.equal(evaluateReadiness(cert(), () => []).state, 'progressing');
  assert.match(evaluateReadiness(cert(), () => []).message, /cert-manager/);
  const issuing = evaluateReadiness(cert({ conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist', observedGeneration: 1 }] }), () => []);
  assert.equal(issuing.state, 'progressing');
  assert.match(issuing.message, /Issuing certificate as Secret does not exist/);
  assert.equal(evaluateReadiness(cert({ conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired', observedGeneration: 1 }] }), () => []).state, 'ready');
  const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned-issuer', namespace: 'kserve' }, spec: { selfSigned: {} } };
  assert.equal(evaluateReadiness(issuer, () => []).state, 'progressing');
  assert.equal(evaluateReadiness({ ...issuer, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, () => []).state, 'ready');
});
