/**
 * The default scheduler's decision for one pod, as pure functions: per node the filter plugins in
 * their upstream order (NodeUnschedulable, TaintToleration, NodeAffinity, NodeResourcesFit; the
 * first that fails explains that node), then the least-allocated feasible node, or the FitError
 * text kube-scheduler 1.33-1.35 writes into PodScheduled and the FailedScheduling event, preemption
 * summary included. Preemption itself is not modelled: every pod here has the same priority, so it
 * never finds victims. Also the kubelet's admission check for pods that name their node.
 */
import type { K8sObject } from '../core/object.js';
import { kubeletUnits, parseQuantity } from './quantity.js';
import { arr, isObj, obj } from './util.js';

type O = Record<string, any>;

/** Requested amounts in base units (cores, bytes, devices, pods). */
export type Resources = Map<string, number>;

const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
const NO_VICTIMS = 'No preemption victims found for incoming pod';

function addTo(into: Resources, from: Resources): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v);
}

/** API defaulting copies limits into absent requests, so a limit alone is a request too. */
function containerRequests(c: unknown): Resources {
  const r = obj(obj(c).resources);
  const merged = { ...obj(r.limits), ...obj(r.requests) };
  const out: Resources = new Map();
  for (const [k, v] of Object.entries(merged)) {
    const n = parseQuantity(v);
    if (n !== undefined && n > 0) out.set(k, n);
  }
  return out;
}

/**
 * What the pod needs on a node: its containers plus sidecar init containers, or the largest
 * regular init container if that is more, plus the pod overhead.
 */
export function podRequests(pod: K8sObject): Resources {
  const spec = obj(pod.spec);
  const total: Resources = new Map();
  for (const c of arr(spec.containers)) addTo(total, containerRequests(c));
  const sidecars: Resources = new Map();
  const initPeak: Resources = new Map();
  for (const c of arr(spec.initContainers)) {
    const r = containerRequests(c);
    if (obj(c).restartPolicy === 'Always') {
      addTo(sidecars, r);
      addTo(total, r);
      continue;
    }
    for (const [k, v] of r) initPeak.set(k, Math.max(initPeak.get(k) ?? 0, v + (sidecars.get(k) ?? 0)));
  }
  for (const [k, v] of initPeak) total.set(k, Math.max(total.get(k) ?? 0, v));
  for (const [k, v] of Object.entries(obj(spec.overhead))) {
    const n = parseQuantity(v);
    if (n) total.set(k, (total.get(k) ?? 0) + n);
  }
  return total;
}

function allocatable(node: K8sObject): Resources {
  const out: Resources = new Map();
  for (const [k, v] of Object.entries(obj(obj(node.status).allocatable))) out.set(k, parseQuantity(v) ?? 0);
  return out;
}

/** Bound pods that still hold their resources: not finished (terminating ones still count). */
export function holdsResources(p: K8sObject): boolean {
  const phase = obj(p.status).phase;
  return !!obj(p.spec).nodeName && phase !== 'Succeeded' && phase !== 'Failed';
}

function used(pods: readonly K8sObject[]): Resources {
  const out: Resources = new Map();
  for (const p of pods) addTo(out, podRequests(p));
  return out;
}

// ---- taints and tolerations ----

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

