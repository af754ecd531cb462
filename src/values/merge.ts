import { deepClone, isMap, setKey, type ValueMap } from './util.js';

/**
 * Helm's MergeMaps (pkg/chart/v2/loader): maps merge key by key, recursively; any other value
 * from `b`, lists included, replaces the value in `a`. The result shares nothing with the inputs,
 * so later in-place edits (--set parsing) cannot reach back into a parsed file.
 */
export function mergeMaps(a: ValueMap, b: ValueMap): ValueMap {
  const out = deepClone(a);
  for (const key of Object.keys(b)) {
    const incoming = b[key];
    const current = out[key];
    if (isMap(incoming) && Object.prototype.hasOwnProperty.call(out, key) && isMap(current)) {
      setKey(out, key, mergeMaps(current, incoming));
    } else {
      setKey(out, key, deepClone(incoming));
    }
  }
  return out;
}
