/**
 * Failure injection for tests: rules that tell the scripted controllers how an object (or the
 * Pods of a workload) should behave: become ready slowly, never, or fail in a specific way, and
 * windows during which an admission webhook is down.
 */
import type { K8sObject } from '../core/object.js';

export type Outcome = 'ready' | 'fail' | 'stuck';

export interface ScriptRule {
  kind?: string;
  apiVersion?: string;
  namespace?: string;
  /** Exact name or a pattern. Rules on a workload also apply to its Pods. */
  name?: string | RegExp;
  namePrefix?: string;
  labels?: Record<string, string>;
  /** ready (default), fail (the kind's failure mode), stuck (never Ready; Job pods keep running). */
  outcome?: Outcome;
  /** Same as outcome 'stuck' for pods: they stay running and unready until the rule is removed. */
  hold?: boolean;
  /** Extra milliseconds before readiness (scaled by the simulator speed). */
  delayMs?: number;
  /** Pods: ErrImagePull then ImagePullBackOff with the kubelet's message. */
  imagePullError?: boolean | { message?: string };
  /** Pods: the container exits and restarts into CrashLoopBackOff. */
  crashLoop?: boolean | { exitCode?: number; message?: string };
  /** Condition reason/message used for `fail` on custom resources and Jobs. */
  reason?: string;
  message?: string;
  /** Webhook window: the named webhook fails calls while the rule is active. */
  webhook?: string | RegExp;
  down?: boolean;
  /** How long the rule stays active (webhook windows and any other rule); unlimited when absent. */
  forMs?: number;
}

export interface ScriptHandle {
  remove(): void;
}

interface Active {
  rule: ScriptRule;
  until?: number;
}

export class Scripts {
  private rules: Active[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly speed: () => number) {}

  add(rule: ScriptRule): ScriptHandle {
    const active: Active = { rule, until: rule.forMs !== undefined ? Date.now() + rule.forMs / this.speed() : undefined };
    this.rules.push(active);
    this.changed();
    if (active.until !== undefined) {
      // Controllers re-check when a window closes so recovery happens without another event.
      const t = setTimeout(() => this.changed(), active.until - Date.now() + 1);
      t.unref?.();
    }
    return {
      remove: () => {
        this.rules = this.rules.filter((r) => r !== active);
        this.changed();
      },
    };
  }

  clear(): void {
    this.rules = [];
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private live(): ScriptRule[] {
    const now = Date.now();
    return this.rules.filter((r) => r.until === undefined || r.until > now).map((r) => r.rule);
  }

  /** The merged rule for an object, checking the object first and then its owners (Pod -> ReplicaSet -> Deployment). */
  match(o: K8sObject, owners: K8sObject[] = []): ScriptRule | undefined {
    let merged: ScriptRule | undefined;
    for (const subject of [...owners].reverse().concat([o])) {
      for (const r of this.live()) {
        if (r.webhook !== undefined) continue;
        if (!ruleMatches(r, subject)) continue;
        merged = { ...(merged ?? {}), ...r };
      }
    }
    return merged;
  }

  /** Why a webhook call fails right now, if a window says it is down. */
  webhookFailure(name: string): string | undefined {
    for (const r of this.live()) {
      if (r.webhook === undefined || r.down === false) continue;
      const hit = typeof r.webhook === 'string' ? r.webhook === name : r.webhook.test(name);
      if (hit) return r.message ?? 'connect: connection refused';
    }
    return undefined;
  }
}

function ruleMatches(r: ScriptRule, o: K8sObject): boolean {
  if (r.kind && r.kind !== o.kind) return false;
  if (r.apiVersion && r.apiVersion !== o.apiVersion) return false;
  if (r.namespace !== undefined && r.namespace !== (o.metadata.namespace ?? '')) return false;
  if (r.name !== undefined) {
    if (typeof r.name === 'string' ? r.name !== o.metadata.name : !r.name.test(o.metadata.name)) return false;
  }
  if (r.namePrefix !== undefined && !o.metadata.name.startsWith(r.namePrefix)) return false;
  if (r.labels && !Object.entries(r.labels).every(([k, v]) => o.metadata.labels?.[k] === v)) return false;
  return true;
}
