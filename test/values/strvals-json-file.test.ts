import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { parseInto, parseSet } from '../../src/values/strvals.js';

// Ported from helm/helm pkg/strvals/parser_test.go TestParseJSON.
describe('--set-json parsing (Helm TestParseJSON)', () => {
  it('sets JSON scalars and replaces an existing key', () => {
    const got = { outer: { inner1: 'overwrite', inner2: 'value2' } };
    parseInto('outer.inner1="1",outer.inner3=3,outer.inner4=true,outer.inner5="true"', got, 'json');
    assert.deepStrictEqual(got, {
      outer: { inner1: '1', inner2: 'value2', inner3: 3, inner4: true, inner5: 'true' },
    });
  });

  it('sets JSON objects and arrays, replacing (not merging) existing ones', () => {
    const got = { outer: { inner1: { x: 'overwrite' }, inner2: 'value2', inner3: ['overwrite'] } };
    parseInto(
      'outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5=[{"A":"1","B":2,"C":[1,2,3]}]',
      got,
      'json',
    );
    assert.deepStrictEqual(got, {
      outer: {
        inner1: { a: '1', b: 2, c: [1, 2, 3] },
        inner2: 'value2',
        inner3: ['new value 1', 'new value 2'],
        inner4: { aa: '1', bb: 2, cc: [1, 2, 3] },
        inner5: [{ A: '1', B: 2, C: [1, 2, 3] }],
      },
    });
  });

  it('treats an empty value as null and indexes into a value set earlier in the same flag', () => {
    const got = { outer: { inner1: { x: 'overwrite' }, inner2: 'value2' } };
    parseInto('outer.inner1=,outer.inner3={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner3.cc[1]=null', got, 'json');
    assert.deepStrictEqual(got, {
      outer: { inner1: null, inner2: 'value2', inner3: { aa: '1', bb: 2, cc: [1, null, 3] } },
    });
  });

  it('rejects text left over after a JSON value', () => {
    assert.throws(
      () =>
        parseSet(
          'outer.inner1={"a":"1","b":2,"c":[1,2,3]},outer.inner3=["new value 1","new value 2"],outer.inner4={"aa":"1","bb":2,"cc":[1,2,3]},outer.inner5={"A":"1","B":2,"C":[1,2,3]}]',
          'json',
        ),
      UserError,
    );
  });

  // How Go's json.Decoder splits "key=<json>,key=<json>".
  const cases: [string, unknown][] = [
    // Blanks before the comma are skipped, blanks after it belong to the next key.
    ['a= 1 , b=[1, 2] ,c="x,y"', { a: 1, ' b': [1, 2], c: 'x,y' }],
    ['a=', { a: null }],
    ['a=  ,b=1', { a: null, b: 1 }],
    ['a[1]={"k":"v"}', { a: [null, { k: 'v' }] }],
    ['a[0]=', { a: [null] }],
    ['a=-1.5e3', { a: -1500 }],
    ['a="\\u00e9"', { a: 'é' }],
    ['a=1b=2', { a: 1, b: 2 }],
    ['a={"__proto__":1}', { a: { ['__proto__']: 1 } }],
  ];
  for (const [expr, expect] of cases) {
    it(expr, () => assert.deepStrictEqual(JSON.parse(JSON.stringify(parseSet(expr, 'json'))), expect));
  }

  const errors: [string, RegExp][] = [
    ['a=abc', /^--set-json "a=abc": the value for a is not valid JSON \(unexpected "a" in JSON value\)/],
    ['a=[1,2', /not valid JSON \(unexpected end of JSON array/],
    ['a=tru', /expected true/],
    ['a=1.', /not valid JSON/],
    ['a=1e,b=2', /not valid JSON/],
    ['a={"x":1e999}', /number out of range/],
    ['a="\\q"', /not valid JSON/],
    ['a=3x', /key "x" has no value/],
  ];
  for (const [expr, pattern] of errors) {
    it(`rejects ${expr}`, () =>
      assert.throws(() => parseSet(expr, 'json'), (err: unknown) => err instanceof UserError && pattern.test(err.message)));
  }
});

// Ported from TestParseFile / TestParseIntoFile, plus the read-failure path.
describe('--set-file parsing (Helm TestParseFile, TestParseIntoFile)', () => {
  const files: Record<string, string> = { path1: 'value1', 'dir/p,2': 'two', '-': 'from stdin' };
  const readFile = (path: string) => {
    if (path in files) return files[path];
    throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  };

  it('replaces the path with the file content', () => {
    assert.deepStrictEqual(parseSet('name1=path1', 'file', { readFile }), { name1: 'value1' });
  });

  it('merges into existing values', () => {
    const got: Record<string, unknown> = { other: 1 };
    parseInto('name1=path1', got, 'file', { readFile });
    assert.deepStrictEqual(got, { other: 1, name1: 'value1' });
  });

  it('reads every path of a list, honours escapes, and maps "-" to standard input', () => {
    assert.deepStrictEqual(parseSet('a={path1,dir/p\\,2},b= - ', 'file', { readFile }), {
      a: ['value1', 'two'],
      b: 'from stdin',
    });
  });

  it('does not read anything for an empty value', () => {
    assert.deepStrictEqual(parseSet('a=', 'file', { readFile: () => assert.fail('read') }), { a: '' });
  });

  it('names the flag, the file and the key when a file cannot be read', () => {
    assert.throws(
      () => parseSet('x.y=missing.txt', 'file', { readFile }),
      (err: unknown) =>
        err instanceof UserError &&
        err.message ===
          `--set-file "x.y=missing.txt": cannot read file "missing.txt" for key x.y: ENOENT: no such file or directory, open 'missing.txt'. Check the path; --set-file takes key=path.`,
    );
  });
});
