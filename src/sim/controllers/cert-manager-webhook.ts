/**
 * cert-manager's webhook serves with a self-signed CA it keeps in a Secret of its own
 * (--dynamic-serving-ca-secret-name/-namespace), annotated so the cainjector may copy it into
 * the webhook configurations that carry cert-manager.io/inject-ca-from-secret.
 */
import { expand } from './pod-env.js';
import { createCertificate, encodePrivateKey, generatePrivateKey } from '../pki/x509.js';
import { arr, obj } from '../util.js';
import { findDeployment } from './helpers.js';
import { OperatorController } from './operator.js';
import type { K8sObject } from '../../core/object.js';

const YEAR = 365 * 86_400_000;

export class CertManagerWebhookController extends OperatorController {
  readonly name = 'cert-manager-webhook';
  protected readonly manager = 'cert-manager-webhook';
  protected readonly operators = [{ name: 'cert-manager-webhook' }];
  protected readonly watches: string[] = [];
  private creating = false;

  override resync(): void {
    if (!this.running() || this.creating) return;
    const d = findDeployment(this.client, 'cert-manager-webhook')!;
    const ns = d.metadata.namespace!;
    const args = arr(obj(arr(obj(obj(obj(d.spec).template).spec).containers)[0]).args).map((a) => expand(String(a), { POD_NAMESPACE: ns }));
    const flag = (name: string) => args.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
    const secretName = flag('dynamic-serving-ca-secret-name')[0];
    const secretNs = flag('dynamic-serving-ca-secret-namespace')[0] ?? ns;
    if (!secretName || this.client.get('v1', 'Secret', secretNs, secretName)) return;
    this.creating = true;
    void generatePrivateKey('ECDSA', 384)
      .then((key) => {
        const now = Date.now();
        const ca = createCertificate({ subject: { commonName: 'cert-manager-webhook-ca' }, isCA: true, usages: ['digital signature', 'key encipherment', 'cert sign'], notBefore: new Date(now), notAfter: new Date(now + YEAR), key });
        const b64 = (s: string) => Buffer.from(s).toString('base64');
        this.client.ensure({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: secretName, namespace: secretNs, annotations: { 'cert-manager.io/allow-direct-injection': 'true' } },
          data: { 'ca.crt': b64(ca), 'tls.crt': b64(ca), 'tls.key': b64(encodePrivateKey(key)) },
        } as K8sObject);
      })
      .finally(() => {
        this.creating = false;
      });
  }

  protected reconcile(): void {}
}
