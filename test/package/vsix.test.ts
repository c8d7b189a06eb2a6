// The VSIX holds only what runs: the bundles, the manifest and its translations, the icons and the docs, and the
// licences of the bundled packages.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { PROJECT_ROOT } from '../paths';

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly localHeader: number;
}

/** The entries of a zip, read from its central directory. */
function zipEntries(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip file');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'a central directory entry');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    entries.push({
      name: zip.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: zip.readUInt16LE(offset + 10),
      compressedSize: zip.readUInt32LE(offset + 20),
      localHeader: zip.readUInt32LE(offset + 42),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The content of one zip entry (stored or deflated). */
function zipContent(zip: Buffer, entry: ZipEntry): Buffer {
  const start = entry.localHeader + 30 + zip.readUInt16LE(entry.localHeader + 26) + zip.readUInt16LE(entry.localHeader + 28);
  const data = zip.subarray(start, start + entry.compressedSize);
  return entry.method === 8 ? inflateRawSync(data) : data;
}

describe('the VSIX', () => {
  const vsix = path.join(PROJECT_ROOT, 'intune-vpp-tokens.vsix');

  it('holds exactly the files that run, and no sources, tests, maps or node_modules', () => {
    const entries = zipEntries(fs.readFileSync(vsix))
      .map((entry) => entry.name)
      .sort();
    assert.deepEqual(entries, [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.md',
      'extension/ThirdPartyNotices.txt',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/dist/msal-node.js',
      'extension/dist/overview.js',
      'extension/l10n/bundle.l10n.json',
      'extension/l10n/bundle.l10n.ru.json',
      'extension/media/icon.png',
      'extension/media/intune-vpp.svg',
      'extension/media/overview.css',
      'extension/package.json',
      'extension/package.nls.json',
      'extension/package.nls.ru.json',
      'extension/readme.md',
    ]);
    assert.deepEqual(
      entries.filter((entry) => /\.ts$|\.map$|node_modules|\/src\/|\/test\//.test(entry)),
      [],
    );
  });

  it('ships the licence of every package bundled into dist/, with its version and licence text', () => {
    const zip = fs.readFileSync(vsix);
    const entry = zipEntries(zip).find((candidate) => candidate.name === 'extension/ThirdPartyNotices.txt');
    assert.ok(entry, 'ThirdPartyNotices.txt is in the VSIX');
    const notices = zipContent(zip, entry).toString('utf8');
    const bundled = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'dist', 'third-party-packages.json'), 'utf8')) as {
      name: string;
      version: string;
      license: string;
    }[];
    assert.ok(
      bundled.some((dependency) => dependency.name === '@microsoft/microsoft-graph-client'),
      'the list comes from the bundles',
    );
    assert.ok(bundled.some((dependency) => dependency.name === '@azure/msal-node'));
    assert.deepEqual(
      bundled
        .filter((dependency) => !notices.includes(`${dependency.name} ${dependency.version} (${dependency.license})`))
        .map((dependency) => dependency.name),
      [],
    );
    // Each package's section holds a licence text, not just its name.
    for (const dependency of bundled) {
      const header = `${dependency.name} ${dependency.version} (${dependency.license})`;
      const section = notices.slice(notices.indexOf(header) + header.length).split(/\n={78}\n/)[1] ?? '';
      assert.ok(section.length > 150 && /licen[cs]e|permission|copyright/i.test(section), `the licence text of ${dependency.name}`);
    }
  });
});
