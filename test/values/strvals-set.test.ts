import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { MAX_INDEX, MAX_NESTED_NAME_LEVEL, parseInto, parseSet, typedValue } from '../../src/values/strvals.js';

// Ported from helm/helm pkg/strvals/parser_test.go TestParseSet (the typed --set parser).
const parseSetCases: { str: string; expect?: unknown; err?: true }[] = [
  { str: 'name1=null,f=false,t=true', expect: { name1: null, f: false, t: true } },
  { str: 'name1=value1', expect: { name1: 'value1' } },
  { str: 'name1=value1,name2=value2', expect: { name1: 'value1', name2: 'value2' } },
  { str: 'name1=value1,name2=value2,', expect: { name1: 'value1', name2: 'value2' } },
  { str: 'name1=value1,,,,name2=value2,', err: true },
  { str: 'name1=,name2=value2', expect: { name1: '', name2: 'value2' } },
  { str: 'leading_zeros=00009', expect: { leading_zeros: '00009' } },
  { str: 'zero_int=0', expect: { zero_int: 0 } },
  { str: 'long_int=1234567890', expect: { long_int: 1234567890 } },
  { str: 'boolean=true', expect: { boolean: true } },
  { str: 'is_null=null', expect: { is_null: null } },
  { str: 'name1,name2=', err: true },
  { str: 'name1,name2=value2', err: true },
  { str: 'name1,name2=value2\\', err: true },
  { str: 'name1,name2', err: true },
  { str: 'name1=one\\,two,name2=three\\,four', expect: { name1: 'one,two', name2: 'three,four' } },
  { str: 'name1=one\\=two,name2=three\\=four', expect: { name1: 'one=two', name2: 'three=four' } },
  { str: 'name1=one two three,name2=three two one', expect: { name1: 'one two three', name2: 'three two one' } },
  { str: 'outer.inner=value', expect: { outer: { inner: 'value' } } },
  { str: 'outer.middle.inner=value', expect: { outer: { middle: { inner: 'value' } } } },
  { str: 'outer.inner1=value,outer.inner2=value2', expect: { outer: { inner1: 'value', inner2: 'value2' } } },
  {
    str: 'outer.inner1=value,outer.middle.inner=value',
    expect: { outer: { inner1: 'value', middle: { inner: 'value' } } },
  },
  { str: 'name1.name2', err: true },
  { str: 'name1.name2,name1.name3', err: true },
  { str: 'name1.name2=', expect: { name1: { name2: '' } } },
  { str: 'name1.=name2', err: true },
  { str: 'name1.,name2', err: true },
  { str: 'name1={value1,value2}', expect: { name1: ['value1', 'value2'] } },
  {
    str: 'name1={value1,value2},name2={value1,value2}',
    expect: { name1: ['value1', 'value2'], name2: ['value1', 'value2'] },
  },
  { str: 'name1={1021,902}', expect: { name1: [1021, 902] } },
  { str: 'name1.name2={value1,value2}', expect: { name1: { name2: ['value1', 'value2'] } } },
  { str: 'name1={1021,902', err: true },
  { str: 'list[0]=foo', expect: { list: ['foo'] } },
  { str: 'list[0].foo=bar', expect: { list: [{ foo: 'bar' }] } },
  { str: 'list[0].foo=bar,list[0].hello=world', expect: { list: [{ foo: 'bar', hello: 'world' }] } },
  { str: 'list[0].foo=bar,list[-30].hello=world', err: true },
  { str: 'list[0]=foo,list[1]=bar', expect: { list: ['foo', 'bar'] } },
  { str: 'list[0]=foo,list[1]=bar,', expect: { list: ['foo', 'bar'] } },
  { str: 'list[0]=foo,list[3]=bar', expect: { list: ['foo', null, null, 'bar'] } },
  { str: 'list[0]=foo,list[-20]=bar', err: true },
  { str: 'illegal[0]name.foo=bar', err: true },
  { str: 'noval[0]', expect: { noval: [] } },
  { str: 'noval[0]=', expect: { noval: [''] } },
  { str: 'nested[0][0]=1', expect: { nested: [[1]] } },
  { str: 'nested[1][1]=1', expect: { nested: [null, [null, 1]] } },
  {
    str: 'name1.name2[0].foo=bar,name1.name2[1].foo=bar',
    expect: { name1: { name2: [{ foo: 'bar' }, { foo: 'bar' }] } },
  },
  {
    str: 'name1.name2[1].foo=bar,name1.name2[0].foo=bar',
    expect: { name1: { name2: [{ foo: 'bar' }, { foo: 'bar' }] } },
  },
  { str: 'name1.name2[1].foo=bar', expect: { name1: { name2: [null, { foo: 'bar' }] } } },
  { str: ']={}].', err: true },
];

