import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector, selectorFromObject } from '../../src/sim/selectors.js';
import { ResourceRegistry } from '../../src/sim/resources.js';
import { ApiError } from '../../src/sim/errors.js';

const m = (sel: string, labels: Record<string, string>) => matchesLabels(parseLabelSelector(sel), labels);

test('equality, inequality and set-based label requirements', () => {
  assert.ok(m('app=web', { app: 'web' }));
  assert.ok(m('app==web', { app: 'web' }));
  assert.ok(!m('app=web', { app: 'db' }));
  assert.ok(m('app!=web', { app: 'db' }));
  // != and notin also match objects without the label, as the apiserver does.
  assert.ok(m('app!=web', {}));
  assert.ok(m('tier in (front, back)', { tier: 'back' }));
  assert.ok(!m('tier in (front)', {}));
  assert.ok(m('tier notin (db)', {}));
  assert.ok(!m('tier notin (db)', { tier: 'db' }));
  assert.ok(m('app', { app: 'x' }));
  assert.ok(!m('app', {}));
  assert.ok(m('!app', {}));
  assert.ok(!m('!app', { app: 'x' }));
  assert.ok(m('app=web,tier in (a,b),!legacy', { app: 'web', tier: 'a' }));
  assert.ok(m('replicas>2', { replicas: '3' }));
  assert.ok(m('', { any: 'thing' }));
});

test('malformed label selectors are a 400 BadRequest', () => {
  assert.throws(
    () => parseLabelSelector('app=bad value'),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === 'BadRequest' && /unable to parse requirement/.test(e.message),
  );
});

test('LabelSelector objects: matchLabels and matchExpressions', () => {
  const sel = selectorFromObject({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'legacy', operator: 'DoesNotExist' }] });
  assert.ok(matchesLabels(sel, { app: 'x', tier: 'web' }));
  assert.ok(!matchesLabels(sel, { app: 'x', tier: 'db' }));
  assert.ok(!matchesLabels(sel, { app: 'x', legacy: 'y' }));
  assert.ok(matchesLabels(selectorFromObject({}), { whatever: '1' }));
});

test('field selectors support metadata.name/namespace and per-kind fields; unknown fields are rejected', () => {
  const reg = new ResourceRegistry();
  const pods = reg.find('', 'v1', 'pods')!;
  const cms = reg.find('', 'v1', 'configmaps')!;
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p1', namespace: 'ns' }, status: { phase: 'Running' } };
  assert.ok(matchesFields(parseFieldSelector('metadata.name=p1', pods), pod));
  assert.ok(matchesFields(parseFieldSelector('metadata.namespace!=other,status.phase==Running', pods), pod));
  assert.ok(!matchesFields(parseFieldSelector('metadata.name=p2', pods), pod));
  assert.throws(() => parseFieldSelector('status.phase=Running', cms), (e: unknown) => e instanceof ApiError && e.code === 400 && /field label not supported: status.phase/.test(e.message));
});
