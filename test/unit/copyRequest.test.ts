import { testJournal } from '../support/memoryJournal';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { copyRevokeRequest } from '../../src/commands/licenses/copyRequest';
import { asGraphPowerShell, asHttpRequest, GraphWrite, powerShellQuoted, withoutSecrets } from '../../src/graph/exactRequest';
import { VppError } from '../../src/errors';
import { actionContext, TenantContext } from '../../src/commands/context';
import {
  appRevokeWrite,
  createWrite,
  deleteWrite,
  editWrite,
  renewWrite,
  revokeWrite,
  syncWrite,
  takeOverWrite,
} from '../../src/commands/writes/writeKinds';
import { appRevokeRequest, revokeLicensesRequest } from '../../src/graph/vppRecords';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { fakeAccount } from '../support/fakeAccount';
import { RecordingStore } from '../support/recordingStore';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { RecordingLogger, signedInService } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';
import { POWERSHELL_SINGLE_QUOTES, readSingleQuoted, skeletonOf } from '../support/powerShellStrings';

const ID = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const GRAPH = 'https://graph.microsoft.com';

describe('a write as the exact request, for a change ticket', () => {
  it('a revoke as Graph PowerShell: the module cmdlet, with a switch for each option chosen', () => {
    const cases: [boolean, boolean, string][] = [
      [false, false, `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}'`],
      [true, false, `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}' -NotifyManagedDevices`],
      [false, true, `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}' -RevokeUntrackedLicenses`],
      [true, true, `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}' -NotifyManagedDevices -RevokeUntrackedLicenses`],
    ];
    for (const [notifyManagedDevices, revokeUntrackedLicenses, expected] of cases) {
      assert.equal(
        asGraphPowerShell(revokeLicensesRequest(ID, { notifyManagedDevices, revokeUntrackedLicenses }), 'global', GRAPH),
        expected,
      );
    }
  });

  it('a revoke as an HTTP request: method, full URL on the cloud, content type and the exact body, no Authorization', () => {
    const text = asHttpRequest(
      revokeLicensesRequest(ID, { notifyManagedDevices: true, revokeUntrackedLicenses: false }),
      'https://graph.microsoft.us',
    );
    assert.equal(
      text,
      [
        `POST https://graph.microsoft.us/beta/deviceAppManagement/vppTokens/${ID}/revokeLicenses`,
        'Content-Type: application/json',
        '',
        '{',
        '  "notifyManagedDevices": true,',
        '  "revokeUntrackedLicenses": false',
        '}',
      ].join('\n'),
    );
    assert.doesNotMatch(text, /Authorization|Bearer/i);
  });

  it('sync and delete use their cmdlets; a national or custom cloud says where to connect first', () => {
    const sync: GraphWrite = { method: 'POST', path: `/deviceAppManagement/vppTokens/${ID}/syncLicenses` };
    const remove: GraphWrite = { method: 'DELETE', path: `/deviceAppManagement/vppTokens/${ID}` };
    assert.equal(asGraphPowerShell(sync, 'global', GRAPH), `Sync-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}'`);
    assert.equal(
      asGraphPowerShell(remove, 'usGov', 'https://graph.microsoft.us'),
      `# Connect first with: Connect-MgGraph -Environment USGov\nRemove-MgBetaDeviceAppManagementVppToken -VppTokenId '${ID}'`,
    );
    assert.match(asGraphPowerShell(sync, 'china', GRAPH), /^# Connect first with: Connect-MgGraph -Environment China\n/);
    assert.match(asGraphPowerShell(sync, 'usGovDoD', GRAPH), /-Environment USGovDoD\n/);
    assert.match(
      asGraphPowerShell(sync, 'custom', 'https://graph.lab.example'),
      /^# A custom cloud \(https:\/\/graph\.lab\.example\): register it with Add-MgEnvironment/,
    );
  });

  it('a write without a documented cmdlet goes through Invoke-MgGraphRequest with its body; quotes are escaped', () => {
    const revoke = appRevokeRequest("app'1", { kind: 'device', id: 'device-1' }, true);
    assert.equal(
      asGraphPowerShell(revoke, 'global', GRAPH),
      `Invoke-MgGraphRequest -Method POST -Uri '${GRAPH}/beta/deviceAppManagement/mobileApps/app''1/microsoft.graph.iosVppApp/revokeDeviceLicense' -Body '{"managedDeviceId":"device-1","notifyManagedDevices":true}' -ContentType 'application/json'`,
    );
    const renew: GraphWrite = {
      method: 'PATCH',
      path: `/deviceAppManagement/vppTokens/${ID}`,
      body: { token: 'SECRET-TOKEN-FILE', displayName: "O'Brien school" },
    };
    const powershell = asGraphPowerShell(renew, 'global', GRAPH);
    assert.equal(
      powershell,
      `Update-MgBetaDeviceAppManagementVppToken -VppTokenId '${ID}' -Token '<the content of the .vpptoken file>' -DisplayName 'O''Brien school'`,
    );
    assert.doesNotMatch(powershell + asHttpRequest(renew, GRAPH), /SECRET-TOKEN-FILE/);
    const id = "it's";
    assert.equal(
      asGraphPowerShell({ method: 'POST', path: `/deviceAppManagement/vppTokens/${encodeURIComponent(id)}/syncLicenses` }, 'global', GRAPH),
      `Sync-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId 'it''s'`,
    );
  });

  it('every write kind, as the pipeline records it, copies as its cmdlet (or Invoke-MgGraphRequest) and as HTTP', () => {
    // The kinds build their request eagerly; the context is used only when they are sent or read.
    const context = {} as TenantContext;
    const token = { id: ID, displayName: 'Contoso HQ' };
    const app = { id: 'app-1', displayName: 'Keynote', vppTokenId: ID };
    const fields = {
      token: 'SECRET-TOKEN-FILE',
      displayName: 'Berlin',
      appleId: 'vpp@contoso.example',
      countryOrRegion: 'de',
      vppTokenAccountType: 'business' as const,
      automaticallyUpdateApps: true,
      dataSharingConsentGranted: true,
    };
    const kinds: [string, GraphWrite, string, string][] = [
      [
        'revoke',
        revokeWrite(context, token, { notifyManagedDevices: true, revokeUntrackedLicenses: true }).request,
        `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}' -NotifyManagedDevices -RevokeUntrackedLicenses`,
        `POST ${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}/revokeLicenses`,
      ],
      [
        'sync',
        syncWrite(context, token).request,
        `Sync-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${ID}'`,
        `POST ${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}/syncLicenses`,
      ],
      [
        'create',
        createWrite(context, fields).request,
        "New-MgBetaDeviceAppManagementVppToken -Token '<the content of the .vpptoken file>' -DisplayName 'Berlin' -AppleId 'vpp@contoso.example' -CountryOrRegion 'de' -VppTokenAccountType 'business' -AutomaticallyUpdateApps:$true -DataSharingConsentGranted:$true -ClaimTokenManagementFromExternalMdm:$false -RoleScopeTagIds @('0')",
        `POST ${GRAPH}/beta/deviceAppManagement/vppTokens`,
      ],
      [
        'renew',
        renewWrite(context, token, 'SECRET-TOKEN-FILE').request,
        `Update-MgBetaDeviceAppManagementVppToken -VppTokenId '${ID}' -Token '<the content of the .vpptoken file>'`,
        `PATCH ${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}`,
      ],
      [
        'edit',
        editWrite(context, token, { displayName: 'HQ', automaticallyUpdateApps: false }).request,
        `Update-MgBetaDeviceAppManagementVppToken -VppTokenId '${ID}' -DisplayName 'HQ' -AutomaticallyUpdateApps:$false`,
        `PATCH ${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}`,
      ],
      [
        'take over',
        takeOverWrite(context, token).request,
        `Update-MgBetaDeviceAppManagementVppToken -VppTokenId '${ID}' -ClaimTokenManagementFromExternalMdm:$true`,
        `PATCH ${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}`,
      ],
      [
        'delete',
        deleteWrite(context, token).request,
        `Remove-MgBetaDeviceAppManagementVppToken -VppTokenId '${ID}'`,
        `DELETE ${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}`,
      ],
      [
        'app licenses',
        appRevokeWrite(context, app, { kind: 'all' }, undefined, false).request,
        `Invoke-MgGraphRequest -Method POST -Uri '${GRAPH}/beta/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeAllLicenses' -Body '{"notifyManagedDevices":false}' -ContentType 'application/json'`,
        `POST ${GRAPH}/beta/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeAllLicenses`,
      ],
      [
        "a user's license",
        appRevokeWrite(context, app, { kind: 'user', id: 'user-1' }, 'Ada', true).request,
        `Invoke-MgGraphRequest -Method POST -Uri '${GRAPH}/beta/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeUserLicense' -Body '{"userId":"user-1","notifyManagedDevices":true}' -ContentType 'application/json'`,
        `POST ${GRAPH}/beta/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeUserLicense`,
      ],
      [
        "a device's license",
        appRevokeWrite(context, app, { kind: 'device', id: 'device-1' }, 'iPad', true).request,
        `Invoke-MgGraphRequest -Method POST -Uri '${GRAPH}/beta/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeDeviceLicense' -Body '{"managedDeviceId":"device-1","notifyManagedDevices":true}' -ContentType 'application/json'`,
        `POST ${GRAPH}/beta/deviceAppManagement/mobileApps/app-1/microsoft.graph.iosVppApp/revokeDeviceLicense`,
      ],
    ];
    for (const [name, request, powershell, httpLine] of kinds) {
      const shown = withoutSecrets(request);
      assert.equal(asGraphPowerShell(shown, 'global', GRAPH), powershell, name);
      const http = asHttpRequest(shown, GRAPH);
      assert.equal(http.split('\n')[0], httpLine, name);
      assert.doesNotMatch(http + powershell, /SECRET-TOKEN-FILE|Authorization/, name);
      if (request.body) {
        assert.deepEqual(JSON.parse(http.split('\n\n')[1]) as unknown, shown.body, name);
      }
    }
  });
});

/** Generated cases per property: thousands per `npm test`, in well under a second each. */
const RUNS = 2_000;

/** Any text, with PowerShell's five single quotes, line breaks and controls far more often than chance gives. */
const hostileText = fc
  .array(
    fc.oneof(fc.string({ unit: 'grapheme' }), fc.constantFrom(...POWERSHELL_SINGLE_QUOTES, '\n', '\r', '\u2028', '`', '$(', ';', '"')),
    {
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''));

/** An id the extension can put in a path: any text but a dot segment, a control or a line break. */
const pathId = hostileText.filter((id) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(id) && id !== '.' && id !== '..' && id !== '');

describe('a copied request, whatever the names and ids in it', () => {
  it("PowerShell's typographic quotes are doubled like ': a name cannot end its string", () => {
    assert.equal(powerShellQuoted('Contoso\u2019s VPP'), "'Contoso\u2019\u2019s VPP'");
    assert.equal(powerShellQuoted('x\u2019; Start-Process calc; \u2019'), "'x\u2019\u2019; Start-Process calc; \u2019\u2019'");
    assert.equal(powerShellQuoted("\u2018\u201a\u201b'"), "'\u2018\u2018\u201a\u201a\u201b\u201b'''");
    fc.assert(
      fc.property(hostileText, (value) => {
        const quoted = powerShellQuoted(value);
        assert.deepEqual(readSingleQuoted(quoted, 0), { value, end: quoted.length });
      }),
      { numRuns: RUNS },
    );
  });

  it('a token id or name from Graph stays data in every cmdlet: the code around the strings never changes', () => {
    fc.assert(
      fc.property(pathId, hostileText, (id, displayName) => {
        const path = `/deviceAppManagement/vppTokens/${encodeURIComponent(id)}`;
        assert.deepEqual(skeletonOf(asGraphPowerShell({ method: 'PATCH', path, body: { displayName } }, 'global', GRAPH)), {
          skeleton: 'Update-MgBetaDeviceAppManagementVppToken -VppTokenId <s> -DisplayName <s>',
          strings: [id, displayName],
        });
        assert.deepEqual(skeletonOf(asGraphPowerShell({ method: 'POST', path: `${path}/revokeLicenses`, body: {} }, 'global', GRAPH)), {
          skeleton: 'Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId <s>',
          strings: [id],
        });
        const invoked = skeletonOf(asGraphPowerShell(appRevokeRequest(id, { kind: 'user', id: displayName }, true), 'global', GRAPH));
        assert.equal(invoked.skeleton, 'Invoke-MgGraphRequest -Method POST -Uri <s> -Body <s> -ContentType <s>');
        assert.deepEqual(JSON.parse(invoked.strings[1]), { userId: displayName, notifyManagedDevices: true });
      }),
      { numRuns: RUNS },
    );
  });

  it('an HTTP request is its request line, its header and its body: a value adds no line, and its body reads back', () => {
    fc.assert(
      fc.property(pathId, hostileText, (id, displayName) => {
        const path = `/deviceAppManagement/vppTokens/${encodeURIComponent(id)}`;
        const [head, body] = asHttpRequest({ method: 'PATCH', path, body: { displayName } }, GRAPH).split('\n\n');
        const lines = head.split(/\r\n|\r|\n|\u2028|\u2029/);
        assert.equal(lines.length, 2);
        assert.match(lines[0], /^PATCH https:\/\/graph\.microsoft\.com\/beta\/deviceAppManagement\/vppTokens\/[\x21-\x7e]+$/);
        assert.equal(lines[1], 'Content-Type: application/json');
        assert.deepEqual(JSON.parse(body), { displayName });
      }),
      { numRuns: RUNS },
    );
  });

  it('a request the extension could not have built (a journal record edited on disk) is refused, not copied', () => {
    const token = `/deviceAppManagement/vppTokens/${ID}`;
    const forged: unknown[] = [
      { method: 'GET', path: token },
      { method: 'POST; Start-Process calc', path: token },
      { method: 'post', path: token },
      { method: undefined, path: token },
      { method: 'POST', path: `${token}\r\nAuthorization: Bearer x` },
      { method: 'POST', path: `${token} HTTP/1.1` },
      { method: 'POST', path: `${token}?$select=token` },
      { method: 'POST', path: `${token}#x` },
      { method: 'POST', path: '/users/someone' },
      { method: 'POST', path: '/deviceAppManagement/../users' },
      { method: 'POST', path: '/deviceAppManagement/vppTokens/caf\u00e9' },
      { method: 'POST', path: '/deviceAppManagement/vppTokens/x%0aStart-Process' },
      { method: 'POST', path: '/deviceAppManagement/vppTokens/%E0%A4%A' },
      { method: 'POST', path: 42 },
      { method: 'POST', path: token, body: 'notifyManagedDevices' },
      { method: 'POST', path: token, body: ['x'] },
      { method: 'POST', path: token, body: null },
    ];
    for (const write of forged) {
      const renders = [() => asGraphPowerShell(write as GraphWrite, 'global', GRAPH), () => asHttpRequest(write as GraphWrite, GRAPH)];
      for (const render of renders) {
        assert.throws(render, (error: unknown) => {
          assert.ok(error instanceof VppError, JSON.stringify(write));
          assert.equal(error.kind, 'malformed');
          assert.match(error.message, /not one the extension sends .* so it was not copied/);
          return true;
        });
      }
    }
    assert.ok(asHttpRequest({ method: 'DELETE', path: '/deviceManagement/x' }, GRAPH).startsWith('DELETE '), 'deviceManagement paths too');
  });
});

describe('Copy Revoke Request… (scripted UI, simulated tenant)', () => {
  let tenant: SimulatedTenant;
  useSimulatedTenant({}, (started) => (tenant = started));

  async function run(answers: Answer[], token = seedTokens()[0]) {
    const ui = new ScriptedUserInput(answers);
    const service = signedInService(tenant);
    tenant.requests.length = 0;
    await copyRevokeRequest(
      {
        ...actionContext(ui, new RecordingLogger()),
        service: () => service,
        account: fakeAccount(),
        store: new RecordingStore(),
        now: () => Date.now(),
        journal: testJournal(),
        outcomePolling: { delaysMs: [10] },
        licensePolling: { delaysMs: [10] },
      },
      token,
      { cloud: 'global', graphEndpoint: tenant.url },
    );
    ui.assertScriptFollowed();
    return ui;
  }

  it('copies the revoke with the options picked, says nothing was sent, and sends nothing', async () => {
    const [hq] = seedTokens();
    const ui = await run([{ pickMany: ['Notify managed devices'] }, { pick: 'Graph PowerShell' }]);
    assert.deepEqual(ui.copied, [`Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${hq.id}' -NotifyManagedDevices`]);
    assert.equal(ui.of('info')[0]?.message, 'Copied the revoke of "Contoso HQ" as Graph PowerShell. Nothing was sent to Intune.');
    assert.deepEqual(tenant.requests, []);
  });

  it("as an HTTP request, on the tenant's own Graph", async () => {
    const [hq] = seedTokens();
    const ui = await run([{ pickMany: [] }, { pick: 'HTTP request' }]);
    assert.ok(ui.copied[0]?.startsWith(`POST ${tenant.url}/beta/deviceAppManagement/vppTokens/${hq.id}/revokeLicenses\n`));
    assert.equal(ui.of('info')[0]?.message, 'Copied the revoke of "Contoso HQ" as an HTTP request. Nothing was sent to Intune.');
  });

  it('the untracked option alone is copied as that switch alone; the options pick is titled with the token', async () => {
    const [hq] = seedTokens();
    const ui = await run([{ pickMany: ['Revoke untracked licenses'] }, { pick: 'Graph PowerShell' }]);
    assert.deepEqual(ui.copied, [`Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${hq.id}' -RevokeUntrackedLicenses`]);
    const [options] = ui.of('pickMany');
    assert.equal(options?.title, 'Copy the revoke of "Contoso HQ": its options');
  });

  it('Escape at either question copies nothing', async () => {
    assert.deepEqual((await run(['escape'])).copied, []);
    assert.deepEqual((await run([{ pickMany: [] }, 'escape'])).copied, []);
    assert.deepEqual(tenant.requests, []);
  });
});
