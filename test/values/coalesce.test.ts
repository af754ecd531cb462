import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coalesceValues } from '../../src/values/coalesce.js';
import { parseValuesYaml } from '../../src/values/yaml.js';

// From helm/helm pkg/chart/common/util/coalesce_test.go (testCoalesceValuesYaml).
const userYaml = `
top: yup
bottom: null
right: Null
left: NULL
front: ~
back: ""
nested:
  boat: null

global:
  name: Ishmael
  subject: Queequeg
  nested:
    boat: true

pequod:
  boat: null
  global:
    name: Stinky
    harpooner: Tashtego
    nested:
      boat: false
      sail: true
      foo2: null
  ahab:
    scope: whale
    boat: null
    nested:
      foo: true
      boat: null
    object: null
`;

// Helm's moby chart with its pequod and ahab subcharts, folded into one tree: we have no
// subcharts or globals, so "global" is an ordinary key here.
const mobyDefaults = () => ({
  back: 'exists',
  bottom: 'exists',
  front: 'exists',
  left: 'exists',
  name: 'moby',
  nested: { boat: true },
  override: 'bad',
  right: 'exists',
  scope: 'moby',
  top: 'nope',
  global: { nested2: { l0: 'moby' } },
  pequod: {
    name: 'pequod',
    scope: 'pequod',
    boat: 'maybe',
    ahab: { name: 'ahab', scope: 'ahab', boat: 'maybe', nested: { foo: false, boat: 'maybe' }, object: { foo: 'bar' } },
  },
});

describe('coalesceValues (Helm TestCoalesceValues, one chart tree)', () => {
  it('lets user values win, merges maps and erases defaults the user sets to null', () => {
    const user = parseValuesYaml(userYaml, 'user.yaml');
    const before = structuredClone(user);
    const defaults = mobyDefaults();
    const { values, warnings } = coalesceValues(defaults, user);
    assert.deepStrictEqual(values, {
      top: 'yup',
      back: '',
      nested: {},
      global: { name: 'Ishmael', subject: 'Queequeg', nested: { boat: true }, nested2: { l0: 'moby' } },
      pequod: {
        global: { name: 'Stinky', harpooner: 'Tashtego', nested: { boat: false, sail: true, foo2: null } },
        ahab: { scope: 'whale', nested: { foo: true }, name: 'ahab' },
        name: 'pequod',
        scope: 'pequod',
      },
      name: 'moby',
      override: 'bad',
      scope: 'moby',
    });
    assert.deepStrictEqual(warnings, []);
    assert.deepStrictEqual(user, before, 'user values must not be mutated');
    assert.deepStrictEqual(defaults, mobyDefaults(), 'chart defaults must not be mutated');
  });
});

describe('coalescing tables (Helm TestCoalesceTables)', () => {
  const user = () => ({
    name: 'Ishmael',
    address: { street: '123 Spouter Inn Ct.', city: 'Nantucket', country: null },
    details: { friends: ['Tashtego'] },
    boat: 'pequod',
    hole: null,
  });
  const defaults = () => ({
    occupation: 'whaler',
    address: { state: 'MA', street: '234 Spouter Inn Ct.', country: 'US' },
    details: 'empty',
    boat: { mast: true },
    hole: 'black',
  });

  it('keeps user values, adds missing defaults and drops what the user nulled', () => {
    const { values } = coalesceValues(defaults(), user());
    assert.deepStrictEqual(values, {
      name: 'Ishmael',
      address: { street: '123 Spouter Inn Ct.', city: 'Nantucket', state: 'MA' },
      details: { friends: ['Tashtego'] },
      boat: 'pequod',
      occupation: 'whaler',
    });
  });

  it('warns for each type clash and keeps the user side', () => {
    const { warnings } = coalesceValues(defaults(), user());
    assert.deepStrictEqual(warnings, [
      'details: you set a map, but the chart default is a string ("empty"); your map is used and the default ignored.',
      'boat: you set a string, but the chart default is a map; your value replaces the whole map.',
    ]);
  });

  it('returns user values as they are when there are no defaults, nulls included', () => {
    const mine = { ...user(), hole: 'black', nilval: null };
    assert.deepStrictEqual(coalesceValues({}, mine).values, mine);
  });
});

