import * as fs from 'node:fs';
import * as path from 'node:path';
import forge from 'node-forge';
import { INSTANCE_DISCOVERY_HOST } from './egressProxy';

export interface TestCertificates {
  /** PEM of the test CA, the file to name in NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly caPem: string;
  readonly keyPem: string;
  readonly certPem: string;
}

function serial(): string {
  return `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
}

/**
 * A throw-away CA and a server certificate it signs for 127.0.0.1, localhost and Entra's instance discovery host (which
 * a test VS Code reaches only through EgressProxy, at the simulated tenant), made at run time so no key is
 * ever committed. Written to `dir` and reused while both files exist, because NODE_EXTRA_CA_CERTS is read
 * only when a process starts: the test runner makes them once and every process it starts trusts them.
 */
export function ensureTestCertificates(dir: string): TestCertificates {
  const caFile = path.join(dir, 'ca.pem');
  // Named for the names the certificate holds: a cache from before the discovery host was added is remade.
  const serverFile = path.join(dir, 'server-with-discovery-host.json');
  if (fs.existsSync(caFile) && fs.existsSync(serverFile)) {
    const server = JSON.parse(fs.readFileSync(serverFile, 'utf8')) as { keyPem: string; certPem: string };
    return { caFile, caPem: fs.readFileSync(caFile, 'utf8'), ...server };
  }
  const now = new Date();
  const notAfter = new Date(now.getTime() + 365 * 24 * 3600 * 1000);
  now.setMinutes(now.getMinutes() - 5);

  const caKeys = forge.pki.rsa.generateKeyPair(2048);
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  ca.validity.notBefore = now;
  ca.validity.notAfter = notAfter;
  const caName = [{ name: 'commonName', value: 'Intune VPP simulated tenant test CA' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const serverKeys = forge.pki.rsa.generateKeyPair(2048);
  const server = forge.pki.createCertificate();
  server.publicKey = serverKeys.publicKey;
  server.serialNumber = serial();
  server.validity.notBefore = now;
  server.validity.notAfter = notAfter;
  server.setSubject([{ name: 'commonName', value: '127.0.0.1' }]);
  server.setIssuer(caName);
  server.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
        { type: 2, value: INSTANCE_DISCOVERY_HOST },
      ],
    },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, forge.md.sha256.create());

  const result = {
    keyPem: forge.pki.privateKeyToPem(serverKeys.privateKey),
    certPem: forge.pki.certificateToPem(server),
  };
  const caPem = forge.pki.certificateToPem(ca);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(serverFile, JSON.stringify(result), { mode: 0o600 });
  fs.writeFileSync(caFile, caPem);
  return { caFile, caPem, ...result };
}
