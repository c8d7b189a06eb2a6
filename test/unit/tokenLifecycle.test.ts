import * as assert from 'node:assert/strict';
import { addToken } from '../../src/commands/tokens/addToken';
import { deleteToken } from '../../src/commands/tokens/deleteToken';
import { editToken, takeOverToken } from '../../src/commands/tokens/editToken';
import { renewToken } from '../../src/commands/tokens/renewToken';
import { retireToken } from '../../src/commands/tokens/retireToken';
import { revokeAppLicense, revokeAppLicenses } from '../../src/commands/licenses/appLicenses';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { fakeAccount } from '../support/fakeAccount';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { SECRET_TOKEN_PREFIX, seedLocation, seedTokens, vppTokenFile } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { RecordingLogger, signedInService } from '../support/fixtures';
import { commandHarness, runAsCommand, useSimulatedTenant } from '../support/harness';

const TOKENS = '/beta/deviceAppManagement/vppTokens';

/** A picked `.vpptoken` file with the given text. */
function file(text: string, name = 'Berlin.vpptoken'): Answer {
  return { file: { name, size: Buffer.byteLength(text), text } };
}

/** The file Apple hands out for a location. */
function tokenFileOf(location: string, orgName = 'Contoso Ltd', expDate = '2027-11-29T12:00:00+0000'): Answer {
  return file(vppTokenFile({ location, orgName, expDate }));
}

/** What Graph's `token` field carries for a file: Base64 of its text. */
function uploaded(answer: Answer): string {
  return Buffer.from((answer as { file: { text: string } }).file.text).toString('base64');
}

/** The answers of Add VPP Token… after the file, up to the confirmation. */
const ADD_STEPS: Answer[] = [
  { pick: 'Apple Business Manager' },
  { text: 'Berlin office' },
  { text: 'vpp-berlin@contoso.example' },
  { pick: 'Germany' },
  { pick: 'Update apps automatically' },
  { pick: 'I agree' },
];

