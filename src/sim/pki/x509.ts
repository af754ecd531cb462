/**
 * Real X.509 certificates for the simulator's cert-manager and Envoy Gateway certgen: a v3
 * TBSCertificate written with ./der.ts and signed with node:crypto, so what lands in a TLS
 * Secret parses with `new X509Certificate(pem)`, verifies with `openssl verify`, and matches its
 * private key, as a webhook server loading it would require.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { promisify } from 'node:util';
import * as der from './der.js';

export type KeyAlgorithm = 'RSA' | 'ECDSA' | 'Ed25519';
export type KeyEncoding = 'PKCS1' | 'PKCS8';

/** cert-manager's usage names (spec.usages). */
export type Usage =
  | 'digital signature'
  | 'content commitment'
  | 'key encipherment'
  | 'data encipherment'
  | 'key agreement'
  | 'cert sign'
  | 'crl sign'
  | 'server auth'
  | 'client auth'
  | 'code signing'
  | 'email protection'
  | 'timestamping'
  | 'ocsp signing';

const KEY_USAGE_BITS: Partial<Record<Usage, number>> = {
  'digital signature': 0,
  'content commitment': 1,
  'key encipherment': 2,
  'data encipherment': 3,
  'key agreement': 4,
  'cert sign': 5,
  'crl sign': 6,
};
const EXT_KEY_USAGE_OIDS: Partial<Record<Usage, string>> = {
  'server auth': '1.3.6.1.5.5.7.3.1',
  'client auth': '1.3.6.1.5.5.7.3.2',
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  timestamping: '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
};

export interface SubjectSpec {
  commonName?: string;
  organizations?: string[];
  /** The subject's serialNumber attribute (Envoy Gateway's CA carries one). */
  serialNumber?: string;
}

export interface CertificateSpec {
  subject: SubjectSpec;
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
  emailAddresses?: string[];
  isCA?: boolean;
  usages?: Usage[];
  notBefore: Date;
  notAfter: Date;
  /** The certified key. */
  key: KeyObject;
  /** The signer; absent means self-signed with `key`. */
  issuer?: { certPem: string; key: KeyObject };
}

const generate = promisify(generateKeyPair) as unknown as (type: string, opts: Record<string, unknown>) => Promise<{ privateKey: KeyObject; publicKey: KeyObject }>;

/** cert-manager defaults: RSA 2048, ECDSA P-256. */
export async function generatePrivateKey(algorithm: KeyAlgorithm = 'RSA', size?: number): Promise<KeyObject> {
  if (algorithm === 'RSA') return (await generate('rsa', { modulusLength: size || 2048 })).privateKey;
  if (algorithm === 'ECDSA') return (await generate('ec', { namedCurve: size === 384 ? 'P-384' : size === 521 ? 'P-521' : 'P-256' })).privateKey;
  return (await generate('ed25519', {})).privateKey;
}

/** PKCS1 means "RSA PRIVATE KEY" for RSA and "EC PRIVATE KEY" (SEC 1) for ECDSA, as in cert-manager. */
export function encodePrivateKey(key: KeyObject, encoding: KeyEncoding = 'PKCS1'): string {
  const type = key.asymmetricKeyType;
  if (encoding === 'PKCS8' || type === 'ed25519') return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  return key.export({ type: type === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }) as string;
}

export function parsePrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

