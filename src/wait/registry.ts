import type { K8sObject } from '../core/object.js';
import { customRule, skipRule, skipsWait, waitForOf } from './custom.js';
import { isTerminating } from './related.js';
import { apiServiceRule } from './rules/apiregistration.k8s.io.APIService.js';
import { crdRule } from './rules/apiextensions.CustomResourceDefinition.js';
import { certificateRule, clusterIssuerRule, issuerRule } from './rules/cert-manager.io.js';
import { daemonSetRule } from './rules/apps.DaemonSet.js';
import { deploymentRule } from './rules/apps.Deployment.js';
import { statefulSetRule } from './rules/apps.StatefulSet.js';
import { jobRule } from './rules/batch.Job.js';
import { pvcRule } from './rules/core.PersistentVolumeClaim.js';
import { podRule } from './rules/core.Pod.js';
import { serviceRule } from './rules/core.Service.js';
import { gatewayRule } from './rules/gateway.networking.k8s.io.Gateway.js';
import { gatewayClassRule } from './rules/gateway.networking.k8s.io.GatewayClass.js';
import { httpRouteRule } from './rules/gateway.networking.k8s.io.HTTPRoute.js';
import { genericRule, kindKey } from './rules/generic.js';
import { inferencePoolRule } from './rules/inference.networking.k8s.io.InferencePool.js';
import { knativeServingRule } from './rules/operator.knative.dev.KnativeServing.js';
import { cnpgClusterRule } from './rules/postgresql.cnpg.io.Cluster.js';
import { cnpgPoolerRule } from './rules/postgresql.cnpg.io.Pooler.js';
import { knativeServiceRule } from './rules/serving.knative.dev.Service.js';
import { inferenceServiceRule } from './rules/serving.kserve.io.InferenceService.js';
import type { Readiness, ReadinessRule, RelatedQuery } from './types.js';
import { toReadiness } from './util.js';

/** Per-kind rules; anything else falls back to `genericRule` (kstatus semantics). */
export const readinessRules: readonly ReadinessRule[] = [
  crdRule,
  apiServiceRule,
  deploymentRule,
  statefulSetRule,
  daemonSetRule,
  jobRule,
  podRule,
  serviceRule,
  pvcRule,
  cnpgClusterRule,
  cnpgPoolerRule,
  gatewayClassRule,
  gatewayRule,
  httpRouteRule,
  inferencePoolRule,
  knativeServingRule,
  knativeServiceRule,
  inferenceServiceRule,
  certificateRule,
  issuerRule,
  clusterIssuerRule,
];

const byKind = new Map(readinessRules.map((r) => [r.id, r]));

/** The kind's own rule, ignoring annotations. */
export function kindRuleFor(obj: K8sObject): ReadinessRule {
  const rule = byKind.get(kindKey(obj));
  return rule && rule.matches(obj) ? rule : genericRule;
}

/**
 * `inferctl.io/skip-wait`, then `inferctl.io/wait-for` (wrapping the kind's rule), then the kind's
 * rule, then the generic one. Throws a UserError when an annotation is malformed.
 */
export function readinessRuleFor(obj: K8sObject): ReadinessRule {
  if (skipsWait(obj)) return skipRule;
  const base = kindRuleFor(obj);
  const waits = waitForOf(obj);
  return waits ? customRule(waits, base) : base;
}

function deleting(obj: K8sObject, rule: ReadinessRule): Readiness | undefined {
  return rule !== skipRule && isTerminating(obj) ? toReadiness(obj, { state: 'progressing', text: 'is being deleted' }) : undefined;
}

/** One poll: fetches what the rule needs through `fetchRelated`, then judges. */
export function evaluateReadiness(obj: K8sObject, fetchRelated: (q: RelatedQuery) => K8sObject[]): Readiness {
  const rule = readinessRuleFor(obj);
  return deleting(obj, rule) ?? rule.evaluate(obj, (rule.related?.(obj) ?? []).map((q) => fetchRelated(q)));
}

/**
 * The same for API clients that answer asynchronously; queries run concurrently. A Pod stuck in
 * ContainerCreating says nothing in its status about why: its Events do (FailedMount of a missing
 * Secret), so those are read and a lasting cause turns the wait into a failure quoting them.
 */
export async function evaluateReadinessAsync(
  obj: K8sObject,
  fetchRelated: (q: RelatedQuery) => Promise<K8sObject[]>,
): Promise<Readiness> {
  const rule = readinessRuleFor(obj);
  const early = deleting(obj, rule);
  if (early) return early;
  const related = await Promise.all((rule.related?.(obj) ?? []).map((q) => fetchRelated(q)));
  const readiness = rule.evaluate(obj, related);
  return readiness.state === 'progressing' ? withPodEvents(readiness, fetchRelated) : readiness;
}

/** "Pod <ns>/<name>: container x: ContainerCreating" in a readiness cause: a pod that has not started its containers. */
const CREATING = /Pod (?:([a-z0-9-]+)\/)?([a-z0-9][a-z0-9.-]*): [^;]*ContainerCreating/;

async function withPodEvents(readiness: Readiness, fetchRelated: (q: RelatedQuery) => Promise<K8sObject[]>): Promise<Readiness> {
  const m = CREATING.exec(readiness.cause ?? readiness.message);
  if (!m?.[1]) return readiness;
  const events = await fetchRelated({ apiVersion: 'v1', kind: 'Event', namespace: m[1], fieldSelector: `involvedObject.name=${m[2]}` });
  const lasting = lastingPodProblem(events);
  if (!lasting) return readiness;
  return { state: 'failed', message: `${readiness.message}; ${lasting}`, cause: `Pod ${m[1]}/${m[2]}: ${lasting}` };
}

/** The newest Warning that will not clear by waiting: a volume whose Secret or ConfigMap does not exist. */
export function lastingPodProblem(events: K8sObject[]): string | undefined {
  const warnings = events
    .filter((e) => (e as { type?: string }).type === 'Warning' && ['FailedMount', 'FailedAttachVolume'].includes(String((e as { reason?: string }).reason)))
    .filter((e) => /not found/.test(String((e as { message?: string }).message)))
    .sort((a, b) => String(timeOf(b)).localeCompare(String(timeOf(a))));
  const e = warnings[0] as { reason?: string; message?: string } | undefined;
  return e ? `${e.reason}: ${e.message}` : undefined;
}

function timeOf(e: K8sObject): string {
  const x = e as { lastTimestamp?: string; eventTime?: string; metadata: { creationTimestamp?: unknown } };
  return x.lastTimestamp ?? x.eventTime ?? String(x.metadata.creationTimestamp ?? '');
}
