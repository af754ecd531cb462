/**
 * Knative reports a Revision whose Pods cannot be scheduled with the same RevisionFailed reason as a
 * bad image, but a scheduler problem can clear (autoscaler adds a GPU node): keep waiting on those.
 */
export function looksUnschedulable(message: string | undefined): boolean {
  return /Unschedulable|nodes are available|Insufficient /i.test(message ?? '');
}

/** Reasons Knative uses when a Revision cannot start (image missing, container exits, bad config). */
export const REVISION_FAILURES = new Set(['RevisionFailed', 'ContainerMissing', 'ExitCode', 'ProgressDeadlineExceeded']);
