import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TreeNode } from '../../src/tree/treeNodes';
import { ensureTestCertificates } from '../simulatedTenant/certificates';
import { seedTokens } from '../simulatedTenant/seed';
import { SUITE_PACE, SimulatedTenant, SIM_CLIENT_ID, SIM_CLIENT_SECRET } from '../simulatedTenant/server';
import { SimulatedFront } from '../simulatedTenant/front';
import { CERT_DIR } from '../paths';
import { ScriptedUserInput } from '../support/scriptedUserInput';
import { configure, Fixture, labelOf, useFixture, withUi } from './fixture';

/** Nineteen more simulated tenants, beside the fixture's: twenty in the view. */
const MORE = 19;
const BOUND = 4;

describe('twenty tenants in one view of a real VS Code', () => {
  let fixture: Fixture;
  const probe = { active: 0, most: 0 };
  const more: SimulatedTenant[] = [];
  let front: SimulatedFront;

  before(async () => {
    fixture = await useFixture();
    fixture.tenant.restoreSeed();
    const { keyPem, certPem } = ensureTestCertificates(CERT_DIR);
    for (let index = 0; index < MORE; index++) {
      const tenantId = `00000000-0000-4000-8000-${String(index + 2).padStart(12, '0')}`;
      // Each listing takes three pages of 100 ms, so tenants listed together overlap.
      more.push(new SimulatedTenant({ key: keyPem, cert: certPem, tenantId, ...SUITE_PACE, latencyMs: 100, listingProbe: probe }));
    }
    // One login and Graph host for all of them, as Microsoft's: the app's credential is shared per login origin.
    front = await new SimulatedFront(more, { key: keyPem, cert: certPem }).start();
    await configure({
      maxConcurrentTenants: BOUND,
      additionalTenants: more.map((tenant, index) => ({
        label: `Customer ${String(index + 2).padStart(2, '0')}`,
        cloud: 'custom',
        graphEndpoint: front.url,
        loginEndpoint: front.url,
        authMode: 'clientCredentials',
        clientId: SIM_CLIENT_ID,
        tenantId: tenant.tenantId,
        // One multi-tenant app: its secret is stored once for all of them.
        sharedCredential: true,
      })),
    });
  });

  after(async () => {
    await configure({ additionalTenants: undefined, maxConcurrentTenants: undefined });
    await front.stop();
  });

  async function roots(): Promise<{ node: TreeNode; item: vscode.TreeItem }[]> {
    const nodes = (await fixture.api.tree.getChildren()) ?? [];
    return Promise.all(nodes.map(async (node) => ({ node, item: await fixture.api.tree.getTreeItem(node) })));
  }

  it('lists at most the bound at a time, each root shows its count, and Needs Attention gathers every tenant', async () => {
    const first = await roots();
    assert.equal(first.length, MORE + 2, 'Needs Attention, then the twenty tenants, at once');
    assert.equal(labelOf(first[0].item).startsWith('Needs Attention'), true);
    // The nineteen share their app's credential: it is given once, on one of them.
    assert.ok(first.slice(2).every((root) => root.item.contextValue?.endsWith(' sharedCredential')));
    assert.equal(first[1].item.contextValue?.includes('sharedCredential'), false, "the fixture's tenant keeps its own");
    await withUi(fixture.api, new ScriptedUserInput([{ text: SIM_CLIENT_SECRET }]), () =>
      vscode.commands.executeCommand('intuneVpp.setClientSecret', first[2].node),
    );
    probe.most = 0;
    await vscode.commands.executeCommand('intuneVpp.refresh');
    const loaded = await roots();
    // A root's children wait for its own listing.
    await Promise.all(loaded.slice(1).map((root) => Promise.resolve(fixture.api.tree.getChildren(root.node))));
    // Read again without listing again: a new listing of the whole view would start from "loading…".
    const after = await Promise.all(loaded.map(async (root) => ({ node: root.node, item: await fixture.api.tree.getTreeItem(root.node) })));
    assert.deepEqual(
      after
        .slice(1)
        .filter((root) => !/ · 15 tokens$/.test(String(root.item.description)))
        .map((root) => labelOf(root.item)),
      [],
      'every root shows who is signed in and its token count',
    );
    assert.ok(probe.most <= BOUND, `at most ${BOUND} tenants listed at once, saw ${probe.most}`);
    assert.ok(probe.most >= 2, `tenants are listed concurrently, saw ${probe.most}`);
    assert.ok(
      more.every((tenant) => tenant.requestsFor('list').length >= 3),
      'every tenant was listed, every page',
    );

    const attention = await fixture.api.tree.getTreeItem(after[0].node);
    const perTenant = seedTokens().filter((token) =>
      ['Contoso Retail', 'Contoso Labs', 'Old MDM token', 'Revoked Apple account'].includes(token.displayName ?? ''),
    ).length;
    assert.equal(labelOf(attention), `Needs Attention (${perTenant * (MORE + 1)})`);
    const listed = await Promise.all(
      ((await fixture.api.tree.getChildren(after[0].node)) ?? []).map((node) => Promise.resolve(fixture.api.tree.getTreeItem(node))),
    );
    assert.equal(listed.length, perTenant * (MORE + 1));
    assert.ok(
      listed.some(
        (item) => labelOf(item) === 'Contoso Labs' && String(item.description) === 'Customer 07 · expired 3 days ago · last sync failed',
      ),
    );
    assert.equal(new Set(listed.map((item) => item.id)).size, listed.length, 'each has its own id');
    assert.ok(
      listed.every((item) => item.contextValue?.startsWith('vppToken')),
      'the token commands work on them',
    );

    // Removing one of them keeps the credential the others still use: no second question, and they still sign in.
    const removal = new ScriptedUserInput([{ confirm: true }]);
    await withUi(fixture.api, removal, () => vscode.commands.executeCommand('intuneVpp.removeTenant', after[after.length - 1].node));
    assert.match(removal.of('confirm')[0].detail ?? '', /The app credential it shares stays: 18 other tenants use it/);
    const remaining = await roots();
    assert.equal(remaining.length, MORE + 1);
    await Promise.all(remaining.slice(1).map((root) => Promise.resolve(fixture.api.tree.getChildren(root.node))));
    const relisted = await Promise.all(remaining.map(async (root) => fixture.api.tree.getTreeItem(root.node)));
    assert.deepEqual(
      relisted
        .slice(1)
        .filter((item) => !/ · 15 tokens$/.test(String(item.description)))
        .map((item) => labelOf(item)),
      [],
      'the other tenants still sign in with the shared credential',
    );
  });

  it('chat: the token list spans every tenant, read at most the bound at a time; a revoke must name its tenant', async () => {
    probe.most = 0;
    const result = await vscode.lm.invokeTool('intuneVpp_listTokens', { input: { state: 'expired' }, toolInvocationToken: undefined });
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    // The fixture's tenant and the eighteen left after the removal above, each with one expired token.
    assert.equal(text.split('\n').filter((line) => /^Tenant ".+": 1 of 15 tokens match\.$/.test(line)).length, MORE);
    assert.equal(text.split('\n').filter((line) => line.includes('| "Contoso Labs" |')).length, MORE);
    assert.ok(probe.most <= BOUND, `at most ${BOUND} tenants read at once, saw ${probe.most}`);
    await assert.rejects(
      Promise.resolve(
        vscode.lm.invokeTool('intuneVpp_revokeLicenses', {
          input: { tokenId: seedTokens()[2].id, notifyManagedDevices: false },
          toolInvocationToken: undefined,
        }),
      ),
      /Several tenants are configured: give "tenant", one of /,
    );
    assert.ok(more.every((tenant) => tenant.requestsFor('revoke').length === 0));
  });
});
