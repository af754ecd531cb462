import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { K8sObject } from '../../src/core/object.js';
import type { Controller, ControllerContext } from '../../src/sim/controllers/types.js';
import type { Client } from '../../src/sim/controllers/client.js';
import { conditionTrue, deploymentAvailable, fresh, setCondition } from '../../src/sim/controllers/helpers.js';
import type { ScriptHandle } from '../../src/sim/scripts.js';
import type { StoreEvent } from '../../src/sim/store.js';
import { shippedCrdsDir } from '../../src/validate/paths.js';

/**
 * What three upstream operators do that the simulator's scripted controllers (src/sim/controllers)
 * do not, so the operators layer can come up from its real upstream manifests. Each one, like the
 * simulator's own controllers, acts only while the upstream Deployment that does the work is
 * Available, and writes with the field manager the real component uses.
 *
 * - cert-manager: self-signed Issuers become Ready, Certificates report Issuing, then get their
 *   `spec.secretName` TLS Secret and Ready=True (KServe's webhook Deployment mounts that Secret);
 * - Envoy Gateway's certgen Job (a Helm hook upstream): while its pod runs it creates the TLS
 *   Secrets the envoy-gateway Deployment mounts, then completes;
 * - the Knative Operator installs Knative Serving's CRDs (services.serving.knative.dev...) when
 *   it reconciles a KnativeServing, before the serving Deployments.
 *
 * Not emulated: cert-manager's cainjector (the simulator ignores webhook caBundles).
 */

const CERT_API = 'cert-manager.io/v1';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const pem = (what: string, name: string) => `-----BEGIN ${what}-----\nsimulated ${name}\n-----END ${what}-----\n`;

abstract class Emulation implements Controller {
  abstract readonly name: string;
  protected ctx!: ControllerContext;
  protected client!: Client;
  protected abstract readonly manager: string;

  start(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.client = ctx.client(this.manager);
    this.resync();
  }

  abstract resync(): void;
  abstract onEvent(e: StoreEvent): void;
}

export class CertManagerEmulation extends Emulation {
  readonly name = 'cert-manager-emulation';
  protected readonly manager = 'cert-manager-certificates-issuing';
  private readonly issuing = new Set<string>();

  /** `issueMs`: time from Issuing to Ready (at simulator speed 1). */
  constructor(private readonly issueMs = 40) {
    super();
  }

  private running(): boolean {
    return ['cert-manager', 'cert-manager-webhook', 'cert-manager-cainjector'].every((n) => deploymentAvailable(this.client.get('apps/v1', 'Deployment', 'cert-manager', n)));
  }

  resync(): void {
    for (const kind of ['ClusterIssuer', 'Issuer', 'Certificate']) for (const o of this.client.list(CERT_API, kind)) this.reconcile(o);
  }

  onEvent(e: StoreEvent): void {
    const o = e.object;
    if (e.storageKey.startsWith('cert-manager.io/') && e.type !== 'DELETED') return this.reconcile(o);
    if (e.storageKey === 'apps/deployments' && o.metadata.namespace === 'cert-manager') return this.resync();
    if (e.storageKey === '/secrets' && e.type === 'DELETED') return this.resync();
  }

