import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/core/errors.js';
import { MAX_NESTED_NAME_LEVEL, parseInto, parseSet } from '../../src/values/strvals.js';

// Ported from helm/helm pkg/strvals/literal_parser_test.go (--set-literal).
const literalCases: { str: string; expect?: unknown; err?: true }[] = [
  { str: 'name', err: true },
  { str: 'name=', expect: { name: '' } },
  { str: 'name=value', expect: { name: 'value' } },
  { str: 'long_int_string=1234567890', expect: { long_int_string: '1234567890' } },
  { str: 'boolean=true', expect: { boolean: 'true' } },
  { str: 'is_null=null', expect: { is_null: 'null' } },
  { str: 'zero=0', expect: { zero: '0' } },
  { str: 'name1=null,name2=value2', expect: { name1: 'null,name2=value2' } },
  { str: 'name1=value,,,tail', expect: { name1: 'value,,,tail' } },
  { str: 'leading_zeros=00009', expect: { leading_zeros: '00009' } },
  { str: 'name=one two three', expect: { name: 'one two three' } },
  { str: 'outer.inner=value', expect: { outer: { inner: 'value' } } },
  { str: 'outer.middle.inner=value', expect: { outer: { middle: { inner: 'value' } } } },
  { str: 'name1.name2', err: true },
  { str: 'name1.name2=', expect: { name1: { name2: '' } } },
  { str: 'name1.=name2', err: true },
  { str: 'name1.,name2', err: true },
  { str: 'name1={value1,value2}', expect: { name1: '{value1,value2}' } },
  { str: 'list[0]=foo', expect: { list: ['foo'] } },
  { str: 'list[0].foo=bar', expect: { list: [{ foo: 'bar' }] } },
  { str: 'list[-30].hello=world', err: true },
  { str: 'list[3]=bar', expect: { list: [null, null, null, 'bar'] } },
  { str: 'illegal[0]name.foo=bar', err: true },
  { str: 'noval[0]', expect: { noval: [] } },
  { str: 'noval[0]=', expect: { noval: [''] } },
  { str: 'nested[0][0]=1', expect: { nested: [['1']] } },
  { str: 'nested[1][1]=1', expect: { nested: [null, [null, '1']] } },
  { str: 'name1.name2[0].foo=bar', expect: { name1: { name2: [{ foo: 'bar' }] } } },
  { str: 'name1.name2[1].foo=bar', expect: { name1: { name2: [null, { foo: 'bar' }] } } },
  { str: ']={}].', expect: { ']': '{}].' } },
  { str: 'name=val,val', expect: { name: 'val,val' } },
  { str: 'name=val.val', expect: { name: 'val.val' } },
  { str: 'name=val=val', expect: { name: 'val=val' } },
  { str: 'name=val$val', expect: { name: 'val$val' } },
  { str: 'name=(value', expect: { name: '(value' } },
  { str: 'name=value)', expect: { name: 'value)' } },
  { str: 'name=(value)', expect: { name: '(value)' } },
  { str: 'name={value', expect: { name: '{value' } },
  { str: 'name=value}', expect: { name: 'value}' } },
  { str: 'name={value}', expect: { name: '{value}' } },
  { str: 'name={value1,value2}', expect: { name: '{value1,value2}' } },
  { str: 'name=val\\val', expect: { name: 'val\\val' } },
  { str: 'name=val\\\\val', expect: { name: 'val\\\\val' } },
  { str: 'name=val\\\\\\val', expect: { name: 'val\\\\\\val' } },
  { str: 'name={val,.?*v\\0a!l)some', expect: { name: '{val,.?*v\\0a!l)some' } },
  {
    str: 'name=em%GT)tqUDqz,i-\\h+Mbqs-!:.m\\\\rE=mkbM#rR}@{-k@',
    expect: { name: 'em%GT)tqUDqz,i-\\h+Mbqs-!:.m\\\\rE=mkbM#rR}@{-k@' },
  },
];

describe('--set-literal parsing (Helm TestParseLiteral)', () => {
  for (const tc of literalCases) {
    it(tc.str, () => {
      if (tc.err) assert.throws(() => parseSet(tc.str, 'literal'), UserError);
      else assert.deepStrictEqual(parseSet(tc.str, 'literal'), tc.expect);
    });
  }

  it('takes a backslash in a key literally, unlike --set', () => {
    assert.deepStrictEqual(parseSet('a\\.b=1', 'literal'), { 'a\\': { b: '1' } });
  });
});

describe('--set-literal into existing values (Helm TestParseLiteralInto)', () => {
  const cases: { input: string; input2?: string; got: Record<string, unknown>; expect: unknown }[] = [
    {
      input: 'outer.inner1=value1,outer.inner3=value3,outer.inner4=4',
      got: { outer: { inner1: 'overwrite', inner2: 'value2' } },
      expect: { outer: { inner1: 'value1,outer.inner3=value3,outer.inner4=4', inner2: 'value2' } },
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
      parseInto(tc.input, tc.got, 'literal');
      if (tc.input2) parseInto(tc.input2, tc.got, 'literal');
      assert.deepStrictEqual(tc.got, tc.expect);
    });
  });
});

describe('--set-literal nesting limit (Helm TestParseLiteralNestedLevels)', () => {
  it('rejects a key path deeper than the limit', () => {
    const key = Array.from({ length: MAX_NESTED_NAME_LEVEL + 2 }, (_, i) => `name${i + 1}`).join('.');
    assert.throws(() => parseSet(`${key}=value`, 'literal'), /deeper than 30 levels/);
    assert.deepStrictEqual(parseSet('outer.middle.inner=value', 'literal'), { outer: { middle: { inner: 'value' } } });
  });
});
