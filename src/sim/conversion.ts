/**
 * Versions that share storage but not field names. The apiserver keeps one internal object and
 * converts on every read and write; here the stored form is the storage version's and the served
 * one is produced on the way out. Only events.k8s.io/v1 Event differs from core/v1 Event today.
 */
import type { K8sObject } from '../core/object.js';
import { fieldErr, type FieldError } from './errors.js';
import type { ResourceType } from './resources.js';

export interface Conversion {
  toServed(stored: K8sObject): K8sObject;
  toStorage(served: K8sObject): K8sObject;
  /** Rules the served version adds on create (events.k8s.io/v1 wants the new-style fields). */
  validateCreate?(served: K8sObject): FieldError[];
}

/** core/v1 field -> events.k8s.io/v1 field (pkg/apis/events/v1 conversion). */
const EVENT_FIELDS: Record<string, string> = {
  involvedObject: 'regarding',
  message: 'note',
  reportingComponent: 'reportingController',
  source: 'deprecatedSource',
  firstTimestamp: 'deprecatedFirstTimestamp',
  lastTimestamp: 'deprecatedLastTimestamp',
  count: 'deprecatedCount',
};
const EVENT_FIELDS_BACK = Object.fromEntries(Object.entries(EVENT_FIELDS).map(([k, v]) => [v, k]));

function rename(o: K8sObject, names: Record<string, string>): K8sObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[names[k] ?? k] = v;
  return out as K8sObject;
}

const eventsV1: Conversion = {
  toServed: (o) => rename(o, EVENT_FIELDS),
  toStorage: (o) => rename(o, EVENT_FIELDS_BACK),
  validateCreate(o) {
    const x = o as Record<string, unknown>;
    const errs: FieldError[] = [];
    if (!x.eventTime) errs.push(fieldErr.required('eventTime'));
    if (x.type !== 'Normal' && x.type !== 'Warning') errs.push(fieldErr.invalid('type', '', `has invalid value: ${String(x.type ?? '')}`));
    for (const f of ['reportingController', 'reportingInstance', 'action', 'reason']) if (!x[f]) errs.push(fieldErr.required(f));
    return errs;
  },
};

export function conversionFor(rt: Pick<ResourceType, 'group' | 'version' | 'kind'>): Conversion | undefined {
  return rt.group === 'events.k8s.io' && rt.version === 'v1' && rt.kind === 'Event' ? eventsV1 : undefined;
}
