import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { K8sObject } from '../../core/object.js';
import { emitNested, rememberEmitted } from '../../render/yaml-emit.js';
import { repoRoot } from '../../validate/paths.js';

/**
 * The shipped upstream manifests, parsed at build time (`npm run build` runs
 * scripts/build-manifest-cache.mjs): per locked file, `<sha256>.json` holds its objects and
 * `<sha256>.yaml` the YAML this emitter writes for each object's body. A cache is used only when it
 * was made from exactly the locked bytes (its name and content carry the lock's sha256) by exactly
 * this emitter (a fingerprint of yaml-emit.js), so a stale cache can never change the output: it is
 * ignored and the file is parsed as before.
 *
 * `<sha256>.print.json` is the same for renders that are only printed (`template`): a CRD's spec,
 * most of the 10 MB, is a stand-in holding what the chart reads (group, scope, names) and a digest
 * of the whole spec (so equal stand-ins mean equal specs); it prints as the full spec's text.
 */

export const CACHE_FORMAT = 1;

export interface CachedManifest {
  format: number;
  sha256: string;
  emitter: string;
  objects: K8sObject[];
  /** Per object, per body key (apiVersion, kind and metadata excluded): [key, indent, start, end], byte offsets into the .yaml file. */
  emitted: [string, string, number, number][][];
}

export function cacheDir(): string {
  return join(repoRoot(), 'dist', 'manifest-cache');
}

/** The emitter the cached text came from: its compiled module, which every build writes. */
export function emitterFingerprint(): string {
  const path = join(repoRoot(), 'dist', 'src', 'render', 'yaml-emit.js');
  return existsSync(path) ? createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16) : 'none';
}

/** The body values of an upstream object, as the render emits them: after apiVersion, kind and metadata. */
export function bodyEntries(obj: K8sObject): [string, unknown][] {
  return Object.entries(obj).filter(([k, v]) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0));
}

/** What a printed render needs of a CRD's spec; the text of the whole spec is remembered for it. */
function specStandIn(crd: K8sObject): Record<string, unknown> {
  const spec = crd.spec as { group?: string; scope?: string; names?: unknown };
  return { group: spec.group, scope: spec.scope, names: spec.names, specSha256: createHash('sha256').update(JSON.stringify(spec)).digest('hex') };
}

/** Builds the caches of one file (scripts/build-manifest-cache.mjs). */
export function buildCache(sha256: string, objects: readonly K8sObject[]): { json: string; printJson: string; yaml: string } {
  const texts: string[] = [];
  let offset = 0;
  const emitted = objects.map((obj) =>
    bodyEntries(obj).map(([key, value]): [string, string, number, number] => {
      const indent = Array.isArray(value) ? '' : '  ';
      const text = emitNested(value, indent);
      texts.push(text);
      const start = offset;
      offset += Buffer.byteLength(text);
      return [key, indent, start, offset];
    }),
  );
  const yaml = texts.join('');
  const cache: CachedManifest = { format: CACHE_FORMAT, sha256, emitter: emitterFingerprint(), objects: objects as K8sObject[], emitted };
  const printed = objects.map((o) => (o.kind === 'CustomResourceDefinition' && o.spec ? { ...o, spec: specStandIn(o) } : o));
  return { json: JSON.stringify(cache), printJson: JSON.stringify({ ...cache, objects: printed }), yaml };
}

let fingerprint: string | undefined;

/**
 * The objects of a locked file from the build-time cache, or undefined when there is no valid one.
 * `printOnly`: for a render that is only printed, with CRD specs as stand-ins that print in full.
 */
export function readCache(sha256: string, printOnly = false, dir = cacheDir()): readonly K8sObject[] | undefined {
  const base = join(dir, sha256);
  const json = `${base}${printOnly ? '.print' : ''}.json`;
  if (!existsSync(json) || !existsSync(`${base}.yaml`)) return undefined;
  const cache = JSON.parse(readFileSync(json, 'utf8')) as CachedManifest;
  fingerprint ??= emitterFingerprint();
  if (cache.format !== CACHE_FORMAT || cache.sha256 !== sha256 || cache.emitter !== fingerprint) return undefined;
  const yaml = readFileSync(`${base}.yaml`);
  cache.objects.forEach((obj, i) => {
    for (const [key, indent, start, end] of cache.emitted[i]) rememberEmitted(obj[key] as object, indent, yaml.subarray(start, end));
  });
  return cache.objects;
}
