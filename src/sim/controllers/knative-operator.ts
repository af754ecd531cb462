/**
 * The Knative Operator (deployment knative-operator): a KnativeServing installs Knative Serving in
 * its namespace, CRDs first (the release's serving CRDs, shipped in upstream/crds/knative-serving),
 * then the serving Deployments (activator, autoscaler, controller, webhook, and Kourier's when
 * spec.ingress.kourier.enabled), and reports Ready once they are Available. What a serving.knative.dev
 * Service then does is ./knative.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { K8sObject } from '../../core/object.js';
import { shippedCrdsDir } from '../../validate/paths.js';
import type { StoreEvent } from '../store.js';
import { obj } from '../util.js';
import { deploymentAvailable, ownerRef, setCondition } from './helpers.js';
import { OperatorController } from './operator.js';

export interface KnativeOperatorOptions {
  /** Serving version the operator installs (default 1.23.0, the Knative Operator 1.23 default). */
  version?: string;
}

const OPERATOR_API = 'operator.knative.dev/v1beta1';
const COMPONENTS = ['activator', 'autoscaler', 'controller', 'webhook'];
const KOURIER = ['net-kourier-controller', '3scale-kourier-gateway'];

let servingCrds: K8sObject[] | undefined;
/** Knative Serving's CRDs as its release ships them (serving-crds.yaml, one file per CRD here). */
export function knativeServingCrds(): K8sObject[] {
  const dir = join(shippedCrdsDir(), 'knative-serving');
  servingCrds ??= readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => (loadAll(readFileSync(join(dir, f), 'utf8')) as K8sObject[]).filter((d) => d?.kind === 'CustomResourceDefinition'));
  return servingCrds;
}

export class KnativeOperatorController extends OperatorController {
  readonly name = 'knative-operator';
  protected readonly manager = 'knative-operator';
  protected readonly operators = [{ name: 'knative-operator' }];
  protected readonly watches = ['operator.knative.dev/knativeservings'];
  private readonly version: string;

  constructor(opts: KnativeOperatorOptions = {}) {
    super();
    this.version = opts.version ?? '1.23.0';
  }

  protected override onOtherEvent(e: StoreEvent): void {
    // Serving's Deployments becoming Available make the KnativeServing Ready.
    if (e.storageKey !== 'apps/deployments' || !this.running()) return;
    // A KnativeServing being deleted is torn down, never reconciled back up.
    for (const ks of this.client.list(OPERATOR_API, 'KnativeServing', e.object.metadata.namespace)) if (!ks.metadata.deletionTimestamp) this.reconcile(ks);
  }

  protected reconcile(ks: K8sObject): void {
    for (const crd of knativeServingCrds()) {
      if (!this.ctx.store.peek('apiextensions.k8s.io/customresourcedefinitions', undefined, crd.metadata.name)) this.client.ensure(structuredClone(crd));
    }
    const ns = ks.metadata.namespace!;
    const kourier = obj(obj(obj(ks.spec).ingress).kourier).enabled === true;
    const names = [...COMPONENTS, ...(kourier ? KOURIER : [])];
    for (const name of names) {
      const labels = { 'app.kubernetes.io/name': 'knative-serving', 'app.kubernetes.io/component': name, app: name };
      this.client.ensure({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels: { ...labels, 'app.kubernetes.io/version': this.version }, ownerReferences: [ownerRef(ks)] },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels }, spec: { containers: [{ name, image: `gcr.io/knative-releases/knative.dev/serving/cmd/${name}:v${this.version}` }] } },
        },
      });
    }
    const available = names.every((n) => deploymentAvailable(this.client.get('apps/v1', 'Deployment', ns, n)));
    let conditions = setCondition(obj(ks.status).conditions, { type: 'DependenciesInstalled', status: 'True' });
    conditions = setCondition(
      conditions,
      available ? { type: 'DeploymentsAvailable', status: 'True' } : { type: 'DeploymentsAvailable', status: 'False', reason: 'NotReady', message: 'Waiting on deployments: ' + names.join(', ') },
    );
    conditions = setCondition(conditions, { type: 'InstallSucceeded', status: 'True' });
    conditions = setCondition(conditions, available ? { type: 'Ready', status: 'True' } : { type: 'Ready', status: 'False', reason: 'NotReady', message: 'Waiting on deployments' });
    conditions = setCondition(conditions, { type: 'VersionMigrationEligible', status: 'True' });
    const status = { conditions, observedGeneration: Number(ks.metadata.generation), version: this.version };
    if (JSON.stringify(status.conditions) !== JSON.stringify(obj(ks.status).conditions) || obj(ks.status).observedGeneration !== status.observedGeneration) this.client.patchStatus(ks, status);
  }
}
