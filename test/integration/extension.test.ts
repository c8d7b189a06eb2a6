import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SECRET_TOKEN_PREFIX, seedTokens } from '../simulatedTenant/seed';
import { SUITE_PACE, SimulatedTenant, SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { CERT_DIR } from '../paths';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';
import { configure, EXTENSION_ID, Fixture, labelOf, tooltipOf, useSuiteFixture, withUi, withWorkspaceSettings } from './fixture';
import type { VppTokenRecord } from '../../src/graph/vppRecords';

const NOTIFY = 'Notify managed devices';
const UNTRACKED = 'Revoke untracked licenses';

describe('Intune VPP Tokens in a real VS Code', () => {
  let fixture: Fixture;

  useSuiteFixture((got) => (fixture = got));

  async function items(): Promise<vscode.TreeItem[]> {
    const nodes = (await fixture.api.tree.getChildren()) ?? [];
    return Promise.all(nodes.map(async (node) => fixture.api.tree.getTreeItem(node)));
  }

  async function nodeLabelled(label: string) {
    const nodes = (await fixture.api.tree.getChildren()) ?? [];
    for (const node of nodes) {
      if ((await fixture.api.tree.getTreeItem(node)).label === label) {
        return node;
      }
    }
    assert.fail(`no tree item labelled ${label}`);
  }

  it('activates and registers every contributed command', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension?.isActive);
    const contributed = (extension.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map(
      (entry) => entry.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(contributed.length >= 9);
    assert.deepEqual(
      contributed.filter((command) => !registered.has(command)),
      [],
    );
  });

  it("lists the simulated tenant's tokens, sorted, with state, expiry, icon and context value", async () => {
    const tree = await items();
    assert.equal(tree.length, seedTokens().length);
    const labels = tree.map((item) => labelOf(item));
    assert.deepEqual(
      labels,
      [...labels].sort((a, b) => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' })),
    );
    const hq = tree.find((item) => item.label === 'Contoso HQ');
    assert.ok(hq);
    assert.match(String(hq.description), /^valid · expires in (199|200) days$/);
    assert.equal((hq.iconPath as vscode.ThemeIcon).id, 'pass');
    assert.equal(hq.contextValue, 'vppToken state-valid');
    assert.equal(hq.id, seedTokens()[0].id);
    assert.match(hq.accessibilityInformation?.label ?? '', /Contoso HQ, state valid, expires in/);
    const retail = tree.find((item) => item.label === 'Contoso Retail');
    assert.equal((retail?.iconPath as vscode.ThemeIcon).id, 'warning');
    assert.equal(retail?.contextValue, 'vppToken state-valid expiringSoon');
    assert.ok(
      tree.some((item) => item.label === 'Tailspin Toys'),
      'falls back to the organization name',
    );
    const lists = fixture.tenant.requestsFor('list');
    assert.ok(lists.length >= 3, 'followed every page');
    assert.ok(
      lists.every(
        (request) => /\$select=id,/.test(decodeURIComponent(request.url)) && !/[,=]token(,|&|$)/.test(decodeURIComponent(request.url)),
      ),
    );
    assert.match(lists[0].headers.authorization, /^Bearer sim-at-/);
    assert.equal(JSON.stringify(tree).includes(SECRET_TOKEN_PREFIX), false);
  });

  it('renders a hostile display name and Apple ID as plain, untrusted tooltip text: no link, not even an address', async () => {
    const hostile = {
      ...seedTokens()[0],
      id: 'hostile-1',
      displayName: '[Run me](command:workbench.action.terminal.new) <b>bold</b> See https://evil.example/fix',
      appleId: 'vpp15@contoso.example',
    };
    fixture.tenant.tokens.set(hostile.id, hostile);
    try {
      const item = (await items()).find((candidate) => candidate.id === 'hostile-1');
      assert.ok(item);
      const tooltip = item.tooltip as vscode.MarkdownString;
      assert.equal(tooltip.isTrusted, false);
      assert.equal(tooltip.supportHtml, false);
      assert.doesNotMatch(tooltip.value, /\[Run me\]\(command:/);
      assert.match(tooltip.value, /\\\[Run(&nbsp;| )me\\\]/);
      // GitHub's Markdown links bare addresses: their punctuation is escaped, so neither becomes a link.
      assert.match(tooltip.value, /https\\:\\\/\\\/evil\\\.example\\\/fix/);
      assert.match(tooltip.value, /vpp15\\@contoso\\\.example/);
    } finally {
      fixture.tenant.tokens.delete(hostile.id);
    }
  });

  it('shows duplicate ids once and hostile ids and names without breaking the tree', async () => {
    const base = seedTokens()[0];
    const odd = [
      { ...base, id: 'dup-1', displayName: 'Duplicate A' },
      { ...base, id: 'dup-1', displayName: 'Duplicate B' },
      { ...base, id: 'a/b?c#d%e', displayName: '\u202eevil\u001b[31m [x](command:workbench.action.terminal.new)' },
      { ...base, id: '..', displayName: 'Dot-dot' },
      { id: 'nulls-1', state: 'brandNew' },
    ];
    fixture.tenant.addFault({ route: 'list', status: 200, body: JSON.stringify({ value: odd }) });
    const tree = await items();
    assert.deepEqual(tree.map((item) => item.id).sort(), ['..', 'a/b?c#d%e', 'dup-1', 'nulls-1']);
    const hostile = tree.find((item) => item.id === 'a/b?c#d%e');
    assert.doesNotMatch(labelOf(hostile), /[\u001b\u202e]|\]\(/);
    assert.equal((hostile?.tooltip as vscode.MarkdownString).isTrusted, false);
    assert.equal(tree.find((item) => item.id === 'nulls-1')?.label, 'nulls-1');
    // The next listing is the seeded tenant again.
    assert.equal((await items()).length, seedTokens().length);
  });

  it('revokes from a tree item with the answers given, posting exactly the chosen options once', async () => {
    const node = await nodeLabelled('Contoso HQ');
    const ui = new ScriptedUserInput([{ pickMany: [NOTIFY] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    const posts = fixture.tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].tokenId, seedTokens()[0].id);
    assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":false}');
    assert.match(posts[0].headers.authorization, /^Bearer sim-at-/);
    // One message, with Intune's action result for this revoke, read back while it was watched.
    assert.deepEqual(
      ui.of('info').map((info) => info.message),
      ['Intune accepted the revoke of the licenses of "Contoso HQ": done · 13 licenses, 0 failed'],
    );
    assert.equal(ui.remaining(), 0);
    assert.ok(fixture.tenant.requestsFor('get').every((request) => request.tokenId === seedTokens()[0].id));
  });

  it('a revoke reads its token back once: the next expansion shows its result without reading the token again', async () => {
    const retail = seedTokens()[1];
    const node = await nodeLabelled('Contoso Retail');
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    assert.match(ui.of('info')[0]?.message ?? '', /Intune accepted the revoke of the licenses of "Contoso Retail"/);
    const reads = () => fixture.tenant.requestsFor('get').filter((request) => request.tokenId === retail.id).length;
    const readsAfterRevoke = reads();
    const post = fixture.tenant.requests.findIndex((request) => request.route === 'revoke');
    assert.ok(
      fixture.tenant.requests.slice(post + 1).some((request) => request.route === 'get' && request.tokenId === retail.id),
      'the token was read back after the revoke',
    );
    const expanded = async () => {
      const groups = (await fixture.api.tree.getChildren(node)) ?? [];
      const actions = (await fixture.api.tree.getChildren(groups[groups.length - 1])) ?? [];
      return Promise.all(actions.map(async (action) => fixture.api.tree.getTreeItem(action)));
    };
    const [first] = await expanded();
    assert.equal(first?.label, 'RevokeLicenses', "the expansion shows the revoke's result");
    assert.equal(reads(), readsAfterRevoke, 'the expansion after the revoke uses the read back, not another read');
    await expanded();
    assert.equal(reads(), readsAfterRevoke + 1, 'a later expansion reads the token again');
  });

  it('revokes the token the admin confirmed, even when a refresh puts another token in the item while the dialog is open', async () => {
    const node = (await nodeLabelled('Never synced')) as { token: VppTokenRecord };
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    ui.onConfirm = () => {
      // What the tree does when it reads a token again: the same item, a new record.
      node.token = seedTokens()[1];
    };
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    assert.match(ui.of('confirm')[0].message ?? '', /"Never synced"/);
    assert.deepEqual(
      fixture.tenant.requestsFor('revoke').map((post) => post.tokenId),
      [seedTokens()[14].id],
    );
  });

  it('expands a token into its VPP apps and eBooks with license counts, and its recent actions', async () => {
    const node = await nodeLabelled('Contoso HQ');
    const groups = (await fixture.api.tree.getChildren(node)) ?? [];
    const groupItems = await Promise.all(groups.map(async (group) => fixture.api.tree.getTreeItem(group)));
    assert.deepEqual(
      groupItems.map((item) => item.label),
      ['Apps (2)', 'eBooks (2)', 'Recent actions (1)'],
    );
    const apps = await Promise.all(
      ((await fixture.api.tree.getChildren(groups[0])) ?? []).map(async (app) => fixture.api.tree.getTreeItem(app)),
    );
    assert.deepEqual(
      apps.map((app) => [app.label, app.description]),
      [
        ['Microsoft Teams', '0/20 licenses used · not assigned'],
        ['Microsoft Outlook', '0/30 licenses used · not assigned'],
      ],
    );
    const books = await Promise.all(
      ((await fixture.api.tree.getChildren(groups[1])) ?? []).map(async (book) => fixture.api.tree.getTreeItem(book)),
    );
    assert.deepEqual(
      books.map((book) => [book.label, book.description, (book.iconPath as vscode.ThemeIcon).id]),
      [
        ['The Swift Programming Language', '12/40 licenses used', 'book'],
        ['Apple Platform Deployment', '3/10 licenses used', 'book'],
      ],
    );
    const actions = await Promise.all(
      ((await fixture.api.tree.getChildren(groups[2])) ?? []).map(async (action) => fixture.api.tree.getTreeItem(action)),
    );
    assert.equal(actions[0].label, 'RevokeLicenses');
    assert.equal(actions[0].description, 'done · 13 licenses, 0 failed');
    assert.equal((actions[0].iconPath as vscode.ThemeIcon).id, 'pass');
    const appRequests = fixture.tenant.requestsFor('apps');
    assert.ok(appRequests.length >= 1, 'the apps were listed');
    assert.match(decodeURIComponent(appRequests[0].url), /\$filter=isof\('microsoft\.graph\.iosVppApp'\)/);
    assert.match(
      decodeURIComponent(fixture.tenant.requestsFor('ebooks')[0]?.url ?? ''),
      /\$filter=isof\('microsoft\.graph\.iosVppEBook'\)/,
    );
    // A token that bought no eBooks has no eBooks group.
    const other = (await fixture.api.tree.getChildren(await nodeLabelled('Old MDM token'))) ?? [];
    const otherLabels = await Promise.all(other.map(async (group) => labelOf(await fixture.api.tree.getTreeItem(group))));
    assert.deepEqual(
      otherLabels.map((label) => label.replace(/\(\d+\)/, '(n)')),
      ['Apps (n)', 'Recent actions (n)'],
    );
  });

  it("an assigned app says how it is assigned, and expands to its assignments before its licenses; the apps' assignments are read in one batch", async () => {
    fixture.tenant.requests.length = 0;
    const node = await nodeLabelled('Школа № 5 — Москва');
    const [appsGroup] = (await fixture.api.tree.getChildren(node)) ?? [];
    const apps = (await fixture.api.tree.getChildren(appsGroup)) ?? [];
    const items = await Promise.all(apps.map(async (app) => fixture.api.tree.getTreeItem(app)));
    assert.deepEqual(
      items.map((item) => [item.label, item.description]),
      [
        ['Microsoft Teams', '5/20 licenses used · Required: 1 group'],
        ['Microsoft Outlook', '8/30 licenses used · Available: All users'],
      ],
    );
    assert.equal(fixture.tenant.requestsFor('batch').length, 1);
    const teams = await Promise.all(
      ((await fixture.api.tree.getChildren(apps[0])) ?? []).map(async (row) => fixture.api.tree.getTreeItem(row)),
    );
    assert.deepEqual(
      teams.slice(0, 2).map((item) => [item.label, item.description]),
      [
        ['Required: group 6f1c2a4e-0000-4000-8000-000000000001', 'device licensing · licenses again after a revoke'],
        ['Required: excluded group 6f1c2a4e-0000-4000-8000-000000000002', 'device licensing'],
      ],
    );
    assert.equal(teams.length, 2 + 5, 'then its five licenses');
  });

  it('intuneVpp.readGroupNames names the groups where the tenant granted GroupMember.Read.All; a workspace cannot turn it on', async () => {
    const granted = fixture.tenant.permissions;
    const teamsRows = async () => {
      const [appsGroup] = (await fixture.api.tree.getChildren(await nodeLabelled('Школа № 5 — Москва'))) ?? [];
      const [teams] = (await fixture.api.tree.getChildren(appsGroup)) ?? [];
      const rows = (await fixture.api.tree.getChildren(teams)) ?? [];
      return Promise.all(rows.slice(0, 2).map(async (row) => labelOf(await fixture.api.tree.getTreeItem(row))));
    };
    // A settings change lists the tenants again: the rows are read until the listing is back and shows them.
    const rowsBecome = (expected: string[]) =>
      waitUntil(
        async () => JSON.stringify(await teamsRows().catch(() => [])) === JSON.stringify(expected),
        `the rows ${expected.join(', ')}`,
      );
    const groupReads = () => fixture.tenant.requests.filter((request) => request.url.startsWith('/beta/groups/'));
    fixture.tenant.permissions = [...granted, 'GroupMember.Read.All'];
    fixture.tenant.expireAccessTokens();
    try {
      fixture.tenant.requests.length = 0;
      await withWorkspaceSettings({ 'intuneVpp.readGroupNames': true }, async () => {
        await rowsBecome([
          'Required: group 6f1c2a4e-0000-4000-8000-000000000001',
          'Required: excluded group 6f1c2a4e-0000-4000-8000-000000000002',
        ]);
      });
      assert.deepEqual(groupReads(), [], 'a workspace setting reads no group');
      await configure({ readGroupNames: true });
      await rowsBecome(['Required: group Grade 5 iPads', 'Required: excluded group Loaner iPads']);
      assert.ok(groupReads().length >= 2);
    } finally {
      await configure({ readGroupNames: undefined });
      fixture.tenant.permissions = granted;
      fixture.tenant.expireAccessTokens();
    }
  });

  it('a tenant that granted only DeviceManagementServiceConfig: a token still shows its recent actions, and its apps say which permission they need', async () => {
    const granted = fixture.tenant.permissions;
    fixture.tenant.permissions = ['DeviceManagementServiceConfig.ReadWrite.All'];
    // The cached access token is refused once; the new one carries only what the tenant now grants.
    fixture.tenant.expireAccessTokens();
    try {
      const node = await nodeLabelled('Contoso HQ');
      const [apps, actions] = await Promise.all(
        ((await fixture.api.tree.getChildren(node)) ?? []).map(async (child) => fixture.api.tree.getTreeItem(child)),
      );
      assert.equal(apps.label, 'Apps: needs DeviceManagementApps.ReadWrite.All');
      assert.equal(apps.command?.command, 'intuneVpp.openSetupGuide');
      assert.match(labelOf(actions), /^Recent actions \(\d+\)$/);
      assert.ok(fixture.tenant.requestsFor('apps').length >= 1, 'the apps were asked for, and refused');
      // Granted again: the same listing's next expansion reads the apps again rather than the refusal it had.
      fixture.tenant.permissions = granted;
      fixture.tenant.expireAccessTokens();
      const [appsAgain] = await Promise.all(
        ((await fixture.api.tree.getChildren(node)) ?? []).map(async (child) => fixture.api.tree.getTreeItem(child)),
      );
      assert.equal(appsAgain.label, 'Apps (2)');
    } finally {
      fixture.tenant.permissions = granted;
      fixture.tenant.expireAccessTokens();
    }
  });

  it('a token whose recent actions cannot be read still shows its apps', async () => {
    const node = await nodeLabelled('Contoso HQ');
    fixture.tenant.addFault({ route: 'get', status: 500, times: 5 });
    const children = await Promise.all(
      ((await fixture.api.tree.getChildren(node)) ?? []).map(async (child) => fixture.api.tree.getTreeItem(child)),
    );
    const [apps, actions] = [children[0], children[children.length - 1]];
    assert.equal(apps.label, 'Apps (2)');
    assert.equal(actions.label, 'Recent actions: could not be read');
    assert.match(tooltipOf(actions), /server error \(500\)/);
  });

  it('revokes a multi-selection with one pick and one confirmation, reporting each token', async () => {
    const selection = [await nodeLabelled('Contoso Retail'), await nodeLabelled('Tailspin Toys'), await nodeLabelled('Contoso Labs')];
    fixture.tenant.requests.length = 0;
    const ui = new ScriptedUserInput([{ pickMany: [UNTRACKED] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', selection[0], selection));
    const posts = fixture.tenant.requestsFor('revoke');
    assert.equal(posts.length, 3);
    assert.ok(posts.every((post) => post.body === '{"notifyManagedDevices":false,"revokeUntrackedLicenses":true}'));
    assert.equal(ui.of('confirm')[0].message, 'Revoke all app licenses of 3 VPP tokens?');
    assert.match(ui.of('confirm')[0].detail ?? '', /1 of these tokens are not valid in Intune/);
    assert.equal(ui.of('info')[0].message, 'Revoke licenses: 3 of 3 tokens accepted by Intune, 0 failed, 0 unconfirmed, 0 not sent.');
    assert.match(ui.of('report')[0].message ?? '', /^Revoked \(3\)\n- Contoso Labs .*\n- Contoso Retail .*\n- Tailspin Toys /);
  });

  it('syncs a token from its item', async () => {
    const node = await nodeLabelled('Contoso HQ');
    const ui = new ScriptedUserInput();
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.syncLicenses', node));
    assert.equal(fixture.tenant.requestsFor('sync').length, 1);
    assert.equal(fixture.tenant.requestsFor('sync')[0].tokenId, seedTokens()[0].id);
    assert.match(ui.of('info')[0].message ?? '', /started syncing the licenses of "Contoso HQ"/);
  });

  it('revokes from the palette after asking which token', async () => {
    const ui = new ScriptedUserInput([{ pick: 'Fabrikam School District' }, { pickMany: [NOTIFY, UNTRACKED] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses'));
    const posts = fixture.tenant.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].tokenId, seedTokens()[7].id);
    assert.equal(posts[0].body, '{"notifyManagedDevices":true,"revokeUntrackedLicenses":true}');
  });

  it("copies a token's id from its item", async () => {
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('intuneVpp.copyTokenId', await nodeLabelled('Contoso Labs'));
    assert.equal(await vscode.env.clipboard.readText(), seedTokens()[2].id);
  });

  it("Copy Revoke Request… on a token item copies the revoke for the tenant's own Graph, and sends nothing", async () => {
    const node = await nodeLabelled('Contoso HQ');
    const hq = seedTokens().find((token) => token.displayName === 'Contoso HQ');
    const ui = new ScriptedUserInput([{ pickMany: ['Revoke untracked licenses'] }, { pick: 'HTTP request' }]);
    fixture.tenant.requests.length = 0;
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.copyRevokeRequest', node));
    assert.equal(
      ui.copied[0],
      [
        `POST ${fixture.tenant.url}/beta/deviceAppManagement/vppTokens/${hq?.id ?? ''}/revokeLicenses`,
        'Content-Type: application/json',
        '',
        '{',
        '  "notifyManagedDevices": false,',
        '  "revokeUntrackedLicenses": true',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(fixture.tenant.requestsFor('revoke'), []);
  });

  it('History lists each write with its outcome; Copy as Graph PowerShell copies it as the cmdlet', async () => {
    const hq = seedTokens()[0];
    const ui = new ScriptedUserInput([{ pickMany: [NOTIFY] }, { confirm: true }]);
    const hqNode = await nodeLabelled('Contoso HQ');
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', hqNode));
    const sync = new ScriptedUserInput([]);
    const labsNode = await nodeLabelled('Contoso Labs');
    await withUi(fixture.api, sync, () => vscode.commands.executeCommand('intuneVpp.syncLicenses', labsNode));
    await vscode.commands.executeCommand('intuneVpp.refreshHistory');
    const history = fixture.api.history;
    /** The entries of the first day the view shows, and their items. */
    const newestDay = async () => {
      const [day] = (await history.getChildren()) ?? [];
      const nodes = (await history.getChildren(day)) ?? [];
      const labels: vscode.TreeItem[] = [];
      for (const node of nodes) {
        labels.push(await history.getTreeItem(node));
      }
      return { nodes, labels };
    };
    const { nodes: entries, labels: items } = await newestDay();
    assert.equal(items[0].label, 'Sync licenses · Contoso Labs');
    assert.equal(items[1].label, 'Revoke licenses · Contoso HQ');
    assert.match(String(items[1].description), /accepted/);
    assert.equal(items[1].contextValue, 'historyEntry');
    const copy = new ScriptedUserInput([]);
    await withUi(fixture.api, copy, () => vscode.commands.executeCommand('intuneVpp.copyHistoryAsPowerShell', entries[1]));
    assert.equal(
      copy.copied[0],
      [
        `# A custom cloud (${fixture.tenant.url}): register it with Add-MgEnvironment, then Connect-MgGraph -Environment <its name>.`,
        `Revoke-MgBetaDeviceAppManagementVppTokenLicense -VppTokenId '${hq.id}' -NotifyManagedDevices`,
      ].join('\n'),
    );
    assert.match(
      copy.of('info')[0]?.message ?? '',
      /Copied "Revoke licenses · Contoso HQ" as Graph PowerShell\. Nothing was sent to Intune\./,
    );
  });

  it('sends nothing when the confirmation is cancelled', async () => {
    const node = await nodeLabelled('Contoso HQ');
    fixture.tenant.requests.length = 0;
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: false }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    assert.equal(fixture.tenant.requestsFor('revoke').length, 0);
    assert.deepEqual(ui.of('error'), []);
  });

  it('shows a 403 as one message naming the permission, with the setup guide and the log', async () => {
    const node = await nodeLabelled('Contoso HQ');
    fixture.tenant.addFault({ route: 'revoke', status: 403 });
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    const errors = ui.of('error');
    assert.equal(errors.length, 1);
    assert.match(errors[0].message ?? '', /DeviceManagementApps\.ReadWrite\.All/);
    assert.deepEqual(errors[0].buttons, ['Open Setup Guide', 'Show Log']);
    assert.equal(fixture.tenant.requestsFor('revoke').length, 1);
  });

  it('a revoke answered 504 after Intune carried it out: one POST, and the accepted outcome as information', async () => {
    const node = await nodeLabelled('Contoso Retail');
    fixture.tenant.addFault({ route: 'revoke', status: 504, afterExecute: true });
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    assert.equal(fixture.tenant.requestsFor('revoke').length, 1);
    assert.deepEqual(ui.of('error'), []);
    assert.match(ui.of('info')[0]?.message ?? '', /^Intune accepted the revoke of the licenses of "Contoso Retail": done/);
  });

  it('a revoke answered 504 that Intune did not carry out: one POST, "not confirmed"; Send Again sends exactly one more after its confirmation', async () => {
    const node = await nodeLabelled('Tailspin Toys');
    fixture.tenant.addFault({ route: 'revoke', status: 504 });
    const executedBefore = fixture.tenant.executed.length;
    const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }, { confirm: true }]);
    // The admin stops watching rather than wait the half minute the reconcile takes.
    ui.onProgressReport = (message, cancel) => {
      if (/answer was lost/.test(message)) {
        cancel();
      }
    };
    ui.errorChoices.push('Send Again');
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
    const [notConfirmed] = ui.of('error');
    assert.match(notConfirmed.message ?? '', /The revoke of the licenses of "Tailspin Toys" is not confirmed/);
    assert.deepEqual(notConfirmed.buttons, ['Check Again', 'Send Again']);
    assert.equal(ui.of('confirm')[1]?.message, 'Send the revoke of the licenses of "Tailspin Toys" again?');
    assert.equal(fixture.tenant.requestsFor('revoke').length, 2);
    assert.equal(fixture.tenant.executed.length - executedBefore, 1);
    assert.match(ui.of('info')[0]?.message ?? '', /^Intune accepted the revoke of the licenses of "Tailspin Toys"/);
  });

  it('a listing redirected to another host: that host receives nothing, and the view says why', async () => {
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    const other = await new SimulatedTenant({ key: keyPem, cert: certPem, ...SUITE_PACE }).start();
    try {
      // Every listing meanwhile (the view's own, if shown, and the one below) is redirected.
      fixture.tenant.addFault({
        route: 'list',
        status: 302,
        headers: { location: `${other.url}/beta/deviceAppManagement/vppTokens` },
        times: 100,
      });
      await vscode.commands.executeCommand('intuneVpp.refresh');
      assert.deepEqual(await items(), []);
      assert.match(
        fixture.api.viewMessage() ?? '',
        new RegExp(`redirect to ${other.url.replace('https://', '').replace(/\./g, '\\.')} \\(302\\)`),
      );
      assert.equal(other.requests.length, 0);
    } finally {
      fixture.tenant.clearFaults();
      await other.stop();
      await vscode.commands.executeCommand('intuneVpp.refresh');
    }
  });

  it("an account without an Intune role (Intune's 401 Forbidden): one message naming the role, no sign-in prompt, no loop", async () => {
    const node = await nodeLabelled('Contoso HQ');
    fixture.tenant.intuneRole = false;
    try {
      fixture.tenant.requests.length = 0;
      await vscode.commands.executeCommand('intuneVpp.refresh');
      assert.deepEqual(await items(), []);
      assert.match(
        fixture.api.viewMessage() ?? '',
        /Intune refused the signed-in account or app \(401 Forbidden\): it needs an Intune license and an Intune role/,
      );
      const ui = new ScriptedUserInput([{ pickMany: [] }, { confirm: true }]);
      await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', node));
      const errors = ui.of('error');
      assert.equal(errors.length, 1);
      assert.match(errors[0].message ?? '', /Signing in again does not change this/);
      assert.deepEqual(errors[0].buttons, ['Open Setup Guide', 'Show Log']);
      assert.equal(fixture.tenant.requestsFor('list').length, 1, 'the listing was asked once, not again with a new token');
      assert.ok(fixture.tenant.requestsFor('token').length <= 1, 'at most one token request');
    } finally {
      fixture.tenant.intuneRole = true;
      await vscode.commands.executeCommand('intuneVpp.refresh');
    }
  });

  it('ignores a workspace setting that tries to redirect Graph', async () => {
    await withWorkspaceSettings({ 'intuneVpp.customCloud.graphEndpoint': 'https://127.0.0.2:9', 'intuneVpp.cloud': 'global' }, async () => {
      assert.equal(vscode.workspace.getConfiguration('intuneVpp').get('customCloud.graphEndpoint'), fixture.tenant.url);
      const tree = await items();
      assert.equal(tree.length, seedTokens().length);
      assert.ok(fixture.tenant.requestsFor('list').length >= 1, 'the configured tenant was asked');
    });
  });

  it("in mode vscode, a workspace that sets VS Code's sovereign-cloud sign-in settings is refused, naming the setting, and nothing is sent", async () => {
    const hostile = {
      'microsoft-sovereign-cloud.environment': 'custom',
      'microsoft-sovereign-cloud.customEnvironment': { activeDirectoryEndpointUrl: 'https://login.evil.example/' },
    };
    await configure({ 'auth.mode': 'vscode' });
    try {
      await withWorkspaceSettings(hostile, async () => {
        fixture.tenant.requests.length = 0;
        const ui = new ScriptedUserInput();
        await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.signIn'));
        assert.match(ui.of('error')[0]?.message ?? '', /This workspace sets VS Code's setting microsoft-sovereign-cloud\.environment/);
        assert.deepEqual(ui.of('error')[0]?.buttons, ['Open Settings', 'Show Log']);
        assert.equal(fixture.tenant.requests.length, 0);
      });
    } finally {
      await configure({ 'auth.mode': 'clientCredentials' });
    }
  });

  it('signs out (forgetting the secret) and back in with a new secret', async () => {
    await withUi(fixture.api, new ScriptedUserInput(), () => vscode.commands.executeCommand('intuneVpp.signOut'));
    fixture.tenant.requests.length = 0;
    assert.deepEqual(await items(), []);
    assert.equal(fixture.tenant.requests.length, 0, 'nothing is sent while signed out');
    const ui = new ScriptedUserInput([{ text: SIM_CLIENT_SECRET }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.setClientSecret'));
    assert.equal((await items()).length, seedTokens().length);
  });

  it('signs in with a device code (the code shown, approved at the tenant), lists the tokens, switches account and signs out', async () => {
    await configure({ 'auth.mode': 'deviceCode' });
    try {
      assert.deepEqual(await items(), [], 'not signed in yet');
      const ui = new ScriptedUserInput();
      ui.onDeviceCode = () => fixture.tenant.approveDeviceCodes();
      await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.signIn'));
      assert.match(ui.of('deviceCode')[0]?.message ?? '', /enter the code SIMC0DE1/);
      assert.equal(ui.of('info')[0]?.message, `Signed in to Intune as ${fixture.tenant.userName}.`);
      fixture.tenant.requests.length = 0;
      assert.equal((await items()).length, seedTokens().length);
      assert.equal(fixture.tenant.requestsFor('devicecode').length, 0, 'the cached sign-in served the listing');

      // Switch Account: a new code, approved by somebody else, replaces the account.
      const switching = new ScriptedUserInput();
      switching.onDeviceCode = () => {
        fixture.tenant.userName = 'helpdesk@fabrikam.example';
        fixture.tenant.approveDeviceCodes();
      };
      await withUi(fixture.api, switching, () => vscode.commands.executeCommand('intuneVpp.switchAccount'));
      assert.equal(switching.of('deviceCode').length, 1);
      assert.equal(switching.of('info')[0]?.message, 'Now signed in to Intune as helpdesk@fabrikam.example.');
      assert.equal(fixture.tenant.requestsFor('devicecode').length, 1);

      // Sign Out: nothing is sent until the next sign-in.
      await withUi(fixture.api, new ScriptedUserInput(), () => vscode.commands.executeCommand('intuneVpp.signOut'));
      fixture.tenant.requests.length = 0;
      assert.deepEqual(await items(), []);
      assert.equal(fixture.tenant.requests.length, 0, 'nothing is sent after Sign Out');
    } finally {
      fixture.tenant.userName = 'admin@contoso.example';
      await configure({ 'auth.mode': 'clientCredentials' });
    }
  });

  it('device code: a verification page off the login host is never shown or opened; a hostile account name reaches the admin as plain text', async () => {
    await configure({ 'auth.mode': 'deviceCode' });
    try {
      fixture.tenant.addFault({
        route: 'devicecode',
        contentType: 'application/json',
        body: JSON.stringify({
          device_code: 'sim-device-code',
          user_code: 'SIMC0DE1',
          verification_uri: 'file:///etc/passwd',
          expires_in: 900,
          interval: 1,
          message: 'Open [the guide](command:workbench.action.terminal.sendSequence?%7B%7D) now',
        }),
      });
      const refused = new ScriptedUserInput();
      await withUi(fixture.api, refused, () => vscode.commands.executeCommand('intuneVpp.signIn'));
      assert.deepEqual(refused.of('deviceCode'), [], 'no prompt, no Copy & Open');
      assert.match(
        refused.of('error')[0]?.message ?? '',
        /The sign-in service asked to open file:\/\/\/etc\/passwd, which is not a sign-in page of 127\.0\.0\.1:\d+\. It was not opened, and the sign-in was stopped\./,
      );
      assert.equal(fixture.tenant.requestsFor('token').length, 0, 'nothing polled for a code nobody saw');

      fixture.tenant.userName = '[Open the setup guide](command:workbench.action.terminal.sendSequence?%7B%7D)\nSigned out.';
      const ui = new ScriptedUserInput();
      ui.onDeviceCode = () => fixture.tenant.approveDeviceCodes();
      await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.signIn'));
      assert.equal(ui.of('deviceCode')[0]?.message, `To sign in, open ${fixture.tenant.url}/devicelogin and enter the code SIMC0DE1.`);
      assert.equal(
        ui.of('info')[0]?.message,
        'Signed in to Intune as [Open the setup guide] (command:workbench.action.terminal.sendSequence?%7B%7D) Signed out..',
        'one line, and no link VS Code would render',
      );
    } finally {
      fixture.tenant.userName = 'admin@contoso.example';
      await withUi(fixture.api, new ScriptedUserInput(), () => vscode.commands.executeCommand('intuneVpp.signOut'));
      await configure({ 'auth.mode': 'clientCredentials' });
    }
  });

  it('signs in app-only with a certificate chosen as PEM files, instead of the secret', async () => {
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    fixture.tenant.clientCertificatePem = certPem;
    const ui = new ScriptedUserInput([{ text: `${keyPem}\n${certPem}` }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.setClientCertificate'));
    assert.match(ui.of('info')[0]?.message ?? '', /The certificate [0-9A-F]{64} of the app .* was stored/);
    fixture.tenant.requests.length = 0;
    assert.equal((await items()).length, seedTokens().length);
    const form = new URLSearchParams(fixture.tenant.requestsFor('token')[0]?.body ?? '');
    assert.equal(form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(form.get('client_secret'), null);
  });

  it('shows a configuration problem instead of calling anything', async () => {
    const endpoint = fixture.tenant.url;
    await configure({ 'customCloud.graphEndpoint': 'http://127.0.0.1:1' });
    try {
      fixture.tenant.requests.length = 0;
      assert.deepEqual(await items(), []);
      // No answer is scripted: the error comes before any prompt, and a prompt would fail the test.
      const ui = new ScriptedUserInput();
      await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses'));
      assert.match(ui.of('error')[0].message ?? '', /must be an https address/);
      assert.deepEqual(ui.of('error')[0].buttons, ['Open Settings', 'Show Log']);
      assert.equal(fixture.tenant.requests.length, 0);
    } finally {
      await configure({ 'customCloud.graphEndpoint': endpoint });
    }
  });
});
