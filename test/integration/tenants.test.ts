import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/tree/treeNodes';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { seedTokens } from '../simulatedTenant/seed';
import { SUITE_PACE, SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET, SIM_TENANT_ID } from '../simulatedTenant/server';
import { CERT_DIR } from '../paths';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';
import { configure, Fixture, labelOf, useFixture, withUi } from './fixture';

const SECOND_TENANT_ID = '22222222-3333-4444-5555-666666666666';
const SECOND_SECRET = 'second-tenant-secret-do-not-log';

/** Two simulated tenants in one view: the fixture's as the settings' tenant, a second one added beside it. */
describe('several tenants in one view of a real VS Code', () => {
  let fixture: Fixture;
  let second: SimulatedTenant;

  before(async () => {
    fixture = await useFixture();
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    second = await new SimulatedTenant({
      key: keyPem,
      cert: certPem,
      tenantId: SECOND_TENANT_ID,
      clientSecret: SECOND_SECRET,
      ...SUITE_PACE,
    }).start();
  });
  after(async () => {
    await configure({ additionalTenants: undefined });
    await second.stop();
  });
  beforeEach(() => {
    fixture.tenant.requests.length = 0;
    second.requests.length = 0;
  });

  function secondEntry() {
    return {
      label: 'Fabrikam',
      cloud: 'custom',
      graphEndpoint: second.url,
      loginEndpoint: second.url,
      authMode: 'clientCredentials',
      clientId: SIM_CLIENT_ID,
      tenantId: SECOND_TENANT_ID,
    };
  }

  async function childrenOf(node?: TreeNode): Promise<{ node: TreeNode; item: vscode.TreeItem }[]> {
    const nodes = (await fixture.api.tree.getChildren(node)) ?? [];
    return Promise.all(
      nodes.map(async (child) => {
        const item = await fixture.api.tree.getTreeItem(child);
        if (!item.contextValue?.startsWith('vppTenant ')) {
          return { node: child, item };
        }
        // A tenant's root shows who is signed in once its own listing is done, which its children wait for.
        await fixture.api.tree.getChildren(child);
        return { node: child, item: await fixture.api.tree.getTreeItem(child) };
      }),
    );
  }

  /** The tenants' roots, without Needs Attention (the first root while there are several). */
  async function tenantRoots() {
    return (await childrenOf()).filter((entry) => entry.item.contextValue?.startsWith('vppTenant '));
  }

  async function root(label: string) {
    const found = (await childrenOf()).find((entry) => entry.item.label === label);
    assert.ok(found, `no tenant labelled ${label}`);
    return found;
  }

  it('Add Tenant… writes the tenant to the user settings and the view shows both tenants as roots', async () => {
    const ui = new ScriptedUserInput([
      { text: 'Fabrikam' },
      { pick: 'Custom endpoints' },
      { text: second.url },
      { text: second.url },
      { pick: 'App-only (client credentials)' },
      { text: SIM_CLIENT_ID },
      { text: SECOND_TENANT_ID },
    ]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.addTenant'));
    assert.deepEqual(vscode.workspace.getConfiguration('intuneVpp').inspect('additionalTenants')?.globalValue, [secondEntry()]);
    assert.match(ui.of('info')[0]?.message ?? '', /Added the tenant "Fabrikam"/);

    const roots = await tenantRoots();
    assert.deepEqual(
      roots.map((entry) => entry.item.label),
      [fixture.tenant.tenantId, 'Fabrikam'],
    );
    assert.equal(roots[0].item.description, `app ${SIM_CLIENT_ID} · 15 tokens`, 'who is signed in to the first tenant');
    assert.equal(roots[1].item.description, 'needs a client secret or certificate');
    assert.equal(roots[1].item.contextValue, 'vppTenant mode-clientCredentials signedOut');
    assert.equal((await childrenOf(roots[0].node)).length, seedTokens().length);
    assert.equal(second.requestsFor('list').length, 0, 'nothing is sent to a tenant without a credential');
  });

  it('Import Tenants… shows, before anything is added, where each imported tenant signs in, and refuses a forged label', async () => {
    const app = SIM_CLIENT_ID;
    const file = [
      'label,tenantId,clientId,cloud,authMode,graphEndpoint,loginEndpoint,sharedCredential',
      `Partner,partner.example.com,${app},custom,clientCredentials,https://graph.attacker.example,https://login.attacker.example,true`,
      `"Forged\nNot added (0):",forged.example.com,${app},global,vscode,,,`,
    ].join('\r\n');
    const ui = new ScriptedUserInput([{ file: { name: 'from-a-colleague.csv', size: file.length, text: file } }, { confirm: false }]);
    const before = vscode.workspace.getConfiguration('intuneVpp').get('additionalTenants');
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.importTenants'));
    const [confirm] = ui.of('confirm');
    assert.equal(confirm?.message, 'Add 1 tenant from "from-a-colleague.csv"?');
    assert.deepEqual(confirm?.detail?.split('\n'), [
      'To add (1):',
      `• "Partner" · custom · clientCredentials · client ${app} · tenant partner.example.com`,
      '  ⚠ Custom cloud: signs in at login.attacker.example and reads Graph at graph.attacker.example. Add it only if you know these servers.',
      `  ⚠ Uses the client secret or certificate stored for the app ${app}, shared with its other tenants.`,
      '',
      'Not added (1):',
      'Row 3 (Forged Not added (0):): The name holds a line break, a control character or an invisible one: type it again without them.',
    ]);
    assert.deepEqual(vscode.workspace.getConfiguration('intuneVpp').get('additionalTenants'), before, 'declined: nothing written');
  });

  it('the second tenant\'s "set the secret" item asks for its secret only, and then lists its own tokens', async () => {
    const fabrikam = await root('Fabrikam');
    const [message] = await childrenOf(fabrikam.node);
    assert.equal(message.item.label, "Set the app's client secret or certificate to sign in.");
    const command = message.item.command;
    assert.ok(command);
    const ui = new ScriptedUserInput([{ text: SECOND_SECRET }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand(command.command, ...((command.arguments ?? []) as unknown[])));
    assert.equal(ui.of('inputSecret').length, 1, 'no tenant was asked for: the item named it');

    const roots = await tenantRoots();
    assert.equal(roots[1].item.description, `app ${SIM_CLIENT_ID} · 15 tokens`);
    assert.equal(roots[1].item.contextValue, 'vppTenant mode-clientCredentials signedIn');
    const tokens = await childrenOf(roots[1].node);
    assert.equal(tokens.length, seedTokens().length);
    const form = new URLSearchParams(second.requestsFor('token')[0]?.body ?? '');
    assert.equal(form.get('client_secret'), SECOND_SECRET);
    assert.match(second.requestsFor('list')[0]?.headers.authorization ?? '', /^Bearer sim-at-/);
    const ids = [...(await childrenOf(roots[0].node)), ...tokens].map((entry) => entry.item.id);
    assert.equal(new Set(ids).size, ids.length, 'the same token id in two tenants is two tree items');
  });

  it("a revoke on the second tenant's token reaches only the second tenant, and its confirmation names it", async () => {
    const fabrikam = await root('Fabrikam');
    const hq = (await childrenOf(fabrikam.node)).find((entry) => entry.item.label === 'Contoso HQ');
    assert.ok(hq);
    fixture.tenant.requests.length = 0;
    second.requests.length = 0;
    const ui = new ScriptedUserInput([{ pickMany: ['Notify managed devices'] }, { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', hq.node, [hq.node]));
    assert.equal(ui.of('confirm')[0]?.detail?.split('\n')[0], 'Tenant: Fabrikam');
    const posts = second.requestsFor('revoke');
    assert.equal(posts.length, 1);
    assert.equal(posts[0].url, `/beta/deviceAppManagement/vppTokens/${seedTokens()[0].id}/revokeLicenses`);
    assert.equal(posts[0].body, JSON.stringify({ notifyManagedDevices: true, revokeUntrackedLicenses: false }));
    assert.equal(fixture.tenant.requestsFor('revoke').length, 0, 'the first tenant received no revoke');
    assert.deepEqual(ui.of('error'), []);
  });

  it("Export License Report… for all tenants writes every tenant's tokens and apps as JSON", async () => {
    const ui = new ScriptedUserInput([{ pick: 'All tenants (2)' }, { text: 'licenses.json' }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.exportReport'));
    const report = JSON.parse(ui.written.get('licenses.json') ?? '{}') as { tenants?: { tenant: string; tokens: { apps: unknown[] }[] }[] };
    assert.deepEqual(
      report.tenants?.map((entry) => [entry.tenant, entry.tokens.length]),
      [
        [fixture.tenant.tenantId, seedTokens().length],
        ['Fabrikam', seedTokens().length],
      ],
    );
    assert.ok(second.requestsFor('apps').length > 0 && fixture.tenant.requestsFor('apps').length > 0);
    assert.match(ui.of('info')[0]?.message ?? '', /Wrote the license report of 30 VPP tokens to licenses\.json\./);
  });

  it('from the palette a token command asks for the tenant, showing who is signed in, then the token', async () => {
    const ui = new ScriptedUserInput([{ pick: 'Fabrikam' }, { pick: 'Contoso Retail' }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.syncLicenses'));
    const [tenantPick, tokenPick] = ui.of('pickOne');
    assert.deepEqual(
      tenantPick.items?.map((item) => [item.label, item.description]),
      [
        [fixture.tenant.tenantId, `app ${SIM_CLIENT_ID}`],
        ['Fabrikam', `app ${SIM_CLIENT_ID}`],
      ],
    );
    assert.ok(tokenPick.items?.some((item) => item.label === 'Contoso Retail'));
    assert.equal(second.requestsFor('sync').length, 1);
    assert.equal(fixture.tenant.requestsFor('sync').length, 0);
    assert.equal(fixture.tenant.requestsFor('list').length, 0, 'only the chosen tenant was listed');
  });

  it('a tenant that does not answer holds up neither the roots nor the other tenant, and then says why', async () => {
    second.addFault({ route: 'list', hang: true });
    const all = (await fixture.api.tree.getChildren()) ?? [];
    assert.equal(all.length, 3, 'the roots come at once: Needs Attention and the two tenants');
    const roots = all.slice(1);
    assert.equal((await fixture.api.tree.getTreeItem(roots[1])).description, 'loading…');
    const hanging = Promise.resolve(fixture.api.tree.getChildren(roots[1]));
    const first = await Promise.race([fixture.api.tree.getChildren(roots[0]), hanging.then(() => 'the hanging tenant answered first')]);
    assert.ok(Array.isArray(first), JSON.stringify(first));
    assert.equal(first.length, seedTokens().length);
    const [message] = (await hanging) ?? [];
    const messageItem = await fixture.api.tree.getTreeItem(message);
    assert.match(labelOf(messageItem), /did not answer within 5 seconds/);
    assert.equal((await fixture.api.tree.getTreeItem(roots[1])).description, 'could not load');

    // Its message offers Refresh for that tenant alone.
    second.clearFaults();
    fixture.tenant.requests.length = 0;
    second.requests.length = 0;
    const refresh = messageItem.command;
    assert.equal(refresh?.command, 'intuneVpp.refresh');
    await vscode.commands.executeCommand(refresh.command, ...((refresh.arguments ?? []) as unknown[]));
    assert.equal(second.requestsFor('list').length >= 1, true, 'the tenant was listed again');
    assert.equal(fixture.tenant.requestsFor('list').length, 0, 'the other tenant was not');
    assert.equal(
      (await childrenOf()).find((entry) => entry.item.label === 'Fabrikam')?.item.description,
      `app ${SIM_CLIENT_ID} · 15 tokens`,
    );
  });

  it("a listing in flight when the tenant's secret is stored again is stopped, and the view lists with the new one", async () => {
    const fabrikam = await root('Fabrikam');
    second.requests.length = 0;
    second.addFault({ route: 'list', hang: true });
    const refreshing = vscode.commands.executeCommand('intuneVpp.refresh', fabrikam.node);
    await waitUntil(() => second.requestsFor('list').length === 1, 'the refresh reached the tenant');

    await withUi(fixture.api, new ScriptedUserInput([{ text: SECOND_SECRET }]), () =>
      vscode.commands.executeCommand('intuneVpp.setClientSecret', fabrikam.node),
    );
    // Joining the hanging listing would show "did not answer" after 5 seconds instead of the tokens.
    const tokens = await childrenOf(fabrikam.node);
    assert.equal(tokens.length, seedTokens().length);
    const listings = second.requestsFor('list').filter((request) => !request.url.includes('$skiptoken'));
    assert.deepEqual(
      listings.map((request) => request.status),
      [undefined, 200],
      'one listing under the old credentials, left unanswered, and one under the new',
    );
    await refreshing;
  });

  it('a selection across both tenants is refused with a message and sends nothing', async () => {
    const roots = await tenantRoots();
    const first = (await childrenOf(roots[0].node))[0].node;
    const other = (await childrenOf(roots[1].node))[0].node;
    const ui = new ScriptedUserInput();
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.revokeLicenses', first, [first, other]));
    assert.match(ui.of('info')[0]?.message ?? '', /spans several tenants/);
    assert.equal(fixture.tenant.requestsFor('revoke').length + second.requestsFor('revoke').length, 0);
  });

  it('signing out of one tenant leaves the other signed in', async () => {
    const fabrikam = await root('Fabrikam');
    const ui = new ScriptedUserInput();
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.signOut', fabrikam.node));
    assert.equal(ui.of('info')[0]?.message, 'Signed out of the tenant "Fabrikam".');
    const roots = await tenantRoots();
    assert.equal(roots[1].item.description, 'needs a client secret or certificate');
    assert.equal(roots[0].item.description, `app ${SIM_CLIENT_ID} · 15 tokens`);
    assert.equal((await childrenOf(roots[0].node)).length, seedTokens().length);
  });

  it('Remove Tenant… after its confirmation removes the tenant and its stored secret; one tenant is a flat list again', async () => {
    const fabrikam = await root('Fabrikam');
    await withUi(fixture.api, new ScriptedUserInput([{ text: SECOND_SECRET }]), () =>
      vscode.commands.executeCommand('intuneVpp.setClientSecret', fabrikam.node),
    );
    assert.equal((await root('Fabrikam')).item.description, `app ${SIM_CLIENT_ID} · 15 tokens`);
    const declined = new ScriptedUserInput([{ confirm: false }]);
    await withUi(fixture.api, declined, () => vscode.commands.executeCommand('intuneVpp.removeTenant', fabrikam.node));
    assert.equal(vscode.workspace.getConfiguration('intuneVpp').inspect<unknown[]>('additionalTenants')?.globalValue?.length, 1);

    const ui = new ScriptedUserInput([{ confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.removeTenant', fabrikam.node));
    assert.equal(vscode.workspace.getConfiguration('intuneVpp').inspect('additionalTenants')?.globalValue, undefined);
    const flat = await childrenOf();
    assert.equal(flat.length, seedTokens().length);
    assert.ok(flat.some((entry) => entry.item.label === 'Contoso HQ' && entry.item.contextValue?.startsWith('vppToken')));

    await configure({ additionalTenants: [secondEntry()] });
    second.requests.length = 0;
    assert.equal(
      (await root('Fabrikam')).item.description,
      'needs a client secret or certificate',
      'the secret was deleted with the tenant',
    );
    assert.equal(second.requests.length, 0);
  });

  it('two entries with the same login host, tenant and app keep their own secrets; removing one leaves the other signed in', async () => {
    // The same simulated tenant reached as localhost: another Graph origin, the same login host, tenant and app.
    const twin = {
      label: 'Contoso twin',
      cloud: 'custom',
      graphEndpoint: fixture.tenant.url.replace('127.0.0.1', 'localhost'),
      loginEndpoint: fixture.tenant.url,
      authMode: 'clientCredentials',
      clientId: SIM_CLIENT_ID,
      tenantId: SIM_TENANT_ID,
    };
    await configure({ additionalTenants: [twin] });
    try {
      const before = await root('Contoso twin');
      assert.equal(before.item.description, 'needs a client secret or certificate', "the other entry's secret is not shared");
      fixture.tenant.requests.length = 0;
      await withUi(fixture.api, new ScriptedUserInput([{ text: SIM_CLIENT_SECRET }]), () =>
        vscode.commands.executeCommand('intuneVpp.setClientSecret', before.node),
      );
      const twinRoot = await root('Contoso twin');
      // Its own secret now signs it in (the simulated login then refuses the localhost scope, which is beside the point).
      assert.notEqual(twinRoot.item.description, 'needs a client secret or certificate');
      const twinSignIn = fixture.tenant.requestsFor('token').map((request) => new URLSearchParams(request.body));
      assert.ok(
        twinSignIn.some(
          (form) => form.get('client_secret') === SIM_CLIENT_SECRET && form.get('scope') === `${twin.graphEndpoint}/.default`,
        ),
      );
      await withUi(fixture.api, new ScriptedUserInput([{ confirm: true }]), () =>
        vscode.commands.executeCommand('intuneVpp.removeTenant', twinRoot.node),
      );
      const flat = await childrenOf();
      assert.equal(flat.length, seedTokens().length, "the settings' tenant still signs in with its own secret");
    } finally {
      await configure({ additionalTenants: undefined });
    }
  });
});
