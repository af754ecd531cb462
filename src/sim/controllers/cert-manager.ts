/**
 * cert-manager's controller (deployment cert-manager), scripted from v1.17's behaviour:
 * - Issuer/ClusterIssuer: selfSigned is Ready (IsReady); ca is Ready (KeyPairVerified) once its
 *   spec.ca.secretName holds tls.crt/tls.key (in the controller's namespace for a ClusterIssuer),
 *   else Ready=False ErrGetKeyPair. Other issuer types are not modelled (no status).
 * - Certificate: when its Secret is missing or stale (DoesNotExist, MissingData, IncorrectIssuer,
 *   SecretMismatch), Issuing=True and Ready=False with that reason; once the issuer is Ready a real
 *   key and X.509 certificate (spec.privateKey, dnsNames, ipAddresses, uris, usages, isCA, duration)
 *   are issued, recorded in a CertificateRequest <name>-<revision>, written to the kubernetes.io/tls
 *   Secret (tls.crt, tls.key, ca.crt and cert-manager's annotations), and the Certificate gets
 *   Ready=True, notBefore/notAfter/renewalTime and revision, with Issuing removed.
 */
import type { K8sObject } from '../../core/object.js';
import { createCertificate, createCsr, encodePrivateKey, generatePrivateKey, parsePrivateKey, X509Certificate, type KeyAlgorithm, type KeyEncoding, type Usage } from '../pki/x509.js';
import type { StoreEvent } from '../store.js';
import { arr, k8sTime, obj } from '../util.js';
import { condition, conditionTrue, findDeployment, ownerRef, setCondition, type Condition } from './helpers.js';
import { OperatorController } from './operator.js';

const API = 'cert-manager.io/v1';
const GROUP = 'cert-manager.io';
const b64 = (s: string) => Buffer.from(s).toString('base64');
const unb64 = (s: unknown) => (typeof s === 'string' ? Buffer.from(s, 'base64').toString('utf8') : undefined);

type O = Record<string, any>;

/** Go's time.ParseDuration for the units cert-manager's durations use. */
export function parseDuration(s: unknown, fallbackMs: number): number {
  if (typeof s !== 'string' || !s) return fallbackMs;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const m of s.matchAll(/([0-9.]+)(ms|h|m|s)/g)) total += Number(m[1]) * units[m[2]];
  return total || fallbackMs;
}

interface Issued {
  certPem: string;
  keyPem: string;
  caPem: string;
  csrPem: string;
}

export class CertManagerController extends OperatorController {
  readonly name = 'cert-manager';
  protected readonly manager = 'cert-manager-certificates-issuing';
  protected readonly operators = [{ name: 'cert-manager' }];
  protected readonly watches = ['cert-manager.io/clusterissuers', 'cert-manager.io/issuers', 'cert-manager.io/certificates'];
  private readonly issuing = new Set<string>();

  protected override onOtherEvent(e: StoreEvent): void {
    if (e.storageKey !== '/secrets' || !this.running()) return;
    const ns = e.object.metadata.namespace;
    const name = e.object.metadata.name;
    for (const c of this.client.list(API, 'Certificate', ns)) if (obj(c.spec).secretName === name) this.reconcile(c);
    for (const kind of ['Issuer', 'ClusterIssuer']) for (const i of this.client.list(API, kind)) if (obj(obj(i.spec).ca).secretName === name) this.reconcile(i);
  }

  protected reconcile(o: K8sObject): void {
    if (o.kind === 'Certificate') this.reconcileCertificate(o);
    else this.reconcileIssuer(o);
  }

  /** Where a ClusterIssuer's Secrets live: the controller's namespace (--cluster-resource-namespace). */
  private clusterResourceNamespace(): string {
    return findDeployment(this.client, 'cert-manager')?.metadata.namespace ?? 'cert-manager';
  }

