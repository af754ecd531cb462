import { emitYaml, emitYamlParts } from './yaml-emit.js';
import type { K8sObject } from '../core/object.js';
import { isPlainObject } from '../core/object.js';

function sortedMap(map: unknown): unknown {
  if (!isPlainObject(map)) return map;
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]]));
}

/** apiVersion, kind, metadata first; labels and annotations sorted; everything else as the component wrote it. */
export function canonicalObject(obj: K8sObject): K8sObject {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const { name, namespace, labels, annotations, ...metaRest } = metadata;
  const meta: Record<string, unknown> = { name };
  if (namespace !== undefined) meta.namespace = namespace;
  if (labels && Object.keys(labels).length) meta.labels = sortedMap(labels);
  if (annotations && Object.keys(annotations).length) meta.annotations = sortedMap(annotations);
  Object.assign(meta, metaRest);
  return { apiVersion, kind, metadata: meta as K8sObject['metadata'], ...rest };
}

/**
 * YAML 1.1 output, as kubectl and Helm read it: strings such as "on" or "0755" come out quoted,
 * long strings are never folded, and the same object always prints the same bytes.
 */
export function toYaml(value: unknown): string {
  return emitYaml(value);
}

export function toYamlStream(docs: { object: K8sObject; source?: string }[]): string {
  return docs
    .map(({ object, source }) => `---\n${source ? `# Source: ${source}\n` : ''}${toYaml(canonicalObject(object))}`)
    .join('');
}

/** `toYamlStream` as pieces to write (see emitYamlParts): the same bytes, without copying large bodies. */
export function toYamlStreamParts(docs: { object: K8sObject; source?: string }[]): (string | Uint8Array)[] {
  return docs.flatMap(({ object, source }) => [`---\n${source ? `# Source: ${source}\n` : ''}`, ...emitYamlParts(canonicalObject(object))]);
}