function tolerates(tolerations: unknown[], taint: Taint): boolean {
  return tolerations.some((raw) => {
    const t = obj(raw) as O;
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate (what TaintToleration reports). */
export function untoleratedTaint(podSpec: O, node: K8sObject): Taint | undefined {
  const taints = arr(obj(node.spec).taints).map((t) => obj(t) as unknown as Taint);
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(arr(podSpec.tolerations), t));
}

// ---- node selector and required node affinity ----

function requirementMatches(req: O, labels: Record<string, string>, fields: Record<string, string>, useFields: boolean): boolean {
  const source = useFields ? fields : labels;
  const has = Object.prototype.hasOwnProperty.call(source, req.key);
  const value = source[req.key];
  const values: string[] = arr(req.values).map(String);
  switch (req.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
      return has && Number(value) > Number(values[0]);
    case 'Lt':
      return has && Number(value) < Number(values[0]);
    default:
      return false;
  }
}

/** nodeSelector and requiredDuringSchedulingIgnoredDuringExecution (terms ORed, expressions ANDed). */
export function matchesNodeSelection(podSpec: O, node: K8sObject): boolean {
  const labels = (node.metadata.labels ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(obj(podSpec.nodeSelector))) if (labels[k] !== v) return false;
  const nodeAffinity = obj(obj(podSpec.affinity).nodeAffinity);
  if (!isObj(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution)) return true;
  const required = obj(nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution);
  const fields = { 'metadata.name': node.metadata.name };
  return arr(required.nodeSelectorTerms).some((raw) => {
    const term = obj(raw);
    const exprs = arr(term.matchExpressions).map((e) => obj(e) as O);
    const fieldExprs = arr(term.matchFields).map((e) => obj(e) as O);
    // An empty term matches nothing.
    if (exprs.length === 0 && fieldExprs.length === 0) return false;
    return exprs.every((e) => requirementMatches(e, labels, fields, false)) && fieldExprs.every((e) => requirementMatches(e, labels, fields, true));
  });
}

// ---- the filters ----

interface NodeStatus {
  reasons: string[];
  /** Removing other pods could not help (UnschedulableAndUnresolvable). */
  unresolvable: boolean;
}

function resourceFit(pod: K8sObject, node: K8sObject, podsOnNode: readonly K8sObject[]): NodeStatus | undefined {
  const have = allocatable(node);
  const inUse = used(podsOnNode);
  const reasons: string[] = [];
  let unresolvable = false;
  if (podsOnNode.length + 1 > (have.get('pods') ?? 0)) reasons.push('Too many pods');
  const want = podRequests(pod);
  const order = ['cpu', 'memory', 'ephemeral-storage', ...[...want.keys()].filter((k) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(k)).sort()];
  for (const r of order) {
    const need = want.get(r) ?? 0;
    if (need <= 0) continue;
    const cap = have.get(r) ?? 0;
    if (need > cap - (inUse.get(r) ?? 0) + 1e-9) {
      reasons.push(`Insufficient ${r}`);
      // More than the node has at all: no amount of preemption helps.
      if (need > cap + 1e-9) unresolvable = true;
    }
  }
  return reasons.length ? { reasons, unresolvable } : undefined;
}

function filterNode(pod: K8sObject, node: K8sObject, podsOnNode: readonly K8sObject[], volumeNode: string | undefined): NodeStatus | undefined {
  const spec = obj(pod.spec) as O;
  if (obj(node.spec).unschedulable === true && !tolerates(arr(spec.tolerations), { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) {
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  }
  const taint = untoleratedTaint(spec, node);
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], unresolvable: true };
  if (!matchesNodeSelection(spec, node)) return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  const fit = resourceFit(pod, node, podsOnNode);
  if (fit) return fit;
  if (volumeNode !== undefined && node.metadata.name !== volumeNode) return { reasons: ['node(s) had volume node affinity conflict'], unresolvable: true };
  return undefined;
}

/** "3 Insufficient cpu, 1 node(s) had untolerated taint {...}": counts per reason, sorted as strings. */
function histogram(reasons: string[]): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort().join(', ');
}

export type Decision = { node: K8sObject } | { message: string; unresolvable: boolean };

export interface DecideOptions {
  /** The message of a PreFilter failure (a missing claim) that applies to every node. */
  preFilter?: string;
  /** The node the pod's bound local volume lives on (VolumeBinding's node affinity). */
  volumeNode?: string;
}

/** Picks a node for `pod` from `nodes`; `podsOn(name)` gives the pods bound there that hold resources. */
export function decide(pod: K8sObject, nodes: readonly K8sObject[], podsOn: (node: string) => readonly K8sObject[], opts: DecideOptions = {}): Decision {
  const { preFilter } = opts;
  if (nodes.length === 0) return { message: 'no nodes available to schedule pods', unresolvable: true };
  const total = nodes.length;
  const statuses = new Map<string, NodeStatus>();
  const feasible: K8sObject[] = [];
  if (preFilter === undefined) {
    for (const node of nodes) {
      const status = filterNode(pod, node, podsOn(node.metadata.name), opts.volumeNode);
      if (status) statuses.set(node.metadata.name, status);
      else feasible.push(node);
    }
  }
  if (feasible.length) return { node: leastAllocated(pod, feasible, podsOn) };

  const perNode = [...statuses.values()];
  let message = `0/${total} nodes are available:`;
  message += preFilter === undefined ? ` ${histogram(perNode.flatMap((s) => s.reasons))}.` : ` ${preFilter}.`;
  const preemption =
    obj(pod.spec).preemptionPolicy === 'Never'
      ? 'not eligible due to preemptionPolicy=Never.'
      : `0/${total} nodes are available: ${histogram(preFilter === undefined ? perNode.map((s) => (s.unresolvable ? NOT_HELPFUL : NO_VICTIMS)) : nodes.map(() => NO_VICTIMS))}.`;
  // FitError appends " <postfilter message>." although that message already ends with a period.
  message += ` preemption: ${preemption}.`;
  return { message, unresolvable: preFilter === undefined && perNode.every((s) => s.unresolvable) };
}

/** NodeResourcesFit's default scoring: the node with the most cpu and memory left after placing the pod. */
function leastAllocated(pod: K8sObject, feasible: K8sObject[], podsOn: (node: string) => readonly K8sObject[]): K8sObject {
  const want = podRequests(pod);
  const score = (node: K8sObject): number => {
    const have = allocatable(node);
    const inUse = used(podsOn(node.metadata.name));
    return ['cpu', 'memory'].reduce((sum, r) => {
      const cap = have.get(r) ?? 0;
      return sum + (cap > 0 ? (cap - (inUse.get(r) ?? 0) - (want.get(r) ?? 0)) / cap : 0);
    }, 0);
  };
  return [...feasible].sort((a, b) => score(b) - score(a) || (a.metadata.name < b.metadata.name ? -1 : 1))[0];
}

/**
 * The kubelet's admission for a pod that named its node (no scheduler involved): the first
 * resource the node cannot provide rejects it, with the kubelet's reason and message.
 */
export function kubeletRejection(pod: K8sObject, node: K8sObject, podsOnNode: readonly K8sObject[]): { reason: string; message: string } | undefined {
  const have = allocatable(node);
  const inUse = used(podsOnNode);
  inUse.set('pods', podsOnNode.length);
  const want = podRequests(pod);
  want.set('pods', 1);
  const order = ['pods', 'cpu', 'memory', 'ephemeral-storage', ...[...want.keys()].filter((k) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(k)).sort()];
  for (const r of order) {
    const need = want.get(r) ?? 0;
    const cap = have.get(r) ?? 0;
    const taken = inUse.get(r) ?? 0;
    if (need > 0 && need > cap - taken + 1e-9) {
      return {
        reason: `OutOf${r}`,
        message: `Pod was rejected: Node didn't have enough resource: ${r}, requested: ${kubeletUnits(r, need)}, used: ${kubeletUnits(r, taken)}, capacity: ${kubeletUnits(r, cap)}`,
      };
    }
  }
  return undefined;
}
