import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeMaps } from '../../src/values/merge.js';

// Ported from helm/helm pkg/chart/v2/loader/load_test.go TestMergeValuesV2.
describe('mergeMaps (Helm MergeMaps)', () => {
  const nestedMap = () => ({ foo: 'bar', baz: { cool: 'stuff' } });
  const anotherNestedMap = () => ({ foo: 'bar', baz: { cool: 'things', awesome: 'stuff' } });
  const flatMap = () => ({ foo: 'bar', baz: 'stuff' });
  const anotherFlatMap = () => ({ testing: 'fun' });

  it('lets a nested map overwrite a flat value', () => {
    assert.deepStrictEqual(mergeMaps(flatMap(), nestedMap()), nestedMap());
  });
  it('lets a flat value overwrite a map', () => {
    assert.deepStrictEqual(mergeMaps(nestedMap(), flatMap()), flatMap());
  });
  it('merges nested maps key by key', () => {
    assert.deepStrictEqual(mergeMaps(nestedMap(), anotherNestedMap()), anotherNestedMap());
    assert.deepStrictEqual(mergeMaps({ baz: { only: 1 } }, { baz: { cool: 2 } }), { baz: { only: 1, cool: 2 } });
  });
  it('merges maps with different keys', () => {
    assert.deepStrictEqual(mergeMaps(anotherFlatMap(), anotherNestedMap()), {
      testing: 'fun',
      foo: 'bar',
      baz: { cool: 'things', awesome: 'stuff' },
    });
  });

  it('replaces lists instead of merging them, and keeps nulls', () => {
    assert.deepStrictEqual(mergeMaps({ l: [1, 2, 3], n: 1 }, { l: [9], n: null }), { l: [9], n: null });
  });

  it('leaves both inputs untouched and shares nothing with them', () => {
    const a = { m: { x: 1 }, l: [{ y: 1 }] };
    const b = { m: { z: 2 }, k: { deep: [1] } };
    const out = mergeMaps(a, b) as { m: Record<string, number>; l: { y: number }[]; k: { deep: number[] } };
    out.m.x = 100;
    out.l[0].y = 100;
    out.k.deep.push(2);
    assert.deepStrictEqual(a, { m: { x: 1 }, l: [{ y: 1 }] });
    assert.deepStrictEqual(b, { m: { z: 2 }, k: { deep: [1] } });
  });
});
