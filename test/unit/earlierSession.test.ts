import * as assert from 'node:assert/strict';
import { EarlierSessionServices, offerEarlierSession } from '../../src/commands/writes/earlierSession';
import { RevokesInFlight } from '../../src/commands/licenses/revokesInFlight';
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

  /** The journal as the crashed window left it, and this window's services over it. */
  function setup(answers: Answer[] = [], choices: string[] = []) {
    const sink = new MemoryJournal();
    const crashed = new TenantJournal(
      sink,
      DEAD,
      () => TENANT,
      async () => 'admin@contoso.com',
    );
    const { ui, log, context } = commandHarness(tenant, answers, {
      service: () => service,
      account: fakeAccount(),
      journal: new TenantJournal(
        sink,
        TEST_SESSION,
        () => TENANT,
        async () => 'admin@contoso.com',
      ),
      polling: { delaysMs: [20, 40] },
      licensePolling: { delaysMs: [20] },
    });
    ui.errorChoices.push(...choices);
    let historyShown = 0;
    const services: EarlierSessionServices = {
      ui,
      log,
      journal: { sink, session: TEST_SESSION },
      read: async () => ({ records: [...sink.records], unreadable: 0 }),
      isLive: liveSession(TEST_SESSION, () => false),
      contextFor: (key) => (key === TENANT.key ? context : undefined),
      showHistory: async () => historyShown++,
      inFlight: new RevokesInFlight(),
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
    assert.equal(outcomes.get(labs.id)?.outcome, 'unconfirmed');
    assert.match(outcomes.get(labs.id)?.reason ?? '', /checked after a restart/);
  });

  it('offers nothing for writes with an outcome, or of a window still running', async () => {
    const { crashed, ui, services, sink } = setup();
    const write = await intendRevoke(crashed, hq);
    await crashed.outcome(write, { outcome: 'accepted' });
    const live = new TenantJournal(
      sink,
      TEST_SESSION,
      () => TENANT,
      async () => 'admin@contoso.com',
    );
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
});
