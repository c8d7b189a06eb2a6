import { GraphWrite } from '../../src/graph/exactRequest';
import * as assert from 'node:assert/strict';
import { TenantContext } from '../../src/commands/context';
import {
  appRevokeWrite,
  createWrite,
  deleteWrite,
  editWrite,
  modifiedSince,
  readingOf,
  renewWrite,
  revokeSnapshot,
  revokeWrite,
  showsChanges,
  syncedSince,
  syncWrite,
  takeOverWrite,
  watchingResult,
} from '../../src/commands/writes/writeKinds';
import { Received } from '../../src/commands/writes/writePipeline';
import { VppError } from '../../src/errors';
import { ActionResult, CLOCK_SKEW_MS } from '../../src/graph/actionResults';
import { VppTokenService } from '../../src/graph/vppTokenService';
import { NewVppToken, VppAppDetail, VppTokenRecord } from '../../src/graph/vppRecords';
import { JournalDetails, JournalEvidence, JournalTarget, WriteOperation } from '../../src/journal/journalRecords';
import { RecordingLogger } from '../support/fixtures';

/**
 * How each kind of write reads the tenant to tell whether Intune received it, against a service whose answers the
 * test sets: these readings decide what the admin is told after a lost answer, so every guard has a case that only
 * it decides.
 */

const SENT_AT = Date.parse('2026-12-07T10:00:00Z');
const iso = (offsetMs: number) => new Date(SENT_AT + offsetMs).toISOString();
const signal = new AbortController().signal;

/** A service that answers reads from what the test put in it and records the calls it got. */
class ReadOnlyService {
  readonly calls: string[] = [];
  token: VppTokenRecord | Error = { id: 'tok-1' };
  tokens: VppTokenRecord[] = [];
  app: VppAppDetail | Error = { id: 'app-1', revokeLicenseActionResults: [] };
  sent: { name: string; args: unknown[] }[] = [];

  async getToken(id: string): Promise<VppTokenRecord> {
    this.calls.push(`getToken ${id}`);
    if (this.token instanceof Error) {
      throw this.token;
    }
    return this.token;
  }
  async listTokens(): Promise<VppTokenRecord[]> {
    this.calls.push('listTokens');
    return this.tokens;
  }
  async getVppApp(id: string): Promise<VppAppDetail> {
    this.calls.push(`getVppApp ${id}`);
    if (this.app instanceof Error) {
      throw this.app;
    }
    return this.app;
  }
  private answer(name: string) {
    return async (...args: unknown[]) => {
      this.sent.push({ name, args: args.filter((arg) => !(arg instanceof AbortSignal)) });
      return { status: 204, requestId: `req-${name}` };
    };
  }
  /** A revoke, as the pipeline sends it: the request it was given, kept as the same object. */
  async postAction(route: string, request: GraphWrite) {
    this.sent.push({ name: route, args: [request] });
    return { status: 204, requestId: `req-${route}` };
  }
  syncLicenses = this.answer('syncLicenses');
  deleteToken = this.answer('deleteToken');
  updateToken = this.answer('updateToken');
  async createTokenWithReceipt(fields: NewVppToken) {
    this.sent.push({ name: 'createTokenWithReceipt', args: [fields] });
    return { token: { id: 'tok-new', appleId: fields.appleId }, receipt: { status: 201, requestId: 'req-create' } };
  }
}

function contextOf(service: ReadOnlyService, log = new RecordingLogger()): TenantContext {
  return {
    service: () => service as unknown as VppTokenService,
    log,
    outcomePolling: { delaysMs: [0, 0, 0] },
  } as unknown as TenantContext;
}

function reading(
  service: ReadOnlyService,
  operation: WriteOperation,
  target: JournalTarget,
  evidence: JournalEvidence,
  details: JournalDetails = {},
): Promise<Received<unknown> | undefined> {
  return readingOf(contextOf(service), operation, target, details)(evidence, SENT_AT, signal);
}

function revokeResult(fields: Partial<ActionResult>): ActionResult {
  return {
    actionName: 'RevokeLicenses',
    actionState: 'active',
    startDateTime: iso(1000),
    lastUpdatedDateTime: iso(1000),
    ...fields,
  };
}

const NO_PROGRESS = { report: () => undefined, signal };
const TOKEN_TARGET = { tokenId: 'tok-1', tokenName: 'Contoso HQ' };

