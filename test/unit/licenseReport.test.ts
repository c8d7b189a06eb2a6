import * as assert from 'node:assert/strict';
import { exportLicenseReport, ReportSource } from '../../src/commands/licenses/licenseReport';
import fc from 'fast-check';
import { csvCell, csvCellValue, parseCsv } from '../../src/csv';
import { createVppTokenService } from '../../src/graph/createService';
import { VppError } from '../../src/errors';
import { SECRET_TOKEN_PREFIX, seedTokens } from '../simulatedTenant/seed';
import { SimulatedTenant } from '../simulatedTenant/server';
import { actionContext } from '../support/fakeAccount';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { RecordingLogger, tenantSettings } from '../support/fixtures';
import { useSimulatedTenant } from '../support/harness';

describe('Export License Report…', () => {
  let tenant: SimulatedTenant;

  useSimulatedTenant({}, (started) => (tenant = started));

  function source(label: string): ReportSource {
    const accessToken = tenant.issueAccessToken();
    const service = createVppTokenService(tenantSettings(tenant), {
      getAccessToken: async () => accessToken,
      log: new RecordingLogger(),
      acceptLanguage: 'en-US',
      retry: { delaySeconds: 0, maxRetries: 0, maxWaitSeconds: 0 },
    });
    return { label, service: () => service };
  }

  it('neutralises what a spreadsheet would run as a formula, and quotes what CSV needs quoted', () => {
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    assert.equal(csvCell('+1'), "'+1");
    assert.equal(csvCell('-2'), "'-2");
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvCell('\tx'), "'\tx");
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
    assert.equal(csvCell(-5), '-5', 'a number is not a formula');
    assert.equal(csvCell(undefined), '');
    assert.equal(csvCell(null), '', 'a value Graph sent as null is an empty cell, not "null"');
  });

  it('a value of any type Graph or a journal on disk sends is one inert cell; text reads back as it was', () => {
    assert.equal(csvCell(['=cmd|"/c calc"!A1']), `"[""=cmd|\\""/c calc\\""!A1""]"`, 'an array is JSON text, not a formula');
    assert.equal(csvCell({ toString: () => '=1+1' }), '{}', 'never what the object says of itself');
    assert.equal(csvCell(true), 'true');
    assert.equal(csvCell(NaN), 'null');
    const fieldOf = (value: unknown) => parseCsv(csvCell(value))[0]?.[0] ?? '';
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true }), (value) => {
        assert.equal(parseCsv(csvCell(value)).flat().length <= 1, true, 'one cell');
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          assert.doesNotMatch(fieldOf(value), /^[=+\-@\t\r]/);
        }
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '"', ',', '\n')), (text) => {
        assert.equal(csvCellValue(fieldOf(text)), text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes one CSV row per app, and one for a token without apps, for the one tenant', async () => {
    const ui = new ScriptedUserInput([{ text: '/reports/vpp.csv' }]);
    await exportLicenseReport(actionContext(ui), [source('Contoso')], new Date('2026-11-29T10:00:00Z'));
    assert.equal(ui.of('pickOne').length, 0, 'one tenant: nothing to choose');
    assert.equal(ui.of('save')[0].value, 'vpp-licenses-2026-11-29.csv');
    const csv = ui.written.get('/reports/vpp.csv') ?? '';
    const lines = csv.trimEnd().split('\r\n');
    assert.equal(lines[0], 'tenant,token,tokenId,state,expirationDateTime,appleId,location,app,bundleId,usedLicenses,totalLicenses');
    const hq = lines.filter((line) => line.startsWith('Contoso,Contoso HQ,'));
    assert.deepEqual(
      hq.map((line) => line.split(',').slice(-4).join(',')),
      ['Microsoft Teams,com.microsoft.skype.teams,5,20', 'Microsoft Outlook,com.microsoft.Office.Outlook,8,30'],
    );
    assert.ok(
      lines.some((line) => line.startsWith('Contoso,Never synced,') && line.endsWith(',,,,')),
      'a token without apps has its row',
    );
    assert.equal(new Set(lines.slice(1).map((line) => line.split(',')[2])).size, seedTokens().length);
    assert.ok(
      lines.some((line) => line.startsWith('Contoso,Tailspin Toys,')),
      'a token without a name is named as in the tree',
    );
    assert.equal(csv.includes(SECRET_TOKEN_PREFIX), false);
    assert.equal(ui.of('info')[0].message, `Wrote the license report of ${seedTokens().length} VPP tokens to /reports/vpp.csv.`);
  });

  it('a .json file gets JSON, with the licenses of each token summed', async () => {
    const ui = new ScriptedUserInput([{ text: 'report.json' }]);
    await exportLicenseReport(actionContext(ui), [source('Contoso')]);
    const report = JSON.parse(ui.written.get('report.json') ?? '') as {
      tenants: { tenant: string; tokens: { displayName: string; usedLicenses: number; totalLicenses: number; apps: unknown[] }[] }[];
    };
    const hq = report.tenants[0].tokens.find((token) => token.displayName === 'Contoso HQ');
    assert.deepEqual([hq?.apps.length, hq?.usedLicenses, hq?.totalLicenses], [2, 13, 50]);
  });

  it('for all tenants: a tenant that cannot be read is named, the others are written', async () => {
    const broken: ReportSource = {
      label: 'Broken',
      service: () => {
        throw new VppError('configuration', 'The setting intuneVpp.auth.clientId is missing.');
      },
    };
    const ui = new ScriptedUserInput([{ pick: 'All tenants (2)' }, { text: 'all.csv' }]);
    await exportLicenseReport(actionContext(ui), [source('Contoso'), broken]);
    assert.match(ui.written.get('all.csv') ?? '', /\r\nContoso,Contoso HQ,/);
    assert.match(
      ui.of('error')[0].message ?? '',
      /These tenants could not be read and are not in the report: Broken \(The setting intuneVpp\.auth\.clientId is missing\.\)/,
    );
  });

  it('Cancel while the tenants are read writes nothing and says nothing', async () => {
    const ui = new ScriptedUserInput([{ pick: 'All tenants (2)' }, { text: 'all.csv' }]);
    ui.onProgressReport = (_message, cancel) => cancel();
    await assert.rejects(
      exportLicenseReport(actionContext(ui), [source('Contoso'), source('Fabrikam')]),
      (error: unknown) => error instanceof VppError && error.kind === 'cancelled',
    );
    assert.equal(ui.written.size, 0);
    assert.deepEqual(ui.of('info'), []);
  });

  it('Escape at the tenant pick or at the save dialog reads and writes nothing', async () => {
    for (const answers of [['escape'], [{ pick: 'Contoso' }, 'escape']] as const) {
      tenant.requests.length = 0;
      const ui = new ScriptedUserInput([...answers]);
      await exportLicenseReport(actionContext(ui), [source('Contoso'), source('Fabrikam')]);
      assert.equal(tenant.requests.length, 0);
      assert.equal(ui.written.size, 0);
      assert.deepEqual(ui.of('info'), []);
    }
  });
});
