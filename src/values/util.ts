import { isPlainObject } from '../core/object.js';

/** Values are plain JSON-like data: maps, lists, strings, numbers, booleans and null. */
export type ValueMap = Record<string, unknown>;

export function isMap(value: unknown): value is ValueMap {
  return isPlainObject(value);
}

export function hasKey(map: ValueMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/**
 * Plain assignment with a key of "__proto__" would replace the object's prototype instead of
 * storing a value, and a values file may legitimately contain any key.
 */
export function setKey(map: ValueMap, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    map[key] = value;
  }
}

export function deepClone<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => deepClone(item)) as T;
  if (isMap(value)) {
    const out: ValueMap = {};
    for (const key of Object.keys(value)) setKey(out, key, deepClone(value[key]));
    return out as T;
  }
  return value;
}

/** "a string", "a map", "null": for messages that explain a type clash. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMap(value)) return 'a map';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

/** a.b[0].c, as a person would type it in --set. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}
