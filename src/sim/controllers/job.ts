/**
 * Job controller: runs pods (<job>-<5 chars>) until `completions` succeed (SuccessCriteriaMet,
 * then Complete) or more than backoffLimit fail (FailureTarget, then Failed with reason
 * BackoffLimitExceeded), honouring parallelism and suspend. Whether pods succeed is up to the
 * pod controller and its scripts (`sim.script({ kind: 'Job', name: /migrate/, outcome: 'fail' })`).
 */
import type { K8sObject } from '../../core/object.js';
import { k8sTime, obj } from '../util.js';
import { conditionTrue, fresh, isControlledBy, podReady, setCondition } from './helpers.js';
import { podFromTemplate } from './replicaset.js';
import { PodOwnerController } from './pod-owner.js';

const KEY = 'batch/jobs';

export class JobController extends PodOwnerController {
  readonly name = 'job';
  protected readonly ownerKey = KEY;
  protected readonly ownerKind = 'Job';

  protected reconcile(eventJob: K8sObject): void {
    const job = fresh(this.ctx, eventJob);
    if (!job) return;
    if (job.metadata.deletionTimestamp) return;
    if (conditionTrue(job, 'Complete') || conditionTrue(job, 'Failed')) return;
    const ns = job.metadata.namespace!;
    const spec = obj(job.spec);
    const status = obj(job.status);
    const completions = Number(spec.completions ?? 1);
    const parallelism = Number(spec.parallelism ?? 1);
    const backoffLimit = Number(spec.backoffLimit ?? 6);
    const pods = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, job));
    const phase = (p: K8sObject) => obj(p.status).phase;
    const succeeded = pods.filter((p) => phase(p) === 'Succeeded').length;
    const failed = pods.filter((p) => phase(p) === 'Failed').length;
    const active = pods.filter((p) => phase(p) !== 'Succeeded' && phase(p) !== 'Failed' && !p.metadata.deletionTimestamp);
    const now = k8sTime();
    let conditions = status.conditions;
    const next: Record<string, unknown> = {
      startTime: status.startTime ?? (spec.suspend ? undefined : now),
      succeeded: succeeded || null,
      failed: failed || null,
      ready: active.filter(podReady).length,
      terminating: pods.filter((p) => p.metadata.deletionTimestamp).length,
      uncountedTerminatedPods: {},
    };

    if (succeeded >= completions) {
      const msg = 'Reached expected number of succeeded pods';
      conditions = setCondition(conditions, { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: msg, lastProbeTime: now });
      conditions = setCondition(conditions, { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: msg, lastProbeTime: now });
      for (const p of active) this.client.delete('v1', 'Pod', ns, p.metadata.name);
      this.client.patchStatus(job, { ...next, active: null, ready: 0, conditions, completionTime: now });
      return;
    }
    if (failed > backoffLimit) {
      const msg = 'Job has reached the specified backoff limit';
      conditions = setCondition(conditions, { type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: msg, lastProbeTime: now });
      conditions = setCondition(conditions, { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: msg, lastProbeTime: now });
      for (const p of active) this.client.delete('v1', 'Pod', ns, p.metadata.name);
      this.client.patchStatus(job, { ...next, active: null, ready: 0, conditions });
      this.ctx.events.record(job, 'Warning', 'BackoffLimitExceeded', msg, 'job-controller');
      return;
    }
    if (spec.suspend) {
      conditions = setCondition(conditions, { type: 'Suspended', status: 'True', reason: 'JobSuspended', message: 'Job suspended', lastProbeTime: now });
      for (const p of active) this.client.delete('v1', 'Pod', ns, p.metadata.name);
      this.client.patchStatus(job, { ...next, active: null, conditions });
      return;
    }
    const want = Math.min(parallelism, completions - succeeded) - active.length;
    for (let i = 0; i < want; i++) {
      try {
        const pod = this.client.create(podFromTemplate(job, { generateName: `${job.metadata.name}-` }));
        this.ctx.events.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, 'job-controller');
      } catch (e) {
        this.ctx.events.record(job, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`, 'job-controller');
        break;
      }
    }
    const nowActive = this.ctx.store.list('/pods', ns).filter((p) => isControlledBy(p, job) && phase(p) !== 'Succeeded' && phase(p) !== 'Failed' && !p.metadata.deletionTimestamp);
    this.client.patchStatus(job, { ...next, active: nowActive.length || null, ...(conditions ? { conditions } : {}) });
  }
}