describe('--set parsing (Helm TestParseSet)', () => {
  for (const tc of parseSetCases) {
    it(tc.str, () => {
      if (tc.err) {
        assert.throws(() => parseSet(tc.str), UserError);
      } else {
        assert.deepStrictEqual(parseSet(tc.str), tc.expect);
      }
    });
  }
});

describe('--set-string parsing (Helm TestParseSet, string table)', () => {
  const cases: [string, unknown][] = [
    ['long_int_string=1234567890', { long_int_string: '1234567890' }],
    ['boolean=true', { boolean: 'true' }],
    ['is_null=null', { is_null: 'null' }],
    ['zero=0', { zero: '0' }],
    ['list={1,true}', { list: ['1', 'true'] }],
  ];
  for (const [str, expect] of cases) {
    it(str, () => assert.deepStrictEqual(parseSet(str, 'string'), expect));
  }
});

describe('list index writes (Helm TestSetIndex)', () => {
  const cases: { name: string; initial: number[]; expr: string; expect: unknown[]; err?: true }[] = [
    { name: 'short', initial: [0, 1], expr: 'l[2]=2', expect: [0, 1, 2] },
    { name: 'equal', initial: [0, 1], expr: 'l[1]=2', expect: [0, 2] },
    { name: 'long', initial: [0, 1, 2, 3, 4, 5], expr: 'l[3]=4', expect: [0, 1, 2, 4, 4, 5] },
    { name: 'negative', initial: [0, 1, 2, 3, 4, 5], expr: 'l[-1]=4', expect: [0, 1, 2, 3, 4, 5], err: true },
    { name: 'large', initial: [0, 1, 2, 3, 4, 5], expr: `l[${MAX_INDEX + 1}]=4`, expect: [0, 1, 2, 3, 4, 5], err: true },
  ];
  for (const tc of cases) {
    it(tc.name, () => {
      const target = { l: [...tc.initial] };
      if (tc.err) assert.throws(() => parseInto(tc.expr, target, 'set'), UserError);
      else parseInto(tc.expr, target, 'set');
      assert.deepStrictEqual(target.l, tc.expect);
    });
  }

  it('allows exactly the maximum index and pads with nulls', () => {
    const out = parseSet(`l[${MAX_INDEX}]=x`) as { l: unknown[] };
    assert.equal(out.l.length, MAX_INDEX + 1);
    assert.equal(out.l[MAX_INDEX], 'x');
    assert.equal(out.l[0], null);
  });
});