describe('Token lifecycle commands (scripted UI, simulated tenant)', () => {
  let tenant: SimulatedTenant;
  let service: VppTokenService;
  const seed = seedTokens();
  const hq = seed[0];
  const labs = seed[2];
  const external = seed[3];

  useSimulatedTenant(
    { revokeCompletionMs: 60 },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      service = signedInService(tenant);
    },
  );

  function setup(answers: Answer[]) {
    return commandHarness(tenant, answers, {
      service: () => service,
      account: fakeAccount(),
      polling: { delaysMs: [30, 60, 120, 240] },
      licensePolling: { delaysMs: [30, 60, 120, 240, 480] },
    });
  }

  /** Runs a command as registerCommands does (errors go to the one reporter) and checks every prompt was scripted. */
  function run(ui: ScriptedUserInput, log: RecordingLogger, command: () => Promise<void>) {
    return runAsCommand(ui, log, command);
  }

  /** Every request that changed something, as "METHOD path". */
  /** The writes the tenant received: a JSON batch (a POST of reads, such as the apps' assignments) is none. */
  function writes(): string[] {
    return tenant.requests
      .filter((request) => request.method !== 'GET' && request.route !== 'batch')
      .map((request) => `${request.method} ${request.url}`);
  }

  function assertNoSecretIn(...texts: string[]) {
    for (const text of texts) {
      assert.doesNotMatch(text, new RegExp(SECRET_TOKEN_PREFIX));
      for (const request of tenant.requestsFor('create').concat(tenant.requestsFor('update'))) {
        const sent = (JSON.parse(request.body) as { token?: string }).token;
        if (sent) {
          assert.ok(!text.includes(sent), 'the uploaded token never appears in what the admin sees or the log');
        }
      }
    }
  }

  describe('Add VPP Token…', () => {
    it('posts the admin fields once, with the file text Base64-encoded, and says what was added', async () => {
      const picked = tokenFileOf('Berlin');
      const { ui, log, store, context } = setup([picked, ...ADD_STEPS, { confirm: true }]);
      await run(ui, log, () => addToken(context, 'en'));
      const [post] = tenant.requestsFor('create');
      assert.equal(tenant.requestsFor('create').length, 1);
      assert.equal(post.url, TOKENS);
      assert.deepEqual(JSON.parse(post.body), {
        '@odata.type': '#microsoft.graph.vppToken',
        token: uploaded(picked),
        displayName: 'Berlin office',
        appleId: 'vpp-berlin@contoso.example',
        countryOrRegion: 'de',
        vppTokenAccountType: 'business',
        automaticallyUpdateApps: true,
        dataSharingConsentGranted: true,
        claimTokenManagementFromExternalMdm: false,
        roleScopeTagIds: ['0'],
      });
      const steps = ui
        .of('pickOne')
        .concat(ui.of('inputText'))
        .map((shown) => shown.step);
      assert.ok(steps.includes('1/6') && steps.includes('6/6'), 'the steps count to six');
      assert.equal(ui.of('inputText')[0].value, 'Contoso Ltd', "the name starts from the file's organization");
      const confirmation = ui.of('confirm')[0];
      assert.match(confirmation.detail ?? '', /Organization in the file: Contoso Ltd\nExpires \(from the file\): November 29, 2027/);
      assert.match(confirmation.detail ?? '', /Country or region: Germany \(de\)/);
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['Added the VPP token "Berlin office" (Contoso Ltd); it expires on November 29, 2027. Intune syncs its apps in the background.'],
      );
      assert.equal(store.relists, 1, 'the new token appears in the tree');
      assertNoSecretIn(log.text(), JSON.stringify(ui.shown));
    });

    it('explains a token for a location that already has one (duplicateLocationId)', async () => {
      const { ui, log, context } = setup([tokenFileOf(seedLocation(1)), ...ADD_STEPS, { confirm: true }]);
      await run(ui, log, () => addToken(context, 'en'));
      assert.equal(tenant.requestsFor('create').length, 1);
      assert.match(ui.of('error')[0].message ?? '', /another VPP token already serves this location \(duplicate location\).*Renew Token…/);
      assert.deepEqual(ui.of('info'), []);
    });

    const badFiles: [string, Answer, RegExp][] = [
      ['empty', file('  \n'), /is empty/],
      ['not a token (a PDF)', file('%PDF-1.7\n%âãÏÓ\n1 0 obj'), /is not a VPP token/],
      [
        '10 MB',
        { file: { name: 'huge.vpptoken', size: 10 * 1024 * 1024, text: 'QUFB'.repeat(10) } },
        /is 10240 KB: a VPP token file is a few KB at most/,
      ],
    ];
    for (const [what, answer, message] of badFiles) {
      it(`refuses a token file that is ${what}, with a clear message, and sends nothing`, async () => {
        const { ui, log, context } = setup([answer]);
        await run(ui, log, () => addToken(context, 'en'));
        assert.match(ui.of('error')[0].message ?? '', message);
        assert.deepEqual(writes(), []);
      });
    }

    it('accepts a Base64 file it cannot read, and says its organization and expiry are unknown', async () => {
      const { ui, log, context } = setup([
        file(Buffer.from('opaque token bytes').toString('base64')),
        ...ADD_STEPS.slice(0, 1),
        { text: 'Opaque' },
        ...ADD_STEPS.slice(2),
        { confirm: false },
      ]);
      await run(ui, log, () => addToken(context, 'en'));
      assert.match(ui.of('confirm')[0].detail ?? '', /organization and expiry could not be read/);
      assert.deepEqual(writes(), [], 'declined: nothing sent');
    });

    for (let stop = 0; stop <= ADD_STEPS.length + 1; stop++) {
      it(`dismissed at step ${stop + 1} of ${ADD_STEPS.length + 2}: nothing is sent`, async () => {
        const answers: Answer[] = [tokenFileOf('Berlin'), ...ADD_STEPS, { confirm: true }].slice(0, stop);
        const { ui, log, context } = setup([...answers, 'escape']);
        await run(ui, log, () => addToken(context, 'en'));
        assert.deepEqual(writes(), []);
        assert.deepEqual(ui.of('error'), []);
      });
    }

    it('Back returns to the step before with its answer kept', async () => {
      const { ui, log, context } = setup([
        tokenFileOf('Berlin'),
        { pick: 'Apple School Manager' },
        { text: 'Lincoln' },
        'back',
        { text: 'Lincoln Elementary' },
        { text: 'vpp@fabrikam.example' },
        { pick: 'United States' },
        { pick: 'Do not update apps automatically' },
        { pick: 'I agree' },
        { confirm: true },
      ]);
      await run(ui, log, () => addToken(context, 'en'));
      const body = JSON.parse(tenant.requestsFor('create')[0].body) as Record<string, unknown>;
      assert.equal(body.displayName, 'Lincoln Elementary');
      assert.equal(body.vppTokenAccountType, 'education');
      assert.equal(body.automaticallyUpdateApps, false);
      assert.equal(ui.of('inputText')[2].value, 'Lincoln', 'the name step, asked again after Back, starts from its earlier answer');
    });

    it('without the data-sharing consent, adds nothing and says why', async () => {
      const { ui, log, context } = setup([tokenFileOf('Berlin'), ...ADD_STEPS.slice(0, 5), { pick: 'I do not agree' }]);
      await run(ui, log, () => addToken(context, 'en'));
      assert.deepEqual(writes(), []);
      assert.match(ui.of('info')[0].message ?? '', /Nothing was added: Intune needs the consent/);
    });

    it('an answer lost after Intune added the token is reconciled by listing, never posted twice', async () => {
      tenant.addFault({ route: 'create', status: 503, afterExecute: true });
      const { ui, log, context } = setup([tokenFileOf('Berlin'), ...ADD_STEPS, { confirm: true }]);
      await run(ui, log, () => addToken(context, 'en'));
      assert.equal(tenant.requestsFor('create').length, 1);
      assert.equal(tenant.executed.filter((write) => write.route === 'create').length, 1);
      assert.match(ui.of('info')[0].message ?? '', /Added the VPP token "Berlin office"/);
      assert.match(log.text(), /reconciled, Intune received it/);
    });

    it('an answer lost before Intune acted leaves it unconfirmed: Send Again needs a second confirmation', async () => {
      tenant.addFault({ route: 'create', status: 503 });
      const { ui, log, context } = setup([tokenFileOf('Berlin'), ...ADD_STEPS, { confirm: true }, { confirm: true }]);
      ui.errorChoices.push('Send Again');
      await run(ui, log, () => addToken(context, 'en'));
      assert.match(ui.of('error')[0].message ?? '', /Adding the VPP token "Berlin office" is not confirmed/);
      assert.match(ui.of('confirm')[1].message ?? '', /Add the VPP token "Berlin office" again\?/);
      assert.equal(tenant.requestsFor('create').length, 2);
      assert.equal(tenant.executed.filter((write) => write.route === 'create').length, 1);
    });
  });

  describe('Renew Token…', () => {
    it('PATCHes only the new token, then syncs, and tells the new expiry', async () => {
      const picked = tokenFileOf(seedLocation(3), 'Contoso Ltd', '2027-12-01T00:00:00+0000');
      const { ui, log, store, context } = setup([picked, { confirm: true }]);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${labs.id}`, `POST ${TOKENS}/${labs.id}/syncLicenses`]);
      assert.deepEqual(JSON.parse(tenant.requestsFor('update')[0].body), { token: uploaded(picked) });
      assert.equal(ui.of('confirm')[0].message, 'Renew the VPP token "Contoso Labs" until December 1, 2027?');
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['Renewed the VPP token "Contoso Labs": it expires on December 1, 2027.'],
      );
      assert.deepEqual(store.writtenTokens, [labs.id]);
      assertNoSecretIn(log.text(), JSON.stringify(ui.shown));
    });

    it('a sync after the renewal that fails is told as such, never as a failed renewal, and is not resent', async () => {
      tenant.addFault({ route: 'sync', status: 403 });
      const picked = tokenFileOf(seedLocation(3), 'Contoso Ltd', '2027-12-01T00:00:00+0000');
      const { ui, log, store, context } = setup([picked, { confirm: true }]);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${labs.id}`, `POST ${TOKENS}/${labs.id}/syncLicenses`]);
      const [error] = ui.of('error');
      assert.match(
        error?.message ?? '',
        /^The change of "Contoso Labs" is done, but the sync that follows it failed: .+ Run Sync Licenses on the token\.$/,
      );
      assert.deepEqual(error?.buttons, []);
      assert.deepEqual(ui.of('info'), [], 'no "Renewed" while its sync failed');
      assert.deepEqual(store.writtenTokens, [labs.id], 'the renewal is still read back');
      assert.match(log.text(), new RegExp(`Sync after the change of token ${labs.id} failed: `));
    });

    it('a sync after the renewal whose answer is lost and that the token never shows is "not confirmed", never resent', async () => {
      tenant.addFault({ route: 'sync', status: 504 });
      const picked = tokenFileOf(seedLocation(3), 'Contoso Ltd', '2027-12-01T00:00:00+0000');
      const { ui, log, context } = setup([picked, { confirm: true }]);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.equal(tenant.requestsFor('sync').length, 1);
      assert.match(
        ui.of('error')[0]?.message ?? '',
        /^The change of "Contoso Labs" is done, but the sync that follows it failed: .*may have carried out this request/,
      );
      assert.deepEqual(ui.of('info'), []);
    });

    it("warns when the file is another organization's, and sends nothing when the admin stops there", async () => {
      const { ui, log, context } = setup([tokenFileOf('Elsewhere', 'Fabrikam Schools'), { confirm: false }]);
      await run(ui, log, () => renewToken(context, hq, 'en'));
      assert.equal(ui.of('confirm')[0].message, 'Renew "Contoso HQ" with a token of another organization (Fabrikam Schools)?');
      assert.deepEqual(ui.of('confirm')[0].buttons, ['Renew Anyway']);
      assert.deepEqual(writes(), []);
    });

    it('a token deleted meanwhile (404) is said so and the list refreshed; nothing else is sent', async () => {
      tenant.tokens.delete(hq.id);
      const { ui, log, store, context } = setup([tokenFileOf(seedLocation(1)), { confirm: true }]);
      await run(ui, log, () => renewToken(context, hq, 'en'));
      assert.match(log.text(), new RegExp(`Renew token ${hq.id} at \\S+: failed: `));
      assert.match(ui.of('error')[0].message ?? '', /"Contoso HQ" no longer exists in Intune; the list was refreshed/);
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${hq.id}`]);
      assert.equal(store.relists, 1);
    });

    it('refuses a file that is not a token before anything is sent', async () => {
      const { ui, log, context } = setup([file('{"not":"a token"}', 'notes.json')]);
      await run(ui, log, () => renewToken(context, hq, 'en'));
      assert.match(ui.of('error')[0].message ?? '', /"notes.json" is not a VPP token/);
      assert.deepEqual(writes(), []);
    });

    it("a lost answer to the PATCH is reconciled by reading the token's modification time: sent once, then synced", async () => {
      tenant.addFault({ route: 'update', status: 502, afterExecute: true });
      const { ui, log, context } = setup([tokenFileOf(seedLocation(3), 'Contoso Ltd', '2027-12-01T00:00:00+0000'), { confirm: true }]);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${labs.id}`, `POST ${TOKENS}/${labs.id}/syncLicenses`]);
      assert.deepEqual(ui.of('error'), []);
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['Renewed the VPP token "Contoso Labs": it expires on December 1, 2027.'],
      );
      assert.match(log.text(), /Renew token .*: reconciled, Intune received it \(the token shows a change since it was sent\)/);
    });

    it('a PATCH whose answer was lost and that the token does not show is "not confirmed", never resent on its own', async () => {
      tenant.addFault({ route: 'update', status: 502 });
      const { ui, log, store, context } = setup([tokenFileOf(seedLocation(3)), { confirm: true }]);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${labs.id}`], 'one PATCH, and no sync of a renewal not confirmed');
      const [error] = ui.of('error');
      assert.match(
        error.message ?? '',
        /The renewal of "Contoso Labs" is not confirmed: the token shows no change since it was sent\. .*may have carried out this request/,
      );
      assert.deepEqual(error.buttons, ['Check Again', 'Send Again']);
      assert.deepEqual(ui.of('info'), []);
      assert.deepEqual(store.writtenTokens, []);
      assert.deepEqual(ui.of('progress')[0].buttons, ['Cancel'], 'the reading can be stopped');
      assert.ok(ui.progressReports.includes("Intune's answer was lost; reading the tenant to see whether the change reached it"));
      const logged = log.text();
      assert.match(logged, new RegExp(`Renew token ${labs.id} at \\S+: unconfirmed: `));
      assert.match(logged, new RegExp(`Renew token ${labs.id}: left unconfirmed by the user`));
    });

    it('Check Again on an unconfirmed renewal reads the token again: a change Intune shows late is accepted, and nothing is resent', async () => {
      tenant.addFault({ route: 'update', status: 502 });
      const { ui, log, context } = setup([tokenFileOf(seedLocation(3), 'Contoso Ltd', '2027-12-01T00:00:00+0000'), { confirm: true }]);
      ui.errorChoices.push('Check Again');
      ui.onError = () => {
        const stored = tenant.tokens.get(labs.id);
        if (stored) {
          stored.lastModifiedDateTime = new Date().toISOString();
        }
      };
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${labs.id}`, `POST ${TOKENS}/${labs.id}/syncLicenses`]);
      assert.equal(ui.of('error').length, 1);
      const renewing = ui.of('progress').filter((shown) => shown.title === 'Renewing the VPP token "Contoso Labs"…');
      assert.deepEqual(
        renewing.map((shown) => shown.buttons),
        [['Cancel'], ['Cancel']],
        'the send and the Check Again can both be stopped',
      );
      assert.match(ui.of('info')[0].message ?? '', /Renewed the VPP token "Contoso Labs"/);
    });

    it('Check Again that still sees nothing says so again; Send Again then needs its confirmation and sends once more', async () => {
      tenant.addFault({ route: 'update', status: 502 });
      const { ui, log, context } = setup([tokenFileOf(seedLocation(3)), { confirm: true }, { confirm: true }]);
      ui.errorChoices.push('Check Again', 'Send Again');
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.equal(ui.of('error').length, 2);
      assert.equal(ui.of('confirm')[1].message, 'Upload the token file onto "Contoso Labs" again?');
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${labs.id}`, `PATCH ${TOKENS}/${labs.id}`, `POST ${TOKENS}/${labs.id}/syncLicenses`]);
      assert.match(log.text(), new RegExp(`Renew token ${labs.id} at \\S+: 20[04] `));
    });

    it('Cancel while the tenant is read after a lost answer stops reading at once', async () => {
      tenant.addFault({ route: 'update', status: 502 });
      const { ui, log, context } = setup([tokenFileOf(seedLocation(3)), { confirm: true }]);
      ui.onProgressReport = (message, cancel) => (/answer was lost/.test(message) ? cancel() : undefined);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      const patchedAt = tenant.requestsFor('update')[0].time;
      assert.deepEqual(
        tenant.requestsFor('get').filter((request) => request.time >= patchedAt),
        [],
        'no read after Cancel',
      );
      assert.match(ui.of('error')[0].message ?? '', /is not confirmed/);
      assert.doesNotMatch(log.text(), /could not read the tenant/, 'no read was tried after Cancel');
    });

    it('a read that fails while a lost answer is reconciled is logged, and the write stays unconfirmed', async () => {
      tenant.addFault({ route: 'update', status: 502 });
      tenant.addFault({ route: 'get', status: 500, times: 10 });
      const { ui, log, context } = setup([tokenFileOf(seedLocation(3)), { confirm: true }]);
      await run(ui, log, () => renewToken(context, labs, 'en'));
      assert.match(log.text(), new RegExp(`Renew token ${labs.id}: could not read the tenant to reconcile it: kind=server`));
      assert.match(ui.of('error')[0].message ?? '', /is not confirmed/);
      assert.equal(tenant.requestsFor('update').length, 1);
    });

    it('Graph answering 204 to the PATCH works as well as 200 with the token', async () => {
      tenant.patchAnswer = 'noContent';
      const { ui, log, context } = setup([tokenFileOf(seedLocation(1)), { confirm: true }]);
      await run(ui, log, () => renewToken(context, hq, 'en'));
      assert.equal(tenant.requestsFor('update').length, 1);
      assert.match(ui.of('info')[0].message ?? '', /Renewed the VPP token "Contoso HQ"/);
    });
  });

  describe('Edit Token Settings…', () => {
    it('PATCHes only the changed fields and lists them in the confirmation', async () => {
      const { ui, log, context } = setup([
        { text: 'Contoso HQ Seattle' },
        { text: hq.appleId ?? '' },
        { pick: 'Canada' },
        { pick: 'Update apps automatically' },
        { confirm: true },
      ]);
      await run(ui, log, () => editToken(context, hq, 'en'));
      assert.deepEqual(JSON.parse(tenant.requestsFor('update')[0].body), { displayName: 'Contoso HQ Seattle', countryOrRegion: 'ca' });
      const detail = ui.of('confirm')[0].detail ?? '';
      assert.match(detail, /Name: Contoso HQ → Contoso HQ Seattle\nCountry or region: United States \(us\) → Canada \(ca\)/);
      assert.match(detail, /store details and links for the new country/);
      assert.equal(ui.of('pickOne').length, 2, 'the consent is not asked again once granted');
    });

    it('a lost answer to the PATCH is reconciled by reading the token: one PATCH, no error', async () => {
      tenant.addFault({ route: 'update', status: 504, afterExecute: true });
      const { ui, log, context } = setup([
        { text: 'Contoso HQ Seattle' },
        { text: hq.appleId ?? '' },
        { pick: 'United States' },
        { pick: 'Update apps automatically' },
        { confirm: true },
      ]);
      await run(ui, log, () => editToken(context, hq, 'en'));
      assert.equal(tenant.requestsFor('update').length, 1);
      assert.deepEqual(ui.of('error'), []);
      assert.match(log.text(), /reconciled, Intune received it/);
      assert.deepEqual(JSON.parse(tenant.requestsFor('update')[0].body), { displayName: 'Contoso HQ Seattle' });
    });

    it('nothing changed: nothing is sent', async () => {
      const { ui, log, context } = setup([
        { text: 'Contoso HQ' },
        { text: hq.appleId ?? '' },
        { pick: 'United States' },
        { pick: 'Update apps automatically' },
      ]);
      await run(ui, log, () => editToken(context, hq, 'en'));
      assert.deepEqual(writes(), []);
      assert.equal(ui.of('info')[0].message, 'Nothing changed in "Contoso HQ"; nothing was sent.');
    });

    it('an invalid Apple ID is refused in the input box', async () => {
      const { ui, log, context } = setup([{ text: 'Contoso HQ' }, { text: 'not an email' }, 'escape']);
      await run(ui, log, () => editToken(context, hq, 'en'));
      assert.match(ui.of('invalid')[0].message ?? '', /Enter the Apple ID/);
      assert.deepEqual(writes(), []);
    });
  });

  describe('Take Over Management…', () => {
    it('warns that the other MDM loses the token, claims it and syncs', async () => {
      const { ui, log, context } = setup([{ confirm: true }]);
      await run(ui, log, () => takeOverToken(context, external));
      assert.match(ui.of('confirm')[0].detail ?? '', /The other MDM loses this token/);
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${external.id}`, `POST ${TOKENS}/${external.id}/syncLicenses`]);
      assert.deepEqual(JSON.parse(tenant.requestsFor('update')[0].body), { claimTokenManagementFromExternalMdm: true });
    });

    it('a lost answer to the claim is reconciled by reading the token, then it syncs; never claimed twice', async () => {
      tenant.addFault({ route: 'update', status: 500, afterExecute: true });
      const { ui, log, context } = setup([{ confirm: true }]);
      await run(ui, log, () => takeOverToken(context, external));
      assert.deepEqual(writes(), [`PATCH ${TOKENS}/${external.id}`, `POST ${TOKENS}/${external.id}/syncLicenses`]);
      assert.deepEqual(ui.of('error'), []);
      assert.match(log.text(), /reconciled, Intune received it/);
    });

    it('is refused for a token no other MDM holds', async () => {
      const { ui, log, context } = setup([]);
      await run(ui, log, () => takeOverToken(context, hq));
      assert.match(ui.of('info')[0].message ?? '', /is not held by another MDM/);
      assert.deepEqual(writes(), []);
    });
  });

  describe('Delete Token…', () => {
    it('while licenses are used, Delete Anyway needs the exact name typed, then deletes once', async () => {
      const { ui, log, store, context } = setup([{ pick: 'Delete Anyway…' }, { text: 'Contoso' }, { text: 'Contoso HQ' }]);
      await run(ui, log, () => deleteToken(context, hq, 'en'));
      assert.match(ui.of('pickOne')[0].title ?? '', /licenses used: 13 of 50/);
      assert.match(ui.of('invalid')[0].message ?? '', /Type the name exactly as shown: Contoso HQ/);
      assert.deepEqual(writes(), [`DELETE ${TOKENS}/${hq.id}`]);
      assert.equal(ui.of('info')[0].message, 'Deleted the VPP token "Contoso HQ".');
      assert.equal(store.relists, 1);
    });

    it('a token without used licenses is deleted after one confirmation that explains what goes with it', async () => {
      const neverSynced = seed[14];
      const { ui, log, context } = setup([{ confirm: true }]);
      await run(ui, log, () => deleteToken(context, neverSynced, 'en'));
      assert.match(ui.of('confirm')[0].detail ?? '', /removes the token's apps and their assignments.*can no longer be revoked/s);
      assert.deepEqual(writes(), [`DELETE ${TOKENS}/${neverSynced.id}`]);
    });

    it('when the apps cannot be read, the licenses count as unknown, not as none: the guarded choice, never the plain delete', async () => {
      tenant.addFault({ route: 'apps', status: 500, times: 10 });
      const neverSynced = seed[14];
      const { ui, log, context } = setup(['escape']);
      await run(ui, log, () => deleteToken(context, neverSynced, 'en'));
      assert.deepEqual(ui.of('confirm'), [], 'no one-click delete');
      const [choice] = ui.of('pickOne');
      assert.deepEqual(
        choice.items?.map((item) => item.label),
        ['Revoke, Then Delete…', 'Delete Anyway…'],
      );
      assert.match(choice.title ?? '', /not known|could not be read/);
      assert.deepEqual(writes(), []);
    });

    it('dismissed at the choice or at the name: nothing is sent', async () => {
      for (const answers of [['escape'], [{ pick: 'Delete Anyway…' }, 'escape']] as Answer[][]) {
        const { ui, log, context } = setup(answers);
        await run(ui, log, () => deleteToken(context, hq, 'en'));
        assert.deepEqual(writes(), []);
      }
    });

    it('a lost answer to the DELETE is reconciled: the token is gone, so it is not sent again', async () => {
      tenant.addFault({ route: 'delete', status: 502, afterExecute: true });
      const neverSynced = seed[14];
      const { ui, log, context } = setup([{ confirm: true }]);
      await run(ui, log, () => deleteToken(context, neverSynced, 'en'));
      assert.equal(tenant.requestsFor('delete').length, 1);
      assert.equal(ui.of('info')[0].message, 'Deleted the VPP token "Never synced".');
    });

    it('Revoke, Then Delete runs the retire flow', async () => {
      const { ui, log, context } = setup([{ pick: 'Revoke, Then Delete…' }, { pickMany: [] }, { confirm: true }, { confirm: true }]);
      await run(ui, log, () => deleteToken(context, hq, 'en'));
      assert.deepEqual(writes(), [`POST ${TOKENS}/${hq.id}/revokeLicenses`, `DELETE ${TOKENS}/${hq.id}`]);
    });
  });

  describe('Retire Token…', () => {
    it('revokes once, watches the licenses fall to 0, deletes after a final confirmation, and reports once', async () => {
      tenant.revokeSteps = 3;
      const { ui, log, context } = setup([{ pickMany: ['Notify managed devices'] }, { confirm: true }, { confirm: true }]);
      await run(ui, log, () => retireToken(context, hq, 'en'));
      assert.deepEqual(writes(), [`POST ${TOKENS}/${hq.id}/revokeLicenses`, `DELETE ${TOKENS}/${hq.id}`]);
      assert.deepEqual(JSON.parse(tenant.requestsFor('revoke')[0].body), { notifyManagedDevices: true, revokeUntrackedLicenses: false });
      assert.match(ui.of('confirm')[0].detail ?? '', /licenses used: 13 of 50/);
      assert.equal(ui.of('confirm')[1].message, 'Delete the VPP token "Contoso HQ" now? Its licenses are revoked.');
      const counts = ui.progressReports.filter((report) => report.startsWith('Licenses still used'));
      assert.ok(counts.at(-1)?.startsWith('Licenses still used: 0 of 50'), counts.join(' | '));
      const [report] = ui.of('report');
      assert.equal(ui.of('report').length, 1);
      assert.match(report.message ?? '', /Licenses used before: 13\nLicenses used now: 0\nDeleted: yes/);
      assert.deepEqual(ui.of('info'), []);
    });

    it('when licenses remain, lists them and deletes only when the admin accepts them', async () => {
      tenant.revokeCompletionMs = 60_000;
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }, { confirm: false }]);
      await run(ui, log, () => retireToken(context, hq, 'en'));
      assert.equal(ui.of('confirm')[1].message, 'Delete the VPP token "Contoso HQ" with 13 licenses still used?');
      assert.match(ui.of('confirm')[1].detail ?? '', /Still used:\nMicrosoft Teams: 5 of 20\nMicrosoft Outlook: 8 of 30/);
      assert.deepEqual(writes(), [`POST ${TOKENS}/${hq.id}/revokeLicenses`]);
      assert.match(ui.of('report')[0].message ?? '', /Deleted: no/);
    });

    it('run again after the admin left, it continues the watch and sends no second revoke', async () => {
      tenant.revokeCompletionMs = 300;
      const first = setup([{ pickMany: [] }, { confirm: true }]);
      first.ui.onProgressReport = (message, cancel) => (message.startsWith('Intune accepted the revoke') ? cancel() : undefined);
      await run(first.ui, first.log, () => retireToken(first.context, hq, 'en'));
      assert.match(first.ui.of('report')[0].message ?? '', /Deleted: no, the watch was stopped/);
      const second = setup([{ confirm: true }, { confirm: true }]);
      await run(second.ui, second.log, () => retireToken(second.context, hq, 'en'));
      assert.equal(second.ui.of('confirm')[0].message, 'Continue retiring the VPP token "Contoso HQ"?');
      assert.match(second.ui.of('confirm')[0].detail ?? '', /no new revoke is sent/);
      assert.deepEqual(writes(), [`POST ${TOKENS}/${hq.id}/revokeLicenses`, `DELETE ${TOKENS}/${hq.id}`]);
      assert.match(second.ui.of('report')[0].message ?? '', /Revoke: continued the one started on/);
    });

    it('dismissing the options or the confirmation sends nothing', async () => {
      for (const answers of [['escape'], [{ pickMany: [] }, { confirm: false }]] as Answer[][]) {
        const { ui, log, context } = setup(answers);
        await run(ui, log, () => retireToken(context, hq, 'en'));
        assert.deepEqual(writes(), []);
        assert.deepEqual(ui.of('report'), []);
      }
    });

    it('an unconfirmed revoke that the token does not show stops before any delete, and says how to continue', async () => {
      tenant.addFault({ route: 'revoke', status: 504 });
      const { ui, log, context } = setup([{ pickMany: [] }, { confirm: true }]);
      await run(ui, log, () => retireToken(context, hq, 'en'));
      assert.deepEqual(writes(), [`POST ${TOKENS}/${hq.id}/revokeLicenses`]);
      assert.match(ui.of('error')[0].message ?? '', /not confirmed.*Run Retire Token… again/);
    });
  });

  describe('per-app revokes', () => {
    const appOf = (id: string) => {
      const app = tenant.apps.find((candidate) => candidate.id === id);
      assert.ok(app);
      return {
        id: app.id,
        displayName: app.displayName,
        bundleId: app.bundleId,
        vppTokenId: app.vppTokenId,
        usedLicenseCount: app.usedLicenseCount,
        totalLicenseCount: app.totalLicenseCount,
        platform: app['@odata.type'] === '#microsoft.graph.iosVppApp' ? ('iOS' as const) : ('macOS' as const),
      };
    };

    it('Revoke App Licenses… posts revokeAllLicenses once and reports the outcome from the app', async () => {
      const { ui, log, store, context } = setup([{ pick: 'Notify devices' }, { confirm: true }]);
      await run(ui, log, () => revokeAppLicenses(context, appOf('app-0-0'), hq));
      const [post] = tenant.requestsFor('appRevoke');
      assert.equal(post.url, '/beta/deviceAppManagement/mobileApps/app-0-0/microsoft.graph.iosVppApp/revokeAllLicenses');
      assert.equal(post.body, JSON.stringify({ notifyManagedDevices: true }));
      assert.equal(writes().length, 1);
      assert.equal(ui.of('confirm')[0].message, 'Revoke all licenses of the app "Microsoft Teams"?');
      assert.match(ui.of('confirm')[0].detail ?? '', /VPP token: Contoso HQ\nLicenses used: 5 of 20\nNotify managed devices: yes/);
      assert.deepEqual(
        ui.of('info').map((info) => info.message),
        ['Intune accepted: the revoke of the licenses of "Microsoft Teams": done · 5 licenses, 0 failed'],
      );
      assert.equal(store.relists, 1);
    });

    it('a macOS app offers the token-level revoke instead, which needs its own confirmation', async () => {
      const { ui, log, context } = setup([{ confirm: true }, { pickMany: [] }, { confirm: false }]);
      await run(ui, log, () => revokeAppLicenses(context, appOf('app-2-3'), seed[2]));
      assert.match(ui.of('confirm')[0].message ?? '', /no per-app revoke for the macOS app "GarageBand"/);
      assert.equal(ui.of('confirm')[1].message, 'Revoke all app licenses of the VPP token "Contoso Labs"?');
      assert.deepEqual(writes(), []);
    });

    it("one user's and one device's license are revoked alone", async () => {
      const licenses = await service.listAssignedLicenses('app-0-1');
      const user = licenses.find((license) => license.kind === 'user');
      const device = licenses.find((license) => license.kind === 'device');
      assert.ok(user && device);
      const userRun = setup([{ pick: 'Do not notify devices' }, { confirm: true }]);
      await run(userRun.ui, userRun.log, () => revokeAppLicense(userRun.context, appOf('app-0-1'), user));
      const deviceRun = setup([{ pick: 'Notify devices' }, { confirm: true }]);
      await run(deviceRun.ui, deviceRun.log, () => revokeAppLicense(deviceRun.context, appOf('app-0-1'), device));
      assert.deepEqual(
        [...tenant.requestsFor('appUserRevoke'), ...tenant.requestsFor('appDeviceRevoke')].map((request) => request.body),
        [
          JSON.stringify({ userId: user.userId, notifyManagedDevices: false }),
          JSON.stringify({ managedDeviceId: device.managedDeviceId, notifyManagedDevices: true }),
        ],
      );
      assert.match(
        userRun.ui.of('info')[0].message ?? '',
        /the license of the user student1@contoso.example for "Microsoft Outlook": done · 1 licenses/,
      );
    });

    it('a lost answer is reconciled from the app, never resent on its own', async () => {
      tenant.addFault({ route: 'appRevoke', status: 500, afterExecute: true });
      const { ui, log, context } = setup([{ pick: 'Notify devices' }, { confirm: true }]);
      await run(ui, log, () => revokeAppLicenses(context, appOf('app-0-0'), hq));
      assert.equal(tenant.requestsFor('appRevoke').length, 1);
      assert.deepEqual(ui.of('error'), []);
      assert.match(ui.of('info')[0].message ?? '', /done · 5 licenses/);
    });

    it("a single-license revoke takes only its own result as its outcome, not another license's that appeared meanwhile", async () => {
      const device = (await service.listAssignedLicenses('app-0-1')).find((license) => license.kind === 'device');
      assert.ok(device);
      const { ui, log, context } = setup([{ pick: 'Do not notify devices' }, { confirm: true }]);
      ui.onProgressReport = (message) => {
        if (!/waiting for its outcome/.test(message)) {
          return;
        }
        // Another admin's revoke of another user's license, started just now, already failed; listed first.
        const app = tenant.apps.find((candidate) => candidate.id === 'app-0-1');
        const now = new Date().toISOString();
        app?.revokeLicenseActionResults?.unshift({
          actionName: 'RevokeUserLicense',
          actionState: 'failed',
          startDateTime: now,
          lastUpdatedDateTime: now,
          userId: 'someone-else',
          managedDeviceId: null,
          totalLicensesCount: 1,
          failedLicensesCount: 1,
          actionFailureReason: 'appleFailure',
        });
      };
      await run(ui, log, () => revokeAppLicense(context, appOf('app-0-1'), device));
      assert.deepEqual(ui.of('error'), []);
      assert.match(ui.of('info')[0].message ?? '', /the license of the device .* for "Microsoft Outlook": done · 1 licenses, 0 failed/);
    });

    it('a per-app revoke whose answer was lost and that the app does not show ends "not confirmed"; dismissed: one POST', async () => {
      tenant.addFault({ route: 'appRevoke', status: 500 });
      const { ui, log, context } = setup([{ pick: 'Notify devices' }, { confirm: true }]);
      await run(ui, log, () => revokeAppLicenses(context, appOf('app-0-0'), hq));
      const [error] = ui.of('error');
      assert.match(error.message ?? '', /the revoke of the licenses of "Microsoft Teams" is not confirmed: the app shows no new revoke/);
      assert.deepEqual(error.buttons, ['Check Again', 'Send Again']);
      assert.equal(tenant.requestsFor('appRevoke').length, 1);
      assert.equal(tenant.executed.filter((write) => write.route === 'appRevoke').length, 0);
      assert.deepEqual(ui.of('info'), []);
    });

    it('Send Again on an unconfirmed per-app revoke asks a second time, then sends exactly once more', async () => {
      tenant.addFault({ route: 'appRevoke', status: 500 });
      const { ui, log, context } = setup([{ pick: 'Notify devices' }, { confirm: true }, { confirm: true }]);
      ui.errorChoices.push('Send Again');
      await run(ui, log, () => revokeAppLicenses(context, appOf('app-0-0'), hq));
      assert.equal(ui.of('confirm')[1].message, 'Send the revoke of the licenses of "Microsoft Teams" again?');
      assert.equal(tenant.requestsFor('appRevoke').length, 2);
      assert.equal(tenant.executed.filter((write) => write.route === 'appRevoke').length, 1);
      assert.match(ui.of('info')[0].message ?? '', /done · 5 licenses/);
    });

    it('dismissing the question or the confirmation sends nothing', async () => {
      for (const answers of [['escape'], [{ pick: 'Notify devices' }, { confirm: false }]] as Answer[][]) {
        const { ui, log, context } = setup(answers);
        await run(ui, log, () => revokeAppLicenses(context, appOf('app-0-0'), hq));
        assert.deepEqual(writes(), []);
      }
    });
  });
});
