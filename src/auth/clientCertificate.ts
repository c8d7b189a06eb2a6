import { createPrivateKey, X509Certificate } from 'node:crypto';
import * as l10n from '@vscode/l10n';
import { ConfigurationError } from '../errors';

/** A client certificate as msal-node takes it; the thumbprint is derived, never typed. */
export interface ClientCertificate {
  /** PKCS#8 PEM. A secret: kept in SecretStorage only. */
  readonly privateKey: string;
  readonly certificate: string;
  /** Hex SHA-256 thumbprint of the certificate. */
  readonly thumbprintSha256: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Reads a private key and its certificate from PEM text (one file holding both, or two files joined), checks that
 * they belong together and derives the thumbprint. Throws a ConfigurationError that says what is wrong.
 */
export function parseClientCertificate(pemText: string): ClientCertificate {
  const blocks = [...pemText.matchAll(PEM_BLOCK)].map((match) => ({ type: match[1], pem: match[0] }));
  const keyBlock = blocks.find((block) => /PRIVATE KEY$/.test(block.type));
  const certificateBlock = blocks.find((block) => block.type === 'CERTIFICATE');
  if (!keyBlock || !certificateBlock) {
    throw new ConfigurationError(
      l10n.t(
        'Choose PEM files holding both the private key and the certificate (-----BEGIN PRIVATE KEY----- and -----BEGIN CERTIFICATE-----).',
      ),
    );
  }
  if (/ENCRYPTED/.test(keyBlock.type)) {
    throw new ConfigurationError(
      l10n.t('The private key is encrypted. Export it without a password (for example with openssl pkcs8 -nocrypt).'),
    );
  }
  let certificate: X509Certificate;
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    certificate = new X509Certificate(certificateBlock.pem);
    privateKey = createPrivateKey(keyBlock.pem);
  } catch {
    throw new ConfigurationError(l10n.t('The private key or the certificate could not be read.'));
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigurationError(l10n.t('The private key does not belong to the certificate.'));
  }
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: certificateBlock.pem,
    thumbprintSha256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}
