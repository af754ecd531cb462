/** Small helpers shared by the simulator: cloning, equality, names, timestamps. */
import { randomUUID, randomInt } from 'node:crypto';
import { isPlainObject } from '../core/object.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = Record<string, unknown>;

export function clone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export const isObj = isPlainObject;

export function obj(value: unknown): JsonObject {
  return isPlainObject(value) ? value : {};
}

export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Reads a nested value by plain field names. */
export function getPath(root: unknown, path: readonly string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Ensures the nested objects exist and returns the innermost one. */
export function ensurePath(root: JsonObject, path: readonly string[]): JsonObject {
  let cur = root;
  for (const key of path) {
    if (!isPlainObject(cur[key])) cur[key] = {};
    cur = cur[key] as JsonObject;
  }
  return cur;
}

export function newUid(): string {
  return randomUUID();
}

// The alphabet the apiserver uses for generateName and pod-template hashes: no vowels, no
// look-alike digits, so generated names never spell words.
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return out;
}

/** Deterministic short hash in the same alphabet: pod-template-hash style (stable across restarts). */
export function stableHash(input: string, length = 10): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c, 2246822519) >>> 0;
  }
  let n = BigInt(h1) * 4294967296n + BigInt(h2);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += NAME_ALPHABET[Number(n % 27n)];
    n /= 27n;
  }
  return out;
}

/** metav1.Time: RFC 3339 with second precision, always UTC. */
export function k8sTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "5s", "3m", "2d4h": kubectl's human duration, as the server puts it in Table cells. */
export function humanAge(from: string | undefined, now = Date.now()): string {
  if (!from) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - Date.parse(from)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return `${minutes}m${seconds % 60 ? `${seconds % 60}s` : ''}`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return `${hours}h${minutes % 60 ? `${minutes % 60}m` : ''}`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) return `${days}d${hours % 24 ? `${hours % 24}h` : ''}`;
  return `${days}d`;
}

/** Go's %q for strings is close enough to JSON string quoting for the messages we reproduce. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}
