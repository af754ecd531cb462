import { UserError } from '../core/errors.js';
import type { K8sObject } from '../core/object.js';
import type { Readiness } from '../wait/index.js';

export interface BlockedObject {
  object: string;
  group: string;
  readiness: Readiness;
  hint: string;
}

/** A group that never started because a group it waits for did not get ready. */
export interface NotStartedGroup {
  group: string;
  waitingFor: string[];
}

function blockedLines(blocked: BlockedObject[]): string[] {
  return blocked.map((b) => {
    // The cause names the pod with its namespace; the message often says the same without it.
    const c = b.readiness.cause;
    const cause = c && !b.readiness.message.includes(c) && !b.readiness.message.includes(c.replace(/^Pod [^/ ]+\//, 'Pod ')) ? `; ${c}` : '';
    return `  - ${b.object} (group ${b.group}): ${b.readiness.message}${cause}\n    next: ${b.hint}`;
  });
}

/**
 * Raised when the plan cannot finish: names every object that is blocked (in the group that failed
 * and in every other group still waiting at that moment), the groups that never started, and what
 * to run next.
 */
export class ApplyFailure extends UserError {
  constructor(
    readonly summary: string,
    readonly blocked: BlockedObject[],
    readonly appliedGroups: string[],
    readonly notStarted: NotStartedGroup[] = [],
    exitCode = 1,
  ) {
    const lines = blockedLines(blocked);
    if (notStarted.length) lines.push(`  not started: ${notStarted.map((g) => `${g.group} (after ${g.waitingFor.join(', ')})`).join('; ')}`);
    super(`${summary}${lines.length ? `\n${lines.join('\n')}` : ''}`, exitCode);
  }
}

/** SIGINT or SIGTERM stopped the operation: exit 130, and a re-run converges from where it stopped. */
export class Interrupted extends ApplyFailure {
  constructor(blocked: BlockedObject[], appliedGroups: string[], notStarted: NotStartedGroup[] = []) {
    super('interrupted; run the same command again: it converges from where it stopped', blocked, appliedGroups, notStarted, 130);
  }
}

/** The exact command a person runs next to see why an object is stuck. */
export function investigateHint(obj: K8sObject, readiness?: Readiness): string {
  const ns = obj.metadata.namespace ? ` -n ${obj.metadata.namespace}` : '';
  const podCause = /Pod (?:([a-z0-9-]+)\/)?([a-z0-9.-]+)/.exec(readiness?.cause ?? readiness?.message ?? '');
  if (podCause && /BackOff|Error|CrashLoop|exit|failed|FailedMount|Unschedulable/i.test(readiness?.message ?? readiness?.cause ?? '')) {
    return `kubectl describe pod ${podCause[2]}${podCause[1] ? ` -n ${podCause[1]}` : ns} && kubectl logs ${podCause[2]}${podCause[1] ? ` -n ${podCause[1]}` : ns} --all-containers`;
  }
  if (obj.kind === 'Job') return `kubectl logs job/${obj.metadata.name}${ns} --all-containers && kubectl describe job ${obj.metadata.name}${ns}`;
  if (obj.kind === 'Deployment') {
    const selector = Object.entries(((obj.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector?.matchLabels ?? {})).map(([k, v]) => `${k}=${v}`).join(',');
    return `kubectl describe deployment ${obj.metadata.name}${ns} && kubectl get pods${ns} -l ${selector}`;
  }
  const resource = obj.apiVersion.includes('/') ? `${obj.kind.toLowerCase()}.${obj.apiVersion.split('/')[0]}` : obj.kind.toLowerCase();
  return `kubectl describe ${resource} ${obj.metadata.name}${ns}`;
}
