/**
 * core/v1 Events like the ones controllers and the kubelet emit (FailedMount, BackOff,
 * ProvisioningFailed...), deduplicated by object+reason+message with a count, so diagnostics
 * code can be tested against them. Components that use the events.k8s.io API (the scheduler)
 * pass an `action` and get new-style events: eventTime, reportingController/Instance and a series
 * instead of source, timestamps and count.
 */
import { randomBytes } from 'node:crypto';
import type { K8sObject } from '../../core/object.js';
import type { ApiServer } from '../api.js';
import { k8sTime } from '../util.js';

export class EventRecorder {
  constructor(private readonly api: ApiServer) {}

  record(o: K8sObject, type: 'Normal' | 'Warning', reason: string, message: string, component = 'kube-controller-manager', action?: string): void {
    const rt = this.api.registry.byApiVersionKind('v1', 'Event');
    const ns = o.metadata.namespace ?? 'default';
    if (!rt) return;
    const now = k8sTime();
    const existing = this.api.store
      .list(rt.storageKey, ns)
      .find((e) => {
        const io = (e as Record<string, any>).involvedObject ?? {};
        return io.uid === o.metadata.uid && (e as Record<string, any>).reason === reason && (e as Record<string, any>).message === message;
      });
    try {
      if (existing) {
        const e = existing as Record<string, any>;
        if (action) e.series = { count: Number(e.series?.count ?? 1) + 1, lastObservedTime: microTime() };
        else {
          e.count = Number(e.count ?? 1) + 1;
          e.lastTimestamp = now;
        }
        this.api.update(rt, ns, existing.metadata.name, e, { fieldManager: component });
        return;
      }
      const involvedObject = {
        apiVersion: o.apiVersion,
        kind: o.kind,
        name: o.metadata.name,
        namespace: o.metadata.namespace,
        uid: o.metadata.uid,
        resourceVersion: o.metadata.resourceVersion,
      };
      const metadata = { name: `${o.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns };
      if (action) {
        const fresh = { apiVersion: 'v1', kind: 'Event', metadata, involvedObject, reason, message, type, action, eventTime: microTime(), reportingComponent: component, reportingInstance: `${component}-sim` };
        this.api.create(rt, ns, fresh, { fieldManager: component });
        return;
      }
      this.api.create(
        rt,
        ns,
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata,
          involvedObject,
          reason,
          message,
          type,
          source: { component },
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
          reportingComponent: component,
          reportingInstance: '',
        },
        { fieldManager: component },
      );
    } catch {
      // Events are best effort, as in Kubernetes (e.g. the namespace is already gone).
    }
  }
}

/** metav1.MicroTime's wire format: RFC 3339 with microseconds. */
function microTime(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
