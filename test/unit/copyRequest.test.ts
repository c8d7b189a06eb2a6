import { testJournal } from '../support/memoryJournal';
import * as assert from 'node:assert/strict';
import { copyRevokeRequest } from '../../src/commands/copyRequest';
import { asGraphPowerShell, asHttpRequest, GraphWrite } from '../../src/graph/exactRequest';
import { revokeLicensesRequest } from '../../src/graph/vppTokenService';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { fakeAccount } from '../support/fakeAccount';
import { RecordingTree } from '../support/recordingTree';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { RecordingLogger, signedInService, startTenant } from './fixtures';

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

  it('a write without a cmdlet goes through Invoke-MgGraphRequest; a token file in the body is never copied, quotes are escaped', () => {
    const renew: GraphWrite = {
      method: 'PATCH',
      path: `/deviceAppManagement/vppTokens/${ID}`,
      body: { token: 'SECRET-TOKEN-FILE', displayName: "O'Brien school" },
    };
    const powershell = asGraphPowerShell(renew, 'global', GRAPH);
    assert.equal(
      powershell,
      `Invoke-MgGraphRequest -Method PATCH -Uri '${GRAPH}/beta/deviceAppManagement/vppTokens/${ID}' -Body '{"token":"<the content of the .vpptoken file>","displayName":"O''Brien school"}' -ContentType 'application/json'`,
    );
    assert.doesNotMatch(powershell + asHttpRequest(renew, GRAPH), /SECRET-TOKEN-FILE/);
    const id = "it's";
    assert.equal(
      asGraphPowerShell({ method: 'POST', path: `/deviceAppManagement/vppTokens/${encodeURIComponent(id)}/syncLicenses` }, 'global', GRAPH),
      `Sync-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId 'it''s'`,
    );
  });
});

describe('Copy Revoke Request… (scripted UI, simulated tenant)', () => {
  let tenant: SimulatedTenant;
  before(async () => {
    tenant = await startTenant();
  });
  after(async () => {
    await tenant.stop();
  });
  beforeEach(() => {
    tenant.reset();
  });

  async function run(answers: Answer[], token = seedTokens()[0]) {
    const ui = new ScriptedUserInput(answers);
    const service = signedInService(tenant);
    tenant.requests.length = 0;
    await copyRevokeRequest(
      {
        ui,
        log: new RecordingLogger(),
        service: () => service,
        account: fakeAccount(),
        tree: new RecordingTree(),
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

  it('Escape at either question copies nothing', async () => {
    assert.deepEqual((await run(['escape'])).copied, []);
    assert.deepEqual((await run([{ pickMany: [] }, 'escape'])).copied, []);
    assert.deepEqual(tenant.requests, []);
  });
});
