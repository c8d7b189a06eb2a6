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

/** A PEM boundary line's marker; the label is bounded, so the scan costs a fixed amount per character. */
const PEM_MARKER = /-----(BEGIN|END) ([A-Z ]{1,64})-----/g;

/**
 * The PEM blocks of a text, in order: each BEGIN with the first matching END after it (blocks do not nest or
 * overlap). One pass over the text and one over its markers, so a hostile file of many unmatched BEGIN lines costs
 * as little as a good one (a backtracking regex took seconds on 400 KB).
 */
export function pemBlocks(text: string): { type: string; pem: string }[] {
  const markers = [...text.matchAll(PEM_MARKER)].map((match) => ({
    begin: match[1] === 'BEGIN',
    type: match[2],
    start: match.index,
    end: match.index + match[0].length,
  }));
  const endsByType = new Map<string, number[]>();
  markers.forEach((marker, index) => {
    if (!marker.begin) {
      const ends = endsByType.get(marker.type) ?? [];
      ends.push(index);
      endsByType.set(marker.type, ends);
    }
  });
  const nextEnd = new Map<string, number>();
  const blocks: { type: string; pem: string }[] = [];
  let consumedTo = 0;
  for (const begin of markers) {
    if (!begin.begin || begin.start < consumedTo) {
      continue;
    }
    const ends = endsByType.get(begin.type) ?? [];
    let cursor = nextEnd.get(begin.type) ?? 0;
    while (cursor < ends.length && markers[ends[cursor]].start <= begin.end) {
      cursor++;
    }
    nextEnd.set(begin.type, cursor);
    if (cursor < ends.length) {
      const end = markers[ends[cursor]];
      blocks.push({ type: begin.type, pem: text.slice(begin.start, end.end) });
      consumedTo = end.end;
    }
  }
  return blocks;
}

/**
 * Reads a private key and its certificate from PEM text (one file holding both, or two files joined), checks that
 * they belong together and derives the thumbprint. Throws a ConfigurationError that says what is wrong.
 */
export function parseClientCertificate(pemText: string): ClientCertificate {
  const blocks = pemBlocks(pemText);
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
