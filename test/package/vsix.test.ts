// The VSIX holds only what runs: the bundles, the manifest and its translations, the icons and the docs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../paths';

/** File names in a zip, read from its central directory. */
function zipEntries(file: string): string[] {
  const zip = fs.readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'a zip file');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'a central directory entry');
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('the VSIX', () => {
  const vsix = path.join(PROJECT_ROOT, 'intune-vpp-tokens.vsix');

  it('holds exactly the files that run, and no sources, tests, maps or node_modules', () => {
    const entries = zipEntries(vsix).sort();
    assert.deepEqual(entries, [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.md',
      'extension/changelog.md',
      'extension/dist/extension.js',
      'extension/dist/msal-node.js',
      'extension/l10n/bundle.l10n.json',
      'extension/l10n/bundle.l10n.ru.json',
      'extension/media/icon.png',
      'extension/media/intune-vpp.svg',
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
});
