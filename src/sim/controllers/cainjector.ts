/**
 * cert-manager's cainjector (deployment cert-manager-cainjector): a webhook configuration, CRD
 * (conversion webhook) or APIService annotated cert-manager.io/inject-ca-from: <ns>/<certificate>
 * gets the `ca.crt` of that Certificate's Secret as its caBundle; with
 * cert-manager.io/inject-ca-from-secret: <ns>/<secret>, the Secret's own `ca.crt`, if that Secret
 * allows it (cert-manager.io/allow-direct-injection: "true").
 */
import type { K8sObject } from '../../core/object.js';
import type { StoreEvent } from '../store.js';
import { arr, obj } from '../util.js';
import { OperatorController } from './operator.js';

const FROM_CERTIFICATE = 'cert-manager.io/inject-ca-from';
const FROM_SECRET = 'cert-manager.io/inject-ca-from-secret';

type O = Record<string, any>;

export class CaInjectorController extends OperatorController {
  readonly name = 'cainjector';
  protected readonly manager = 'cert-manager-cainjector';
  protected readonly operators = [{ name: 'cert-manager-cainjector' }];
  protected readonly watches = [
    'admissionregistration.k8s.io/validatingwebhookconfigurations',
    'admissionregistration.k8s.io/mutatingwebhookconfigurations',
    'apiextensions.k8s.io/customresourcedefinitions',
    'apiregistration.k8s.io/apiservices',
  ];

  protected override onOtherEvent(e: StoreEvent): void {
    // A new or re-issued CA reaches every target that names it.
    if ((e.storageKey === '/secrets' || e.storageKey === 'cert-manager.io/certificates') && e.type !== 'DELETED') this.resync();
  }

  protected override interested(o: Readonly<K8sObject>): boolean {
    const ann = o.metadata.annotations;
    return !!ann && (FROM_CERTIFICATE in ann || FROM_SECRET in ann);
  }

  private caBundle(o: K8sObject): string | undefined {
    const ann = o.metadata.annotations ?? {};
    let secretRef: [string, string] | undefined;
    let direct = false;
    if (ann[FROM_CERTIFICATE]) {
      const [ns, name] = ann[FROM_CERTIFICATE].split('/');
      const crt = this.client.get('cert-manager.io/v1', 'Certificate', ns, name);
      if (crt) secretRef = [ns, String(obj(crt.spec).secretName)];
    } else if (ann[FROM_SECRET]) {
      const [ns, name] = ann[FROM_SECRET].split('/');
      secretRef = [ns, name];
      direct = true;
    }
    if (!secretRef) return undefined;
    const secret = this.client.get('v1', 'Secret', secretRef[0], secretRef[1]);
    if (!secret || (direct && secret.metadata.annotations?.['cert-manager.io/allow-direct-injection'] !== 'true')) return undefined;
    const ca = obj((secret as O).data)['ca.crt'];
    return typeof ca === 'string' && ca ? ca : undefined;
  }

  protected reconcile(o: K8sObject): void {
    const ca = this.caBundle(o);
    if (!ca) return;
    const next = structuredClone(o) as O;
    let changed = false;
    const set = (holder: O | undefined) => {
      if (!holder || holder.caBundle === ca) return;
      holder.caBundle = ca;
      changed = true;
    };
    if (o.kind === 'ValidatingWebhookConfiguration' || o.kind === 'MutatingWebhookConfiguration') {
      for (const w of arr(next.webhooks).map(obj) as O[]) if (w.clientConfig) set(w.clientConfig);
    } else if (o.kind === 'CustomResourceDefinition') {
      if (next.spec?.conversion?.strategy === 'Webhook' && next.spec.conversion.webhook?.clientConfig) set(next.spec.conversion.webhook.clientConfig);
    } else if (o.kind === 'APIService') set(next.spec);
    if (changed) this.client.update(next as K8sObject);
  }
}