describe('parsing into existing values (Helm TestParseInto, TestParseIntoString)', () => {
  const cases: { input: string; input2?: string; got: Record<string, unknown>; expect: unknown }[] = [
    {
      input: 'outer.inner1=value1,outer.inner3=value3,outer.inner4=4',
      got: { outer: { inner1: 'overwrite', inner2: 'value2' } },
      expect: { outer: { inner1: 'value1', inner2: 'value2', inner3: 'value3', inner4: 4 } },
    },
    {
      input: 'listOuter[0][0].type=listValue',
      input2: 'listOuter[0][0].status=alive',
      got: {},
      expect: { listOuter: [[{ type: 'listValue', status: 'alive' }]] },
    },
    {
      input: 'listOuter[0][0].type=listValue',
      input2: 'listOuter[1][0].status=alive',
      got: {},
      expect: { listOuter: [[{ type: 'listValue' }], [{ status: 'alive' }]] },
    },
    {
      input: 'listOuter[0][1][0].type=listValue',
      input2: 'listOuter[0][0][1].status=alive',
      got: { listOuter: [[[{ exited: 'old' }]]] },
      expect: { listOuter: [[[{ exited: 'old' }, { status: 'alive' }], [{ type: 'listValue' }]]] },
    },
  ];
  cases.forEach((tc, i) => {
    it(`case ${i}: ${tc.input}`, () => {
      parseInto(tc.input, tc.got, 'set');
      if (tc.input2) parseInto(tc.input2, tc.got, 'set');
      assert.deepStrictEqual(tc.got, tc.expect);
    });
  });

  it('--set-string overwrites with text and keeps siblings', () => {
    const got = { outer: { inner1: 'overwrite', inner2: 'value2' } };
    parseInto('outer.inner1=1,outer.inner3=3', got, 'string');
    assert.deepStrictEqual(got, { outer: { inner1: '1', inner2: 'value2', inner3: '3' } });
  });
});

describe('key nesting limit (Helm TestParseSetNestedLevels)', () => {
  const keyOfDepth = (dots: number) =>
    Array.from({ length: dots + 1 }, (_, i) => `name${i + 1}`).join('.');

  it('accepts a short path', () => {
    assert.deepStrictEqual(parseSet('outer.middle.inner=value'), { outer: { middle: { inner: 'value' } } });
  });
  it(`accepts ${MAX_NESTED_NAME_LEVEL} dots`, () => {
    assert.doesNotThrow(() => parseSet(`${keyOfDepth(MAX_NESTED_NAME_LEVEL)}=value`));
  });
  it(`rejects ${MAX_NESTED_NAME_LEVEL + 1} dots with the limit in the message`, () => {
    assert.throws(() => parseSet(`${keyOfDepth(MAX_NESTED_NAME_LEVEL + 1)}=value`), /deeper than 30 levels/);
  });
});

describe('--set value typing (strvals typedVal)', () => {
  const cases: [string, unknown][] = [
    ['TRUE', true],
    ['False', false],
    ['NuLL', null],
    ['falſe', false], // Go's strings.EqualFold folds U+017F to "s"
    ['0', 0],
    ['00', '00'],
    ['-5', -5],
    ['+5', 5],
    ['-007', -7], // only a leading "0" blocks integer parsing, not a leading sign
    ['-0', 0],
    ['1e3', '1e3'],
    ['1.5', '1.5'],
    ['0x10', '0x10'],
    ['1_000', '1_000'],
    [' 5', ' 5'],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', '9007199254740993'], // int64 in Helm; kept exact as text here
    ['+9223372036854775807', '9223372036854775807'],
    ['9223372036854775808', '9223372036854775808'], // outside int64: text in Helm too
    ['', ''],
  ];
  for (const [text, expect] of cases) {
    it(JSON.stringify(text), () => assert.deepStrictEqual(typedValue(text), expect));
  }
});

describe('Helm parser quirks kept on purpose', () => {
  const cases: [string, unknown][] = [
    ['a={}', { a: [''] }],
    ['a={},b=1', { a: [''], b: 1 }],
    ['name1.', {}],
    ['=x', {}],
    ['.a=1', {}],
    ['[0]=x', {}],
    ['a=x\\', { a: 'x' }],
    ['a=\\{x}', { a: '{x}' }],
    ['a\\.b=1', { 'a.b': 1 }],
    ['a\\[0\\]=1', { 'a[0]': 1 }],
    ['a=b=c', { a: 'b=c' }],
    ['a[0].b=1,a[0]=2', { a: [2] }],
    ['a[1]=x,a[0].b=1', { a: [{ b: 1 }, 'x'] }],
    ['a[0]=x,a[0].b=1', { a: [{ b: 1 }] }],
    ['a[+1]=x', { a: [null, 'x'] }],
    ['__proto__.x=1', { ['__proto__']: { x: 1 } }],
  ];
  for (const [str, expect] of cases) {
    it(str, () => {
      const out = parseSet(str);
      assert.deepStrictEqual(JSON.parse(JSON.stringify(out)), expect);
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
    });
  }
});

