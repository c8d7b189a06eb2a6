import { CERT_DIR } from './paths';
import { ensureTestCertificates } from './simulatedTenant/certificates';

// Makes the simulated tenant's test CA and server certificate (kept in .vscode-test/certs) before a VS Code that
// trusts them through NODE_EXTRA_CA_CERTS starts: F5's Extension Tests and `npm run test:desktop`.
ensureTestCertificates(CERT_DIR);
console.log(`Test certificates in ${CERT_DIR}`);
