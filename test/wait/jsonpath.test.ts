import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonPath, parseJsonPath } from '../../src/wait/jsonpath.js';

const pod = {
  metadata: { name: 'p', annotations: { 'serving.kserve.io/deploymentMode': 'Standard' } },
  spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }, { containerPort: 443 }] }, { name: 'b' }] },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False', reason: 'ContainersNotReady' },
    ],
  },
};

const cases: [string, unknown[]][] = [
  ['{.status.phase}', ['Running']],
  ['.status.phase', ['Running']],
  ['{$.status.phase}', ['Running']],
  ['status.phase', ['Running']],
  ['{.status.conditions[?(@.type=="Ready")].status}', ['False']],
  ["{.status.conditions[?(@.type == 'Ready')].reason}", ['ContainersNotReady']],
  ['{.status.conditions[?(@.type!="Ready")].type}', ['PodScheduled']],
  ['{.status.conditions[?(@.reason)].type}', ['Ready']],
  ['{.status.conditions[0].type}', ['PodScheduled']],
  ['{.status.conditions[-1].type}', ['Ready']],
  ['{.status.conditions[*].type}', ['PodScheduled', 'Ready']],
  ['{.spec.containers[*].ports[?(@.containerPort>=443)].containerPort}', [443]],
  ['{.metadata.annotations.serving\\.kserve\\.io/deploymentMode}', ['Standard']],
  ["{.metadata.annotations['serving.kserve.io/deploymentMode']}", ['Standard']],
  ['{.metadata.*}', ['p', { 'serving.kserve.io/deploymentMode': 'Standard' }]],
  ['{.status.missing}', []],
  ['{.status.conditions[7].type}', []],
];

for (const [expr, want] of cases) {
  test(`jsonpath ${expr}`, () => {
    assert.deepEqual(evaluateJsonPath(parseJsonPath(expr), pod), want);
  });
}

test('malformed JSONPath expressions are rejected with the position', () => {
  for (const bad of ['{.status.conditions[?(@.type=="Ready"].status}', '{.a[}', '{}', '{.a', '{.a..b}', '{.a[?(type=="x")]}', '{.a[?(@.b==x)]}']) {
    assert.throws(() => parseJsonPath(bad), Error, bad);
  }
});
