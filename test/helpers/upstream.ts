import type { K8sObject } from '../../src/core/object.js';
import { cachedCrdCatalog } from '../../src/validate/index.js';

/**
 * A CRD from the pinned upstream files shipped in the package (upstream/), by "Kind.group"
 * (e.g. "Cluster.postgresql.cnpg.io"). A fresh copy each call: callers may change it.
 */
export function shippedCrd(kindGroup: string): K8sObject {
  const dot = kindGroup.indexOf('.');
  const crd = cachedCrdCatalog().get(kindGroup.slice(dot + 1), kindGroup.slice(0, dot));
  if (!crd) throw new Error(`no shipped CRD for ${kindGroup}`);
  return structuredClone(crd) as unknown as K8sObject;
}

export function shippedCrds(kindGroups: string[]): K8sObject[] {
  return kindGroups.map(shippedCrd);
}
