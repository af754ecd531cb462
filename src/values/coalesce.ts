import { deepClone, describeType, hasKey, isMap, setKey, type ValueMap } from './util.js';

export interface Coalesced {
  values: ValueMap;
  /** One line per type clash between a user value and a chart default; the user value won. */
  warnings: string[];
}

/**
 * Helm's CoalesceValues (pkg/chart/common/util/coalesce.go) for a single chart: user values win
 * over chart defaults, maps merge, lists and scalars from the user replace, and a user null
 * deletes the key together with any default subtree. Nulls in chart defaults never reach the
 * result; a user null for a key the chart does not have stays null. Neither input is changed.
 */
export function coalesceValues(chartDefaults: ValueMap, userValues: ValueMap): Coalesced {
  const warnings: string[] = [];
  const values = deepClone(userValues ?? {});
  const defaults = deepClone(chartDefaults ?? {});
  for (const key of Object.keys(defaults)) {
    const fallback = defaults[key];
    if (!hasKey(values, key)) {
      if (fallback === null) continue;
      if (isMap(fallback)) dropNulls(fallback);
      setKey(values, key, fallback);
      continue;
    }
    const mine = values[key];
    if (mine === null) {
      delete values[key];
    } else if (isMap(mine)) {
      if (isMap(fallback)) {
        dropNulls(fallback);
        coalesceTables(mine, fallback, key, warnings);
      } else if (fallback !== null) {
        warnings.push(mapOverScalar(key, fallback));
      }
    } else if (isMap(fallback)) {
      // Helm is silent about this case at the top level (it warns one level down); we are not.
      warnings.push(scalarOverMap(key, mine));
    }
  }
  return { values, warnings };
}

/**
 * Helm's CoalesceTables: `dst` wins, `src` fills what `dst` lacks, maps merge, a null in `dst`
 * removes the key. `upgrade --reuse-values` uses it to lay new values over the last release's.
 * Neither input is changed.
 */
export function coalesceTablesOf(dst: ValueMap, src: ValueMap): ValueMap {
  const out = deepClone(dst ?? {});
  coalesceTables(out, deepClone(src ?? {}), '', []);
  return out;
}

/** coalesceTablesFullKey with merge=false: `dst` holds the user's values and wins. */
function coalesceTables(dst: ValueMap, src: ValueMap, prefix: string, warnings: string[]): void {
  const defaultedKeys = new Set(Object.keys(src).filter((key) => src[key] !== null));
  for (const key of Object.keys(dst)) {
    if (dst[key] === null) setKey(src, key, null);
  }
  for (const key of Object.keys(src)) {
    const path = prefix ? `${prefix}.${key}` : key;
    const fallback = src[key];
    if (!hasKey(dst, key)) {
      setKey(dst, key, fallback);
      continue;
    }
    const mine = dst[key];
    if (mine === null) {
      // A user null erases a default; a null the chart does not default is kept as null.
      if (defaultedKeys.has(key)) delete dst[key];
    } else if (isMap(fallback)) {
      if (isMap(mine)) coalesceTables(mine, fallback, path, warnings);
      else warnings.push(scalarOverMap(path, mine));
    } else if (isMap(mine) && fallback !== null) {
      warnings.push(mapOverScalar(path, fallback));
    }
  }
}

function dropNulls(map: ValueMap): void {
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === null) delete map[key];
    else if (isMap(value)) dropNulls(value);
  }
}

function mapOverScalar(path: string, fallback: unknown): string {
  return `${path}: you set a map, but the chart default is ${describeType(fallback)} (${JSON.stringify(fallback)}); your map is used and the default ignored.`;
}

function scalarOverMap(path: string, mine: unknown): string {
  return `${path}: you set ${describeType(mine)}, but the chart default is a map; your value replaces the whole map.`;
}
