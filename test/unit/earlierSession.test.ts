import * as assert from 'node:assert/strict';
import { EarlierSessionServices, offerEarlierSession } from '../../src/commands/writes/earlierSession';
import { snapshotActions } from '../../src/graph/actionResults';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { revokeLicensesRequest } from '../../src/graph/vppRecords';
import { TenantJournal } from '../../src/journal/journal';
import { entriesOf, liveSession } from '../../src/journal/journalEntries';
import { JournalSession } from '../../src/journal/journalRecords';
import { fakeAccount } from '../support/fakeAccount';
import { MemoryJournal, TEST_SESSION } from '../support/memoryJournal';
import { Answer } from '../support/scriptedUserInput';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { signedInService } from '../support/fixtures';
import { commandHarness, useSimulatedTenant } from '../support/harness';

/** A window that crashed: its process is gone. */
const DEAD: JournalSession = { id: 'crashed-window', pid: 2 ** 22 + 17, host: TEST_SESSION.host };
const TENANT = { key: 'contoso', id: 'contoso.onmicrosoft.com', label: 'Contoso', cloud: 'global' };

describe('writes of an earlier session, after a restart', () => {
  let tenant: SimulatedTenant;
  let service: VppTokenService;
  const seed = seedTokens();
  const [hq, branch, labs] = seed;

  useSimulatedTenant(
    { revokeCompletionMs: 30 },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      service = signedInService(tenant);
    },
  );

  /** A window's journal of a tenant's writes, into `sink`. */
  function journalOf(sink: MemoryJournal, session: JournalSession, tenantOf = TENANT): TenantJournal {
    return new TenantJournal(
      sink,
      session,
      () => tenantOf,
      async () => 'admin@contoso.com',
    );
  }

  /** The journal as the crashed window left it, and this window's services over it. */
  function setup(answers: Answer[] = [], choices: string[] = []) {
    const sink = new MemoryJournal();
    const crashed = journalOf(sink, DEAD);
    const { ui, log, context } = commandHarness(tenant, answers, {
      service: () => service,
      account: fakeAccount(),
      journal: journalOf(sink, TEST_SESSION),
      polling: { delaysMs: [20, 40] },
      licensePolling: { delaysMs: [20] },
    });
    ui.errorChoices.push(...choices);
    let historyShown = 0;
    const services: EarlierSessionServices = {
      ui,
      log,
      journal: { sink, session: TEST_SESSION },
      read: async () => ({ records: [...sink.records], unreadable: 0, skippedFiles: 0 }),
      isLive: liveSession(TEST_SESSION, () => false),
      contextFor: (key) => (key === TENANT.key ? context : undefined),
      showHistory: async () => historyShown++,
    };
    return { sink, crashed, ui, log, services, shown: () => historyShown };
  }

  /** Records a revoke's intent as the crashed window did, just before it sent it. */
  async function intendRevoke(crashed: TenantJournal, token: (typeof seed)[number], run?: string) {
    const fresh = await service.getToken(token.id);
    return crashed.intent(
      {
        operation: 'revokeLicenses',
        target: { tokenId: token.id, tokenName: token.displayName ?? token.id },
        details: { notifyManagedDevices: false, revokeUntrackedLicenses: false },
        request: revokeLicensesRequest(token.id, { notifyManagedDevices: false, revokeUntrackedLicenses: false }),
        evidence: { actions: [...snapshotActions(fresh)] },
      },
      run,
    );
  }

  it('lists the writes sent without an outcome; Check Now reads the tenant and records what it shows, sending nothing', async () => {
    const { sink, crashed, ui, services } = setup([], ['Check Now']);
    await intendRevoke(crashed, hq);
    await service.revokeLicenses(hq.id, { notifyManagedDevices: false, revokeUntrackedLicenses: false });
    await intendRevoke(crashed, labs);
    const posts = tenant.requestsFor('revoke').length;
    await offerEarlierSession(services);
    assert.equal(tenant.requestsFor('revoke').length, posts, 'nothing was sent again');
    const [offer, summary] = ui.shown.filter((shown) => shown.kind === 'warning' || shown.kind === 'error');
    assert.match(offer.message ?? '', /^2 writes from an earlier session were not confirmed/);
    assert.deepEqual(offer.buttons, ['Check Now', 'Show History']);
    assert.equal(summary.kind, 'error');
    assert.match(summary.message ?? '', /1 reached Intune, 1 not shown by the tenant \(not sent again\), 0 could not be checked/);
    const outcomes = new Map(entriesOf(sink.records).entries.map((entry) => [entry.intent.target.tokenId, entry.outcome]));
    assert.equal(outcomes.get(hq.id)?.outcome, 'accepted');
    assert.match(outcomes.get(hq.id)?.reason ?? '', /the token shows the revoke/);
    assert.equal(outcomes.get(hq.id)?.pending, true, 'found received: its result is left to the follow-through');
    assert.equal(outcomes.get(labs.id)?.outcome, 'unconfirmed');
    assert.match(outcomes.get(labs.id)?.reason ?? '', /checked after a restart/);
  });

  it('offers nothing for writes with an outcome, or of a window still running', async () => {
    const { crashed, ui, services, sink } = setup();
    const write = await intendRevoke(crashed, hq);
    await crashed.outcome(write, { outcome: 'accepted' });
    const live = journalOf(sink, TEST_SESSION);
    await live.intent({
      operation: 'syncLicenses',
      target: { tokenId: labs.id },
      details: {},
      request: { method: 'POST', path: `/deviceAppManagement/vppTokens/${labs.id}/syncLicenses` },
      evidence: {},
    });
    await offerEarlierSession(services);
    assert.deepEqual(ui.shown, []);
  });

  it('dismissing the notification reads nothing and records nothing: it is offered again next time', async () => {
    const { crashed, ui, services, sink } = setup();
    await intendRevoke(crashed, hq);
    const before = sink.records.length;
    const requests = tenant.requests.length;
    await offerEarlierSession(services);
    assert.equal(ui.of('warning').length, 1);
    assert.equal(sink.records.length, before);
    assert.equal(tenant.requests.length, requests);
  });

  it('a tenant that cannot be read leaves its writes unfinished, and says why', async () => {
    const { crashed, ui, services, sink } = setup([], ['Check Now']);
    await intendRevoke(crashed, hq);
    tenant.addFault({ route: 'list', status: 403, body: JSON.stringify({ error: { code: 'Forbidden', message: 'Denied.' } }) });
    await offerEarlierSession(services);
    assert.match(
      ui.of('error')[0]?.message ?? '',
      /0 reached Intune, 0 not shown by the tenant \(not sent again\), 1 could not be checked\. 1 writes to "Contoso": /,
    );
    assert.equal(entriesOf(sink.records).entries[0].outcome, undefined);
  });

  it('a bulk revoke cut short: Run Again, after a confirmation naming them, sends only the tokens never sent, once each', async () => {
    const { crashed, ui, services, sink } = setup([{ confirm: true }], ['Run Again for the 2 Tokens Not Sent…']);
    const run = await crashed.run({
      operation: 'revokeLicenses',
      details: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
      tokens: [hq, branch, labs].map((token) => ({ id: token.id, name: token.displayName ?? token.id })),
    });
    const write = await intendRevoke(crashed, hq, run);
    await service.revokeLicenses(hq.id, { notifyManagedDevices: true, revokeUntrackedLicenses: false });
    await crashed.outcome(write, { outcome: 'accepted' });
    await offerEarlierSession(services);
    const offer = ui.of('warning')[0];
    assert.match(
      offer.message ?? '',
      /A revoke of licenses of 3 tokens in "Contoso" was cut short when its window closed: 2 tokens were not sent/,
    );
    const confirm = ui.of('confirm')[0];
    assert.equal(confirm.message, 'Revoke the licenses of the 2 VPP tokens the earlier run did not send?');
    assert.match(confirm.detail ?? '', /Contoso Retail[\s\S]*Contoso Labs[\s\S]*Notify managed devices: yes/);
    const posts = tenant.requestsFor('revoke');
    assert.deepEqual(posts.map((post) => post.tokenId).sort(), [hq.id, branch.id, labs.id].sort());
    assert.deepEqual(
      posts.slice(1).map((post) => JSON.parse(post.body) as unknown),
      [
        { notifyManagedDevices: true, revokeUntrackedLicenses: false },
        { notifyManagedDevices: true, revokeUntrackedLicenses: false },
      ],
    );
    const { runs } = entriesOf(sink.records);
    assert.ok(runs.get(run)?.end, 'the cut run is closed: not offered again');
    assert.equal(runs.size, 2, 'the run again is a run of its own');
  });

  it('a bulk run cut short, and Run Again cancelled in its confirmation, sends nothing and is not offered again', async () => {
    const { crashed, ui, services, sink } = setup([{ confirm: false }], ['Run Again for the 1 Token Not Sent…']);
    const run = await crashed.run({ operation: 'syncLicenses', details: {}, tokens: [{ id: labs.id, name: 'Contoso Labs' }] });
    await offerEarlierSession(services);
    assert.equal(ui.of('confirm')[0].message, 'Sync the licenses of the 1 VPP tokens the earlier run did not send?');
    assert.equal(tenant.requestsFor('sync').length, 0);
    assert.ok(entriesOf(sink.records).runs.get(run)?.end);
  });

  describe('what the check says and offers', () => {
    it('lines the journal could not read are logged with their count; none, nothing logged', async () => {
      const { log, services } = setup();
      await offerEarlierSession({ ...services, read: async () => ({ records: [], unreadable: 3, skippedFiles: 2 }) });
      assert.match(log.text(), /warn The journal of writes has 3 lines that could not be read/);
      assert.match(
        log.text(),
        /warn The journal's folder holds 2 files that are not regular files of the journal's size; they are not read\./,
      );
      const quiet = setup();
      await offerEarlierSession(quiet.services);
      assert.doesNotMatch(quiet.log.text(), /could not be read|not read/);
      assert.deepEqual(quiet.ui.shown, [], 'nothing unfinished: nothing offered');
    });

    it('one write is named as one; Show History opens History and reads nothing', async () => {
      const { crashed, ui, services, shown } = setup([], ['Show History']);
      await intendRevoke(crashed, hq);
      const requests = tenant.requests.length;
      await offerEarlierSession(services);
      assert.match(
        ui.of('warning')[0].message ?? '',
        /^1 write from an earlier session was not confirmed: the window closed before Intune answered\. Check Now reads the tenant; nothing is sent\.$/,
      );
      assert.equal(shown(), 1);
      assert.equal(tenant.requests.length, requests);
    });

    it('every write found: a warning (not an error) with Show History, which opens it; the reading can be cancelled', async () => {
      const { crashed, ui, log, services, shown } = setup([], ['Check Now', 'Show History']);
      await intendRevoke(crashed, hq);
      await service.revokeLicenses(hq.id, { notifyManagedDevices: false, revokeUntrackedLicenses: false });
      await offerEarlierSession(services);
      assert.deepEqual(ui.of('progress')[0], {
        kind: 'progress',
        title: 'Checking 1 writes from an earlier session…',
        buttons: ['Cancel'],
      });
      const [, summary] = ui.of('warning');
      assert.equal(
        summary.message,
        'Writes from an earlier session: 1 reached Intune, 0 not shown by the tenant (not sent again), 0 could not be checked.',
      );
      assert.deepEqual(summary.buttons, ['Show History']);
      assert.deepEqual(ui.of('error'), []);
      assert.equal(shown(), 1);
      assert.match(log.text(), new RegExp(`revokeLicenses of ${hq.id} \\(earlier session\\): reconciled, Intune received it`));
      assert.match(
        log.text(),
        /info Writes from an earlier session: 1 reached Intune, 0 not shown by the tenant \(not sent again\), 0 could not be checked\.$/m,
      );
    });

    it('the summary dismissed opens nothing', async () => {
      const { crashed, services, shown } = setup([], ['Check Now']);
      await intendRevoke(crashed, labs);
      await offerEarlierSession(services);
      assert.equal(shown(), 0);
    });

    it('writes not shown and writes of tenants gone, as many of each: an error listing every tenant gone', async () => {
      const { crashed, sink, ui, log, services } = setup([], ['Check Now']);
      await intendRevoke(crashed, labs);
      await intendRevoke(crashed, branch);
      for (const key of ['gone-a', 'gone-b']) {
        const elsewhere = journalOf(sink, DEAD, { ...TENANT, key, label: key });
        await elsewhere.intent({
          operation: 'syncLicenses',
          target: { tokenId: hq.id },
          details: {},
          request: { method: 'POST', path: `/deviceAppManagement/vppTokens/${hq.id}/syncLicenses` },
          evidence: {},
        });
      }
      await offerEarlierSession(services);
      assert.deepEqual(ui.of('warning').length, 1, 'only the offer: the summary is an error');
      assert.match(ui.of('error')[0].message ?? '', /2 not shown by the tenant \(not sent again\), 2 could not be checked/);
      assert.match(
        log.text(),
        /\n- 1 writes to "gone-a": the tenant is no longer configured\n- 1 writes to "gone-b": the tenant is no longer configured/,
      );
    });

    it('a write the tenant does not show: an error with Show History, which opens it', async () => {
      const { crashed, ui, services, shown } = setup([], ['Check Now', 'Show History']);
      await intendRevoke(crashed, labs);
      await offerEarlierSession(services);
      assert.deepEqual(ui.of('error')[0].buttons, ['Show History']);
      assert.equal(shown(), 1);
    });

    it('a write of a tenant no longer configured: not read, said so, and left unfinished', async () => {
      const { crashed, ui, log, services, sink } = setup([], ['Check Now']);
      await intendRevoke(crashed, hq);
      const requests = tenant.requests.length;
      await offerEarlierSession({ ...services, contextFor: () => undefined });
      assert.equal(tenant.requests.length, requests, 'nothing read');
      assert.equal(
        ui.of('error')[0].message,
        'Writes from an earlier session: 0 reached Intune, 0 not shown by the tenant (not sent again), 1 could not be checked. 1 writes to "Contoso": the tenant is no longer configured',
      );
      assert.match(log.text(), /could not be checked\.\n- 1 writes to "Contoso": the tenant is no longer configured/);
      assert.equal(entriesOf(sink.records).entries[0].outcome, undefined);
    });

    it('a tenant that cannot be read is logged with the reason', async () => {
      const { crashed, log, services } = setup([], ['Check Now']);
      await intendRevoke(crashed, hq);
      tenant.addFault({ route: 'list', status: 403, body: JSON.stringify({ error: { code: 'Forbidden', message: 'Denied.' } }) });
      await offerEarlierSession(services);
      assert.match(log.text(), /warn Could not read the tenant Contoso to check writes of an earlier session: /);
    });

    it('a per-app write is named by its app in the log', async () => {
      const { crashed, log, services } = setup([], ['Check Now']);
      await crashed.intent({
        operation: 'revokeAppLicenses',
        target: { appId: 'app-0-0', appName: 'Microsoft Teams' },
        details: { notifyManagedDevices: false },
        request: { method: 'POST', path: '/deviceAppManagement/mobileApps/app-0-0/microsoft.graph.iosVppApp/revokeAllLicenses' },
        evidence: { results: [] },
      });
      await service.revokeAppLicenses('app-0-0', false);
      await offerEarlierSession(services);
      assert.match(log.text(), /revokeAppLicenses of app-0-0 \(earlier session\): reconciled, Intune received it/);
    });
  });

  describe('a bulk run cut short', () => {
    async function cutRun(crashed: TenantJournal, operation: 'revokeLicenses' | 'syncLicenses', tokens = [hq, branch], details = {}) {
      return crashed.run({ operation, details, tokens: tokens.map((token) => ({ id: token.id, name: token.displayName ?? token.id })) });
    }

    it('Show History opens History, and the run is offered again next time', async () => {
      const { crashed, ui, services, sink, shown } = setup([], ['Show History']);
      const run = await cutRun(crashed, 'syncLicenses');
      await offerEarlierSession(services);
      assert.deepEqual(ui.of('warning')[0].buttons, ['Run Again for the 2 Tokens Not Sent…', 'Show History']);
      assert.match(ui.of('warning')[0].message ?? '', /^A sync of licenses of 2 tokens in "Contoso" was cut short/);
      assert.equal(shown(), 1);
      assert.equal(entriesOf(sink.records).runs.get(run)?.end, undefined);
      assert.deepEqual(tenant.requests, []);
    });

    it('dismissed: nothing read, nothing closed', async () => {
      const { crashed, services, sink, shown } = setup();
      const run = await cutRun(crashed, 'revokeLicenses');
      await offerEarlierSession(services);
      assert.equal(shown(), 0);
      assert.equal(entriesOf(sink.records).runs.get(run)?.end, undefined);
      assert.deepEqual(tenant.requests, []);
    });

    it('a run with nothing left to send, or of a tenant no longer configured, is closed without a word', async () => {
      const { crashed, ui, services, sink } = setup();
      const run = await cutRun(crashed, 'syncLicenses', [hq]);
      const write = await crashed.intent(
        {
          operation: 'syncLicenses',
          target: { tokenId: hq.id },
          details: {},
          request: { method: 'POST', path: `/deviceAppManagement/vppTokens/${hq.id}/syncLicenses` },
          evidence: {},
        },
        run,
      );
      await crashed.outcome(write, { outcome: 'accepted' });
      const elsewhere = await cutRun(crashed, 'revokeLicenses');
      await offerEarlierSession({ ...services, contextFor: (key) => (key === 'gone' ? undefined : services.contextFor(key)) });
      assert.ok(entriesOf(sink.records).runs.get(run)?.end, 'nothing left: closed');
      assert.equal(ui.of('warning').length, 1, 'only the run with tokens left is offered');

      const second = setup();
      const unconfigured = await cutRun(second.crashed, 'revokeLicenses');
      await offerEarlierSession({ ...second.services, contextFor: () => undefined });
      assert.ok(entriesOf(second.sink.records).runs.get(unconfigured)?.end);
      assert.deepEqual(second.ui.shown, []);
      assert.ok(elsewhere);
    });

    it('a run of a write that is not run in bulk is closed without a word', async () => {
      const { crashed, ui, services, sink } = setup();
      const run = await crashed.run({ operation: 'deleteToken', details: {}, tokens: [{ id: hq.id, name: 'Contoso HQ' }] });
      await offerEarlierSession(services);
      assert.ok(entriesOf(sink.records).runs.get(run)?.end);
      assert.deepEqual(ui.shown, []);
    });

    it('tokens gone since: named in the confirmation; all gone, nothing sent and said so', async () => {
      const { crashed, ui, services } = setup([{ confirm: true }], ['Run Again for the 2 Tokens Not Sent…']);
      await cutRun(crashed, 'syncLicenses', [hq, { ...branch, id: 'gone-token' }]);
      await offerEarlierSession(services);
      const [confirm] = ui.of('confirm');
      assert.equal(confirm.message, 'Sync the licenses of the 1 VPP tokens the earlier run did not send?');
      assert.match(confirm.detail ?? '', /\n1 of the tokens not sent no longer exist in Intune\.$/);
      assert.doesNotMatch(confirm.detail ?? '', /Notify managed devices/, 'a sync has no revoke options');
      assert.deepEqual(confirm.buttons, ['Sync Licenses']);
      assert.deepEqual(
        tenant.requestsFor('sync').map((post) => post.tokenId),
        [hq.id],
      );

      const allGone = setup([], ['Run Again for the 1 Token Not Sent…']);
      const run = await cutRun(allGone.crashed, 'revokeLicenses', [{ ...hq, id: 'gone-1' }]);
      await offerEarlierSession(allGone.services);
      assert.equal(
        allGone.ui.of('info')[0].message,
        'None of the 1 tokens the earlier run did not send exist in Intune any more; nothing was sent.',
      );
      assert.equal(tenant.requestsFor('revoke').length, 0);
      assert.ok(entriesOf(allGone.sink.records).runs.get(run)?.end);
      assert.equal(allGone.ui.of('progress')[0].title, 'Reading the VPP tokens…');
    });

    it("a revoke's confirmation reads the apps' assignments again: Revoke Anyway, beside Change Assignments First…, sends the revoke alone", async () => {
      const school = seed[9];
      const { crashed, ui, services } = setup([{ button: 'Revoke Anyway' }], ['Run Again for the 1 Token Not Sent…']);
      await cutRun(crashed, 'revokeLicenses', [school]);
      await offerEarlierSession(services);
      const [confirm] = ui.of('confirm');
      assert.deepEqual(confirm.buttons, ['Revoke Anyway', 'Change Assignments First…']);
      assert.match(confirm.detail ?? '', /• Microsoft Teams: Required: group 6f1c2a4e-0000-4000-8000-000000000001\n/);
      assert.deepEqual(
        tenant.requests.filter((request) => request.method !== 'GET' && request.route !== 'batch').map((request) => request.route),
        ['revoke'],
      );
    });

    it("a revoke's confirmation: no line about tokens gone when none are, its options and consequences, and its options sent", async () => {
      const { crashed, ui, services } = setup([{ confirm: true }], ['Run Again for the 1 Token Not Sent…']);
      await cutRun(crashed, 'revokeLicenses', [labs], { notifyManagedDevices: 'yes', revokeUntrackedLicenses: true });
      await offerEarlierSession(services);
      const [confirm] = ui.of('confirm');
      assert.deepEqual(confirm.buttons, ['Revoke Licenses']);
      assert.doesNotMatch(confirm.detail ?? '', /no longer exist/);
      assert.match(
        confirm.detail ?? '',
        /Contoso Labs\nThe VPP apps of this token: 4, licenses used: 38 of 140\n\nNotify managed devices: no\n.*\n\n\S/,
      );
      assert.deepEqual(
        tenant.requestsFor('revoke').map((post) => JSON.parse(post.body) as unknown),
        [{ notifyManagedDevices: false, revokeUntrackedLicenses: true }],
      );
    });
  });
});