  private reconcileIssuer(issuer: K8sObject): void {
    const spec = obj(issuer.spec) as O;
    let ready: Condition | undefined;
    if (spec.selfSigned) ready = { type: 'Ready', status: 'True', reason: 'IsReady' };
    else if (spec.ca) {
      const ns = issuer.kind === 'ClusterIssuer' ? this.clusterResourceNamespace() : issuer.metadata.namespace;
      const secret = this.client.get('v1', 'Secret', ns, String(spec.ca.secretName));
      const data = obj((secret as O | undefined)?.data);
      ready = data['tls.crt'] && data['tls.key']
        ? { type: 'Ready', status: 'True', reason: 'KeyPairVerified', message: 'Signing CA verified' }
        : { type: 'Ready', status: 'False', reason: 'ErrGetKeyPair', message: `Error getting keypair for CA issuer: secret "${spec.ca.secretName}" not found` };
    }
    if (!ready) return;
    const prev = condition(issuer, 'Ready');
    const gen = Number(issuer.metadata.generation ?? 1);
    if (prev?.status === ready.status && prev.reason === ready.reason && prev.observedGeneration === gen) return;
    this.ctx.client('cert-manager-issuers').patchStatus(issuer, { conditions: setCondition(obj(issuer.status).conditions, ready, { observedGeneration: gen }) });
    if (ready.status !== 'True') return;
    for (const c of this.client.list(API, 'Certificate', issuer.kind === 'Issuer' ? issuer.metadata.namespace : undefined)) {
      const ref = obj(obj(c.spec).issuerRef);
      if (ref.name === issuer.metadata.name && (ref.kind ?? 'Issuer') === issuer.kind) this.reconcileCertificate(c);
    }
  }

  private issuerOf(crt: K8sObject): K8sObject | undefined {
    const ref = obj(obj(crt.spec).issuerRef);
    if ((ref.group ?? GROUP) !== GROUP) return undefined;
    return ref.kind === 'ClusterIssuer' ? this.client.get(API, 'ClusterIssuer', undefined, String(ref.name)) : this.client.get(API, 'Issuer', crt.metadata.namespace, String(ref.name));
  }

