import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pemBlocks } from '../../src/auth/clientCertificate';
import { readBoundedFile } from '../../src/ui/readBoundedFile';

describe('every file the extension reads has a bound', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intune-vpp-read-'));
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a regular file within the bound, also through a symlink to it', async () => {
    const file = path.join(dir, 'tenants.csv');
    fs.writeFileSync(file, 'label,tenantId\nä,b\n');
    fs.symlinkSync(file, path.join(dir, 'link.csv'));
    const modifiedMs = fs.statSync(file).mtimeMs;
    assert.deepEqual(await readBoundedFile(file, 100), { kind: 'text', text: 'label,tenantId\nä,b\n', size: 20, modifiedMs });
    assert.deepEqual(
      await readBoundedFile(path.join(dir, 'link.csv'), 20),
      { kind: 'text', text: 'label,tenantId\nä,b\n', size: 20, modifiedMs },
      'exactly at the bound, and the time of the file linked to',
    );
  });

  it('a file one byte over the bound is not read into the answer', async () => {
    const file = path.join(dir, 'big.pem');
    fs.writeFileSync(file, 'x'.repeat(65));
    assert.deepEqual(await readBoundedFile(file, 64), { kind: 'tooLarge', size: 65 });
  });

  it('a symlink to /dev/zero (stat says size 0) is refused, not read without end', async () => {
    const link = path.join(dir, 'zero.csv');
    fs.symlinkSync('/dev/zero', link);
    assert.equal(fs.statSync(link).size, 0, 'what stat says: nothing to fear');
    assert.deepEqual(await readBoundedFile(link, 1024), { kind: 'notAFile' });
  });

  it('a FIFO without a writer is refused at once, without blocking', async () => {
    const fifo = path.join(dir, 'pipe.vpptoken');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    assert.deepEqual(await readBoundedFile(fifo, 1024), { kind: 'notAFile' });
  });

  it('a directory is refused', async () => {
    assert.deepEqual(await readBoundedFile(dir, 1024), { kind: 'notAFile' });
  });
});

describe('PEM blocks are found in one pass', () => {
  it('pairs each BEGIN with the first END of its type after it, skipping unmatched and foreign markers', () => {
    const text = [
      'junk -----BEGIN CERTIFICATE-----',
      '-----BEGIN PRIVATE KEY-----',
      'KEY',
      '-----END CERTIFICATE-----',
      '-----END PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----',
      'CERT',
      '-----END CERTIFICATE-----',
      '-----END lowercase-----',
    ].join('\n');
    const blocks = pemBlocks(text);
    assert.deepEqual(
      blocks.map((block) => block.type),
      ['CERTIFICATE', 'CERTIFICATE'],
      'the first CERTIFICATE block swallows the key block inside it, as the regex did',
    );
    assert.ok(blocks[1].pem.startsWith('-----BEGIN CERTIFICATE-----\nCERT'));
    assert.deepEqual(pemBlocks('-----BEGIN A----------END A-----'), [], 'an empty body is no block');
    assert.deepEqual(
      pemBlocks('-----BEGIN A-----\nx\n-----END A-----\n-----BEGIN B-----\ny\n-----END B-----').map((block) => block.pem),
      ['-----BEGIN A-----\nx\n-----END A-----', '-----BEGIN B-----\ny\n-----END B-----'],
    );
  });

  it('many BEGIN lines of many types without END find nothing (the bench times 1 MB of them)', () => {
    const text = Array.from({ length: 2000 }, (_, index) => `-----BEGIN T${String.fromCharCode(65 + (index % 26))}-----\n`).join('');
    assert.deepEqual(pemBlocks(text), []);
  });
});
