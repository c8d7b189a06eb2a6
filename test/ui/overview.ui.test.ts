import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { PROJECT_ROOT } from '../paths';
import { SECRET_TOKEN_PREFIX } from '../simulatedTenant/seed';
import { SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { waitUntil } from '../support/waitUntil';
import { startUiSession, UiSession } from './session';

const SCREENSHOTS = path.join(PROJECT_ROOT, 'media', 'screenshots');

describe('UI: the Overview shows the tenant at a glance', function () {
  this.timeout(180_000);
  let session: UiSession;
  let overview: FrameLocator;

  before(async () => {
    session = await startUiSession();
    const { driver, tenant } = session;
    // One app of Contoso Retail nearly used up, and every license of Contoso HQ unused: both must stand out.
    for (const app of tenant.apps) {
      if (app.vppTokenId === [...tenant.tokens.values()].find((token) => token.displayName === 'Contoso Retail')?.id) {
        app.usedLicenseCount = app.totalLicenseCount;
      }
      if (app.vppTokenId === [...tenant.tokens.values()].find((token) => token.displayName === 'Contoso HQ')?.id) {
        app.usedLicenseCount = 0;
      }
    }
    await driver.runCommand('Intune VPP: Set Client Secret…');
    await driver.answer('The client secret of the app', SIM_CLIENT_SECRET);
    await driver.notification(/client secret of the app .* was stored/).waitFor({ state: 'visible' });
    // The webview is two frames deep: VS Code's host frame, then the page the extension wrote.
    overview = session.workbench.page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  });

  after(async () => {
    await session?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await session.saveArtifacts(`ui-overview-${this.currentTest.title}`);
    }
  });

  /** What the tenant holds, as the Overview should name and count it. */
  function expectedRows(): { name: string; state: string; used: string; total: string; dated: boolean }[] {
    const { tenant } = session;
    const words: Record<string, string> = {
      valid: 'valid',
      expired: 'expired',
      invalid: 'invalid',
      assignedToExternalMDM: 'assigned to another MDM',
      duplicateLocationId: 'duplicate location',
      unknown: 'unknown state',
    };
    return [...tenant.tokens.values()].map((token) => {
      const apps = tenant.apps.filter((app) => app.vppTokenId === token.id);
      return {
        name: token.displayName ?? token.organizationName ?? token.appleId ?? token.id,
        state: words[token.state ?? 'unknown'],
        used: String(apps.reduce((sum, app) => sum + app.usedLicenseCount, 0)),
        total: String(apps.reduce((sum, app) => sum + app.totalLicenseCount, 0)),
        dated: Boolean(token.expirationDateTime),
      };
    });
  }

  it('opens from the palette and shows every token in its table, its timeline and its license bars, listing the tenant once', async () => {
    const { driver, tenant, workbench } = session;
    tenant.requests.length = 0;
    await driver.runCommand('Intune VPP: Show Overview');
    const rows = overview.locator('#tokens tbody tr');
    const expected = expectedRows();
    await rows.nth(expected.length - 1).waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await rows.count(), expected.length);
    const table = await Promise.all(
      (await rows.all()).map(async (row) => (await row.locator('th, td').allInnerTexts()).map((cell) => cell.trim())),
    );
    for (const want of expected) {
      // A long name is cut with an ellipsis, as in the tree.
      const row = table.find((cells) => cells[0] === want.name || (cells[0].endsWith('…') && want.name.startsWith(cells[0].slice(0, -1))));
      assert.ok(row, `no row for ${want.name}`);
      assert.equal(row[1], want.state, want.name);
      assert.deepEqual([row[3], row[4]], want.used === '0' && want.total === '0' ? ['0', '0'] : [want.used, want.total], want.name);
    }
    assert.match(table.find((cells) => cells[0] === 'Contoso Labs')?.[2] ?? '', /expired 3 days ago/);
    assert.equal(table.find((cells) => cells[0] === 'Contoso Retail')?.[5], 'near its total');
    assert.equal(table.find((cells) => cells[0] === 'Contoso HQ')?.[5], 'licenses bought, none used');

    // The timeline has a mark per dated token, named and coloured by state; the license chart a row per token.
    const marks = await Promise.all(
      (await overview.locator('svg.timeline .mark').all()).map(async (mark) => [
        (await mark.getAttribute('aria-label')) ?? '',
        (await mark.getAttribute('class')) ?? '',
      ]),
    );
    assert.equal(marks.length, expected.filter((want) => want.dated).length);
    const labs = marks.find(([label]) => label.startsWith('Contoso Labs:'));
    assert.match(labs?.[1] ?? '', /\bstate-expired\b.*\bbucket-expired\b/);
    assert.match(marks.find(([label]) => label.startsWith('Contoso Retail:'))?.[1] ?? '', /\bbucket-warning\b/);
    assert.equal(await overview.locator('svg.licenses .row').count(), expected.length);
    assert.equal(await overview.locator('svg.licenses .row.flag-nearTotal').count(), 1);
    assert.equal(await overview.locator('svg.licenses .row.flag-unused').count(), 1);
    const valid = expected.filter((want) => want.state === 'valid').length;
    assert.match((await overview.locator('#counts').innerText()).replace(/\s+/g, ' '), new RegExp(`\\b${valid} valid\\b`));

    // The data came from one listing (its first page, then the pages it links) and one read of the apps.
    assert.equal(
      tenant.requestsFor('list').filter((request) => !request.url.includes('skiptoken')).length,
      1,
      'the tenant was listed once',
    );
    assert.equal(tenant.requestsFor('apps').filter((request) => !request.url.includes('skiptoken')).length, 1, 'the apps were read once');
    assert.ok(!(await overview.locator('body').innerHTML()).includes(SECRET_TOKEN_PREFIX));
    // The listing also fed the expiry alert: its toast would cover the charts in the README's picture.
    await driver.runCommand('Notifications: Clear All Notifications');
    await workbench.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'hidden' });
    await workbench.page.screenshot({ path: path.join(SCREENSHOTS, 'overview.png') });
  });

  it('clicking a token reveals it in the tree, and offers Renew Token… for one that has expired', async () => {
    const { driver, workbench } = session;
    await overview
      .locator('#tokens .token-link')
      .filter({ hasText: /^Contoso Labs$/ })
      .click();
    const selected = workbench.page.locator('.part.sidebar .monaco-list-row.selected');
    await selected.filter({ hasText: 'Contoso Labs' }).waitFor({ state: 'visible' });
    const offer = driver.notification('Contoso Labs: expired 3 days ago.');
    await offer.waitFor({ state: 'visible' });
    assert.equal(await offer.locator('.monaco-button').filter({ hasText: 'Renew Token…' }).count(), 1);

    // A mark on the timeline does the same; a token far from expiry is revealed without an offer.
    await driver.runCommand('Notifications: Clear All Notifications');
    await overview.locator('svg.timeline .mark[aria-label^="Fabrikam School District:"]').click();
    await selected.filter({ hasText: 'Fabrikam School District' }).waitFor({ state: 'visible' });
    assert.equal(await driver.notification('Fabrikam School District:').isVisible(), false);
  });

  it('redraws a token the view reads again after a write: Sync Licenses on a token Intune now shows renewed', async () => {
    const { driver, tenant } = session;
    const hq = [...tenant.tokens.values()].find((token) => token.displayName === 'Contoso HQ');
    assert.ok(hq);
    hq.expirationDateTime = new Date(Date.now() + 300 * 24 * 3600 * 1000 - 3600 * 1000).toISOString();
    await driver.contextMenu('Contoso HQ', 'Sync Licenses');
    await driver.notification('Intune started syncing the licenses of "Contoso HQ"').waitFor({ state: 'visible' });
    await overview
      .locator('#tokens tbody tr')
      .filter({ has: overview.locator('.token-link').getByText('Contoso HQ', { exact: true }) })
      .filter({ hasText: 'expires in 300 days' })
      .waitFor({ state: 'visible' });
    assert.equal(await overview.locator('svg.timeline .mark[aria-label="Contoso HQ: valid, expires in 300 days"]').count(), 1);
  });

  it('keeps what it shows when hidden and shown again, without reading the tenant again', async () => {
    const { driver, tenant } = session;
    tenant.requests.length = 0;
    // Another editor hides the Overview; coming back redraws it from the webview's saved state.
    await driver.runCommand('File: New Untitled Text File');
    await overview.locator('#tokens').waitFor({ state: 'detached' });
    await driver.runCommand('View: Open Previous Editor');
    await overview.locator('#tokens tbody tr').first().waitFor({ state: 'visible' });
    assert.equal(await overview.locator('#tokens tbody tr').count(), expectedRows().length);
    assert.equal(tenant.requestsFor('list').length, 0);
    assert.equal(tenant.requestsFor('apps').length, 0);
    await driver.runCommand('View: Open Next Editor');
    await driver.runCommand('View: Revert and Close Editor');
  });

  /** Presses an export button, accepts VS Code's own save dialog (the workspace folder and the Overview's file name
   * already in it) and returns what was written. */
  async function exportAs(kind: 'svg' | 'png'): Promise<Buffer> {
    const { driver } = session;
    const name = `vpp-overview-${new Date().toISOString().slice(0, 10)}.${kind}`;
    const file = path.join(session.server.workspace, name);
    assert.equal(fs.existsSync(file), false);
    await overview.locator(`#export-${kind}`).click();
    const input = driver.quickInput.locator('input');
    await input.waitFor({ state: 'visible' });
    await waitUntil(async () => (await input.inputValue()).endsWith(`/${name}`), 'the save dialog to offer the file name');
    await session.workbench.page.keyboard.press('Enter');
    await driver.notification('The Overview was saved.').waitFor({ state: 'visible' });
    await waitUntil(() => fs.existsSync(file), `${name} to be written`);
    return fs.readFileSync(file);
  }

  it('exports its charts as SVG where the admin says, names as text', async () => {
    const svg = (await exportAs('svg')).toString('utf8');
    assert.match(svg, /^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /aria-label="Contoso Labs: expired, expired 3 days ago"/);
    assert.ok(!svg.includes(SECRET_TOKEN_PREFIX));
    // The theme's own colours, as the webview computed them (Dark Modern's green, not the export's fallback).
    assert.match(svg, /\.state-valid\{fill:#(?!388a34)[0-9a-f]{6}\}/i);
  });

  it('exports its charts as PNG, drawn in the webview at twice the size', async () => {
    const png = await exportAs('png');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.readUInt32BE(16), 2 * 960, 'the width, at twice the charts');
  });
});