describe('type clash warnings (Helm TestCoalesceValuesWarnings)', () => {
  it('warns at every depth and keeps the user value', () => {
    const defaults = { name: 'ahab', boat: true, spear: { tip: true, sail: { cotton: true } } };
    const user = { boat: { mast: true }, spear: { tip: { sharp: true }, sail: true } };
    const { values, warnings } = coalesceValues(defaults, user);
    assert.deepStrictEqual(values, { boat: { mast: true }, spear: { tip: { sharp: true }, sail: true }, name: 'ahab' });
    assert.deepStrictEqual(warnings, [
      'boat: you set a map, but the chart default is a boolean (true); your map is used and the default ignored.',
      'spear.tip: you set a map, but the chart default is a boolean (true); your map is used and the default ignored.',
      'spear.sail: you set a boolean, but the chart default is a map; your value replaces the whole map.',
    ]);
  });

  it('does not warn when the default is null', () => {
    assert.deepStrictEqual(coalesceValues({ a: null, m: { b: null } }, { a: { x: 1 }, m: { b: { y: 1 } } }), {
      values: { a: { x: 1 }, m: { b: { y: 1 } } },
      warnings: [],
    });
  });
});

describe('nulls (Helm issues #31643, #31919, #31971)', () => {
  it('keeps a user null for a key the chart does not default (TestCoalesceValuesEmptyMapWithNils)', () => {
    const { values } = coalesceValues({ data: {} }, { data: { foo: 'bar', baz: null } });
    assert.deepStrictEqual(values, { data: { foo: 'bar', baz: null } });
  });
  it('drops nulls from chart defaults (TestCoalesceValuesSubchartDefaultNilsCleaned)', () => {
    assert.deepStrictEqual(coalesceValues({ keyMapping: { password: null }, top: null }, {}).values, { keyMapping: {} });
  });
  it('lets a user null erase a nested default (TestCoalesceValuesUserNullErasesSubchartDefault)', () => {
    assert.deepStrictEqual(coalesceValues({ child: { someKey: 'default' } }, { child: { someKey: null } }).values, {
      child: {},
    });
  });
  it('lets a user null erase a whole default subtree', () => {
    assert.deepStrictEqual(coalesceValues({ cache: { enabled: true, ttl: 60 }, keep: 1 }, { cache: null }).values, { keep: 1 });
  });
  it('drops default nulls in a map the user also sets (TestCoalesceValuesSubchartNilCleanedWhenUserPartiallyOverrides)', () => {
    const { values } = coalesceValues(
      { keyMapping: { password: null, format: 'bcrypt' } },
      { keyMapping: { format: 'sha256' } },
    );
    assert.deepStrictEqual(values, { keyMapping: { format: 'sha256' } });
  });
  it('drops default nulls so nothing shadows them (TestCoalesceValuesSubchartNilDoesNotShadowGlobal)', () => {
    assert.deepStrictEqual(coalesceValues({ ingress: { feature: null } }, {}).values, { ingress: {} });
  });
});

describe('lists and scalars', () => {
  it('replaces lists and scalars wholesale', () => {
    const { values } = coalesceValues(
      { hosts: ['a', 'b'], port: 80, tls: { hosts: ['x'] } },
      { hosts: ['c'], port: '8080', tls: { hosts: [] } },
    );
    assert.deepStrictEqual(values, { hosts: ['c'], port: '8080', tls: { hosts: [] } });
  });
  it('returns data that shares nothing with the defaults', () => {
    const defaults = { m: { list: [1] } };
    const { values } = coalesceValues(defaults, {});
    (values.m as { list: number[] }).list.push(2);
    assert.deepStrictEqual(defaults, { m: { list: [1] } });
  });
});
