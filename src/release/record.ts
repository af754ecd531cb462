import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { K8sObject } from '../core/object.js';
import { groupKind, groupOf } from '../core/object.js';
import type { GroupSpec, PurgeSelector } from '../render/types.js';

export type ReleaseStatus = 'pending-install' | 'pending-upgrade' | 'pending-rollback' | 'deployed' | 'failed' | 'superseded' | 'uninstalling' | 'uninstalled';

export interface InventoryEntry {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  group: string;
  keepOnUninstall?: boolean;
  replaceOnChange?: boolean;
  shared?: boolean;
}

/** One revision of a release: what was asked (values), what was applied (manifest), and how it went. */
export interface ReleaseRecord {
  name: string;
  namespace: string;
  revision: number;
  status: ReleaseStatus;
  chart: { name: string; version: string; appVersion: string };
  userValues: Record<string, unknown>;
  /** The values the render used (chart defaults with the user's on top); absent in records before 0.2. */
  values?: Record<string, unknown>;
  /** The rendered objects in apply order; rollback re-applies exactly these. */
  manifest: K8sObject[];
  inventory: InventoryEntry[];
  groups: GroupSpec[];
  exports: Record<string, string>;
  uninstallHooks?: K8sObject[];
  purge?: PurgeSelector[];
  description: string;
  firstDeployed: string;
  lastDeployed: string;
}

export const RECORD_TYPE = 'inferctl.io/release.v1';
export const OWNER_LABEL = 'owner';
export const OWNER = 'inferctl';
export const APPLYSET_ID = 'applyset.kubernetes.io/id';
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GKS = 'applyset.kubernetes.io/contains-group-kinds';
export const APPLYSET_NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';

/** The stable Secret that holds the current revision and is the kubectl ApplySet parent. */
export function parentSecretName(release: string): string {
  return `inferctl.release.${release}`;
}

/** One Secret per revision, like Helm's sh.helm.release.v1.<name>.v<rev>. */
export function revisionSecretName(release: string, revision: number): string {
  return `inferctl.release.${release}.v${revision}`;
}

/** KEP-3659: applyset-<base64url(sha256(<name>.<namespace>.<kind>.<group>))>-v1 of the parent. */
export function applySetId(parentName: string, namespace: string): string {
  const digest = createHash('sha256').update(`${parentName}.${namespace}.Secret.`).digest('base64url');
  return `applyset-${digest}-v1`;
}

export function encodeRecord(record: ReleaseRecord): string {
  return gzipSync(Buffer.from(JSON.stringify(record))).toString('base64');
}

export function decodeRecord(data: string): ReleaseRecord {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as ReleaseRecord;
}

/** contains-group-kinds: "Deployment.apps,Service,..." sorted, as kubectl writes it. */
export function groupKinds(inventory: InventoryEntry[]): string[] {
  return [...new Set(inventory.map((e) => groupKind(e)))].sort();
}

export function additionalNamespaces(inventory: InventoryEntry[], namespace: string): string[] {
  return [...new Set(inventory.map((e) => e.namespace).filter((n): n is string => !!n && n !== namespace))].sort();
}

/** Builds a record Secret. The parent carries ApplySet labels and annotations; revisions only history labels. */
export function recordSecret(record: ReleaseRecord, name: string, parent: boolean, tooling: string): K8sObject {
  const labels: Record<string, string> = {
    [OWNER_LABEL]: OWNER,
    name: record.name,
    status: record.status,
    version: String(record.revision),
    'inferctl.io/record': parent ? 'current' : 'revision',
  };
  const annotations: Record<string, string> = { 'inferctl.io/chart': `${record.chart.name}-${record.chart.version}` };
  if (parent) {
    labels[APPLYSET_ID] = applySetId(name, record.namespace);
    annotations[APPLYSET_TOOLING] = tooling;
    annotations[APPLYSET_GKS] = groupKinds(record.inventory).join(',');
    const extra = additionalNamespaces(record.inventory, record.namespace);
    if (extra.length) annotations[APPLYSET_NAMESPACES] = extra.join(',');
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: RECORD_TYPE,
    metadata: { name, namespace: record.namespace, labels, annotations },
  };
}

export function inventoryOf(objects: { object: K8sObject; group: string; keepOnUninstall?: boolean; replaceOnChange?: boolean; shared?: boolean }[]): InventoryEntry[] {
  return objects.map(({ object, group, keepOnUninstall, replaceOnChange, shared }) => ({
    apiVersion: object.apiVersion,
    kind: object.kind,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata.name,
    group,
    ...(keepOnUninstall ? { keepOnUninstall } : {}),
    ...(replaceOnChange ? { replaceOnChange } : {}),
    ...(shared ? { shared } : {}),
  }));
}

export function entryKey(e: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  return `${groupOf(e.apiVersion)}/${e.kind}/${e.namespace ?? ''}/${e.name}`;
}
