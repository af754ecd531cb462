import { describeObject, groupOf, isPlainObject, type K8sObject } from '../core/object.js';
import type { Readiness, ReadinessRule, ReadyState } from './types.js';

/** A rule's judgement before the object's name is put in front of it. */
export interface Verdict {
  state: ReadyState;
  text: string;
  cause?: string;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export function field(value: unknown, path: string): unknown {
  let cur = value;
  for (const key of path.split('.')) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function num(value: unknown, path: string, fallback: number): number {
  const v = field(value, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function optNum(value: unknown, path: string): number | undefined {
  const v = field(value, path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function str(value: unknown, path: string, fallback = ''): string {
  const v = field(value, path);
  return typeof v === 'string' ? v : fallback;
}

export function list(value: unknown, path: string): unknown[] {
  const v = field(value, path);
  return Array.isArray(v) ? v : [];
}

export function records(value: unknown, path: string): Record<string, unknown>[] {
  return list(value, path).filter(isPlainObject);
}

export function conditionsIn(value: unknown): Condition[] {
  if (!Array.isArray(value)) return [];
  const out: Condition[] = [];
  for (const c of value) {
    if (!isPlainObject(c) || typeof c.type !== 'string') continue;
    out.push({
      type: c.type,
      status: typeof c.status === 'string' ? c.status : 'Unknown',
      reason: typeof c.reason === 'string' && c.reason ? c.reason : undefined,
      message: typeof c.message === 'string' && c.message ? c.message.trim() : undefined,
      observedGeneration: typeof c.observedGeneration === 'number' ? c.observedGeneration : undefined,
    });
  }
  return out;
}

export function conditions(obj: unknown): Condition[] {
  return conditionsIn(field(obj, 'status.conditions'));
}

export function findCondition(conds: Condition[], type: string): Condition | undefined {
  return conds.find((c) => c.type === type);
}

/** The first condition of `types` that is not True, preferring one that says why. */
export function blockingCondition(conds: Condition[], types: string[]): Condition | undefined {
  const notTrue = types.map((t) => findCondition(conds, t)).filter((c): c is Condition => c !== undefined && c.status !== 'True');
  return notTrue.find((c) => c.message) ?? notTrue[0];
}

/** "Ready=False: ClusterIsNotReady: Cluster Is Not Ready" (empty parts left out). */
export function conditionText(c: Condition): string {
  return [`${c.type}=${c.status}`, c.reason, c.message].filter(Boolean).join(': ');
}

/** "Reason: message", or whichever of the two exists. */
export function reasonText(reason: unknown, message: unknown): string {
  return [reason, message].filter((p) => typeof p === 'string' && p).join(': ');
}

export function generation(obj: K8sObject): number | undefined {
  return optNum(obj, 'metadata.generation');
}

/**
 * Why the status cannot be trusted yet: the controller has not seen the latest spec. Only when both
 * numbers exist (kstatus: a missing observedGeneration is not a signal).
 */
export function generationLag(obj: K8sObject): string | undefined {
  const gen = generation(obj);
  const observed = optNum(obj, 'status.observedGeneration');
  if (gen === undefined || observed === undefined || observed >= gen) return undefined;
  return `waiting for the controller to observe generation ${gen} (status is for generation ${observed})`;
}

/** A condition written for an older generation says nothing about the current spec. */
export function isStale(obj: K8sObject, c: Condition): boolean {
  const gen = generation(obj);
  return gen !== undefined && c.observedGeneration !== undefined && c.observedGeneration < gen;
}

export function staleText(obj: K8sObject, c: Condition): string {
  return `waiting for the controller to observe generation ${generation(obj)} (${c.type} is for generation ${c.observedGeneration})`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function ready(text: string): Verdict {
  return { state: 'ready', text };
}

export function progressing(text: string, cause?: string): Verdict {
  return { state: 'progressing', text, cause };
}

export function failed(text: string, cause?: string): Verdict {
  return { state: 'failed', text, cause };
}

export function toReadiness(obj: Pick<K8sObject, 'kind' | 'metadata'>, v: Verdict): Readiness {
  const out: Readiness = { state: v.state, message: `${describeObject(obj)}: ${v.text}` };
  if (v.cause) out.cause = v.cause;
  return out;
}

export function kindMatcher(group: string, kind: string): (obj: K8sObject) => boolean {
  return (obj) => obj.kind === kind && groupOf(obj.apiVersion) === group;
}

/** Builds a rule whose messages all start with the object ("Deployment infra/x: ..."). */
export function defineRule(spec: {
  group: string;
  kind: string;
  related?: ReadinessRule['related'];
  judge(obj: K8sObject, related: K8sObject[][]): Verdict;
}): ReadinessRule {
  return {
    id: `${spec.group || 'core'}/${spec.kind}`,
    matches: kindMatcher(spec.group, spec.kind),
    related: spec.related,
    evaluate: (obj, related) => toReadiness(obj, spec.judge(obj, related)),
  };
}

export function annotation(obj: K8sObject, key: string): string | undefined {
  const v = obj.metadata.annotations?.[key];
  return typeof v === 'string' ? v : undefined;
}

export function label(obj: K8sObject, key: string): string | undefined {
  const v = obj.metadata.labels?.[key];
  return typeof v === 'string' ? v : undefined;
}
