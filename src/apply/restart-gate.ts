/**
 * Gate `deployment-started-after-crd`: some controllers read the API's discovery once, at startup
 * (KServe caches whether Knative Services exist for the life of its process). If a running pod of
 * the Deployment started before the CRD was established, it will never use that API, so the
 * Deployment is restarted the way `kubectl rollout restart` does it (a new pod-template
 * annotation, here naming the CRD's uid so it happens once per CRD instance); the gate's
 * Deployment wait then sees the rollout through.
 */
import type { K8sObject } from '../core/object.js';
import type { KubeClient } from '../kube/types.js';
import type { Gate } from '../render/types.js';

export const RESTART_ANNOTATION_PREFIX = 'restart.inferctl.io/';
export const RESTART_FIELD_MANAGER = 'inferctl-rollout';

type O = Record<string, any>;

function establishedAt(crd: K8sObject): number | undefined {
  const c = ((crd.status as O | undefined)?.conditions ?? []).find((x: O) => x.type === 'Established' && x.status === 'True');
  return c ? Date.parse(c.lastTransitionTime ?? crd.metadata.creationTimestamp) : undefined;
}

/** When the pod's containers started (Kubernetes times have one-second resolution). */
function startedAt(pod: K8sObject): number | undefined {
  const times = ((pod.status as O | undefined)?.containerStatuses ?? []).map((s: O) => s.state?.running?.startedAt ?? s.lastState?.terminated?.startedAt).filter(Boolean).map(Date.parse);
  return times.length ? Math.min(...times) : undefined;
}

/** Restarts the gate's Deployment when needed; returns what was done, for the progress line. */
export async function restartIfStartedBeforeCrd(kube: KubeClient, gate: Gate): Promise<string | undefined> {
  if (!gate.crd) return undefined;
  const crd = await kube.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: gate.crd });
  const since = crd && establishedAt(crd);
  const deploy = await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: gate.namespace, name: gate.name });
  if (since === undefined || !deploy) return undefined;
  const key = `${RESTART_ANNOTATION_PREFIX}${gate.crd}`;
  const spec = deploy.spec as O;
  if (spec?.template?.metadata?.annotations?.[key] === crd!.metadata.uid) return undefined;
  const selector = Object.entries((spec?.selector?.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = await kube.list({ apiVersion: 'v1', kind: 'Pod', namespace: gate.namespace, labelSelector: selector });
  // Equal seconds cannot be ordered: restart then too, once (the annotation remembers).
  const stale = pods.find((p) => !p.metadata.deletionTimestamp && (startedAt(p) ?? Infinity) <= since);
  if (!stale) return undefined;
  await kube.apply(
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: gate.name, namespace: gate.namespace }, spec: { template: { metadata: { annotations: { [key]: String(crd!.metadata.uid) } } } } },
    { fieldManager: RESTART_FIELD_MANAGER, force: true },
  );
  return `restarted deployment ${gate.namespace ? `${gate.namespace}/` : ''}${gate.name}: pod ${stale.metadata.name} started before CRD ${gate.crd} was established (${gate.why})`;
}
