/**
 * `envoy-gateway certgen` (Envoy Gateway's pre-install Job), as the v1.9 binary does it
 * (internal/cmd/certgen.go, internal/crypto/certgen.go, internal/provider/kubernetes/secrets.go):
 * a self-signed RSA 2048 CA (CN envoy-gateway, subject serialNumber), certificates for the
 * controller (its Service names) and for Envoy and the rate limiter (*.<namespace>), an OIDC HMAC
 * secret; the Secrets envoy-gateway, envoy, envoy-rate-limit (kubernetes.io/tls, with ca.crt) and
 * envoy-oidc-hmac (Opaque) labelled control-plane=envoy-gateway are created when missing and kept
 * when present (unless --overwrite); then the topology injector MutatingWebhookConfiguration
 * gets the CA as caBundle (unless --disable-topology-injector), which fails the Job when absent.
 */
import { randomBytes } from 'node:crypto';
import type { K8sObject } from '../../core/object.js';
import { ApiError } from '../errors.js';
import { createCertificate, encodePrivateKey, generatePrivateKey } from '../pki/x509.js';
import { arr, deepEqual, obj } from '../util.js';
import type { ContainerProgram, ProgramRun } from './types.js';

const DAY = 86_400_000;
const FIELD_MANAGER = 'envoy-gateway';
const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

function log(r: ProgramRun, msg: string, fields: Record<string, string> = {}): void {
  r.log(`${JSON.stringify({ level: 'info', ts: new Date().toISOString(), logger: 'certgen', msg, ...fields })}\n`);
}

async function generate(namespace: string, domain: string) {
  const now = Date.now();
  const notBefore = new Date(now - DAY);
  const notAfter = new Date(now + 365 * DAY);
  const caKey = await generatePrivateKey('RSA', 2048);
  const ca = createCertificate({ subject: { commonName: 'envoy-gateway', serialNumber: String(now % 1e9) }, isCA: true, usages: ['key encipherment', 'digital signature', 'cert sign'], notBefore, notAfter, key: caKey });
  const leaf = async (commonName: string, dnsNames: string[]) => {
    const key = await generatePrivateKey('RSA', 2048);
    const cert = createCertificate({ subject: { commonName }, dnsNames, usages: ['digital signature', 'data encipherment', 'key encipherment', 'content commitment'], notBefore, notAfter, key, issuer: { certPem: ca, key: caKey } });
    return { cert, key: encodePrivateKey(key, 'PKCS1') };
  };
  const service = 'envoy-gateway';
  return {
    ca,
    envoyGateway: await leaf(service, [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.${domain}`]),
    envoy: await leaf('*', [`*.${namespace}`]),
    rateLimit: await leaf('*', [`*.${namespace}`]),
    hmac: randomBytes(32),
  };
}

export const envoyGatewayCertgen: ContainerProgram = {
  name: 'envoy-gateway-certgen',

  matches(_pod, container) {
    const image = String(container.image ?? '');
    const argv = [...arr(container.command), ...arr(container.args)].map(String);
    return /(^|\/)envoyproxy\/gateway(:|@|$)/.test(image) && argv.includes('certgen');
  },

  async run(r) {
    if (r.argv.includes('--local') || r.argv.includes('-l')) {
      log(r, 'generated certificates', { path: '/tmp/envoy-gateway/certs' });
      return 0;
    }
    const overwrite = r.argv.includes('--overwrite') || r.argv.includes('-o');
    const namespace = r.env.ENVOY_GATEWAY_NAMESPACE || r.pod.metadata.namespace || 'envoy-gateway-system';
    const certs = await generate(namespace, r.env.KUBERNETES_CLUSTER_DOMAIN || 'cluster.local');
    if (r.signal.aborted) return 143;
    log(r, 'generated certificates');
    const client = r.ctx.client(FIELD_MANAGER);
    const tls = (cert: { cert: string; key: string }) => ({ 'ca.crt': b64(certs.ca), 'tls.crt': b64(cert.cert), 'tls.key': b64(cert.key) });
    const secrets: [string, string, Record<string, string>][] = [
      ['envoy-gateway', 'kubernetes.io/tls', tls(certs.envoyGateway)],
      ['envoy', 'kubernetes.io/tls', tls(certs.envoy)],
      ['envoy-rate-limit', 'kubernetes.io/tls', tls(certs.rateLimit)],
      ['envoy-oidc-hmac', 'Opaque', { 'hmac-secret': b64(certs.hmac) }],
    ];
    const existing: string[] = [];
    try {
      for (const [name, type, data] of secrets) {
        const current = client.get('v1', 'Secret', namespace, name);
        if (!current) {
          client.create({ apiVersion: 'v1', kind: 'Secret', type, metadata: { name, namespace, labels: { 'control-plane': 'envoy-gateway' } }, data } as K8sObject);
          log(r, 'created secret', { namespace, name });
        } else if (!overwrite) existing.push(`${namespace}/${name}`);
        else if (!deepEqual(obj((current as Record<string, unknown>).data), data)) client.update({ ...current, data } as K8sObject);
      }
      if (existing.length) log(r, `[${existing.join(' ')}]: skipped creating secret since it already exists;Either update the secrets manually or set overwriteControlPlaneCerts in the EnvoyGateway config`);
      if (r.argv.includes('--disable-topology-injector')) return 0;
      const webhookName = `envoy-gateway-topology-injector.${namespace}`;
      const webhook = client.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, webhookName);
      if (!webhook) {
        r.log(`Error: failed to patch webhook: failed to get mutating webhook configuration: mutatingwebhookconfigurations.admissionregistration.k8s.io "${webhookName}" not found\n`);
        return 1;
      }
      // Upstream patches the freshly generated CA even when it kept existing Secrets.
      const caBundle = b64(certs.ca);
      const hooks = arr((webhook as Record<string, unknown>).webhooks).map(obj);
      if (hooks.some((h) => obj(h.clientConfig).caBundle !== caBundle)) {
        client.update({ ...webhook, webhooks: hooks.map((h) => ({ ...h, clientConfig: { ...obj(h.clientConfig), caBundle } })) } as K8sObject);
      }
      return 0;
    } catch (e) {
      r.log(`Error: failed to output certificates: ${e instanceof ApiError ? e.message : String(e)}\n`);
      return 1;
    }
  },
};
