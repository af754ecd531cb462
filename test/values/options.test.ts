import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { mergeValueOptions, type ValueOptions } from '../../src/values/options.js';

function options(partial: Partial<ValueOptions>): ValueOptions {
  return { valueFiles: [], values: [], stringValues: [], fileValues: [], jsonValues: [], literalValues: [], ...partial };
}

function fakeFs(files: Record<string, string>) {
  const reads: string[] = [];
  return {
    reads,
    readFile(path: string): string {
      reads.push(path);
      if (path in files) return files[path];
      throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    },
  };
}

const merge = (partial: Partial<ValueOptions>, files: Record<string, string> = {}) =>
  mergeValueOptions(options(partial), fakeFs(files));

// Ported from helm/helm pkg/cli/values/options_test.go TestMergeValuesCLI.
describe('mergeValueOptions (Helm TestMergeValuesCLI)', () => {
  const cases: [string, Partial<ValueOptions>, unknown][] = [
    ['set-json object', { jsonValues: ['{"foo": {"bar": "baz"}}'] }, { foo: { bar: 'baz' } }],
    ['set-json key=value', { jsonValues: ['foo.bar=[1,2,3]'] }, { foo: { bar: [1, 2, 3] } }],
    ['set regular value', { values: ['foo=bar'] }, { foo: 'bar' }],
    ['set string value', { stringValues: ['foo=123'] }, { foo: '123' }],
    ['set literal value', { literalValues: ['foo=true'] }, { foo: 'true' }],
    [
      'multiple options',
      { values: ['a=foo'], stringValues: ['b=bar'], jsonValues: ['{"c": "foo1"}'], literalValues: ['d=bar1'] },
      { a: 'foo', b: 'bar', c: 'foo1', d: 'bar1' },
    ],
  ];
  for (const [name, partial, expect] of cases) {
    it(name, () => assert.deepStrictEqual(merge(partial).values, expect));
  }

  it('invalid json', () => {
    assert.throws(
      () => merge({ jsonValues: ['{invalid'] }),
      (err: unknown) => err instanceof UserError && err.message.startsWith('--set-json "{invalid": a value starting with "{" is read as one JSON object, but it is not valid JSON'),
    );
  });
});

describe('merge order', () => {
  it('applies -f files in order, merging maps and replacing lists', () => {
    const { values } = merge(
      { valueFiles: ['a.yaml', 'b.yaml'] },
      { 'a.yaml': 'm: {p: 1, q: 1}\nl: [1, 2]\nkeep: a\n', 'b.yaml': 'm: {q: 2}\nl: [3]\n' },
    );
    assert.deepStrictEqual(values, { m: { p: 1, q: 2 }, l: [3], keep: 'a' });
  });

  it('applies files, then --set-json, --set, --set-string, --set-file, --set-literal', () => {
    const files = { 'v.yaml': 'k1: file\nk2: file\nk3: file\nk4: file\nk5: file\nk6: file\n', 'p.txt': 'from file' };
    const { values } = merge(
      {
        literalValues: ['k6=literal'],
        fileValues: ['k5=p.txt', 'k6=p.txt'],
        stringValues: ['k4=string', 'k5=string', 'k6=string'],
        values: ['k3=set', 'k4=set', 'k5=set', 'k6=set'],
        jsonValues: ['k2="json"', 'k3="json"', 'k4="json"', 'k5="json"', 'k6="json"'],
        valueFiles: ['v.yaml'],
      },
      files,
    );
    assert.deepStrictEqual(values, { k1: 'file', k2: 'json', k3: 'set', k4: 'string', k5: 'from file', k6: 'literal' });
  });

  it('merges a --set-json object into a map but replaces with the key=value form', () => {
    const files = { 'v.yaml': 'm: {x: 1}\nmm: {x: 1}\n' };
    const { values } = merge({ valueFiles: ['v.yaml'], jsonValues: ['{"m": {"z": 2}}', 'mm={"z":2}'] }, files);
    assert.deepStrictEqual(values, { m: { x: 1, z: 2 }, mm: { z: 2 } });
  });

  it('lets --set index into a list from a file, and later flags see earlier ones', () => {
    const { values } = merge(
      { valueFiles: ['v.yaml'], values: ['list[1].name=b', 'list[2]=c'], stringValues: ['list[2]=7'] },
      { 'v.yaml': 'list:\n  - name: a\n  - name: x\n    port: 1\n' },
    );
    assert.deepStrictEqual(values, { list: [{ name: 'a' }, { name: 'b', port: 1 }, '7'] });
  });
});

