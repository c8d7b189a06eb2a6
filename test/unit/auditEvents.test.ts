import * as assert from 'node:assert/strict';
import { showAuditEvents } from '../../src/commands/history/auditEvents';
import { fakeAccount } from '../support/fakeAccount';
import { Answer } from '../support/scriptedUserInput';
import { seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { commandHarness, useSimulatedTenant } from '../support/harness';

const DAY = 24 * 3600 * 1000;

describe("Show Intune Audit Events… (Intune's audit log, simulated tenant)", () => {
  let tenant: SimulatedTenant;
  let accessToken: string;
  const [hq, branch] = seedTokens();

  useSimulatedTenant(
    { pageSize: 2 },
    (started) => (tenant = started),
    () => {
      tenant.reset();
      accessToken = tenant.issueAccessToken();
    },
  );

  function setup(answers: Answer[], now = Date.now()) {
    const harness = commandHarness(tenant, answers, {
      dependencies: { getAccessToken: async () => accessToken, retry: { delaySeconds: 0, maxRetries: 0, maxWaitSeconds: 0 } },
      account: fakeAccount(),
      now: () => now,
      polling: { delaysMs: [] },
    });
    return {
      ui: harness.ui,
      log: harness.log,
      service: harness.context.service(),
      run: () => harness.run(showAuditEvents(harness.context, hq)),
    };
  }

  it("lists the events that name the token, newest first, with who and Intune's own names; others are left out", async () => {
    const { ui, service, run } = setup([{ pick: 'Last 30 days' }]);
    await service.revokeLicenses(hq.id, { notifyManagedDevices: false, revokeUntrackedLicenses: false });
    await service.syncLicenses(branch.id);
    tenant.addAuditEvent({
      activity: 'Revoke licenses',
      activityType: 'RevokeLicenses VppToken',
      activityOperationType: 'Action',
      activityDateTime: new Date(Date.now() - 3 * DAY).toISOString(),
      userPrincipalName: 'colleague@contoso.example',
      resource: { displayName: 'Contoso HQ', type: 'VppToken', resourceId: hq.id },
    });
    await run();
    const [request] = tenant.requestsFor('auditEvents');
    const filter = new URL(request.url, tenant.url).searchParams.get('$filter') ?? '';
    assert.match(filter, /^activityDateTime ge \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const since = Date.parse(filter.replace('activityDateTime ge ', ''));
    assert.ok(Math.abs(Date.now() - 30 * DAY - since) < 60_000, 'the period asked for is the one picked');
    const [report] = ui.of('report');
    assert.equal(report.title, 'Intune audit events of "Contoso HQ", last 30 days');
    const lines = (report.message ?? '').split('\n').filter((line) => / · /.test(line) && /\d{4}-/.test(line));
    assert.equal(lines.length, 2, report.message);
    assert.match(lines[0], new RegExp(`· admin@${tenant.tenantId} · Revoke licenses \\(RevokeLicenses VppToken\\) · Success$`));
    assert.match(lines[1], /· colleague@contoso\.example · Revoke licenses/);
    assert.doesNotMatch(report.message ?? '', /Sync licenses/);
  });

  it('the period is asked for the server: an event older than it is not read', async () => {
    const { ui, run } = setup([{ pick: 'Last 7 days' }]);
    tenant.addAuditEvent({
      activity: 'Delete VppToken',
      activityType: 'Delete VppToken',
      activityOperationType: 'Delete',
      activityDateTime: new Date(Date.now() - 8 * DAY).toISOString(),
      resource: { displayName: 'Contoso HQ', type: 'VppToken', resourceId: hq.id },
    });
    await run();
    assert.equal(ui.of('report').length, 0);
    assert.equal(ui.of('info')[0]?.message, 'Intune\'s audit log names "Contoso HQ" in no event of the last 7 days.');
  });

  it('a refused read names the permission it needs; Escape at the period reads nothing', async () => {
    accessToken = tenant.issueAccessToken(3600, ['DeviceManagementServiceConfig.ReadWrite.All']);
    const refused = setup([{ pick: 'Last 30 days' }]);
    await refused.run();
    assert.match(refused.ui.of('error')[0]?.message ?? '', /needs the Microsoft Graph permission DeviceManagementApps\.ReadWrite\.All /);
    const requests = tenant.requests.length;
    const escaped = setup(['escape']);
    await escaped.run();
    assert.equal(tenant.requests.length, requests);
  });

  it('follows the pages of the log, and names the activity of every write the tenant carried out', async () => {
    const { ui, service, run } = setup([{ pick: 'Last 30 days' }]);
    for (let index = 0; index < 5; index++) {
      await service.syncLicenses(hq.id);
    }
    await run();
    assert.ok(tenant.requestsFor('auditEvents').length >= 3, 'several pages');
    const lines = (ui.of('report')[0]?.message ?? '').split('\n').filter((line) => / · Sync licenses /.test(line));
    assert.equal(lines.length, 5);
  });
});