  /** Why the Secret must be (re)issued (cert-manager's trigger policies), or undefined when it is current. */
  private staleReason(crt: K8sObject, secret: K8sObject | undefined): [string, string] | undefined {
    if (!secret) return ['DoesNotExist', 'Issuing certificate as Secret does not exist'];
    const data = obj((secret as O).data);
    if (!data['tls.key']) return ['MissingData', 'Issuing certificate as Secret does not contain a private key'];
    if (!data['tls.crt']) return ['MissingData', 'Issuing certificate as Secret does not contain a certificate'];
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(unb64(data['tls.crt'])!);
      if (!cert.checkPrivateKey(parsePrivateKey(unb64(data['tls.key'])!))) return ['InvalidKeyPair', 'Issuing certificate as Secret contains a private key that does not match the certificate'];
    } catch (e) {
      return ['InvalidCertificate', `Issuing certificate as Secret contains an invalid certificate: ${(e as Error).message}`];
    }
    const ref = obj(obj(crt.spec).issuerRef);
    const ann = secret.metadata.annotations ?? {};
    // Like cert-manager's SecretIssuerAnnotationsMismatch: only a Secret that names an issuer can name the wrong one.
    const named = ['cert-manager.io/issuer-name', 'cert-manager.io/issuer-kind', 'cert-manager.io/issuer-group'].some((k) => k in ann);
    if (named && (ann['cert-manager.io/issuer-name'] !== ref.name || (ann['cert-manager.io/issuer-kind'] || 'Issuer') !== (ref.kind ?? 'Issuer'))) {
      return ['IncorrectIssuer', `Issuing certificate as Secret was previously issued by ${ann['cert-manager.io/issuer-kind'] ?? 'Issuer'}.${ann['cert-manager.io/issuer-group'] || GROUP}/${ann['cert-manager.io/issuer-name'] ?? ''}`];
    }
    const spec = obj(crt.spec) as O;
    const sans = (cert.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)).sort();
    const violations: string[] = [];
    if (JSON.stringify(sans) !== JSON.stringify(arr(spec.dnsNames).map(String).sort())) violations.push('spec.dnsNames');
    const cn = /(?:^|\n)CN=(.*)/.exec(cert.subject ?? '')?.[1] ?? '';
    if (cn !== String(spec.commonName ?? '')) violations.push('spec.commonName');
    if (violations.length) return ['SecretMismatch', `Existing issued Secret is not up to date for spec: [${violations.join(', ')}]`];
    return undefined;
  }

  private reconcileCertificate(crt: K8sObject): void {
    const spec = obj(crt.spec) as O;
    const ns = crt.metadata.namespace!;
    const secret = this.client.get('v1', 'Secret', ns, String(spec.secretName));
    const gen = Number(crt.metadata.generation ?? 1);
    const stale = this.staleReason(crt, secret);
    if (!stale) {
      if (conditionTrue(crt, 'Ready') && condition(crt, 'Ready')?.observedGeneration === gen) return;
      const cert = new X509Certificate(unb64(obj((secret as O).data)['tls.crt'])!);
      this.markReady(crt, cert, Number(obj(crt.status).revision ?? 1));
      return;
    }
    const key = `${crt.metadata.uid}`;
    if (this.issuing.has(key)) return;
    const [reason, message] = stale;
    let conditions = setCondition(obj(crt.status).conditions, { type: 'Ready', status: 'False', reason, message }, { observedGeneration: gen });
    conditions = setCondition(conditions, { type: 'Issuing', status: 'True', reason, message }, { observedGeneration: gen });
    if (JSON.stringify(conditions) !== JSON.stringify(obj(crt.status).conditions)) this.ctx.client('cert-manager-certificates-trigger').patchStatus(crt, { conditions });
    const issuer = this.issuerOf(crt);
    if (!conditionTrue(issuer, 'Ready')) return;
    this.issuing.add(key);
    void this.issue(crt, issuer!)
      .then((issued) => {
        this.ctx.after(this.ctx.timing.operatorMs, () => {
          this.issuing.delete(key);
          const current = this.client.get(API, 'Certificate', ns, crt.metadata.name);
          if (!current || current.metadata.uid !== crt.metadata.uid || current.metadata.deletionTimestamp) return;
          if (Number(current.metadata.generation ?? 1) !== gen) return this.reconcileCertificate(current);
          this.store(current, issued);
        });
      })
      .catch((e: unknown) => {
        this.issuing.delete(key);
        this.ctx.events.record(crt, 'Warning', 'Failed', `The certificate request has failed to complete and will be retried: ${(e as Error).message}`, 'cert-manager-certificates-issuing');
      });
  }

  private async issue(crt: K8sObject, issuer: K8sObject): Promise<Issued> {
    const spec = obj(crt.spec) as O;
    const pk = obj(spec.privateKey);
    const key = await generatePrivateKey((pk.algorithm as KeyAlgorithm) ?? 'RSA', pk.size ? Number(pk.size) : undefined);
    const now = Date.now();
    const subject = { commonName: spec.commonName as string | undefined, organizations: arr(obj(spec.subject).organizations).map(String) };
    const sans = { dnsNames: arr(spec.dnsNames).map(String), ipAddresses: arr(spec.ipAddresses).map(String), uris: arr(spec.uris).map(String), emailAddresses: arr(spec.emailAddresses).map(String) };
    const usages = (arr(spec.usages).length ? arr(spec.usages) : ['digital signature', 'key encipherment']).map(String) as Usage[];
    const base = { subject, ...sans, usages, isCA: spec.isCA === true, notBefore: new Date(now), notAfter: new Date(now + parseDuration(spec.duration, 2160 * 3_600_000)), key };
    const issuerSpec = obj(issuer.spec) as O;
    let certPem: string;
    let caPem: string;
    if (issuerSpec.ca) {
      const ns = issuer.kind === 'ClusterIssuer' ? this.clusterResourceNamespace() : issuer.metadata.namespace;
      const data = obj((this.client.get('v1', 'Secret', ns, String(issuerSpec.ca.secretName)) as O | undefined)?.data);
      caPem = unb64(data['tls.crt'])!;
      certPem = createCertificate({ ...base, issuer: { certPem: caPem, key: parsePrivateKey(unb64(data['tls.key'])!) } });
    } else {
      certPem = createCertificate(base);
      caPem = certPem;
    }
    return { certPem, caPem, keyPem: encodePrivateKey(key, (pk.encoding as KeyEncoding) ?? 'PKCS1'), csrPem: createCsr({ subject, ...sans, key }) };
  }

  private store(crt: K8sObject, issued: Issued): void {
    const spec = obj(crt.spec) as O;
    const ns = crt.metadata.namespace!;
    const revision = Number(obj(crt.status).revision ?? 0) + 1;
    const ref = obj(spec.issuerRef);
    const issuerRef = { name: ref.name, kind: ref.kind ?? 'Issuer', group: ref.group ?? GROUP };
    const request = this.ctx.client('cert-manager-certificates-request-manager').ensure({
      apiVersion: API,
      kind: 'CertificateRequest',
      metadata: {
        name: `${crt.metadata.name}-${revision}`,
        namespace: ns,
        annotations: { 'cert-manager.io/certificate-name': crt.metadata.name, 'cert-manager.io/certificate-revision': String(revision), 'cert-manager.io/private-key-secret-name': String(spec.secretName) },
        ownerReferences: [ownerRef(crt)],
      },
      spec: { request: b64(issued.csrPem), issuerRef, ...(spec.duration ? { duration: spec.duration } : {}), ...(spec.isCA ? { isCA: true } : {}), usages: arr(spec.usages).length ? spec.usages : ['digital signature', 'key encipherment'] },
    });
    if (request) {
      let conds = setCondition(obj(request.status).conditions, { type: 'Approved', status: 'True', reason: 'cert-manager.io', message: 'Certificate request has been approved by cert-manager.io' });
      conds = setCondition(conds, { type: 'Ready', status: 'True', reason: 'Issued', message: 'Certificate fetched from issuer successfully' });
      this.ctx.client('cert-manager-certificaterequests-issuer').patchStatus(request, { conditions: conds, certificate: b64(issued.certPem), ca: b64(issued.caPem) });
    }
    const cert = new X509Certificate(issued.certPem);
    const sans = cert.subjectAltName ?? '';
    const list = (prefix: string) => sans.split(', ').filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length)).join(',');
    const metadata = {
      name: String(spec.secretName),
      namespace: ns,
      labels: { ...obj(obj(spec.secretTemplate).labels), 'controller.cert-manager.io/fao': 'true' },
      annotations: {
        ...obj(obj(spec.secretTemplate).annotations),
        'cert-manager.io/alt-names': list('DNS:'),
        'cert-manager.io/certificate-name': crt.metadata.name,
        'cert-manager.io/common-name': String(spec.commonName ?? ''),
        'cert-manager.io/ip-sans': list('IP Address:'),
        'cert-manager.io/issuer-group': issuerRef.group === GROUP ? '' : String(issuerRef.group),
        'cert-manager.io/issuer-kind': String(issuerRef.kind),
        'cert-manager.io/issuer-name': String(issuerRef.name),
        'cert-manager.io/uri-sans': list('URI:'),
      },
    };
    const data = { 'tls.crt': b64(issued.certPem), 'tls.key': b64(issued.keyPem), 'ca.crt': b64(issued.caPem) };
    const existing = this.client.get('v1', 'Secret', ns, metadata.name);
    if (existing) this.client.update({ ...existing, metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...metadata.labels }, annotations: { ...existing.metadata.annotations, ...metadata.annotations } }, data } as K8sObject);
    else this.client.create({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata, data } as K8sObject);
    this.ctx.events.record(crt, 'Normal', 'Issuing', 'The certificate has been successfully issued', 'cert-manager-certificates-issuing');
    this.markReady(crt, cert, revision);
  }

  private markReady(crt: K8sObject, cert: X509Certificate, revision: number): void {
    const gen = Number(crt.metadata.generation ?? 1);
    const notBefore = new Date(cert.validFrom);
    const notAfter = new Date(cert.validTo);
    const renewBefore = parseDuration(obj(crt.spec).renewBefore, (notAfter.getTime() - notBefore.getTime()) / 3);
    const conditions = setCondition(
      arr(obj(crt.status).conditions).filter((c) => obj(c).type !== 'Issuing'),
      { type: 'Ready', status: 'True', reason: 'Ready', message: 'Certificate is up to date and has not expired' },
      { observedGeneration: gen },
    );
    this.ctx.client('cert-manager-certificates-readiness').patchStatus(crt, {
      conditions,
      notBefore: k8sTime(notBefore),
      notAfter: k8sTime(notAfter),
      renewalTime: k8sTime(new Date(notAfter.getTime() - renewBefore)),
      revision,
    });
  }
}
