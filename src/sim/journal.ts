/**
 * `k8s-sim --journal FILE`: every stored change as one JSON line, in resourceVersion order, so a
 * test (or a person) outside the simulator's process can tell what happened before what. Only
 * identity, generation, conditions, phase and pod-template annotations are written: never data.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import type { StoreEvent } from './store.js';
import { arr, obj } from './util.js';

export interface JournalEntry {
  rv: number;
  type: StoreEvent['type'];
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  generation?: number;
  deleting: boolean;
  /** Condition type -> status. */
  conditions: Record<string, string>;
  phase?: string;
  /** Controller owner "Kind/name". */
  owner?: string;
  /** The pod template's annotations (Deployments, ReplicaSets, Jobs): rollouts show here. */
  templateAnnotations?: Record<string, string>;
}

export function journalEntry(e: StoreEvent): JournalEntry {
  const o = e.object;
  const status = obj(o.status);
  const conditions: Record<string, string> = {};
  for (const c of arr(status.conditions).map(obj)) if (typeof c.type === 'string') conditions[c.type] = String(c.status);
  const ref = arr(o.metadata.ownerReferences).map(obj).find((r) => r.controller === true);
  const template = obj(obj(obj(o.spec).template).metadata).annotations as Record<string, string> | undefined;
  return {
    rv: e.rv,
    type: e.type,
    apiVersion: o.apiVersion,
    kind: o.kind,
    namespace: o.metadata.namespace,
    name: o.metadata.name,
    uid: o.metadata.uid as string | undefined,
    generation: o.metadata.generation as number | undefined,
    deleting: e.type === 'DELETED' || !!o.metadata.deletionTimestamp,
    conditions,
    ...(typeof status.phase === 'string' ? { phase: status.phase } : {}),
    ...(ref ? { owner: `${ref.kind}/${ref.name}` } : {}),
    ...(template ? { templateAnnotations: template } : {}),
  };
}

/** A store listener appending to `file` synchronously, so a reader never misses a line that happened. */
export function openJournal(file: string): (e: StoreEvent) => void {
  const fd = openSync(file, 'a');
  process.once('exit', () => closeSync(fd));
  return (e) => {
    writeSync(fd, `${JSON.stringify(journalEntry(e))}\n`);
  };
}