export function toPem(derBytes: Buffer, label: string): string {
  const b64 = derBytes.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function fromPem(pem: string): Buffer {
  const m = /-----BEGIN [A-Z ]+-----([\s\S]*?)-----END [A-Z ]+-----/.exec(pem);
  if (!m) throw new Error('no PEM block');
  return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
}

function name(s: SubjectSpec): Buffer {
  const rdns: Buffer[] = [];
  const attr = (oid: string, value: Buffer) => rdns.push(der.set(der.sequence(der.oid(oid), value)));
  for (const o of s.organizations ?? []) attr('2.5.4.10', der.utf8String(o));
  if (s.serialNumber) attr('2.5.4.5', der.printableString(s.serialNumber));
  if (s.commonName) attr('2.5.4.3', der.utf8String(s.commonName));
  return der.sequence(...rdns);
}

function signatureAlgorithm(key: KeyObject): { id: Buffer; digest: string | null } {
  if (key.asymmetricKeyType === 'rsa') return { id: der.sequence(der.oid('1.2.840.113549.1.1.11'), der.nullValue()), digest: 'sha256' };
  if (key.asymmetricKeyType === 'ed25519') return { id: der.sequence(der.oid('1.3.101.112')), digest: null };
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return { id: der.sequence(der.oid('1.2.840.10045.4.3.3')), digest: 'sha384' };
  if (curve === 'secp521r1') return { id: der.sequence(der.oid('1.2.840.10045.4.3.4')), digest: 'sha512' };
  return { id: der.sequence(der.oid('1.2.840.10045.4.3.2')), digest: 'sha256' };
}

function spkiOf(key: KeyObject): Buffer {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return pub.export({ type: 'spki', format: 'der' }) as Buffer;
}

/** RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING's value. */
function keyIdentifier(spki: Buffer): Buffer {
  const bits = der.children(der.read(spki))[1];
  return createHash('sha1').update(bits.content.subarray(1)).digest();
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function subjectAltNames(spec: CertificateSpec): Buffer | undefined {
  const names: Buffer[] = [];
  for (const e of spec.emailAddresses ?? []) names.push(der.implicit(1, Buffer.from(e, 'ascii')));
  for (const d of spec.dnsNames ?? []) names.push(der.implicit(2, Buffer.from(d, 'ascii')));
  for (const u of spec.uris ?? []) names.push(der.implicit(6, Buffer.from(u, 'ascii')));
  for (const ip of spec.ipAddresses ?? []) names.push(der.implicit(7, ipBytes(ip)));
  return names.length ? der.sequence(...names) : undefined;
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** The raw subject Name and subject key identifier of a certificate (to issue certificates under it). */
export function issuerInfo(certPem: string): { subject: Buffer; keyId?: Buffer } {
  const tbs = der.children(der.read(fromPem(certPem)))[0];
  const fields = der.children(tbs);
  const offset = fields[0].tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4].raw;
  const extensions = fields.find((f) => f.tag === 0xa3);
  let keyId: Buffer | undefined;
  if (extensions) {
    for (const ext of der.children(der.children(extensions)[0])) {
      const parts = der.children(ext);
      if (der.oidString(parts[0]) === '2.5.29.14') keyId = der.read(parts[parts.length - 1].content).content;
    }
  }
  return { subject, keyId };
}

function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b;
}

export function createCertificate(spec: CertificateSpec): string {
  const signer = spec.issuer?.key ?? spec.key;
  const alg = signatureAlgorithm(signer);
  const spki = spkiOf(spec.key);
  const subject = name(spec.subject);
  const issuer = spec.issuer ? issuerInfo(spec.issuer.certPem) : undefined;
  const authorityKeyId = issuer ? issuer.keyId : keyIdentifier(spki);
  const usages = spec.usages ?? [];
  const keyUsageBits = usages.map((u) => KEY_USAGE_BITS[u]).filter((b): b is number => b !== undefined);
  if (spec.isCA && !keyUsageBits.includes(5)) keyUsageBits.push(5);
  const extKeyUsages = usages.map((u) => EXT_KEY_USAGE_OIDS[u]).filter((o): o is string => !!o);
  const san = subjectAltNames(spec);
  const emptySubject = !spec.subject.commonName && !spec.subject.organizations?.length && !spec.subject.serialNumber;

  const extensions: Buffer[] = [];
  if (keyUsageBits.length) extensions.push(extension('2.5.29.15', true, der.namedBits(keyUsageBits)));
  if (extKeyUsages.length) extensions.push(extension('2.5.29.37', false, der.sequence(...extKeyUsages.map(der.oid))));
  extensions.push(extension('2.5.29.19', true, spec.isCA ? der.sequence(der.boolean(true)) : der.sequence()));
  extensions.push(extension('2.5.29.14', false, der.octetString(keyIdentifier(spki))));
  if (authorityKeyId) extensions.push(extension('2.5.29.35', false, der.sequence(der.implicit(0, authorityKeyId))));
  // RFC 5280 4.2.1.6: with an empty subject the SAN extension is critical.
  if (san) extensions.push(extension('2.5.29.17', emptySubject, san));

  const tbs = der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(randomSerial()),
    alg.id,
    issuer ? issuer.subject : subject,
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    subject,
    spki,
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign(alg.digest, tbs, signer);
  return toPem(der.sequence(tbs, alg.id, der.bitString(signature)), 'CERTIFICATE');
}

/** A PKCS #10 request with the SANs in an extensionRequest, as cert-manager puts in CertificateRequest.spec.request. */
export function createCsr(spec: Pick<CertificateSpec, 'subject' | 'dnsNames' | 'ipAddresses' | 'uris' | 'emailAddresses' | 'key'>): string {
  const alg = signatureAlgorithm(spec.key);
  const san = subjectAltNames({ ...spec, notBefore: new Date(), notAfter: new Date() });
  const attributes = san ? der.set(der.sequence(...[extension('2.5.29.17', false, san)])) : undefined;
  const attrs = attributes ? der.sequence(der.oid('1.2.840.113549.1.9.14'), attributes) : Buffer.alloc(0);
  const info = der.sequence(der.integer(0), name(spec.subject), spkiOf(spec.key), der.tlv(0xa0, attrs));
  return toPem(der.sequence(info, alg.id, der.bitString(sign(alg.digest, info, spec.key))), 'CERTIFICATE REQUEST');
}

export { X509Certificate };
