import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { entriesOf } from '../../src/journal/journalEntries';
import { JournalFile } from '../../src/journal/journalFile';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { waitUntil } from '../support/waitUntil';
import { startUiSession, storeSecret, UiSession } from './session';

describe('UI: a window killed in the middle of a bulk revoke, and the next start', function () {
  this.timeout(300_000);
  const seed = seedTokens();
  // Two revokes Intune carries out but whose answers never come; one answered; two whose reading never ends, so
  // that they are not sent before the window dies.
  const hanging = [seed[0], seed[7]];
  const answered = seed[14];
  const neverSent = [seed[9], seed[8]];
  const chosen = [...hanging, answered, ...neverSent];
  const name = (token: (typeof seed)[number]) => token.displayName ?? '';
  let first: UiSession | undefined;
  let second: UiSession | undefined;
  let tenant: SimulatedTenant | undefined;

  after(async () => {
    await first?.stop().catch(() => undefined);
    await second?.stop();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      await second?.saveArtifacts(`ui-${this.currentTest.title}`);
    }
  });

  it('lists the writes left unconfirmed; Check Now records what the tenant shows; Run Again sends only the tokens never sent; each token is revoked once', async () => {
    // A short request timeout: the JSON batch that reads the chosen tokens hangs with the two reads below, times out,
    // and each token is then read alone, as a client does after a lost batch.
    first = await startUiSession({ userSettings: { 'intuneVpp.requestTimeoutSeconds': 3 } });
    tenant = first.tenant;
    await storeSecret(first);
    const { driver } = first;
    await driver.openContainer('Intune VPP');
    for (const token of hanging) {
      tenant.addFault({ route: 'revoke', tokenId: token.id, afterExecute: true, hang: true });
    }
    for (const token of neverSent) {
      // Twice: its read in the batch, then its read alone.
      tenant.addFault({ route: 'get', tokenId: token.id, hang: true, times: 2 });
    }
    await driver.treeRow(name(chosen[0])).click();
    for (const token of chosen.slice(1)) {
      await driver.treeRow(name(token)).click({ modifiers: ['Control'] });
    }
    await driver.contextMenu(name(chosen[chosen.length - 1]), 'Revoke Licenses…');
    await driver.waitForQuickPick(`Revoke licenses of ${chosen.length} VPP tokens`);
    await driver.acceptQuickPick();
    await driver.dialog.waitFor({ state: 'visible' });
    // The apps of Школа № 5 — Москва are still assigned: the confirmation offers Revoke Anyway beside Change Assignments First….
    assert.match(await driver.dialog.innerText(), /Still assigned: Intune licenses these apps again/);
    await driver.dialogButton('Revoke Anyway');
    const revoked = (id: string) => tenant?.executed.filter((write) => write.route === 'revoke' && write.tokenId === id).length ?? 0;
    await waitUntil(
      () =>
        [...hanging, answered].every((token) => revoked(token.id) === 1) &&
        neverSent.every(
          (token) =>
            (tenant?.requestsFor('get') ?? []).filter((request) => request.tokenId === token.id && !request.headers['x-sim-batch']).length >
            0,
        ),
      'three revokes carried out and the two other tokens being read',
    );
    // And the window has recorded the answered one's outcome: only the two hanging are left without one.
    const journal = new JournalFile(
      path.join(first.server.userDataDir, 'User', 'globalStorage', 'intune-vpp-tools.intune-vpp-tokens', 'journal'),
      { retentionDays: () => 365, onUnwritable: () => undefined },
    );
    await waitUntil(async () => {
      const { entries } = entriesOf((await journal.read()).records);
      return entries.some((entry) => entry.intent.target.tokenId === answered.id && entry.outcome?.outcome === 'accepted');
    }, "the answered revoke's outcome in the journal");
    const after = await first.crash();
    first = undefined;
    tenant.clearFaults();

    second = await startUiSession({ after });
    const restarted = second.driver;
    await storeSecret(second);
    // The start-up notifications came while the secret was stored: they are in the notification center.
    const offer = await restarted.centerNotification(/2 writes from an earlier session were not confirmed/);
    await offer.waitFor({ state: 'visible' });
    await offer.locator('.monaco-button').filter({ hasText: 'Check Now' }).click();
    const checked = await restarted.centerNotification(/Writes from an earlier session: 2 reached Intune, 0 not shown by the tenant/);
    await checked.waitFor({ state: 'visible' });
    const cut = await restarted.centerNotification(/was cut short when its window closed: 2 tokens were not sent/);
    await cut.waitFor({ state: 'visible' });
    assert.match(await cut.innerText(), new RegExp(`A revoke of licenses of ${chosen.length} tokens`));
    await cut.locator('.monaco-button').filter({ hasText: 'Run Again for the 2 Tokens Not Sent…' }).click();
    await restarted.dialog.waitFor({ state: 'visible' });
    const dialog = await restarted.dialog.innerText();
    assert.match(dialog, /Revoke the licenses of the 2 VPP tokens the earlier run did not send\?/);
    for (const token of neverSent) {
      assert.ok(dialog.includes(name(token)), name(token));
    }
    // Run Again reads the apps' assignments again: Школа № 5 — Москва is still assigned, as in the first run.
    assert.match(dialog, /Still assigned: Intune licenses these apps again/);
    await restarted.dialogButton('Revoke Anyway');
    await (
      await restarted.centerNotification(/2 of 2 tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent/)
    ).waitFor({
      state: 'visible',
    });
    // The tenant's own record: every chosen token was revoked exactly once, across both windows.
    assert.deepEqual(
      chosen.map((token) => [name(token), revoked(token.id)]),
      chosen.map((token) => [name(token), 1]),
    );
  });
});
