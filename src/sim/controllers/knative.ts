/**
 * Knative Serving, scripted (the Knative Operator installing it is ./knative-operator.ts). With
 * serving's `controller` Deployment Available, a serving.knative.dev Service gets a revision
 * Deployment <svc>-00001-deployment and becomes Ready with status.url, or Ready=False/RevisionFailed
 * when its pods cannot start.
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, clone, obj } from '../util.js';
import type { Client } from './client.js';
import { conditionTrue, deploymentAvailable, fresh, ownerRef, podProblem, setCondition } from './helpers.js';
import type { Controller, ControllerContext } from './types.js';

export interface KnativeOptions {
  servingNamespace?: string;
}

const OPERATOR_API = 'operator.knative.dev/v1beta1';
const SERVING_API = 'serving.knative.dev/v1';

export class KnativeController implements Controller {
  readonly name = 'knative';
  private ctx!: ControllerContext;
  private client!: Client;
  private readonly servingNs: string;

  constructor(opts: KnativeOptions = {}) {
    this.servingNs = opts.servingNamespace ?? 'knative-serving';
  }

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client('controller');
    this.resync();
  }

  resync(): void {
    for (const s of this.client.list(SERVING_API, 'Service')) this.reconcileService(s);
  }

  onEvent(e: StoreEvent): void {
    const o = e.object;
    if (e.storageKey === 'operator.knative.dev/knativeservings' && e.type !== 'DELETED') return this.resync();
    if (e.storageKey === 'serving.knative.dev/services' && e.type !== 'DELETED') return this.reconcileService(o);
    if (e.storageKey === 'apps/deployments') {
      if (o.metadata.namespace === this.servingNs) this.resync();
      const svc = o.metadata.labels?.['serving.knative.dev/service'];
      if (svc) {
        const s = this.client.get(SERVING_API, 'Service', o.metadata.namespace, svc);
        if (s) this.reconcileService(s);
      }
    }
    if (e.storageKey === '/pods' && o.metadata.labels?.['serving.knative.dev/service']) {
      const s = this.client.get(SERVING_API, 'Service', o.metadata.namespace, o.metadata.labels['serving.knative.dev/service']);
      if (s) this.reconcileService(s);
    }
  }

  private domain(): string {
    const cm = this.client.get('v1', 'ConfigMap', this.servingNs, 'config-domain');
    const keys = Object.keys(obj(obj(cm).data)).filter((k) => !k.startsWith('_'));
    return keys[0] ?? 'example.com';
  }

  private reconcileService(eventS: K8sObject): void {
    const s = fresh(this.ctx, eventS);
    if (!s) return;
    if (s.metadata.deletionTimestamp) return;
    const servingUp = deploymentAvailable(this.client.get('apps/v1', 'Deployment', this.servingNs, 'controller')) || this.client.list(OPERATOR_API, 'KnativeServing').some((k) => conditionTrue(k, 'Ready'));
    if (!servingUp) return;
    const ns = s.metadata.namespace!;
    const name = s.metadata.name;
    const gen = Number(s.metadata.generation);
    const revision = `${name}-${String(gen).padStart(5, '0')}`;
    const template = obj(obj(s.spec).template);
    const podSpec = clone(obj(template.spec));
    podSpec.containers = arr(podSpec.containers).map((c, i) => ({ name: i === 0 ? 'user-container' : `container-${i}`, ...obj(c) }));
    const labels = {
      ...(obj(obj(template.metadata).labels) as Record<string, string>),
      app: revision,
      'serving.knative.dev/service': name,
      'serving.knative.dev/configuration': name,
      'serving.knative.dev/revision': revision,
    };
    this.client.ensure({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `${revision}-deployment`, namespace: ns, labels, ownerReferences: [ownerRef(s)] },
      spec: { replicas: 1, selector: { matchLabels: { 'serving.knative.dev/revision': revision } }, template: { metadata: { labels }, spec: podSpec } },
    });
    const d = this.client.get('apps/v1', 'Deployment', ns, `${revision}-deployment`);
    const ready = deploymentAvailable(d);
    const rule = this.ctx.scripts.match(s);
    const pods = this.client.list('v1', 'Pod', ns, `serving.knative.dev/revision=${revision}`);
    const problem = rule?.outcome === 'fail' ? { reason: rule.reason ?? 'RevisionFailed', message: rule.message ?? 'simulated failure' } : pods.map(podProblem).find((p) => p);
    const url = `http://${name}.${ns}.${this.domain()}`;
    const cond = (type: string) =>
      ready && !problem
        ? { type, status: 'True' as const }
        : problem
          ? { type, status: 'False' as const, reason: 'RevisionFailed', message: `Revision "${revision}" failed with message: ${problem.message}.` }
          : { type, status: 'Unknown' as const, reason: 'RevisionMissing', message: `Configuration "${name}" is waiting for a Revision to become ready.` };
    let conditions = setCondition(obj(s.status).conditions, cond('ConfigurationsReady'));
    conditions = setCondition(conditions, cond('Ready'));
    conditions = setCondition(conditions, ready && !problem ? { type: 'RoutesReady', status: 'True' } : { type: 'RoutesReady', status: 'Unknown', reason: 'RevisionMissing', message: `Configuration "${name}" is waiting for a Revision to become ready.` });
    this.client.patchStatus(s, {
      observedGeneration: gen,
      conditions,
      latestCreatedRevisionName: revision,
      latestReadyRevisionName: ready && !problem ? revision : (obj(s.status).latestReadyRevisionName ?? null),
      url: ready && !problem ? url : (obj(s.status).url ?? null),
      address: ready && !problem ? { url: `http://${name}.${ns}.svc.cluster.local` } : (obj(s.status).address ?? null),
      traffic: ready && !problem ? [{ revisionName: revision, latestRevision: true, percent: 100 }] : (obj(s.status).traffic ?? null),
    });
  }
}
