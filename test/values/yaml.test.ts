import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { parseValuesYaml } from '../../src/values/yaml.js';

const parse = (text: string) => parseValuesYaml(text, './v.yaml');
const valueOf = (scalar: string) => parse(`k: ${scalar}\n`).k;

function throwsUser(text: string, pattern: RegExp): void {
  assert.throws(
    () => parse(text),
    (err: unknown) => err instanceof UserError && !err.message.includes('\n') && pattern.test(err.message),
  );
}

describe('YAML 1.1 scalars as go-yaml v2 types them', () => {
  const cases: [string, unknown][] = [
    ['yes', true], ['Yes', true], ['YES', true], ['y', true], ['Y', true],
    ['on', true], ['On', true], ['ON', true], ['true', true], ['True', true], ['TRUE', true],
    ['no', false], ['No', false], ['NO', false], ['n', false], ['N', false],
    ['off', false], ['Off', false], ['OFF', false], ['false', false], ['False', false], ['FALSE', false],
    ['yEs', 'yEs'], ['tRUE', 'tRUE'], ["'yes'", 'yes'], ['"on"', 'on'],
    ['~', null], ['null', null], ['Null', null], ['NULL', null], ['', null], ['nULL', 'nULL'],
    ['0775', 509], ['0o17', 15], ['0x1F', 31], ['0X1f', 31], ['0b101', 5], ['-0x1F', -31],
    ['1_000', 1000], ['+12', 12], ['-0', 0], ['08', 8], ['0', 0],
    ['9223372036854775807', 9223372036854775807], ['18446744073709551615', 18446744073709551615],
    ['1.5', 1.5], ['.5', 0.5], ['-.5', -0.5], ['1e+3', 1000], ['1.5e-3', 0.0015], ['1_000.5', 1000.5],
    ['1e3', '1e3'], ['1.', '1.'], ['1:20', '1:20'], ['0x', '0x'], ['+', '+'], ['1e+400', '1e+400'],
    ['2001-12-14', '2001-12-14'], ['2001-12-14T21:59:43.10Z', '2001-12-14T21:59:43.10Z'],
    ["'0775'", '0775'], ['"12"', '12'], ['|\n  block\n', 'block\n'],
  ];
  for (const [scalar, expect] of cases) {
    it(`${JSON.stringify(scalar)} -> ${JSON.stringify(expect)}`, () => assert.deepStrictEqual(valueOf(scalar), expect));
  }
});

describe('explicit tags', () => {
  const cases: [string, unknown][] = [
    ['!!str 12', '12'], ['!!str yes', 'yes'], ['!!int "12"', 12], ['!!float 1', 1], ['!!bool yes', true],
    ['!!null ~', null], ['!!binary aGVsbG8=', 'hello'], ['!foo bar', 'bar'], ['! 12', '12'],
    ['!!timestamp 2001-12-14', '2001-12-14'],
  ];
  for (const [scalar, expect] of cases) {
    it(scalar, () => assert.deepStrictEqual(valueOf(scalar), expect));
  }
  it('rejects a value that contradicts its tag', () => {
    throwsUser('k: !!int 12x\n', /^values file \.\/v\.yaml, line 1 column 10: cannot read "12x" as !!int\. Remove the tag/);
    throwsUser('k: !!bool 1\n', /cannot read "1" as !!bool/);
    throwsUser('k: !!binary "a*"\n', /invalid base64/);
  });
});

