/**
 * Reading kube-scheduler's FitError ("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.
 * preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.") to tell a wait
 * that may end (nodes full, pods going away) from one that cannot: since Kubernetes 1.28 the
 * preemption summary says "Preemption is not helpful" for a node exactly when the pod could not
 * run there even if it were empty (a request above the node's allocatable, an untolerated taint, a
 * node selector or affinity that does not match). When that holds for every node, nothing running
 * can change; only new nodes or a changed pod can. Only the per-node reasons read here count: a
 * PreFilter message (an unbound claim) or a cordoned node can clear by itself.
 */

const FIT_ERROR = /^0\/(\d+) nodes are available: (.*?)\.? preemption: (.*)$/s;
const NOT_HELPFUL = /^(\d+) Preemption is not helpful for scheduling$/;

export interface Unschedulable {
  /** No existing node can ever take the pod as it is. */
  permanent: boolean;
  /** What a person can do about it, for permanent cases. */
  advice?: string;
}

/** Per-node reasons that stay true until the nodes or the pod change. */
const LASTING = [/^Insufficient \S+$/, /^node\(s\) had untolerated taint \{.*\}$/, /^node\(s\) didn't match Pod's node affinity\/selector$/];

/** "3 Insufficient cpu, 1 node(s) had untolerated taint {a: b}" -> reasons without counts; undefined for a PreFilter message. */
function reasons(histogram: string): string[] | undefined {
  const entries = histogram.split(/, (?=\d+ )/).map((e) => e.trim());
  if (!entries.every((e) => /^\d+ /.test(e))) return undefined;
  return entries.map((e) => e.replace(/^\d+ /, ''));
}

function advice(filterReasons: string[]): string {
  const missing = [...new Set(filterReasons.map((r) => /^Insufficient (\S+)$/.exec(r)?.[1]).filter((r): r is string => !!r))];
  const taints = [...new Set(filterReasons.map((r) => /^node\(s\) had untolerated taint \{(.*)\}$/.exec(r)?.[1]).filter((t): t is string => !!t))];
  const selector = filterReasons.some((r) => r.includes("didn't match Pod's node affinity/selector"));
  const steps: string[] = [];
  if (missing.length) {
    const gpu = missing.some((r) => r.endsWith('/gpu'));
    steps.push(`add nodes with enough ${missing.join(', ')} (or let the cluster autoscaler add them), or request less${gpu ? ' (gpus: 0 runs a model on CPU)' : ''}`);
  }
  if (taints.length) steps.push(`tolerate the taint${taints.length > 1 ? 's' : ''} ${taints.map((t) => `{${t}}`).join(', ')} or use nodes without ${taints.length > 1 ? 'them' : 'it'}`);
  if (selector) steps.push("check the pod's nodeSelector/affinity against the nodes' labels (kubectl get nodes --show-labels)");
  return `no node can run it as the cluster is: ${steps.join('; ')}`;
}

export function readUnschedulable(message: string): Unschedulable {
  if (/^no nodes available to schedule pods/.test(message)) return { permanent: true, advice: 'the cluster has no nodes: add nodes' };
  const m = FIT_ERROR.exec(message.trim());
  if (!m) return { permanent: false };
  const total = Number(m[1]);
  const preemption = /^0\/\d+ nodes are available: (.*?)\.*$/.exec(m[3].trim());
  if (!preemption) return { permanent: false };
  const entries = preemption[1].split(/, (?=\d+ )/);
  const hopeless = entries.reduce((n, e) => n + Number(NOT_HELPFUL.exec(e.trim())?.[1] ?? Number.NaN), 0);
  const why = reasons(m[2]);
  if (hopeless !== total || !why || !why.every((r) => LASTING.some((l) => l.test(r)))) return { permanent: false };
  return { permanent: true, advice: advice(why) };
}