describe('--set error messages', () => {
  const cases: [string, string][] = [
    ['a[x]=1', '--set "a[x]=1": list index "x" is not a number. Use a[0]=... to set the first element.'],
    ['a[0', '--set "a[0": the list index after "a[" has no closing "]". Write a[0]=<value>.'],
    ['a[-1]=1', '--set "a[-1]=1": list index -1 in a[-1] is negative. Indexes start at 0.'],
    ['a[99999999999999999999]=1', '--set "a[99999999999999999999]=1": list index "99999999999999999999" is out of range; the largest index Helm allows is 65536.'],
    ['a[0]x=1', '--set "a[0]x=1": unexpected text "x" after a[0]. After "]" write "=", "." or another [index].'],
    ['a.b', '--set "a.b": key "a.b" has no value. Write a.b=<value> (an empty value is a.b=).'],
    ['a,b=1', '--set "a,b=1": key "a" has no value before the ",". Write a=<value>, or escape a comma that belongs to a key as \\,.'],
    ['a.=1', '--set "a.=1": key "a" is followed by "." but no key name. Write a.<key>=<value>.'],
    ['a={x,y', '--set "a={x,y": the list value for "a" must end with "}". Write a={a,b}, or escape a brace that belongs to the value as \\{.'],
    ['a={x}y', '--set "a={x}y": key "y" has no value. Write y=<value> (an empty value is y=).'],
  ];
  for (const [expr, message] of cases) {
    it(expr, () => assert.throws(() => parseSet(expr), (err: unknown) => err instanceof UserError && err.message === message));
  }

  it('names the type clash where Helm panics on a type assertion', () => {
    assert.throws(
      () => parseSet('a=1,a.b=2'),
      (err: unknown) =>
        err instanceof UserError &&
        err.message.startsWith('--set "a=1,a.b=2": "a" already holds a number') &&
        err.message.includes('not a map, so a.<key> cannot be set inside it'),
    );
    assert.throws(() => parseSet('a=x,a[0]=2'), /"a" already holds a string .*not a list, so a\[0\] cannot be set/);
    assert.throws(() => parseInto('a[0]=1', { a: null }, 'set'), /"a" already holds null/);
    assert.throws(() => parseSet('a[0]=x,a[0][1]=y'), /"a\[0\]" already holds a string .*not a list, so a\[0\]\[1\]/);
  });

  it('keeps messages on one line and uses the flag of the kind', () => {
    const startsWith = (prefix: string) => (err: unknown) =>
      err instanceof UserError && err.message.startsWith(prefix) && !err.message.includes('\n');
    assert.throws(() => parseSet('a[x]=1', 'string'), startsWith('--set-string "a[x]=1": list index "x"'));
    assert.throws(() => parseSet('a[x]=1', 'literal'), startsWith('--set-literal "a[x]=1": list index "x"'));
  });
});

describe('onSet reports what each pair wrote', () => {
  it('reports leaves as replaced, containers as merged, with the pair text', () => {
    const events: string[] = [];
    parseInto('a.b=1,c[1].d=x\\,y,e={1,2}', {}, 'set', {
      onSet: (path, replaced, pair) => events.push(`${JSON.stringify(path)} ${replaced} ${pair}`),
    });
    assert.deepStrictEqual(events, [
      '["a","b"] true a.b=1',
      '["a"] false a.b=1',
      '["c",1,"d"] true c[1].d=x\\,y',
      '["c",1] false c[1].d=x\\,y',
      '["c"] false c[1].d=x\\,y',
      '["e"] true e={1,2}',
    ]);
  });

  it('reports nothing for a failed pair', () => {
    const events: unknown[] = [];
    assert.throws(() => parseInto('a[x]=1', {}, 'set', { onSet: (p) => events.push(p) }));
    assert.deepStrictEqual(events, []);
  });
});