describe('map keys become strings as sigs.k8s.io/yaml converts them', () => {
  it('converts int, bool and float keys', () => {
    const out = parse('1: a\n0x10: b\nyes: c\nn: d\n1.5: e\n1e+6: f\n0.00001: g\n123456789.5: h\n-1.25: i\n"2": j\n');
    assert.deepStrictEqual(out, {
      '1': 'a', '16': 'b', true: 'c', false: 'd', '1.5': 'e', '1e+06': 'f', '1e-05': 'g', '1.2345679e+08': 'h', '-1.25': 'i', '2': 'j',
    });
  });
  it('rejects null, collection and uint64 keys', () => {
    throwsUser('~: 1\n', /line 1 column 1: the key "~" means null/);
    throwsUser('? [a]\n: 1\n', /a list cannot be used as a key/);
    throwsUser('18446744073709551615: 1\n', /too large to be a number key/);
  });
  it('stores a "__proto__" key as data', () => {
    const out = parse('__proto__: {polluted: true}\n');
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.deepStrictEqual(Object.keys(out), ['__proto__']);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('anchors, aliases and merge keys', () => {
  it('expands aliases into independent copies', () => {
    const out = parse('base: &b {a: [1]}\ncopy: *b\n') as { base: { a: number[] }; copy: { a: number[] } };
    assert.deepStrictEqual(out.copy, { a: [1] });
    out.copy.a.push(2);
    assert.deepStrictEqual(out.base.a, [1]);
  });
  it('merges << maps with later keys winning', () => {
    assert.deepStrictEqual(parse('b: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n').x, { a: 1, b: 3 });
  });
  it('lets the first map of a merge list win', () => {
    assert.deepStrictEqual(parse('p: &p {a: 1}\nq: &q {a: 2, z: 9}\nx:\n  <<: [*p, *q]\n').x, { a: 1, z: 9 });
  });
  it('applies << where it stands, overwriting keys written before it (go-yaml v2)', () => {
    assert.deepStrictEqual(parse('b: &b {a: 1}\nx:\n  a: 0\n  <<: *b\n').x, { a: 1 });
  });
  it('treats a quoted "<<" as an ordinary key', () => {
    assert.deepStrictEqual(parse('x: {"<<": 1}\n').x, { '<<': 1 });
  });
  it('rejects merging a non-map', () => {
    throwsUser('s: &s 1\nx:\n  <<: *s\n', /line 3 column 7: the merge key << must be followed by a map/);
    throwsUser('x:\n  <<: [{a: 1}, 2]\n', /merge key <</);
  });
  it('rejects unknown and self-referencing aliases', () => {
    throwsUser('a: *nope\n', /line 1 column 4: alias \*nope refers to an anchor that is not defined before it/);
    throwsUser('a: &x [*x]\n', /anchor &x contains an alias to itself/);
  });
  it('stops documents that expand aliases exponentially', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    throwsUser(`${levels.join('\n')}\n`, /excessive aliasing/);
  });
});

describe('document shape', () => {
  for (const text of ['', '\n', '# just a comment\n# and another\n', '---\n', '~\n', 'null\n', '--- \n...\n']) {
    it(`${JSON.stringify(text)} is an empty map`, () => assert.deepStrictEqual(parse(text), {}));
  }
  it('rejects a top level that is not a map', () => {
    throwsUser('- a\n- b\n', /^values file \.\/v\.yaml, line 1 column 1: the document is a list, but a values file must be a map of keys\. Write it as "key: value" lines/);
    throwsUser('just text\n', /the document is a string/);
    throwsUser('42\n', /the document is a number/);
  });
  it('merges several documents in order, maps recursively', () => {
    assert.deepStrictEqual(parse('a: {p: 1, q: [1]}\n---\nb: 2\n---\na: {q: [2]}\n'), { a: { p: 1, q: [2] }, b: 2 });
  });
});

describe('errors name the file, line and column in one paragraph', () => {
  it('reports a duplicate key with both lines', () => {
    throwsUser('a: 1\nb:\n  c: 1\n  c: 2\n', /^values file \.\/v\.yaml, line 4 column 3: key "c" appears twice in the same map \(first at line 3\)\. Remove one of them/);
  });
  it('treats keys that convert to the same text as duplicates', () => {
    throwsUser('1: a\n"1": b\n', /line 2 column 1: key "1" appears twice/);
  });
  it('reports bad indentation', () => {
    throwsUser('a:\n    b: 1\n  c: 2\n', /^values file \.\/v\.yaml, line 3 column 1: all mapping items must start at the same column\. Check that keys at the same level/);
  });
  it('reports tabs and unclosed quotes', () => {
    throwsUser('a:\n\tb: 1\n', /line 2 column 1: tabs are not allowed as indentation\. Indent with spaces/);
    throwsUser('a: "abc\nb: 2\n', /line 3 column 1: missing closing "quote\. Check for an unclosed quote/);
  });
  it('rejects infinity and NaN, which JSON cannot carry', () => {
    throwsUser('a: .inf\n', /line 1 column 4: \.inf is not a finite number/);
    throwsUser('a: -.Inf\n', /-\.Inf is not a finite number/);
    throwsUser('a: .nan\n', /\.nan is not a finite number/);
    assert.deepStrictEqual(parse('a: ".inf"\n'), { a: '.inf' });
  });
  it('uses the source name it is given', () => {
    assert.throws(() => parseValuesYaml('- x\n', 'my-values.yaml'), /values file my-values\.yaml, line 1/);
  });
});
