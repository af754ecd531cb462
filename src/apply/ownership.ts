import { isDeepStrictEqual } from 'node:util';
import { isPlainObject, type K8sObject } from '../core/object.js';
import { KubeApiError, refOf, type KubeClient } from '../kube/types.js';

/** kubectl's ApplySet membership label: which release an object belongs to. */
export const PART_OF = 'applyset.kubernetes.io/part-of';
/** On a shared object: every release that uses it, as "<namespace>/<release>", comma-separated. */
export const USED_BY = 'inferctl.io/used-by';

export interface ReleaseIdentity {
  name: string;
  namespace: string;
  /** ApplySet id of the release's parent Secret: the value of PART_OF on its objects. */
  applySetId: string;
}

export function releaseKey(r: Pick<ReleaseIdentity, 'name' | 'namespace'>): string {
  return `${r.namespace}/${r.name}`;
}

export function partOf(obj: K8sObject): string | undefined {
  return obj.metadata.labels?.[PART_OF];
}

export function usersOf(obj: K8sObject): string[] {
  const raw = obj.metadata.annotations?.[USED_BY];
  return raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

/** A shared object as its owner applies it: the users, this release among them. */
export function withUsers(desired: K8sObject, live: K8sObject | undefined, me: Pick<ReleaseIdentity, 'name' | 'namespace'>): K8sObject {
  const users = [...new Set([...(live ? usersOf(live) : []), releaseKey(me)])].sort();
  return { ...desired, metadata: { ...desired.metadata, annotations: { ...(desired.metadata.annotations ?? {}), [USED_BY]: users.join(',') } } };
}

/** Fields a server adds or inferctl stamps per release: not part of what two releases must agree on. */
const IGNORED_METADATA = new Set(['labels', 'annotations', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'finalizers', 'ownerReferences']);

/** Paths where `desired` says something `live` does not (desired as a subset of live: defaults added by the server are fine). */
export function differences(desired: unknown, live: unknown, path = ''): string[] {
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return [path || '.'];
    return Object.entries(desired).flatMap(([k, v]) => {
      if (path === '.metadata' && IGNORED_METADATA.has(k)) return [];
      if (path === '' && k === 'status') return [];
      return differences(v, live[k], `${path}.${k}`);
    });
  }
  return isDeepStrictEqual(desired, live) ? [] : [path || '.'];
}

/**
 * A field-manager conflict of a server-side apply, from the API server's Status: fields
 * (".spec.replicas") and who holds them ("kubectl", "kube-controller-manager").
 */
export interface Conflict {
  field: string;
  manager: string;
}

export function conflictsOf(err: KubeApiError): Conflict[] {
  const causes = ((err.status?.details as { causes?: { field?: string; message?: string }[] } | undefined)?.causes ?? []);
  const out: Conflict[] = [];
  for (const c of causes) {
    const manager = /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1];
    if (c.field && manager) out.push({ field: c.field, manager });
  }
  if (out.length) return out;
  // Without causes (older servers, the fake): the message lists them as `conflict with "m": .path`.
  for (const m of err.message.matchAll(/conflict with "([^"]+)"(?: using [^:]+)?: ([^\s,]+)/g)) out.push({ manager: m[1], field: m[2] });
  return out;
}

/** Adds or removes this release in a shared object's users, conditionally on the object not changing meanwhile. */
export async function setUsers(kube: KubeClient, live: K8sObject, users: string[], extra: { labels?: Record<string, string | null> } = {}): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const current = attempt === 0 ? live : await kube.get(refOf(live));
    if (!current) return;
    const patch = {
      metadata: {
        resourceVersion: current.metadata.resourceVersion,
        annotations: { [USED_BY]: users.length ? [...new Set(users)].sort().join(',') : null },
        ...(extra.labels ? { labels: extra.labels } : {}),
      },
    };
    try {
      await kube.patch(refOf(current), patch, 'merge', { fieldManager: 'inferctl' });
      return;
    } catch (err) {
      if (!(err instanceof KubeApiError) || err.code !== 409 || attempt >= 5) throw err;
    }
  }
}

/** Deployments and StatefulSets an HPA or a KEDA ScaledObject scales: their replicas are not ours to set. */
export async function autoscaledTargets(kube: KubeClient, namespace: string): Promise<Set<string>> {
  const out = new Set<string>();
  const hpas = await kube.list({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', namespace });
  const scaled = await kube.list({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', namespace }).catch(() => []);
  for (const o of [...hpas, ...scaled]) {
    const target = (o.spec as { scaleTargetRef?: { kind?: string; name?: string } } | undefined)?.scaleTargetRef;
    if (target?.name) out.add(`${target.kind ?? 'Deployment'}/${target.name}`);
  }
  return out;
}
