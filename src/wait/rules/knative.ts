import { readUnschedulable } from '../scheduling.js';

/**
 * Knative reports a Revision whose Pods cannot be scheduled with the same RevisionFailed reason as a
 * bad image, but a scheduler problem can clear (autoscaler adds a GPU node): keep waiting on those.
 */
export function looksUnschedulable(message: string | undefined): boolean {
  return /Unschedulable|nodes are available|Insufficient /i.test(message ?? '');
}

/** Reasons Knative uses when a Revision cannot start (image missing, container exits, bad config). */
export const REVISION_FAILURES = new Set(['RevisionFailed', 'ContainerMissing', 'ExitCode', 'ProgressDeadlineExceeded']);

/**
 * Knative and KServe quote the scheduler in a Revision failure ("Revision "x-00001" failed with
 * message: 0/3 nodes are available: ..."). When no node can ever take the pod, the advice to give;
 * otherwise undefined (keep waiting).
 */
export function hopelessScheduling(message: string | undefined): string | undefined {
  const at = message?.indexOf('0/') ?? -1;
  if (!message || at < 0) return undefined;
  const verdict = readUnschedulable(message.slice(at).replace(/\.*$/, '.'));
  return verdict.permanent ? verdict.advice : undefined;
}