  private reconcile(event: K8sObject): void {
    const o = fresh(this.ctx, event);
    if (!o || o.metadata.deletionTimestamp || !this.running()) return;
    const gen = Number(o.metadata.generation ?? 1);
    if (o.kind === 'Issuer' || o.kind === 'ClusterIssuer') {
      if (conditionTrue(o, 'Ready')) return;
      this.client.patchStatus(o, { conditions: setCondition((o.status as any)?.conditions, { type: 'Ready', status: 'True', reason: 'IsReady', message: '' }, { observedGeneration: gen }) });
      // Certificates waiting for this issuer.
      for (const c of this.client.list(CERT_API, 'Certificate')) this.reconcile(c);
      return;
    }
    if (o.kind !== 'Certificate') return;
    const spec = o.spec as { secretName: string; issuerRef: { name: string; kind?: string } };
    const ns = o.metadata.namespace!;
    const secret = this.client.get('v1', 'Secret', ns, spec.secretName);
    if (conditionTrue(o, 'Ready') && secret) return;
    const issuer = spec.issuerRef.kind === 'ClusterIssuer' ? this.client.get(CERT_API, 'ClusterIssuer', undefined, spec.issuerRef.name) : this.client.get(CERT_API, 'Issuer', ns, spec.issuerRef.name);
    const key = `${ns}/${o.metadata.name}`;
    if (!conditionTrue(issuer, 'Ready')) {
      this.client.patchStatus(o, { conditions: setCondition((o.status as any)?.conditions, { type: 'Ready', status: 'False', reason: 'DoesNotExist', message: `Issuer ${spec.issuerRef.name} is not ready` }, { observedGeneration: gen }) });
      return;
    }
    if (this.issuing.has(key)) return;
    this.issuing.add(key);
    let issuing = setCondition((o.status as any)?.conditions, { type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist' }, { observedGeneration: gen });
    issuing = setCondition(issuing, { type: 'Issuing', status: 'True', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist' }, { observedGeneration: gen });
    this.client.patchStatus(o, { conditions: issuing });
    this.ctx.after(this.issueMs, () => {
      this.issuing.delete(key);
      const cur = fresh(this.ctx, o);
      if (!cur || cur.metadata.deletionTimestamp) return;
      this.client.ensure({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name: spec.secretName, namespace: ns, annotations: { 'cert-manager.io/certificate-name': cur.metadata.name, 'cert-manager.io/issuer-name': spec.issuerRef.name, 'cert-manager.io/issuer-kind': spec.issuerRef.kind ?? 'Issuer' } },
        data: { 'tls.crt': b64(pem('CERTIFICATE', key)), 'tls.key': b64(pem('PRIVATE KEY', key)), 'ca.crt': b64(pem('CERTIFICATE', `${key} CA`)) },
      });
      let conditions = setCondition((cur.status as any)?.conditions, { type: 'Issuing', status: 'False', reason: 'Issued', message: 'The certificate has been successfully issued' }, { observedGeneration: gen });
      conditions = setCondition(conditions, { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' }, { observedGeneration: gen });
      const now = new Date();
      this.client.patchStatus(cur, { conditions, notBefore: now.toISOString().replace(/\.\d+Z$/, 'Z'), notAfter: new Date(now.getTime() + 90 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'), revision: 1 });
    });
  }
}

/** The Secrets Envoy Gateway's certgen creates (envoy-gateway `certgen` command). */
const CERTGEN_SECRETS = ['envoy-gateway', 'envoy', 'envoy-rate-limit'];

export class EnvoyGatewayCertgenEmulation extends Emulation {
  readonly name = 'envoy-gateway-certgen-emulation';
  protected readonly manager = 'envoy-gateway-certgen';
  private readonly seen = new Set<string>();

  constructor(private readonly runMs = 40) {
    super();
  }

  resync(): void {}

  onEvent(e: StoreEvent): void {
    const job = e.object;
    if (e.type !== 'ADDED' || job.kind !== 'Job' || job.metadata.name !== 'eg-gateway-helm-certgen') return;
    if (this.seen.has(String(job.metadata.uid))) return;
    this.seen.add(String(job.metadata.uid));
    const ns = job.metadata.namespace!;
    // The pod runs until the Secrets exist, then the Job completes.
    const hold: ScriptHandle = this.ctx.scripts.add({ kind: 'Job', namespace: ns, name: job.metadata.name, outcome: 'stuck' });
    this.ctx.after(this.runMs, () => {
      for (const name of CERTGEN_SECRETS) {
        this.client.ensure({
          apiVersion: 'v1',
          kind: 'Secret',
          type: 'Opaque',
          metadata: { name, namespace: ns, labels: { 'control-plane': 'envoy-gateway' } },
          data: { 'ca.crt': b64(pem('CERTIFICATE', `${name} CA`)), 'tls.crt': b64(pem('CERTIFICATE', name)), 'tls.key': b64(pem('PRIVATE KEY', name)) },
        });
      }
      this.client.ensure({ apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'envoy-oidc-hmac', namespace: ns }, data: { 'hmac-secret': b64('simulated') } });
      hold.remove();
    });
  }
}

let servingCrds: K8sObject[] | undefined;
/** Knative Serving's CRDs, as the Knative Operator ships them (upstream/crds/knative-serving, shipped in the package). */
export function knativeServingCrds(): K8sObject[] {
  const dir = join(shippedCrdsDir(), 'knative-serving');
  servingCrds ??= readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => (loadAll(readFileSync(join(dir, f), 'utf8')) as K8sObject[]).filter((d) => d?.kind === 'CustomResourceDefinition'));
  return servingCrds;
}

export class KnativeServingCrdsEmulation extends Emulation {
  readonly name = 'knative-operator-crds-emulation';
  protected readonly manager = 'knative-operator';

  resync(): void {
    for (const ks of this.client.list('operator.knative.dev/v1beta1', 'KnativeServing')) this.reconcile(ks);
  }

  onEvent(e: StoreEvent): void {
    if (e.storageKey === 'operator.knative.dev/knativeservings' && e.type !== 'DELETED') this.reconcile(e.object);
    if (e.storageKey === 'apps/deployments' && e.object.metadata.name === 'knative-operator') this.resync();
  }

  private reconcile(event: K8sObject): void {
    const ks = fresh(this.ctx, event);
    if (!ks || ks.metadata.deletionTimestamp) return;
    if (!deploymentAvailable(this.client.get('apps/v1', 'Deployment', 'knative-operator', 'knative-operator'))) return;
    for (const crd of knativeServingCrds()) this.client.ensure(structuredClone(crd));
  }
}

export function operatorEmulations(): Controller[] {
  return [new CertManagerEmulation(), new EnvoyGatewayCertgenEmulation(), new KnativeServingCrdsEmulation()];
}
