import { isPlainObject, type K8sObject } from '../core/object.js';
import { byName, isTerminating } from './related.js';
import { readUnschedulable } from './scheduling.js';
import { conditions, field, findCondition, num, records, str, type Verdict } from './util.js';

/**
 * Waiting reasons the kubelet keeps retrying forever without a change to the spec, an image or a
 * referenced Secret/ConfigMap: waiting longer only delays the bad news (kstatus fails on
 * CrashLoopBackOff; Pulumi reports all of these).
 */
const FATAL_WAITING = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
]);

export interface PodIssue {
  fatal: boolean;
  /** "container litellm: ImagePullBackOff: Back-off pulling image \"...\"" */
  detail: string;
}

export interface PodIssueOptions {
  /**
   * A non-zero exit in a restartPolicy=Never Pod, or phase Failed, ends a bare Pod; for a Job's Pods
   * the Job controller retries (its own Failed condition says when it gives up).
   */
  terminalExitIsFatal?: boolean;
}

/** The runtime's gRPC wrapping adds nothing for a person. */
function clean(message: string): string {
  const flat = message.replace(/rpc error: code = \w+ desc = /g, '').replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 397)}...` : flat;
}

function join(...parts: (string | undefined)[]): string {
  return parts.filter((p) => p).join(': ');
}

interface Status {
  label: string;
  s: Record<string, unknown>;
}

function statuses(pod: K8sObject): Status[] {
  const pick = (path: string, what: string): Status[] =>
    records(pod, path).map((s) => ({ label: `${what} ${String(s.name ?? '?')}`, s }));
  return [...pick('status.initContainerStatuses', 'init container'), ...pick('status.containerStatuses', 'container')];
}

function exitText(term: unknown): string {
  const code = num(term, 'exitCode', 0);
  const reason = str(term, 'reason');
  return `exited with code ${code}${reason ? ` (${reason})` : ''}`;
}

function fatalWaiting({ label, s }: Status): string | undefined {
  const reason = str(s, 'state.waiting.reason');
  if (!FATAL_WAITING.has(reason)) return undefined;
  const detail = join(label, reason, clean(str(s, 'state.waiting.message')));
  const last = field(s, 'lastState.terminated');
  if (reason !== 'CrashLoopBackOff' || !isPlainObject(last)) return detail;
  return `${detail}; last ${join(exitText(last), clean(str(last, 'message')))}`;
}

function terminalExit({ label, s }: Status): string | undefined {
  const term = field(s, 'state.terminated');
  if (!isPlainObject(term) || num(term, 'exitCode', 0) === 0) return undefined;
  return join(label, exitText(term), clean(str(term, 'message')));
}

function note(pod: K8sObject, all: Status[]): string | undefined {
  const scheduled = findCondition(conditions(pod), 'PodScheduled');
  if (scheduled?.status === 'False') return join(scheduled.reason ?? 'not scheduled', scheduled.message);
  // In start order: a running init container explains why the app containers still wait.
  for (const st of all) {
    const waiting = field(st.s, 'state.waiting');
    if (isPlainObject(waiting)) return join(st.label, str(waiting, 'reason', 'waiting'), clean(str(waiting, 'message')));
    if (st.s.ready === true || !isPlainObject(field(st.s, 'state.running'))) continue;
    if (st.label.startsWith('init ')) return `${st.label} is still running`;
    const restarts = num(st.s, 'restartCount', 0);
    const last = field(st.s, 'lastState.terminated');
    const history = restarts > 0 && isPlainObject(last) ? ` (restarted ${restarts}x, last ${exitText(last)})` : '';
    return `${st.label} is running but not ready${history}`;
  }
  const phase = str(pod, 'status.phase');
  return phase && phase !== 'Running' && phase !== 'Succeeded' ? phase : undefined;
}

/** Unschedulable on every node whatever else runs there: waiting cannot help, so do not wait out the timeout. */
function hopelesslyUnschedulable(pod: K8sObject): string | undefined {
  const scheduled = findCondition(conditions(pod), 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return undefined;
  const verdict = readUnschedulable(scheduled.message ?? '');
  return verdict.permanent ? `${join('Unschedulable', scheduled.message)}; ${verdict.advice}` : undefined;
}

/** What keeps a Pod from being ready, most serious first; undefined when nothing is wrong. */
export function podIssue(pod: K8sObject, opts: PodIssueOptions = {}): PodIssue | undefined {
  const all = statuses(pod);
  for (const st of all) {
    const detail = fatalWaiting(st);
    if (detail) return { fatal: true, detail };
  }
  const hopeless = hopelesslyUnschedulable(pod);
  if (hopeless) return { fatal: true, detail: hopeless };
  // With any other restartPolicy the kubelet restarts the container; CrashLoopBackOff covers that.
  if (str(pod, 'spec.restartPolicy', 'Always') === 'Never') {
    for (const st of all) {
      const detail = terminalExit(st);
      if (detail) return { fatal: Boolean(opts.terminalExitIsFatal), detail };
    }
  }
  if (str(pod, 'status.phase') === 'Failed') {
    return { fatal: Boolean(opts.terminalExitIsFatal), detail: join('Failed', str(pod, 'status.reason'), clean(str(pod, 'status.message'))) };
  }
  if (findCondition(conditions(pod), 'Ready')?.status === 'True' || str(pod, 'status.phase') === 'Succeeded') {
    return undefined;
  }
  const detail = note(pod, all);
  return detail ? { fatal: false, detail } : undefined;
}

export interface PodFinding {
  pod: K8sObject;
  issue: PodIssue;
  /** How many other Pods have an issue of the same severity. */
  others: number;
}

/** The Pod that best explains why a workload is not ready: a fatal one first, then any other. */
export function worstPod(pods: K8sObject[], opts: PodIssueOptions & { includeFinished?: boolean } = {}): PodFinding | undefined {
  const found = [...pods]
    .filter((p) => !isTerminating(p))
    .filter((p) => opts.includeFinished || !['Succeeded', 'Failed'].includes(str(p, 'status.phase')))
    .sort(byName)
    .map((pod) => ({ pod, issue: podIssue(pod, opts) }))
    .filter((f): f is { pod: K8sObject; issue: PodIssue } => f.issue !== undefined);
  const fatal = found.filter((f) => f.issue.fatal);
  const pool = fatal.length ? fatal : found;
  return pool.length ? { ...pool[0], others: pool.length - 1 } : undefined;
}

export function podCause(f: PodFinding): string {
  const ns = f.pod.metadata.namespace;
  return `Pod ${ns ? `${ns}/` : ''}${f.pod.metadata.name}: ${f.issue.detail}`;
}

/** "Pod infra-litellm-proxy-6b7f-abcde: container litellm: ImagePullBackOff: ..." (namespace implied by the owner). */
export function podClause(f: PodFinding): string {
  const more = f.others > 0 ? ` (and ${f.others} more Pod${f.others === 1 ? '' : 's'})` : '';
  return `Pod ${f.pod.metadata.name}: ${f.issue.detail}${more}`;
}

/**
 * An owner that is not ready yet: failed when one of its Pods can't recover, otherwise progressing
 * with the Pod that explains the wait (if any).
 */
export function notReadyWithPods(text: string, pods: K8sObject[], opts: PodIssueOptions & { neverFail?: boolean } = {}): Verdict {
  const f = worstPod(pods, opts);
  if (!f) return { state: 'progressing', text };
  return {
    state: f.issue.fatal && !opts.neverFail ? 'failed' : 'progressing',
    text: `${text}; ${podClause(f)}`,
    cause: podCause(f),
  };
}
