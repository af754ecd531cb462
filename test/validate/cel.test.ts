import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRule } from '../../src/validate/cel.js';

function run(rule: string, self: unknown, oldSelf?: unknown): unknown {
  const c = compileRule(rule);
  if (!c.ok) throw new Error(c.reason);
  const r = c.run(self, oldSelf);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

test('macros, has() on any select, and the strings extension used by the CRDs', () => {
  assert.equal(run('self.all(x, x > 0) && self.exists_one(x, x == 2) && self.filter(x, x > 1).size() == 2', [1n, 2n, 3n]), true);
  assert.equal(run('(self.size() > 0 ? (has(self[0].matches) ? self[0].matches.size() : 0) : 0) == 1', [{ matches: [{}] }]), true);
  assert.equal(run("self.all(key, key.split('/')[0].size() < 253)", { 'a/b': 'c' }), true);
  assert.equal(run("self.lowerAscii() != 'host' && self.upperAscii() == 'HOST'", 'Host'), false);
  assert.equal(run("self.substring(2).startsWith('foo') && self.indexOf('.') == 1", '*.foo.com'), true);
  assert.equal(run("[has(self.a), has(self.b)].filter(x, x).size() == 1", { a: 1n }), true);
});

test('matches() is RE2, including inline flags that JavaScript rejects', () => {
  assert.equal(run('self.matches(r"^(?i)\\.?[a-z_][a-z_0-9]*$")', 'ABC'), true);
  assert.equal(run("self.matches('^[a-z]+$')", 'ab1'), false);
});

test('duration() comparisons (Envoy Gateway timeouts)', () => {
  assert.equal(run("!(duration(self) < duration('1s') || duration(self) > duration('1h'))", '90m'), false);
  assert.equal(run("duration(self) > duration('0s')", '5s'), true);
});

test('Kubernetes library functions the CRDs call', () => {
  assert.equal(run('self.all(h, !isIP(h))', ['example.com', '10.0.0.1']), false);
  assert.equal(run('size(self) == 0 || format.dns1123Label().validate(self) == null', 'my-label'), true);
  assert.equal(run('size(self) == 0 || format.dns1123Label().validate(self) == null', 'My_Label'), false);
  assert.equal(run("isURL(self) && !isURL('not a url')", 'https://example.com/x'), true);
  assert.equal(run("isCIDR(self)", '10.0.0.0/8'), true);
});

test('oldSelf is detected so transition rules can be skipped on create', () => {
  const c = compileRule('self == oldSelf');
  assert.ok(c.ok && c.usesOldSelf);
  const d = compileRule('self.x == 1');
  assert.ok(d.ok && !d.usesOldSelf);
  assert.equal(run('self == oldSelf', 'a', 'b'), false);
});

test('unsupported functions and syntax errors do not compile, with a reason', () => {
  const a = compileRule('quantity(self).isGreaterThan(quantity("1Gi"))');
  assert.ok(!a.ok);
  assert.match(a.reason, /unsupported function isGreaterThan, quantity/);
  const b = compileRule('self.x ==');
  assert.ok(!b.ok);
  assert.match(b.reason, /^parse error/);
});

test('runtime errors are reported, not thrown', () => {
  const c = compileRule('self.missing == 1');
  assert.ok(c.ok);
  const r = c.run({});
  assert.equal(r.ok, false);
});
