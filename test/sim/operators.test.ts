/**
 * The operators the simulator runs for the platform's upstream manifests: cert-manager and its
 * cainjector, Envoy Gateway's certgen Job, the Knative Operator, and KServe's view of Knative.
 * Inputs are the upstream objects shipped in upstream/install (CRDs, the certgen Job, the webhook
 * configuration), not stand-ins.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import type { K8sObject } from '../../src/core/object.js';
import { startSimulator, type Simulator, type SimClient } from '../../src/sim/index.js';
import { X509Certificate, parsePrivateKey } from '../../src/sim/pki/x509.js';
import { shippedInstallDir } from '../../src/validate/paths.js';
import { which } from '../helpers/procs.js';
import { crd } from './crds.js';
import { deployment } from './helpers.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

type O = Record<string, any>;
const cond = (o: K8sObject | undefined, type: string) => ((o?.status as O)?.conditions ?? []).find((c: O) => c.type === type);
const secretData = (s: K8sObject | undefined, key: string) => Buffer.from(String((s as O | undefined)?.data?.[key] ?? ''), 'base64').toString('utf8');
const docsCache = new Map<string, K8sObject[]>();
function upstream(file: string): K8sObject[] {
  if (!docsCache.has(file)) docsCache.set(file, (loadAll(readFileSync(join(shippedInstallDir(), file), 'utf8')) as K8sObject[]).filter(Boolean));
  return docsCache.get(file)!.map((d) => structuredClone(d));
}
const CERT_MANAGER = 'cert-manager/cert-manager-v1.17.0.yaml';
const ENVOY_GATEWAY = 'envoy-gateway/install-v1.9.0.yaml';

async function start(): Promise<{ s: Simulator; c: SimClient }> {
  sim = await startSimulator({ speed: 20 });
  return { s: sim, c: sim.client('test') };
}

async function applyCrds(s: Simulator, c: SimClient, crds: K8sObject[]): Promise<void> {
  for (const x of crds) c.apply(x);
  await s.waitFor(() => crds.every((x) => cond(s.store.find({ kind: 'CustomResourceDefinition', name: x.metadata.name }), 'Established')?.status === 'True'), { what: 'CRDs established', timeoutMs: 10_000 });
}

async function operator(s: Simulator, c: SimClient, namespace: string, name: string, spec: O = {}): Promise<void> {
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } as K8sObject);
  const d = deployment(name, { namespace }) as O;
  Object.assign(d.spec.template.spec.containers[0], spec);
  c.apply(d as K8sObject);
  await s.waitFor(() => cond(s.store.find({ kind: 'Deployment', namespace, name }), 'Available')?.status === 'True', { what: `${name} available` });
}

const certManagerCrds = () => upstream(CERT_MANAGER).filter((d) => d.kind === 'CustomResourceDefinition');
const issuer = (name: string, namespace: string, spec: O): K8sObject => ({ apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name, namespace }, spec }) as K8sObject;
const certificate = (name: string, namespace: string, spec: O): K8sObject => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name, namespace }, spec }) as K8sObject;

test('cert-manager: nothing without its controller; then a self-signed Certificate becomes a real key pair in its Secret, Issuing -> Ready', async () => {
  const { s, c } = await start();
  await applyCrds(s, c, certManagerCrds());
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kserve' } } as K8sObject);
  c.apply(issuer('selfsigned-issuer', 'kserve', { selfSigned: {} }));
  // KServe's own Certificate, as its release manifest has it.
  const serving = upstream('kserve/kserve-v0.20.0-no-crds.yaml').find((d) => d.kind === 'Certificate' && d.metadata.name === 'serving-cert')!;
  c.apply(serving);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.store.find({ kind: 'Secret', namespace: 'kserve', name: 'kserve-webhook-server-cert' }), undefined, 'no controller, no Secret');
  assert.equal(cond(s.store.find({ kind: 'Issuer', name: 'selfsigned-issuer' }), 'Ready'), undefined);

  await operator(s, c, 'cert-manager', 'cert-manager');
  const ready = await s.waitFor(() => {
    const x = s.store.find({ kind: 'Certificate', namespace: 'kserve', name: 'serving-cert' });
    return cond(x, 'Ready')?.status === 'True' ? x : undefined;
  });
  assert.equal(cond(s.store.find({ kind: 'Issuer', name: 'selfsigned-issuer' }), 'Ready').reason, 'IsReady');
  assert.equal(cond(ready, 'Issuing'), undefined, 'Issuing is removed once issued');
  assert.equal(cond(ready, 'Ready').message, 'Certificate is up to date and has not expired');
  assert.equal((ready.status as O).revision, 1);
  // It went through Issuing=True (DoesNotExist) first: the events recorded that, and the CertificateRequest exists.
  const request = s.store.find({ kind: 'CertificateRequest', namespace: 'kserve', name: 'serving-cert-1' });
  assert.equal(cond(request, 'Ready')?.reason, 'Issued');
  assert.equal(cond(request, 'Approved')?.status, 'True');

  const secret = s.store.find({ kind: 'Secret', namespace: 'kserve', name: 'kserve-webhook-server-cert' })!;
  assert.equal((secret as O).type, 'kubernetes.io/tls');
  assert.equal(secret.metadata.annotations?.['cert-manager.io/certificate-name'], 'serving-cert');
  assert.equal(secret.metadata.annotations?.['cert-manager.io/alt-names'], 'kserve-webhook-server-service.kserve.svc');
  const cert = new X509Certificate(secretData(secret, 'tls.crt'));
  assert.equal(cert.subjectAltName, 'DNS:kserve-webhook-server-service.kserve.svc');
  assert.equal(cert.subject, 'CN=kserve-webhook-server-service.kserve.svc');
  assert.ok(cert.checkPrivateKey(parsePrivateKey(secretData(secret, 'tls.key'))), 'tls.key is the certificate\'s key');
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  assert.equal(secretData(secret, 'ca.crt'), secretData(secret, 'tls.crt'), 'a self-signed certificate is its own CA');
  assert.equal(Math.round((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000), 90, "cert-manager's default duration");

  // A deleted Secret is issued again (revision 2); a changed spec too, with the new SANs.
  c.delete('v1', 'Secret', 'kserve', 'kserve-webhook-server-cert');
  await s.waitFor(() => (s.store.find({ kind: 'Certificate', name: 'serving-cert' })?.status as O)?.revision === 2 && s.store.find({ kind: 'Secret', name: 'kserve-webhook-server-cert' }));
  c.apply({ ...serving, spec: { ...(serving.spec as O), dnsNames: ['a.example.com', 'b.example.com'] } } as K8sObject);
  const reissued = await s.waitFor(() => {
    const x = s.store.find({ kind: 'Secret', namespace: 'kserve', name: 'kserve-webhook-server-cert' });
    return x && new X509Certificate(secretData(x, 'tls.crt')).subjectAltName === 'DNS:a.example.com, DNS:b.example.com' ? x : undefined;
  });
  assert.ok(reissued);
  await s.waitFor(() => cond(s.store.find({ kind: 'Certificate', name: 'serving-cert' }), 'Ready')?.status === 'True' && (s.store.find({ kind: 'Certificate', name: 'serving-cert' })?.status as O).revision === 3);
});

test('cert-manager: a CA Issuer signs leaf certificates that verify against its ca.crt; a missing CA Secret keeps it not Ready', async () => {
  const { s, c } = await start();
  await applyCrds(s, c, certManagerCrds());
  await operator(s, c, 'cert-manager', 'cert-manager');
  c.apply(issuer('missing-ca', 'default', { ca: { secretName: 'nope' } }));
  await s.waitFor(() => cond(s.store.find({ kind: 'Issuer', name: 'missing-ca' }), 'Ready')?.reason === 'ErrGetKeyPair');
  assert.match(cond(s.store.find({ kind: 'Issuer', name: 'missing-ca' }), 'Ready').message, /Error getting keypair for CA issuer: secret "nope" not found/);

  c.apply(issuer('selfsigned', 'default', { selfSigned: {} }));
  c.apply(certificate('root', 'default', { isCA: true, commonName: 'root-ca', secretName: 'root-ca', privateKey: { algorithm: 'ECDSA', size: 256 }, issuerRef: { name: 'selfsigned' } }));
  c.apply(issuer('ca', 'default', { ca: { secretName: 'root-ca' } }));
  await s.waitFor(() => cond(s.store.find({ kind: 'Issuer', name: 'ca' }), 'Ready')?.reason === 'KeyPairVerified');
  c.apply(certificate('leaf', 'default', { secretName: 'leaf-tls', dnsNames: ['svc.default.svc'], ipAddresses: ['10.0.0.7'], usages: ['server auth'], issuerRef: { name: 'ca', kind: 'Issuer' } }));
  const secret = await s.waitFor(() => s.store.find({ kind: 'Secret', name: 'leaf-tls' }));
  const ca = new X509Certificate(secretData(secret, 'ca.crt'));
  const leaf = new X509Certificate(secretData(secret, 'tls.crt'));
  assert.equal(ca.ca, true);
  assert.equal(ca.subject, 'CN=root-ca');
  assert.ok(leaf.verify(ca.publicKey) && leaf.checkIssued(ca), 'signed by the CA');
  assert.equal(leaf.subjectAltName, 'DNS:svc.default.svc, IP Address:10.0.0.7');
  if (which('openssl')) {
    const dir = mkdtempSync(join(tmpdir(), 'cm-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), secretData(secret, 'ca.crt'));
      writeFileSync(join(dir, 'leaf.pem'), secretData(secret, 'tls.crt'));
      const v = spawnSync('openssl', ['verify', '-purpose', 'sslserver', '-CAfile', 'ca.pem', 'leaf.pem'], { cwd: dir, encoding: 'utf8' });
      assert.equal(v.status, 0, v.stdout + v.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('cainjector: caBundle from the Certificate (inject-ca-from) only while the cainjector runs; inject-ca-from-secret only when the Secret allows it', async () => {
  const { s, c } = await start();
  await applyCrds(s, c, certManagerCrds());
  await operator(s, c, 'cert-manager', 'cert-manager');
  c.apply(issuer('selfsigned', 'default', { selfSigned: {} }));
  c.apply(certificate('hook', 'default', { secretName: 'hook-tls', dnsNames: ['hook.default.svc'], issuerRef: { name: 'selfsigned' } }));
  const secret = await s.waitFor(() => s.store.find({ kind: 'Secret', name: 'hook-tls' }));
  const webhook = (name: string, annotations: Record<string, string>) =>
    ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name, annotations },
      webhooks: [{ name: `${name}.example.com`, admissionReviewVersions: ['v1'], sideEffects: 'None', failurePolicy: 'Ignore', clientConfig: { service: { name: 'hook', namespace: 'default', path: '/validate' } }, rules: [{ operations: ['CREATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['things'] }] }],
    }) as K8sObject;
  c.apply(webhook('from-cert', { 'cert-manager.io/inject-ca-from': 'default/hook' }));
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'plain-ca', namespace: 'default' }, data: { 'ca.crt': Buffer.from('not allowed').toString('base64') } } as K8sObject);
  c.apply(webhook('from-secret-denied', { 'cert-manager.io/inject-ca-from-secret': 'default/plain-ca' }));
  c.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'allowed-ca', namespace: 'default', annotations: { 'cert-manager.io/allow-direct-injection': 'true' } }, data: { 'ca.crt': (secret as O).data['ca.crt'] } } as K8sObject);
  c.apply(webhook('from-secret', { 'cert-manager.io/inject-ca-from-secret': 'default/allowed-ca' }));
  const bundle = (name: string) => (s.store.find({ kind: 'ValidatingWebhookConfiguration', name }) as O)?.webhooks[0].clientConfig.caBundle;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(bundle('from-cert'), undefined, 'no cainjector, no caBundle');

  await operator(s, c, 'cert-manager', 'cert-manager-cainjector');
  await s.waitFor(() => bundle('from-cert') && bundle('from-secret'), { what: 'injected' });
  assert.equal(bundle('from-cert'), (secret as O).data['ca.crt']);
  assert.equal(bundle('from-secret'), (secret as O).data['ca.crt']);
  assert.equal(bundle('from-secret-denied'), undefined, 'a Secret without allow-direct-injection is not used');
  // A CRD's conversion webhook too.
  const converted = structuredClone(crd('isvc')) as O;
  converted.metadata.annotations = { 'cert-manager.io/inject-ca-from': 'default/hook' };
  converted.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v1'], clientConfig: { service: { name: 'hook', namespace: 'default', path: '/convert' } } } };
  c.apply(converted as K8sObject);
  await s.waitFor(() => (s.store.find({ kind: 'CustomResourceDefinition', name: 'inferenceservices.serving.kserve.io' }) as O)?.spec.conversion.webhook.clientConfig.caBundle === (secret as O).data['ca.crt'], { what: 'CRD conversion caBundle' });
});

test("cert-manager's webhook keeps its serving CA in the Secret its arguments name, for the cainjector", async () => {
  const { s, c } = await start();
  const webhook = upstream(CERT_MANAGER).find((d) => d.kind === 'Deployment' && d.metadata.name === 'cert-manager-webhook')! as O;
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'cert-manager' } } as K8sObject);
  c.apply({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'cert-manager-webhook', namespace: 'cert-manager' } } as K8sObject);
  c.apply(webhook as K8sObject);
  const secret = await s.waitFor(() => s.store.find({ kind: 'Secret', namespace: 'cert-manager', name: 'cert-manager-webhook-ca' }), { timeoutMs: 10_000 });
  assert.equal(secret.metadata.annotations?.['cert-manager.io/allow-direct-injection'], 'true');
  assert.equal(new X509Certificate(secretData(secret, 'ca.crt')).ca, true);
});

function certgenObjects(): K8sObject[] {
  const docs = upstream(ENVOY_GATEWAY);
  const pick = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name)!;
  return [pick('ServiceAccount', 'eg-gateway-helm-certgen'), pick('MutatingWebhookConfiguration', 'envoy-gateway-topology-injector.envoy-gateway-system'), pick('Job', 'eg-gateway-helm-certgen')];
}

test('Envoy Gateway certgen: the upstream Job creates the TLS Secrets (a CA chain) and patches the topology injector, then completes; a re-run keeps the Secrets', async () => {
  const { s, c } = await start();
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-gateway-system' } } as K8sObject);
  const [sa, hook, job] = certgenObjects();
  c.apply(sa);
  c.apply(hook);
  c.apply(job);
  await s.waitFor(() => cond(s.store.find({ kind: 'Job', name: 'eg-gateway-helm-certgen' }), 'Complete')?.status === 'True', { timeoutMs: 20_000, what: 'certgen complete' });
  const secret = (name: string) => s.store.find({ kind: 'Secret', namespace: 'envoy-gateway-system', name })!;
  for (const name of ['envoy-gateway', 'envoy', 'envoy-rate-limit']) {
    assert.equal((secret(name) as O).type, 'kubernetes.io/tls', name);
    assert.equal(secret(name).metadata.labels?.['control-plane'], 'envoy-gateway');
    const ca = new X509Certificate(secretData(secret(name), 'ca.crt'));
    const leaf = new X509Certificate(secretData(secret(name), 'tls.crt'));
    assert.ok(leaf.verify(ca.publicKey), `${name} is signed by the CA`);
    assert.ok(leaf.checkPrivateKey(parsePrivateKey(secretData(secret(name), 'tls.key'))));
    assert.match(secretData(secret(name), 'tls.key'), /^-----BEGIN RSA PRIVATE KEY-----/);
  }
  assert.equal(new X509Certificate(secretData(secret('envoy-gateway'), 'tls.crt')).subjectAltName, 'DNS:envoy-gateway, DNS:envoy-gateway.envoy-gateway-system, DNS:envoy-gateway.envoy-gateway-system.svc, DNS:envoy-gateway.envoy-gateway-system.svc.cluster.local');
  assert.equal(new X509Certificate(secretData(secret('envoy'), 'tls.crt')).subjectAltName, 'DNS:*.envoy-gateway-system');
  assert.equal(Buffer.from(String((secret('envoy-oidc-hmac') as O).data['hmac-secret']), 'base64').length, 32);
  const injector = s.store.find({ kind: 'MutatingWebhookConfiguration', name: 'envoy-gateway-topology-injector.envoy-gateway-system' }) as O;
  assert.equal(injector.webhooks[0].clientConfig.caBundle, (secret('envoy-gateway') as O).data['ca.crt']);
  const pod = s.store.objects({ kind: 'Pod', namespace: 'envoy-gateway-system' }).find((p) => p.metadata.name.startsWith('eg-gateway-helm-certgen-'))!;
  assert.equal((pod.status as O).containerStatuses[0].state.terminated.exitCode, 0);
  assert.match(s.podLog('envoy-gateway-system', pod.metadata.name) ?? '', /"msg":"created secret".*"name":"envoy-rate-limit"/);

  // Run again (pre-upgrade hook): existing Secrets are kept.
  const before = (secret('envoy-gateway') as O).data['tls.crt'];
  c.delete('batch/v1', 'Job', 'envoy-gateway-system', 'eg-gateway-helm-certgen', { propagationPolicy: 'Foreground' });
  await s.waitFor(() => !s.store.find({ kind: 'Job', name: 'eg-gateway-helm-certgen' }));
  c.apply(certgenObjects()[2]);
  await s.waitFor(() => cond(s.store.find({ kind: 'Job', name: 'eg-gateway-helm-certgen' }), 'Complete')?.status === 'True', { timeoutMs: 20_000 });
  assert.equal((secret('envoy-gateway') as O).data['tls.crt'], before);
});

test('Envoy Gateway certgen fails the Job when the topology injector configuration is missing', async () => {
  const { s, c } = await start();
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'envoy-gateway-system' } } as K8sObject);
  const [sa, , job] = certgenObjects();
  c.apply(sa);
  c.apply(job);
  await s.waitFor(() => cond(s.store.find({ kind: 'Job', name: 'eg-gateway-helm-certgen' }), 'Failed')?.status === 'True', { timeoutMs: 20_000, what: 'certgen failed' });
  const pods = s.store.objects({ kind: 'Pod', namespace: 'envoy-gateway-system' });
  assert.equal(pods.length, 2, 'backoffLimit 1: two attempts');
  for (const p of pods) {
    assert.equal((p.status as O).containerStatuses[0].state.terminated.exitCode, 1);
    assert.match(s.podLog('envoy-gateway-system', p.metadata.name) ?? '', /failed to patch webhook: failed to get mutating webhook configuration: .*"envoy-gateway-topology-injector\.envoy-gateway-system" not found/);
  }
});

test('Knative Operator: a KnativeServing installs the Serving CRDs and Deployments only while the operator runs', async () => {
  const { s, c } = await start();
  await applyCrds(s, c, [crd('knativeServing')]);
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } } as K8sObject);
  c.apply({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec: { ingress: { kourier: { enabled: true } } } } as K8sObject);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(s.store.find({ kind: 'CustomResourceDefinition', name: 'services.serving.knative.dev' }), undefined, 'no operator, no Serving');
  await operator(s, c, 'knative-operator', 'knative-operator');
  await s.waitFor(() => cond(s.store.find({ kind: 'KnativeServing' }), 'Ready')?.status === 'True', { timeoutMs: 10_000 });
  const crds = s.store.objects({ kind: 'CustomResourceDefinition' }).map((x) => x.metadata.name);
  for (const name of ['services.serving.knative.dev', 'revisions.serving.knative.dev', 'routes.serving.knative.dev', 'configurations.serving.knative.dev']) assert.ok(crds.includes(name), name);
  assert.ok(cond(s.store.find({ kind: 'CustomResourceDefinition', name: 'services.serving.knative.dev' }), 'Established')?.status === 'True');
  const deployments = s.store.objects({ kind: 'Deployment', namespace: 'knative-serving' }).map((d) => d.metadata.name).sort();
  assert.deepEqual(deployments, ['3scale-kourier-gateway', 'activator', 'autoscaler', 'controller', 'net-kourier-controller', 'webhook']);
});

test('Knative Operator: a KnativeServing deleted in the foreground goes away with its Deployments; the operator never recreates them', async () => {
  const { s, c } = await start();
  await applyCrds(s, c, [crd('knativeServing')]);
  await operator(s, c, 'knative-operator', 'knative-operator');
  c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'knative-serving' } } as K8sObject);
  c.apply({ apiVersion: 'operator.knative.dev/v1beta1', kind: 'KnativeServing', metadata: { name: 'knative-serving', namespace: 'knative-serving' }, spec: {} } as K8sObject);
  await s.waitFor(() => cond(s.store.find({ kind: 'KnativeServing' }), 'Ready')?.status === 'True', { timeoutMs: 10_000 });
  s.api.delete(s.registry.find('operator.knative.dev', 'v1beta1', 'knativeservings')!, 'knative-serving', 'knative-serving', { propagationPolicy: 'Foreground' });
  await s.waitFor(() => !s.store.find({ kind: 'KnativeServing' }), { timeoutMs: 10_000, what: 'KnativeServing gone' });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(s.store.objects({ kind: 'Deployment', namespace: 'knative-serving' }).map((d) => d.metadata.name), []);
});

test('KServe started before Knative Serving rejects Knative-mode InferenceServices (ServerlessModeRejected) until it restarts', async () => {
  const { s, c } = await start();
  await applyCrds(s, c, [crd('isvc')]);
  await operator(s, c, 'kserve', 'kserve-controller-manager');
  await applyCrds(s, c, [crd('ksvc')]);
  const isvc = (name: string, mode: string) =>
    ({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name, namespace: 'default', annotations: { 'serving.kserve.io/deploymentMode': mode } }, spec: { predictor: { model: { modelFormat: { name: 'huggingface' }, storageUri: 'hf://x/y' } } } }) as K8sObject;
  c.apply(isvc('knative', 'Knative'));
  c.apply(isvc('standard', 'Standard'));
  await s.waitFor(() => cond(s.store.find({ kind: 'InferenceService', name: 'standard' }), 'Ready')?.status === 'True', { what: 'Standard mode still works' });
  const rejected = await s.waitFor(() => {
    const x = s.store.find({ kind: 'InferenceService', name: 'knative' });
    return cond(x, 'Ready') ? x : undefined;
  });
  assert.equal((rejected.status as O).deploymentMode, 'Knative');
  assert.equal(cond(rejected, 'Ready').status, 'Unknown');
  const event = s.store.objects({ kind: 'Event', namespace: 'default' }).find((e) => (e as O).involvedObject.name === 'knative') as O;
  assert.equal(event?.reason, 'ServerlessModeRejected');
  assert.equal(event.message, 'It is not possible to use Knative deployment mode when Knative Services are not available');
  assert.equal(s.store.find({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'knative-predictor' }), undefined, 'no Knative Service');

  // What `kubectl rollout restart` does: the new pod sees Knative, and lists every InferenceService again.
  c.patch('apps/v1', 'Deployment', 'kserve', 'kserve-controller-manager', { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } });
  await s.waitFor(() => s.store.find({ apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'knative-predictor' }), { what: 'Knative Service after the restart', timeoutMs: 10_000 });
});
