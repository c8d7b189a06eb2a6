import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { seedLocation, seedTokens, vppTokenFile } from '../simulatedTenant/seed';
import { Answer, ScriptedUserInput } from '../support/scriptedUserInput';
import { waitUntil } from '../support/waitUntil';
import { Fixture, labelOf, useSuiteFixture, withUi } from './fixture';

const TOKENS = '/beta/deviceAppManagement/vppTokens';

function tokenFile(location: string, orgName = 'Contoso Ltd', expDate = '2027-11-29T12:00:00+0000'): Answer {
  const text = vppTokenFile({ location, orgName, expDate });
  return { file: { name: `${location}.vpptoken`, size: text.length, text } };
}

describe('The life of a VPP token in a real VS Code', () => {
  let fixture: Fixture;

  useSuiteFixture((got) => (fixture = got), { restoreSeed: true });

  async function children(node?: unknown): Promise<{ node: unknown; item: vscode.TreeItem }[]> {
    const nodes = ((await fixture.api.tree.getChildren(node as never)) ?? []) as unknown[];
    return Promise.all(nodes.map(async (child) => ({ node: child, item: await fixture.api.tree.getTreeItem(child as never) })));
  }

  async function token(label: string) {
    const found = (await children()).find((child) => labelOf(child.item) === label);
    assert.ok(found, `no token labelled ${label}`);
    return found;
  }

  /** The writes the tenant received: a JSON batch (a POST of reads, such as the apps' assignments) is none. */
  function writes(): string[] {
    return fixture.tenant.requests
      .filter((request) => request.method !== 'GET' && request.route !== 'batch' && request.url.startsWith('/beta/'))
      .map((request) => `${request.method} ${request.url}`);
  }

  it('Add VPP Token… from the palette posts the token once and the tree shows it', async () => {
    const ui = new ScriptedUserInput([
      tokenFile('Berlin'),
      { pick: 'Apple Business Manager' },
      { text: 'Berlin office' },
      { text: 'vpp-berlin@contoso.example' },
      { pick: 'Germany' },
      { pick: 'Update apps automatically' },
      { pick: 'I agree' },
      { confirm: true },
    ]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.addToken'));
    assert.deepEqual(writes(), [`POST ${TOKENS}`]);
    const body = JSON.parse(fixture.tenant.requestsFor('create')[0].body) as Record<string, unknown>;
    assert.equal(body.appleId, 'vpp-berlin@contoso.example');
    assert.equal(body.countryOrRegion, 'de');
    assert.match(ui.of('info')[0].message ?? '', /Added the VPP token "Berlin office"/);
    const added = await token('Berlin office');
    assert.match(String(added.item.description), /^valid · expires/);
  });

  it('Renew Token… on an expired token uploads the new file, syncs, and the row is valid again', async () => {
    const labs = await token('Contoso Labs');
    assert.match(String(labs.item.description), /^expired/);
    const ui = new ScriptedUserInput([tokenFile(seedLocation(3)), { confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.renewToken', labs.node));
    const id = seedTokens()[2].id;
    assert.deepEqual(writes(), [`PATCH ${TOKENS}/${id}`, `POST ${TOKENS}/${id}/syncLicenses`]);
    assert.deepEqual(Object.keys(JSON.parse(fixture.tenant.requestsFor('update')[0].body) as object), ['token']);
    assert.match(ui.of('info')[0].message ?? '', /Renewed the VPP token "Contoso Labs": it expires on November 29, 2027/);
    assert.match(String((await token('Contoso Labs')).item.description), /^valid · expires/);
  });

  it('Renew Token… from the palette asks for the token first', async () => {
    const ui = new ScriptedUserInput([{ pick: 'Contoso Retail' }, tokenFile(seedLocation(2)), { confirm: false }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.renewToken'));
    assert.equal(ui.of('confirm')[0].message, 'Renew the VPP token "Contoso Retail" until November 29, 2027?');
    assert.deepEqual(writes(), []);
  });

  it('Edit Token Settings… sends only the changed name, and the tree shows it', async () => {
    const hq = await token('Contoso HQ');
    const ui = new ScriptedUserInput([
      { text: 'Contoso HQ Seattle' },
      { text: seedTokens()[0].appleId ?? '' },
      { pick: 'United States' },
      { pick: 'Update apps automatically' },
      { confirm: true },
    ]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.editToken', hq.node));
    assert.deepEqual(JSON.parse(fixture.tenant.requestsFor('update')[0].body), { displayName: 'Contoso HQ Seattle' });
    await waitUntil(
      () => fixture.tenant.tokens.get(seedTokens()[0].id)?.displayName === 'Contoso HQ Seattle',
      'the tenant to hold the new name',
    );
    assert.ok((await children()).some((child) => labelOf(child.item) === 'Contoso HQ Seattle'));
  });

  it('Delete Token… of a token without used licenses deletes it once, and it leaves the tree', async () => {
    const neverSynced = await token('Never synced');
    const ui = new ScriptedUserInput([{ confirm: true }]);
    await withUi(fixture.api, ui, () => vscode.commands.executeCommand('intuneVpp.deleteToken', neverSynced.node));
    assert.deepEqual(writes(), [`DELETE ${TOKENS}/${seedTokens()[14].id}`]);
    assert.equal(
      (await children()).some((child) => labelOf(child.item) === 'Never synced'),
      false,
    );
  });

  it('Revoke App Licenses… on an iOS app, and Revoke This License… on one of its licenses, each post once', async () => {
    const hq = await token('Contoso HQ');
    const [apps] = await children(hq.node);
    const appNodes = await children(apps.node);
    const teams = appNodes.find((child) => labelOf(child.item) === 'Microsoft Teams');
    assert.ok(teams);
    assert.equal(teams.item.contextValue, 'vppApp platform-iOS');
    assert.equal(teams.item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    const licenses = await children(teams.node);
    assert.equal(licenses.length, 5);
    assert.deepEqual(
      licenses.slice(0, 2).map((child) => [labelOf(child.item), child.item.contextValue]),
      [
        ['student1@contoso.example', 'vppAppLicense user'],
        ['iPad 2', 'vppAppLicense device'],
      ],
    );
    const one = new ScriptedUserInput([{ pick: 'Notify devices' }, { confirm: true }]);
    await withUi(fixture.api, one, () => vscode.commands.executeCommand('intuneVpp.revokeAppLicense', licenses[1].node));
    const all = new ScriptedUserInput([{ pick: 'Do not notify devices' }, { confirm: true }]);
    await withUi(fixture.api, all, () => vscode.commands.executeCommand('intuneVpp.revokeAppLicenses', teams.node));
    assert.deepEqual(
      writes(),
      [
        '/beta/deviceAppManagement/mobileApps/app-0-0/microsoft.graph.iosVppApp/revokeDeviceLicense',
        '/beta/deviceAppManagement/mobileApps/app-0-0/microsoft.graph.iosVppApp/revokeAllLicenses',
      ].map((path) => `POST ${path}`),
    );
    assert.deepEqual(JSON.parse(fixture.tenant.requestsFor('appDeviceRevoke')[0].body), {
      managedDeviceId: 'device-app-0-0-1',
      notifyManagedDevices: true,
    });
    assert.deepEqual(JSON.parse(fixture.tenant.requestsFor('appRevoke')[0].body), { notifyManagedDevices: false });
    assert.match(all.of('info')[0].message ?? '', /the revoke of the licenses of "Microsoft Teams": done · 4 licenses/);
  });

  it('the expiry check alerts once about the expired and expiring tokens', async () => {
    const ui = new ScriptedUserInput();
    await withUi(fixture.api, ui, async () => {
      await fixture.api.checkExpiry();
      await waitUntil(() => ui.of('warning').length === 1, 'the expiry alert');
      await fixture.api.checkExpiry();
    });
    assert.equal(ui.of('warning').length, 1, 'not twice in a day');
    assert.match(
      ui.of('warning')[0].message ?? '',
      /^2 VPP tokens need renewal: Contoso Labs: expired 3 days ago; Contoso Retail: expires in 1[12] days\.$/,
    );
  });
});