describe('reading files', () => {
  it('reads -f - through readFile("-"), also when padded with spaces', () => {
    const fs = fakeFs({ '-': 'a: 1\n' });
    const merged = mergeValueOptions(options({ valueFiles: [' - '] }), fs);
    assert.deepStrictEqual(merged.values, { a: 1 });
    assert.deepStrictEqual(fs.reads, ['-']);
    assert.equal(merged.sourceOf(['a']), 'values file - (standard input)');
  });

  it('reads values files before --set-file files', () => {
    const fs = fakeFs({ 'v.yaml': 'a: 1\n', 'c.pem': 'PEM' });
    mergeValueOptions(options({ fileValues: ['cert=c.pem'], valueFiles: ['v.yaml'] }), fs);
    assert.deepStrictEqual(fs.reads, ['v.yaml', 'c.pem']);
  });

  it('names the file and the flag when a values file cannot be read', () => {
    assert.throws(
      () => merge({ valueFiles: ['./missing.yaml'] }),
      (err: unknown) =>
        err instanceof UserError &&
        err.message ===
          `cannot read values file ./missing.yaml (given with -f/--values): ENOENT: no such file or directory, open './missing.yaml'. Check the path and that the file is readable; use "-f -" to read values from standard input.`,
    );
  });

  it('names the file in a YAML error and the flag in a --set-file error', () => {
    assert.throws(() => merge({ valueFiles: ['./bad.yaml'] }, { './bad.yaml': 'a: 1\na: 2\n' }), /^UserError: values file \.\/bad\.yaml, line 2 column 1: key "a" appears twice/);
    assert.throws(() => merge({ fileValues: ['a=nope.txt'] }), /--set-file "a=nope\.txt": cannot read file "nope\.txt"/);
  });

  it('reports a --set path that crosses a scalar from a values file', () => {
    assert.throws(
      () => merge({ valueFiles: ['v.yaml'], values: ['a.b=2'] }, { 'v.yaml': 'a: 1\n' }),
      /--set "a\.b=2": "a" already holds a number/,
    );
  });
});

describe('sourceOf', () => {
  const files = {
    './v.yaml': 'litellm-proxy:\n  cache:\n    prot: 1\n    ttl: 5\n  hosts:\n    - name: a\n      port: 1\n    - name: b\nm: {x: 1, z: 1}\n',
    './w.yaml': 'm: {z: 2}\n',
    'c.pem': 'PEM',
  };
  const merged = merge(
    {
      valueFiles: ['./v.yaml', './w.yaml'],
      jsonValues: ['{"j": {"k": 1}}', 'r={"z":1}'],
      values: ['a.b=1,c=x\\,y', 'litellm-proxy.hosts[1].port=2', 'r.q=3'],
      stringValues: ['s=1'],
      fileValues: ['cert=c.pem'],
      literalValues: ['lit=a,b'],
    },
    files,
  );

  const cases: [(string | number)[], string | undefined][] = [
    [['litellm-proxy', 'cache', 'prot'], 'values file ./v.yaml'],
    [['litellm-proxy', 'hosts', 0, 'port'], 'values file ./v.yaml'],
    [['litellm-proxy', 'hosts', 1, 'port'], '--set litellm-proxy.hosts[1].port=2'],
    [['litellm-proxy', 'hosts', 1, 'name'], 'values file ./v.yaml'],
    [['litellm-proxy', 'cache', 'prot', 'deeper'], 'values file ./v.yaml'],
    [['m', 'x'], 'values file ./v.yaml'],
    [['m', 'z'], 'values file ./w.yaml'],
    [['m'], 'values file ./w.yaml'],
    [['j', 'k'], '--set-json {"j": {"k": 1}}'],
    [['r', 'z'], '--set-json r={"z":1}'],
    [['r', 'q'], '--set r.q=3'],
    [['a', 'b'], '--set a.b=1'],
    [['c'], '--set c=x\\,y'],
    [['s'], '--set-string s=1'],
    [['cert'], '--set-file cert=c.pem'],
    [['lit'], '--set-literal lit=a,b'],
    [['never', 'set'], undefined],
    [[], undefined],
  ];
  for (const [path, expect] of cases) {
    it(`${JSON.stringify(path)} -> ${expect}`, () => assert.equal(merged.sourceOf(path), expect));
  }

  it('forgets the earlier source of a subtree that a later source replaces', () => {
    const m = merge(
      { valueFiles: ['./v.yaml'], jsonValues: ['litellm-proxy.cache={"on":true}'] },
      files,
    );
    assert.deepStrictEqual(m.values['litellm-proxy'], {
      cache: { on: true },
      hosts: [{ name: 'a', port: 1 }, { name: 'b' }],
    });
    assert.equal(m.sourceOf(['litellm-proxy', 'cache', 'ttl']), '--set-json litellm-proxy.cache={"on":true}');
    assert.equal(m.sourceOf(['litellm-proxy', 'hosts']), 'values file ./v.yaml');
  });

  it('credits padding and the container to the flag that extended a list, not earlier items', () => {
    const m = merge({ valueFiles: ['a.yaml'], values: ['l[3]=x'] }, { 'a.yaml': 'l: [{x: 1}]\n' });
    assert.deepStrictEqual(m.values, { l: [{ x: 1 }, null, null, 'x'] });
    assert.equal(m.sourceOf(['l', 0, 'x']), 'values file a.yaml');
    assert.equal(m.sourceOf(['l', 1]), '--set l[3]=x');
    assert.equal(m.sourceOf(['l']), '--set l[3]=x');
  });

  it('attributes a list replaced by a later file to that file', () => {
    const m = merge({ valueFiles: ['a.yaml', 'b.yaml'] }, { 'a.yaml': 'l: [{x: 1}, {x: 2}]\n', 'b.yaml': 'l: [{x: 3}]\n' });
    assert.equal(m.sourceOf(['l', 1, 'x']), 'values file b.yaml');
  });
});