describe('write kinds: how a reading of the tenant shows that Intune received a write', () => {
  describe('modifiedSince (renew, take over)', () => {
    it('a modification no older than the send, give or take the clock skew, shows the PATCH', () => {
      assert.equal(modifiedSince({ id: 't', lastModifiedDateTime: iso(0) }, SENT_AT), true);
      assert.equal(modifiedSince({ id: 't', lastModifiedDateTime: iso(-CLOCK_SKEW_MS) }, SENT_AT), true, 'exactly the skew');
      assert.equal(modifiedSince({ id: 't', lastModifiedDateTime: iso(-CLOCK_SKEW_MS - 1) }, SENT_AT), false, 'older than the skew');
    });

    it('a token without a modification time, or an unreadable one, shows nothing', () => {
      assert.equal(modifiedSince({ id: 't' }, SENT_AT), false);
      assert.equal(modifiedSince({ id: 't', lastModifiedDateTime: 'yesterday-ish' }, SENT_AT), false);
    });
  });

  describe('syncedSince (sync)', () => {
    const before = { syncedBefore: iso(-30_000), statusBefore: 'completed' };

    it('a last sync newer than the one read before, and after the send, is this sync', () => {
      assert.equal(
        syncedSince({ id: 't', lastSyncDateTime: iso(5000), lastSyncStatus: 'completed' }, before, SENT_AT),
        `a sync at ${iso(5000)}`,
      );
    });

    it('an earlier sync that finished within the minute before the send is not this one: the last sync must move', () => {
      // The same last sync as read before: well within the clock skew of the send, yet it is the older sync's.
      assert.equal(syncedSince({ id: 't', lastSyncDateTime: iso(-30_000), lastSyncStatus: 'completed' }, before, SENT_AT), undefined);
    });

    it('a last sync that moved but is older than the send (beyond the skew) is not this one', () => {
      assert.equal(
        syncedSince({ id: 't', lastSyncDateTime: iso(-CLOCK_SKEW_MS - 1), lastSyncStatus: 'completed' }, { syncedBefore: null }, SENT_AT),
        undefined,
      );
      assert.equal(
        syncedSince({ id: 't', lastSyncDateTime: iso(-CLOCK_SKEW_MS), lastSyncStatus: 'completed' }, { syncedBefore: null }, SENT_AT),
        `a sync at ${iso(-CLOCK_SKEW_MS)}`,
        'exactly the skew still counts',
      );
    });

    it('a sync in progress where none was shows it; one already in progress before does not', () => {
      const fresh = { id: 't', lastSyncDateTime: iso(-30_000), lastSyncStatus: 'inProgress' as const };
      assert.equal(syncedSince(fresh, before, SENT_AT), 'a sync in progress');
      assert.equal(syncedSince(fresh, { ...before, statusBefore: 'inProgress' }, SENT_AT), undefined);
      assert.equal(syncedSince({ ...fresh, lastSyncStatus: 'completed' }, before, SENT_AT), undefined);
    });

    it('a token that never synced and still shows nothing is not synced', () => {
      assert.equal(syncedSince({ id: 't' }, { syncedBefore: null, statusBefore: null }, SENT_AT), undefined);
    });
  });

  describe('showsChanges (edit)', () => {
    const token: VppTokenRecord = { id: 't', displayName: 'Berlin office', appleId: 'vpp@contoso.example', automaticallyUpdateApps: true };

    it('every changed field with its new value', () => {
      assert.equal(showsChanges(token, { displayName: 'Berlin office', automaticallyUpdateApps: true }), true);
      assert.equal(showsChanges(token, {}), true, 'nothing changed shows');
    });

    it('one field without its new value is not shown, whichever it is', () => {
      assert.equal(showsChanges(token, { displayName: 'Berlin office', automaticallyUpdateApps: false }), false);
      assert.equal(showsChanges(token, { displayName: 'Munich office', automaticallyUpdateApps: true }), false);
      assert.equal(showsChanges(token, { countryOrRegion: 'de' }), false, 'a field the token lacks');
    });

    it('names are compared as they are kept, cleaned of control characters', () => {
      assert.equal(showsChanges(token, { displayName: 'Berlin\u0007 office' }), true);
      assert.equal(showsChanges({ ...token, displayName: 'Berlin\u202e office' }, { displayName: 'Berlin office' }), true);
    });

    it('a string is never equal to another type', () => {
      assert.equal(showsChanges({ id: 't', displayName: null }, { displayName: '' }), false);
      assert.equal(
        showsChanges({ id: 't', automaticallyUpdateApps: 'true' as unknown as boolean }, { automaticallyUpdateApps: true }),
        false,
      );
    });
  });

  describe('revokeSnapshot', () => {
    it('keeps the string keys of the evidence, nothing else', () => {
      assert.deepEqual([...revokeSnapshot({ actions: ['a|1', 'b|2'] })], ['a|1', 'b|2']);
      assert.deepEqual([...revokeSnapshot({ actions: 'a|1' })], [], 'not a list');
      assert.deepEqual([...revokeSnapshot({ actions: ['a|1', 7 as unknown as string] })], ['a|1'], 'strings only');
      assert.deepEqual([...revokeSnapshot({})], []);
    });
  });

  describe('the reading of each kind, from what the journal keeps', () => {
    it('a revoke: a new revoke result on the token, named in the note', async () => {
      const service = new ReadOnlyService();
      const older = revokeResult({ startDateTime: iso(-5000), actionState: 'done' });
      const own = revokeResult({ actionState: 'active' });
      service.token = { id: 'tok-1', tokenActionResults: [older, own] };
      const received = await reading(service, 'revokeLicenses', TOKEN_TARGET, { actions: [`RevokeLicenses|${iso(-5000)}`] });
      assert.deepEqual(received, { note: 'its answer was lost, but the token shows the revoke (active)', value: own });
      assert.deepEqual(service.calls, ['getToken tok-1']);
      assert.equal(
        await reading(service, 'revokeLicenses', TOKEN_TARGET, {
          actions: [`RevokeLicenses|${iso(-5000)}`, `RevokeLicenses|${iso(1000)}`],
        }),
        undefined,
      );
    });

    it('a write that names no token is refused before any read', async () => {
      const service = new ReadOnlyService();
      await assert.rejects(reading(service, 'syncLicenses', {}, {}), (error: unknown) => {
        assert.ok(error instanceof VppError);
        assert.equal(error.kind, 'badRequest');
        assert.equal(error.message, 'The write names no VPP token.');
        return true;
      });
      assert.deepEqual(service.calls, []);
    });

    it('a sync: the note names the sync seen', async () => {
      const service = new ReadOnlyService();
      service.token = { id: 'tok-1', lastSyncDateTime: iso(2000), lastSyncStatus: 'completed' };
      assert.deepEqual(await reading(service, 'syncLicenses', TOKEN_TARGET, { syncedBefore: iso(-30_000), statusBefore: 'completed' }), {
        note: `its answer was lost, but the token shows a sync at ${iso(2000)}`,
        value: undefined,
      });
      service.token = { id: 'tok-1', lastSyncDateTime: iso(-30_000), lastSyncStatus: 'completed' };
      assert.equal(
        await reading(service, 'syncLicenses', TOKEN_TARGET, { syncedBefore: iso(-30_000), statusBefore: 'completed' }),
        undefined,
      );
    });

    it('a renewal: a modification since the send, with the token read', async () => {
      const service = new ReadOnlyService();
      service.token = { id: 'tok-1', lastModifiedDateTime: iso(100) };
      assert.deepEqual(await reading(service, 'renewToken', TOKEN_TARGET, {}), {
        note: 'the token shows a change since it was sent',
        value: service.token,
      });
      service.token = { id: 'tok-1', lastModifiedDateTime: iso(-CLOCK_SKEW_MS - 1000) };
      assert.equal(await reading(service, 'renewToken', TOKEN_TARGET, {}), undefined);
    });

    it('an edit: the changes the journal kept, all shown', async () => {
      const service = new ReadOnlyService();
      service.token = { id: 'tok-1', displayName: 'Munich', automaticallyUpdateApps: false, lastModifiedDateTime: iso(100) };
      const changes = JSON.stringify({ displayName: 'Munich', automaticallyUpdateApps: false });
      assert.deepEqual(await reading(service, 'editToken', TOKEN_TARGET, { changes }), {
        note: 'the token shows the change',
        value: service.token,
      });
      const other = JSON.stringify({ displayName: 'Munich', automaticallyUpdateApps: true });
      assert.equal(
        await reading(service, 'editToken', TOKEN_TARGET, { changes: other }),
        undefined,
        'modified, but not with these changes',
      );
      assert.deepEqual(
        await reading(service, 'editToken', TOKEN_TARGET, {}),
        { note: 'the token shows the change', value: service.token },
        'no changes kept: nothing to show',
      );
    });

    it('a take-over: the claim shown, or a modification since the send', async () => {
      const service = new ReadOnlyService();
      service.token = { id: 'tok-1', claimTokenManagementFromExternalMdm: true, lastModifiedDateTime: iso(-CLOCK_SKEW_MS - 1000) };
      assert.deepEqual(await reading(service, 'takeOverToken', TOKEN_TARGET, {}), {
        note: 'the token shows it is managed by Intune',
        value: service.token,
      });
      service.token = { id: 'tok-1', claimTokenManagementFromExternalMdm: false, lastModifiedDateTime: iso(100) };
      assert.equal((await reading(service, 'takeOverToken', TOKEN_TARGET, {}))?.value, service.token);
      service.token = { id: 'tok-1', claimTokenManagementFromExternalMdm: false, lastModifiedDateTime: iso(-CLOCK_SKEW_MS - 1000) };
      assert.equal(await reading(service, 'takeOverToken', TOKEN_TARGET, {}), undefined);
      service.token = { id: 'tok-1', lastModifiedDateTime: iso(-CLOCK_SKEW_MS - 1000) };
      assert.equal(await reading(service, 'takeOverToken', TOKEN_TARGET, {}), undefined, 'an unknown claim is not a claim');
    });

    it('a delete: only a token that reads as not found is gone; a token still there is not', async () => {
      const service = new ReadOnlyService();
      service.token = new VppError('notFound', 'gone');
      assert.deepEqual(await reading(service, 'deleteToken', TOKEN_TARGET, {}), { note: 'the token is gone', value: true });
      service.token = { id: 'tok-1' };
      assert.equal(await reading(service, 'deleteToken', TOKEN_TARGET, {}), undefined);
    });

    for (const kind of ['forbidden', 'server', 'throttled', 'timeout', 'network', 'unauthorized'] as const) {
      it(`a delete whose re-read fails (${kind}) is not taken as gone: the failure is the reading's`, async () => {
        const service = new ReadOnlyService();
        service.token = new VppError(kind, `read failed: ${kind}`);
        await assert.rejects(reading(service, 'deleteToken', TOKEN_TARGET, {}), (error: unknown) => error === service.token);
      });
    }

    it('a delete whose re-read fails with something that is not a VppError rethrows it', async () => {
      const service = new ReadOnlyService();
      service.token = new Error('socket hang up');
      await assert.rejects(reading(service, 'deleteToken', TOKEN_TARGET, {}), /socket hang up/);
    });

    it('a creation: a token the tenant did not have before, with the Apple ID, in any letter case', async () => {
      const service = new ReadOnlyService();
      service.tokens = [
        { id: 'tok-old', appleId: 'other@contoso.example' },
        { id: 'tok-new', appleId: 'VPP-Berlin@Contoso.example' },
      ];
      assert.deepEqual(await reading(service, 'createToken', {}, { known: ['tok-old'], appleId: 'vpp-berlin@contoso.example' }), {
        note: 'the tenant shows a new token with its Apple ID',
        value: service.tokens[1],
      });
      assert.deepEqual(service.calls, ['listTokens']);
    });

    it('a creation whose kept Apple ID is not text matches nothing', async () => {
      const service = new ReadOnlyService();
      service.tokens = [{ id: 'tok-new', appleId: '42' }];
      assert.equal(await reading(service, 'createToken', {}, { known: [], appleId: 42 }), undefined);
    });

    it('a creation is never reconciled to a token that already existed with the same Apple ID', async () => {
      const service = new ReadOnlyService();
      service.tokens = [{ id: 'tok-same-apple-id', appleId: 'vpp-berlin@contoso.example' }];
      assert.equal(
        await reading(service, 'createToken', {}, { known: ['tok-same-apple-id'], appleId: 'vpp-berlin@contoso.example' }),
        undefined,
      );
    });

    it('a creation: a new token with another Apple ID, or one without an Apple ID, is not this one', async () => {
      const service = new ReadOnlyService();
      service.tokens = [{ id: 'tok-other', appleId: 'someone@contoso.example' }, { id: 'tok-none' }, { id: 'tok-null', appleId: null }];
      assert.equal(await reading(service, 'createToken', {}, { known: [], appleId: 'vpp-berlin@contoso.example' }), undefined);
    });

    describe('per-app revokes take only their own result', () => {
      const APP_TARGET = { tokenId: 'tok-1', appId: 'app-1', appName: 'Outlook' };
      const userResult = (userId: string) => revokeResult({ actionName: 'RevokeUserLicense', userId, managedDeviceId: null });
      const deviceResult = (managedDeviceId: string) => revokeResult({ actionName: 'RevokeDeviceLicense', managedDeviceId, userId: null });
      const allResult = revokeResult({ actionName: 'RevokeAllLicenses', userId: null, managedDeviceId: null });

      it("a user's revoke: the result that names its user, never another user's or a device's", async () => {
        const service = new ReadOnlyService();
        const own = userResult('user-a');
        service.app = { id: 'app-1', revokeLicenseActionResults: [userResult('user-b'), deviceResult('user-a'), allResult, own] };
        const received = await reading(service, 'revokeAppUserLicense', { ...APP_TARGET, holderId: 'user-a' }, { results: [] });
        assert.equal(received?.value, own);
        assert.equal(received?.note, 'its answer was lost, but the app shows the revoke (active)');
        assert.deepEqual(service.calls, ['getVppApp app-1']);
        service.app = { id: 'app-1', revokeLicenseActionResults: [userResult('user-b'), deviceResult('user-a'), allResult] };
        assert.equal(await reading(service, 'revokeAppUserLicense', { ...APP_TARGET, holderId: 'user-a' }, { results: [] }), undefined);
      });

      it("a device's revoke: the result that names its device", async () => {
        const service = new ReadOnlyService();
        const own = deviceResult('device-a');
        service.app = { id: 'app-1', revokeLicenseActionResults: [deviceResult('device-b'), userResult('device-a'), own] };
        assert.equal(
          (await reading(service, 'revokeAppDeviceLicense', { ...APP_TARGET, holderId: 'device-a' }, { results: [] }))?.value,
          own,
        );
      });

      it('a revoke of all licenses: a result that names neither a user nor a device', async () => {
        const service = new ReadOnlyService();
        service.app = { id: 'app-1', revokeLicenseActionResults: [userResult('user-a'), deviceResult('device-a'), allResult] };
        assert.equal((await reading(service, 'revokeAppLicenses', APP_TARGET, { results: [] }))?.value, allResult);
        service.app = { id: 'app-1', revokeLicenseActionResults: [userResult('user-a'), deviceResult('device-a')] };
        assert.equal(await reading(service, 'revokeAppLicenses', APP_TARGET, { results: [] }), undefined);
      });

      it('a result the app showed before the send is not this one', async () => {
        const service = new ReadOnlyService();
        service.app = { id: 'app-1', revokeLicenseActionResults: [allResult] };
        assert.equal(await reading(service, 'revokeAppLicenses', APP_TARGET, { results: [`RevokeAllLicenses|${iso(1000)}`] }), undefined);
      });

      it('a per-app write that names no app is refused before any read', async () => {
        const service = new ReadOnlyService();
        await assert.rejects(reading(service, 'revokeAppLicenses', TOKEN_TARGET, { results: [] }), (error: unknown) => {
          assert.ok(error instanceof VppError);
          assert.equal(error.kind, 'badRequest');
          assert.equal(error.message, 'The write names no app.');
          return true;
        });
        assert.deepEqual(service.calls, []);
      });
    });
  });

  describe('what each kind records and sends', () => {
    const token: VppTokenRecord = { id: 'tok-1', displayName: 'Contoso HQ', lastSyncDateTime: iso(-30_000), lastSyncStatus: 'completed' };

    it('a revoke: its options, request and snapshot of the results before, and the revoke sent with them', async () => {
      const service = new ReadOnlyService();
      service.token = { id: 'tok-1', tokenActionResults: [revokeResult({ startDateTime: iso(-9000) })] };
      const write = revokeWrite(contextOf(service), token, { notifyManagedDevices: true, revokeUntrackedLicenses: false });
      assert.equal(write.operation, 'revokeLicenses');
      assert.deepEqual(write.target, { tokenId: 'tok-1', tokenName: 'Contoso HQ' });
      assert.deepEqual(write.details, { notifyManagedDevices: true, revokeUntrackedLicenses: false });
      assert.deepEqual(write.request, {
        method: 'POST',
        path: '/deviceAppManagement/vppTokens/tok-1/revokeLicenses',
        body: { notifyManagedDevices: true, revokeUntrackedLicenses: false },
      });
      assert.equal(write.logName, 'Revoke licenses of token tok-1 (notifyManagedDevices=true, revokeUntrackedLicenses=false)');
      assert.deepEqual(await write.before(signal), { actions: [`RevokeLicenses|${iso(-9000)}`] });
      assert.deepEqual(await write.send(signal), { receipt: { status: 204, requestId: 'req-revokeLicenses' }, value: undefined });
      assert.deepEqual(service.sent, [{ name: 'revokeLicenses', args: [write.request] }]);
      assert.equal(service.sent[0].args[0], write.request, 'the request the journal keeps is the very one sent');
    });

    it('a revoke in a bulk run reads its token through the run', async () => {
      const service = new ReadOnlyService();
      const read = async () => ({ id: 'tok-1', tokenActionResults: [revokeResult({ startDateTime: iso(-1) })] });
      const write = revokeWrite(contextOf(service), token, { notifyManagedDevices: false, revokeUntrackedLicenses: true }, read);
      assert.deepEqual(await write.before(signal), { actions: [`RevokeLicenses|${iso(-1)}`] });
      assert.deepEqual(service.calls, [], 'no read of its own');
    });

    it('a sync: the last sync and its status before', async () => {
      const service = new ReadOnlyService();
      service.token = token;
      const write = syncWrite(contextOf(service), token);
      assert.deepEqual(write.request, { method: 'POST', path: '/deviceAppManagement/vppTokens/tok-1/syncLicenses' });
      assert.deepEqual(write.details, {});
      assert.equal(write.logName, 'Sync licenses of token tok-1');
      assert.deepEqual(await write.before(signal), { syncedBefore: iso(-30_000), statusBefore: 'completed' });
      service.token = { id: 'tok-1' };
      assert.deepEqual(await write.before(signal), { syncedBefore: null, statusBefore: null }, 'never synced: null, not absent');
      await write.send(signal);
      assert.deepEqual(service.sent, [{ name: 'syncLicenses', args: ['tok-1'] }]);
    });

    it('a delete, a renewal and a take-over: their requests, and the token file never in the journal', async () => {
      const service = new ReadOnlyService();
      const context = contextOf(service);
      const deletion = deleteWrite(context, token);
      assert.deepEqual(deletion.request, { method: 'DELETE', path: '/deviceAppManagement/vppTokens/tok-1' });
      assert.equal(deletion.logName, 'Delete token tok-1');
      assert.deepEqual(await deletion.before(signal), {});
      assert.deepEqual((await deletion.send(signal)).value, true);

      const renewal = renewWrite(context, token, 'c2VjcmV0');
      assert.deepEqual(renewal.details, {});
      assert.equal(renewal.logName, 'Renew token tok-1');
      assert.deepEqual(await renewal.before(signal), {});
      await renewal.send(signal);

      assert.equal(renewal.operation, 'renewToken');
      const takeOver = takeOverWrite(context, token);
      assert.equal(takeOver.operation, 'takeOverToken');
      assert.deepEqual(takeOver.details, { claimTokenManagementFromExternalMdm: true });
      assert.deepEqual(takeOver.request.body, { claimTokenManagementFromExternalMdm: true });
      assert.equal(takeOver.logName, 'Take over token tok-1');
      assert.deepEqual(await takeOver.before(signal), {});
      await takeOver.send(signal);
      assert.deepEqual(service.sent, [
        { name: 'deleteToken', args: ['tok-1'] },
        { name: 'updateToken', args: ['tok-1', { token: 'c2VjcmV0' }] },
        { name: 'updateToken', args: ['tok-1', { claimTokenManagementFromExternalMdm: true }] },
      ]);
      assert.equal(JSON.stringify([renewal.details, renewal.target, renewal.logName]).includes('c2VjcmV0'), false);
    });

    it('an edit: the changed fields shown in the details (lists joined), and the changes kept as evidence', async () => {
      const service = new ReadOnlyService();
      const changes = { displayName: 'Munich', automaticallyUpdateApps: false };
      const write = editWrite(contextOf(service), token, changes);
      assert.equal(write.operation, 'editToken');
      assert.deepEqual(write.details, { displayName: 'Munich', automaticallyUpdateApps: false });
      assert.equal(editWrite(contextOf(service), token, { roleScopeTagIds: ['0', '7'] } as never).details.roleScopeTagIds, '0, 7');
      assert.equal(write.logName, 'Edit token tok-1 (displayName, automaticallyUpdateApps)');
      assert.deepEqual(write.request, { method: 'PATCH', path: '/deviceAppManagement/vppTokens/tok-1', body: changes });
      assert.deepEqual(await write.before(signal), { changes: JSON.stringify(changes) });
      assert.deepEqual(await write.send(signal), { receipt: { status: 204, requestId: 'req-updateToken' }, value: undefined });
    });

    it('a creation: the admin fields in the details (cleaned, never the file), the tokens known before, the new token', async () => {
      const service = new ReadOnlyService();
      service.tokens = [{ id: 'tok-a' }, { id: 'tok-b' }];
      const fields: NewVppToken = {
        token: 'c2VjcmV0LWZpbGU=',
        displayName: 'Berlin\u0007 office',
        appleId: 'vpp-berlin@contoso.example',
        countryOrRegion: 'de',
        vppTokenAccountType: 'business',
        automaticallyUpdateApps: true,
        dataSharingConsentGranted: true,
      };
      const write = createWrite(contextOf(service), fields);
      assert.deepEqual(write.target, { tokenName: 'Berlin office' });
      assert.deepEqual(write.details, {
        displayName: 'Berlin office',
        appleId: 'vpp-berlin@contoso.example',
        vppTokenAccountType: 'business',
        countryOrRegion: 'de',
        automaticallyUpdateApps: true,
        dataSharingConsentGranted: true,
      });
      assert.equal(
        createWrite(contextOf(service), { ...fields, automaticallyUpdateApps: undefined } as never).details.automaticallyUpdateApps,
        false,
      );
      assert.equal(
        createWrite(contextOf(service), { ...fields, dataSharingConsentGranted: 'yes' } as never).details.dataSharingConsentGranted,
        false,
      );
      assert.equal(write.logName, 'Add VPP token (Apple ID vpp-berlin@contoso.example)');
      assert.deepEqual(await write.before(signal), { known: ['tok-a', 'tok-b'], appleId: 'vpp-berlin@contoso.example' });
      assert.deepEqual(await write.send(signal), {
        receipt: { status: 201, requestId: 'req-create' },
        value: { id: 'tok-new', appleId: 'vpp-berlin@contoso.example' },
      });
      assert.equal(JSON.stringify([write.details, write.target, write.logName]).includes('c2VjcmV0LWZpbGU='), false);
    });

    describe('per-app revokes', () => {
      const app = { id: 'app-1', displayName: 'Outlook', bundleId: 'com.microsoft.outlook', vppTokenId: 'tok-1' };

      it('all licenses: the app as target, no holder, the results before, revokeAllLicenses sent', async () => {
        const service = new ReadOnlyService();
        service.app = {
          id: 'app-1',
          revokeLicenseActionResults: [revokeResult({ actionName: 'RevokeAllLicenses', startDateTime: iso(-7) })],
        };
        const write = appRevokeWrite(contextOf(service), app, { kind: 'all' }, undefined, true);
        assert.equal(write.operation, 'revokeAppLicenses');
        assert.deepEqual(write.target, { tokenId: 'tok-1', appId: 'app-1', appName: 'Outlook' });
        assert.deepEqual(write.details, { notifyManagedDevices: true });
        assert.equal(write.logName, 'Revoke all licenses of app app-1 (notifyManagedDevices=true)');
        assert.deepEqual(await write.before(signal), { results: [`RevokeAllLicenses|${iso(-7)}`] });
        await write.send(signal);
        assert.deepEqual(service.sent, [
          {
            name: 'revokeAppLicenses',
            args: [
              {
                method: 'POST',
                path: '/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeAllLicenses',
                body: { notifyManagedDevices: true },
              },
            ],
          },
        ]);
        assert.equal(service.sent[0].args[0], write.request, 'the request the journal keeps is the very one sent');
      });

      it("one user's or one device's license: the holder in the target, the single revoke sent", async () => {
        const service = new ReadOnlyService();
        const user = appRevokeWrite(contextOf(service), app, { kind: 'user', id: 'user-a' }, 'Ada', false);
        assert.equal(user.operation, 'revokeAppUserLicense');
        assert.deepEqual(user.target, { tokenId: 'tok-1', appId: 'app-1', appName: 'Outlook', holderId: 'user-a', holderName: 'Ada' });
        assert.equal(user.logName, 'Revoke the user license of user-a for app app-1 (notifyManagedDevices=false)');
        const device = appRevokeWrite(contextOf(service), app, { kind: 'device', id: 'dev-a' }, 'iPad 7', false);
        assert.equal(device.operation, 'revokeAppDeviceLicense');
        assert.deepEqual(await user.send(signal), { receipt: { status: 204, requestId: 'req-revokeAppUserLicense' }, value: undefined });
        await device.send(signal);
        assert.deepEqual(
          service.sent.map(({ name, args }) => [name, args[0]]),
          [
            ['revokeAppUserLicense', user.request],
            ['revokeAppDeviceLicense', device.request],
          ],
        );
        assert.deepEqual(user.request.body, { userId: 'user-a', notifyManagedDevices: false });
        assert.deepEqual(device.request.body, { managedDeviceId: 'dev-a', notifyManagedDevices: false });
      });

      it("an app's name: its display name, else its bundle id, else its id; no token id when the app names none", () => {
        const service = new ReadOnlyService();
        const named = (fields: object) =>
          appRevokeWrite(contextOf(service), { id: 'app-1', ...fields }, { kind: 'all' }, undefined, false).target;
        assert.equal(named({ displayName: '', bundleId: 'com.example' }).appName, 'com.example');
        assert.equal(named({}).appName, 'app-1');
        assert.equal(named({ vppTokenId: null }).tokenId, undefined);
      });
    });
  });

  describe('watchingResult: the outcome after Intune accepted a revoke', () => {
    function watchOf(service: ReadOnlyService, log = new RecordingLogger()) {
      const context = contextOf(service, log);
      const write = revokeWrite(
        context,
        { id: 'tok-1', displayName: 'Contoso HQ' },
        { notifyManagedDevices: false, revokeUntrackedLicenses: false },
      );
      return { log, write, after: watchingResult(context, write) };
    }
    const accepted = (value: ActionResult | undefined) => ({ write: 'w', value, evidence: { actions: [] }, sentAt: SENT_AT });

    it('reads until the result is final, and logs it', async () => {
      const service = new ReadOnlyService();
      const { log, after } = watchOf(service);
      let reads = 0;
      service.getToken = async () => {
        reads++;
        return { id: 'tok-1', tokenActionResults: [revokeResult({ actionState: reads < 2 ? 'active' : 'done', totalLicensesCount: 3 })] };
      };
      const result = await after.watch(accepted(undefined), signal, NO_PROGRESS);
      assert.equal(result?.actionState, 'done');
      assert.equal(reads, 2, 'stops at the final result');
      assert.match(log.text(), /info Revoke licenses of token tok-1 .*: done · 3 licenses, 0 failed/);
      assert.equal(after.describe(result), 'done · 3 licenses, 0 failed');
      assert.equal(after.describe(undefined), undefined);
    });

    it('a result already final is not read again', async () => {
      const service = new ReadOnlyService();
      const { after } = watchOf(service);
      const done = revokeResult({ actionState: 'done' });
      assert.equal(await after.watch(accepted(done), signal, NO_PROGRESS), done);
      assert.deepEqual(service.calls, []);
    });

    it('a result still active is watched from there, and kept when nothing newer is seen', async () => {
      const service = new ReadOnlyService();
      const { log, after } = watchOf(service);
      const active = revokeResult({ actionState: 'active' });
      service.token = { id: 'tok-1', tokenActionResults: [] };
      assert.equal(await after.watch(accepted(active), signal, NO_PROGRESS), active);
      assert.equal(service.calls.length, 3, 'every read the polling allows');
      assert.match(log.text(), /: active$/m);
    });

    it('no result seen: logged as such, not as a failure', async () => {
      const service = new ReadOnlyService();
      const { log, after } = watchOf(service);
      service.token = { id: 'tok-1', tokenActionResults: [] };
      assert.equal(await after.watch(accepted(undefined), signal, NO_PROGRESS), undefined);
      assert.match(log.text(), /Intune reported no action result for it while it was watched/);
      assert.doesNotMatch(log.text(), /warn|error/);
    });

    it('a read that fails ends the watch with a warning and what was seen; a cancelled one without', async () => {
      const service = new ReadOnlyService();
      const { log, after } = watchOf(service);
      service.token = new VppError('server', 'Intune is down');
      assert.equal(await after.watch(accepted(undefined), signal, NO_PROGRESS), undefined);
      assert.match(log.text(), /warn Revoke licenses of token tok-1 .*: could not read its outcome: .*Intune is down/);

      const quiet = watchOf(service);
      service.token = new VppError('cancelled', 'stopped');
      await quiet.after.watch(accepted(undefined), signal, NO_PROGRESS);
      assert.doesNotMatch(quiet.log.text(), /warn/);
    });

    it('the watch stops when the admin stops watching, and the progress says the revoke goes on', async () => {
      const service = new ReadOnlyService();
      const { after } = watchOf(service);
      assert.equal(after.progress, 'Intune accepted it; waiting for its outcome (Cancel stops waiting, not the revoke)');
      const stop = new AbortController();
      stop.abort();
      assert.equal(await after.watch(accepted(undefined), stop.signal, NO_PROGRESS), undefined);
      assert.deepEqual(service.calls, [], 'no read once stopped');
    });
  });
});
