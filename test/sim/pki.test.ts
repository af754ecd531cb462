/** The simulator's X.509 builder: what cert-manager and certgen put in Secrets is a real certificate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCertificate, createCsr, encodePrivateKey, generatePrivateKey, parsePrivateKey, X509Certificate } from '../../src/sim/pki/x509.js';
import { which } from '../helpers/procs.js';

const DAY = 86_400_000;
const now = new Date();
const later = new Date(now.getTime() + 90 * DAY);
const OPENSSL = which('openssl');

function openssl(dir: string, files: Record<string, string>, args: string[]) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
}

test('a self-signed RSA certificate with DNS and IP SANs parses, verifies with its own key and matches the private key', async () => {
  const key = await generatePrivateKey('RSA', 2048);
  const pem = createCertificate({ subject: { commonName: 'kserve-webhook-server-service.kserve.svc' }, dnsNames: ['kserve-webhook-server-service.kserve.svc', 'a.example.com'], ipAddresses: ['10.0.0.1', '::1'], usages: ['digital signature', 'key encipherment', 'server auth'], notBefore: now, notAfter: later, key });
  const cert = new X509Certificate(pem);
  assert.equal(cert.subject, 'CN=kserve-webhook-server-service.kserve.svc');
  assert.equal(cert.issuer, cert.subject, 'self-signed');
  assert.equal(cert.subjectAltName, 'DNS:kserve-webhook-server-service.kserve.svc, DNS:a.example.com, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  assert.equal(cert.ca, false);
  assert.ok(cert.verify(cert.publicKey), 'signature verifies');
  const keyPem = encodePrivateKey(key);
  assert.match(keyPem, /^-----BEGIN RSA PRIVATE KEY-----/, 'PKCS1, cert-manager\'s default encoding');
  assert.ok(cert.checkPrivateKey(parsePrivateKey(keyPem)), 'the key in the Secret belongs to the certificate');
  assert.ok(cert.checkHost('a.example.com'));
  assert.equal(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1'), true, 'server auth');
  assert.ok(Math.abs(new Date(cert.validTo).getTime() - later.getTime()) < 1000);
  if (OPENSSL) {
    const dir = mkdtempSync(join(tmpdir(), 'pki-'));
    try {
      const text = openssl(dir, { 'c.pem': pem }, ['x509', '-in', 'c.pem', '-noout', '-text']);
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stdout, /X509v3 Subject Alternative Name: \n\s+DNS:kserve-webhook-server-service\.kserve\.svc, DNS:a\.example\.com, IP Address:10\.0\.0\.1, IP Address:0:0:0:0:0:0:0:1/);
      assert.match(text.stdout, /X509v3 Basic Constraints: critical\n\s+CA:FALSE/);
      assert.match(text.stdout, /X509v3 Key Usage: critical\n\s+Digital Signature, Key Encipherment/);
      assert.match(text.stdout, /Signature Algorithm: sha256WithRSAEncryption/);
      const verify = openssl(dir, {}, ['verify', '-CAfile', 'c.pem', 'c.pem']);
      assert.equal(verify.status, 0, verify.stderr + verify.stdout);
      assert.match(verify.stdout, /c\.pem: OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a CA (ECDSA P-256) issues a leaf (RSA): the chain verifies and the leaf names its issuer', async () => {
  const caKey = await generatePrivateKey('ECDSA', 256);
  const caPem = createCertificate({ subject: { commonName: 'envoy-gateway', serialNumber: '42' }, isCA: true, usages: ['digital signature', 'key encipherment', 'cert sign'], notBefore: now, notAfter: later, key: caKey });
  const leafKey = await generatePrivateKey('RSA');
  const leafPem = createCertificate({ subject: { commonName: '*' }, dnsNames: ['*.envoy-gateway-system'], notBefore: now, notAfter: later, key: leafKey, issuer: { certPem: caPem, key: caKey } });
  const ca = new X509Certificate(caPem);
  const leaf = new X509Certificate(leafPem);
  assert.equal(ca.ca, true);
  assert.equal(ca.subject, 'serialNumber=42\nCN=envoy-gateway');
  assert.equal(leaf.issuer, ca.subject);
  assert.ok(leaf.checkIssued(ca), 'issuer name and key identifiers match');
  assert.ok(leaf.verify(ca.publicKey), 'signed by the CA key');
  assert.equal(leaf.verify(leaf.publicKey), false, 'not self-signed');
  assert.match(encodePrivateKey(caKey), /^-----BEGIN EC PRIVATE KEY-----/);
  assert.match(encodePrivateKey(leafKey, 'PKCS8'), /^-----BEGIN PRIVATE KEY-----/);
  if (OPENSSL) {
    const dir = mkdtempSync(join(tmpdir(), 'pki-'));
    try {
      const verify = openssl(dir, { 'ca.pem': caPem, 'leaf.pem': leafPem }, ['verify', '-CAfile', 'ca.pem', 'leaf.pem']);
      assert.equal(verify.status, 0, verify.stderr + verify.stdout);
      const wrong = openssl(dir, { 'other.pem': createCertificate({ subject: { commonName: 'other' }, isCA: true, notBefore: now, notAfter: later, key: await generatePrivateKey('ECDSA') }) }, ['verify', '-CAfile', 'other.pem', 'leaf.pem']);
      assert.notEqual(wrong.status, 0, 'another CA does not verify the leaf');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('Ed25519 and an empty subject (SAN critical) are accepted; a CSR carries the SANs and verifies', async () => {
  const key = await generatePrivateKey('Ed25519');
  const pem = createCertificate({ subject: {}, dnsNames: ['only-san.example'], notBefore: now, notAfter: later, key });
  const cert = new X509Certificate(pem);
  assert.ok(!cert.subject, 'empty subject');
  assert.ok(cert.verify(cert.publicKey));
  const csr = createCsr({ subject: { commonName: 'x.example' }, dnsNames: ['x.example'], key: await generatePrivateKey('RSA') });
  assert.match(csr, /^-----BEGIN CERTIFICATE REQUEST-----/);
  if (OPENSSL) {
    const dir = mkdtempSync(join(tmpdir(), 'pki-'));
    try {
      const text = openssl(dir, { 'csr.pem': csr, 'c.pem': pem }, ['req', '-in', 'csr.pem', '-noout', '-verify', '-text']);
      assert.equal(text.status, 0, text.stderr);
      assert.match(text.stderr + text.stdout, /verify OK|Certificate request self-signature verify OK/);
      assert.match(text.stdout, /DNS:x\.example/);
      const c = openssl(dir, {}, ['x509', '-in', 'c.pem', '-noout', '-text']);
      assert.match(c.stdout, /X509v3 Subject Alternative Name: critical\n\s+DNS:only-san\.example/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
